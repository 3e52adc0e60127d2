"""The home page and the informational pages."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..models import markup
from ..security import Permissions
from ..services import home as home_service
from ..services import pages, retention
from .display import counted, excerpt, territory
from .facets import search_url
from .map_stats import overview

#: vocabularies offered as entry points on the home page
ENTRY_POINTS = {
    "thematiques": "Par thématique",
    "publics": "Par public visé",
}
SHOWN = 3


def plural(count: int, singular: str, plural_form: str) -> str:
    """The words that follow a number: singular for 0 and 1, as French has it."""
    return plural_form if count > 1 else singular


def _key_figures(request, result) -> list[dict]:
    """The counts of the home page, each linking to what it counts."""
    niveaux = result.facets.get("niveau", {})
    practices, fiches = niveaux.get("1", 0), niveaux.get("2", 0)
    departements = sum(1 for count in result.facets.get("departements", {}).values() if count)
    favourites = result.facets.get("coup_de_coeur", {}).get("true", 0)
    figures = [
        ("pratiques", practices,
         plural(practices, "pratique inspirante publiée", "pratiques inspirantes publiées"),
         search_url(request, [("niveau", "1")])),
        ("fiches", fiches,
         plural(fiches, "fiche dispositif de l'ONPE", "fiches dispositifs de l'ONPE"),
         search_url(request, [("niveau", "2")])),
        ("departements", departements,
         plural(departements, "département couvert", "départements couverts"),
         request.route_url("catalogue.map")),
        ("coups-de-coeur", favourites,
         plural(favourites, "coup de cœur du comité", "coups de cœur du comité"),
         search_url(request, [("coup_de_coeur", "true")])),
    ]
    return [
        {"id": f"chiffre-{name}", "number": number, "label": label, "url": url}
        for name, number, label, url in figures
        if number or name != "fiches"  # the fiches' figure shows once there are some
    ]


def _entry_points(request, result) -> list[dict]:
    """For each vocabulary, its terms that have practices, with their count and search link."""
    groups = []
    for field, title in ENTRY_POINTS.items():
        counts = result.facets.get(field, {})
        entries = [
            {"label": term.label, "count": counts[term.code],
             "detail": counted(counts[term.code], "pratique"),
             "url": search_url(request, [(field, term.code)])}
            for term in request.references.terms.get(field, [])
            if term.active and term.code != "autre" and counts.get(term.code)
        ]
        if entries:
            groups.append({"name": field, "title": title, "entries": entries})
    return groups


def _showcases(request, lists) -> list[dict]:
    """The home page's lists of cards; a list with nothing to show is left out, except the
    latest practices, which say that none is published yet."""
    showcases = [
        {"id": "coups-de-coeur", "title": "Les coups de cœur du comité",
         "intro": "Le comité de sélection distingue les pratiques qui ont particulièrement attiré "
                  "son attention par leur pertinence, leur originalité ou leur efficacité.",
         "practices": lists["coups_de_coeur"], "more": "Voir tous les coups de cœur du comité",
         "params": [("coup_de_coeur", "true")]},
        {"id": "dernieres-pratiques", "title": "Dernières pratiques publiées", "intro": None,
         "practices": lists["pratiques"], "more": "Voir toutes les pratiques",
         "params": [("niveau", "1")],
         "empty": "Aucune pratique n'est encore publiée : les premières le seront une semaine "
                  "après la prochaine séance du comité de sélection."},
        {"id": "dernieres-fiches", "title": "Dernières fiches dispositifs de l'ONPE",
         "intro": "Des fiches complètes et étayées, rédigées par l'Observatoire national de la "
                  "protection de l'enfance avec les acteurs des projets.",
         "practices": lists["fiches"], "more": "Voir toutes les fiches dispositifs",
         "params": [("niveau", "2")]},
    ]
    return [
        {"empty": None, **s, "url": search_url(request, [*s["params"], ("tri", "publication")])}
        for s in showcases if s["practices"] or s.get("empty")
    ]


@view_config(route_name="home", renderer="recueil:templates/home.pt", permission=Permissions.VIEW)
def home(request):
    # one search gives every count (the backend's facets), one union query the newest lists
    counts = overview(request)
    lists = home_service.newest(request.dbsession, SHOWN)
    about = [p for p in pages.all_pages(request.dbsession) if p.slug in pages.ABOUT]
    return {
        "page_title": "Accueil",
        "figures": _key_figures(request, counts),
        "entry_points": _entry_points(request, counts),
        "showcases": _showcases(request, lists),
        "about": about,
        "territory": lambda p: territory(p, request.references),
        "excerpt": lambda text: excerpt(text, 160),
    }


def _text(request, page) -> str:
    """The page's text with the durations in force where it names them ({{duree_…}})."""
    return retention.fill(page.contenu, request.registry["retention"])


@view_config(route_name="pages.about", renderer="recueil:templates/pages/about.pt",
             permission=Permissions.VIEW)
def about(request):
    found = pages.all_pages(request.dbsession)
    return {
        "page_title": "À propos du recueil",
        "about": [p for p in found if p.slug in pages.ABOUT],
        "legal": [p for p in found if p.slug not in pages.ABOUT],
        "summary": lambda p: excerpt(markup.plain_text(_text(request, p)), 180),
    }


@view_config(route_name="pages.show", renderer="recueil:templates/pages/page.pt",
             permission=Permissions.VIEW)
def page(request):
    slug = request.matchdict["slug"]
    found = pages.all_pages(request.dbsession)
    current = next((p for p in found if p.slug == slug), None)
    if current is None:
        raise HTTPNotFound()
    in_about = slug in pages.ABOUT
    return {
        "page_title": current.titre,
        "page": current,
        "html": markup.render(_text(request, current)),
        "siblings": [p for p in found if p.slug in pages.ABOUT] if in_about else [],
    }
