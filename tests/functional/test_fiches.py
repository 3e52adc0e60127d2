"""An ONPE editor writes, publishes, revises and unpublishes a fiche dispositif (spec §4); the
public finds it beside the practices, on its own page, and in the open data as niveau 2."""
import csv
import datetime as dt
import io
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
import webtest
from frictionless import Resource, Schema, validate

from recueil.models import Practice, User
from recueil.services.passwords import hash_password

from ..factories import make_practice
from .helpers import csrf, seq

PASSWORD = "une phrase de passe solide"
EDITOR = "redactrice@onpe.example.fr"
TODAY = dt.date(2026, 11, 23)  # the clock of the tests (conftest.NOW)

FICHE = {
    "intitule": "Le parrainage de proximité des enfants confiés",
    "nom_entite": "Association départementale de parrainage du Rhône",
    "co_auteurs": "France Parrainages\n  Union départementale des associations familiales  \n\n",
    "description": "Des bénévoles formés accompagnent chaque semaine un enfant confié.\n"
                   "Le dispositif s'adresse aux enfants placés sans soutien familial.",
    "date_mise_en_oeuvre": "01/09/2018",
    "echelle": "departementale",
    "departements": ["69", "38"],
    "types_intervention": ["accueil-tiers"],
    "thematiques": ["liens-parents-enfants"],
    "publics": ["enfants", "adolescents"],
    "relais": "association",
    "objectifs": "Rompre l'isolement des enfants confiés et leur offrir un adulte repère.",
    "moyens": "Une coordinatrice à temps plein, quarante bénévoles, 60 000 euros par an.",
    "cles_reussite": "Un binôme stable, suivi par une coordinatrice en lien avec les magistrats.",
    "resultats_attendus": "Des enfants moins isolés ; des liens qui durent au-delà de la majorité.",
    "difficultes": "Recruter des bénévoles dans les zones rurales.",
    "evaluation_references": "Évaluation externe en 2022 ; rapport de l'Observatoire.",
    "pratiques_liees": "",
    "date_revision": "01/06/2027",
}
MULTI = ("regions", "departements", "types_intervention", "thematiques", "publics")


def staff(session, email, *roles):
    user = User(email=email, password_hash=hash_password(PASSWORD))
    for role in roles:
        user.add_role(role)
    session.add(user)
    return user


def sign_in(app, email=EDITOR):
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    return form.submit().follow()


@pytest.fixture
def editor(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, EDITOR, "redacteur_onpe")
        session.commit()
    sign_in(testapp)
    return testapp


def form_items(page, values: dict, button="enregistrer"):
    """What the browser posts for the fiche form of `page` filled with `values`."""
    items = [("_charset_", "UTF-8"), ("__formid__", "fiche"), ("csrf_token", csrf(page))]
    version = page.html.find("input", {"name": "version"})
    items.append(("version", version["value"] if version else ""))
    for name, value in values.items():
        items += seq(name, value) if name in MULTI else [(name, value)]
    items.append((button, button))
    return items


def post_fiche(app, page, values, button="enregistrer", status=None, **extra):
    items = form_items(page, values, button) + list(extra.items())
    return app.post(page.request.path, items, status=status)


def fiches_count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(Practice)
                                 .where(Practice.niveau == 2))


def fiche_in_db(engine):
    with engine.connect() as connection:
        return connection.execute(sa.select(Practice).where(Practice.niveau == 2)).one()


def create(app, values=None) -> webtest.TestResponse:
    """A fiche written through the form; returns its edit page."""
    page = app.get("/gestion/fiches/nouvelle")
    return post_fiche(app, page, dict(FICHE, **(values or {})), status=302).follow()


def act(app, edit_page, button, status=None, **fields):
    form = edit_page.forms["publication"]
    for name, value in fields.items():
        form[name] = value
    return form.submit(button, status=status)


def make_fiche(session, reference, **fields):
    values = dict(niveau=2, declarant_courriel=None, contact_courriel=None,
                  accord_courriel=None, bilan=None, nom_entite="Observatoire d'essai",
                  cles_reussite="Des clés.", resultats_attendus="Des résultats.")
    values.update(fields)
    fiche = make_practice(session, **values)
    fiche.reference = reference
    session.flush()
    return fiche


# -- the whole cycle ---------------------------------------------------------------------------

def test_a_fiche_is_written_published_found_and_unpublished(editor, publish, engine):
    draft = publish(status="brouillon", date_publication=None)
    home = editor.get("/gestion")
    assert "Fiches dispositifs" in home
    listing = editor.get("/gestion/fiches")
    assert "Aucune fiche pour le moment." in listing
    page = listing.click("Nouvelle fiche")

    # errors are named, what was typed is kept, nothing is saved
    wrong = dict(FICHE, intitule="Un intitulé bien trop long " * 5, description="",
                 objectifs="x" * 5001, date_mise_en_oeuvre="31/02/2018",
                 pratiques_liees=f"PI-2099-9999\n{draft.reference}\nn'importe quoi")
    failed = post_fiche(editor, page, wrong)
    for message in (
        "« Intitulé de la fiche » : 100 caractères au maximum ; le texte saisi en compte 134",
        "« Résumé » est obligatoire : renseignez ce champ.",
        "« Objectifs du projet » : 5000 caractères au maximum ; le texte saisi en compte 5001",
        "« Date de mise en œuvre » : le 31/02/2018 n'existe pas",
        "« Pratiques de terrain liées » : aucune pratique ne porte la référence « PI-2099-9999 ».",
        f"« Pratiques de terrain liées » : la pratique {draft.reference} n'est pas publiée",
        "« Pratiques de terrain liées » : « N'IMPORTE » n'est pas une référence de pratique",
    ):
        assert message in failed, message
    assert failed.html.find("input", {"name": "intitule"})["value"] == wrong["intitule"].strip()
    assert failed.html.find("textarea", {"name": "cles_reussite"}).text == FICHE["cles_reussite"]
    assert "Les clés" not in failed and fiches_count(engine) == 0

    # corrected, it is saved as a draft with its FD reference
    edit_page = post_fiche(editor, failed, FICHE, status=302).follow()
    assert "La fiche FD-2026-0001 est enregistrée en brouillon" in edit_page
    assert edit_page.html.find(id="etat").text == "Brouillon"
    fiche = fiche_in_db(engine)
    assert (fiche.niveau, fiche.status, fiche.reference) == (2, "brouillon", "FD-2026-0001")
    assert fiche.co_auteurs.splitlines() == [
        "France Parrainages", "Union départementale des associations familiales"]
    assert fiche.contact_courriel is None and fiche.declarant_courriel is None
    editor.get(f"/pratiques/{fiche.id}", status=404)
    assert editor.get("/api/pratiques", {"niveau": "2"}).json["total"] == 0

    # published today by default: in the catalogue, its API and its page
    published = act(editor, edit_page, "publier").follow()
    assert "La fiche est publiée" in published
    assert published.html.find(id="etat").text == "Publiée"
    assert "Publiée le 23/11/2026" in published
    answer = editor.get("/api/pratiques", {"niveau": "2"}).json
    assert answer["total"] == 1
    record = answer["resultats"][0]
    assert (record["niveau"], record["reference"], record["date_publication"]) == (
        2, "FD-2026-0001", "2026-11-23")
    assert record["regions"] == [{"code": "84", "libelle": "Auvergne-Rhône-Alpes"}]
    results = editor.get("/pratiques", {"niveau": "2"})
    assert FICHE["intitule"] in results and "Fiche ONPE" in results
    editor.get(f"/pratiques/{fiche.id}", status=200)

    # unpublished: gone from the public; republished: back with its first date
    unpublished = act(editor, published, "depublier", motif="Fiche en cours de refonte").follow()
    assert unpublished.html.find(id="etat").text == "Dépubliée"
    editor.get(f"/pratiques/{fiche.id}", status=404)
    assert editor.get("/api/pratiques", {"niveau": "2"}).json["total"] == 0
    again = act(editor, unpublished, "republier").follow()
    assert again.html.find(id="etat").text == "Publiée"
    assert editor.get("/api/pratiques", {"niveau": "2"}).json["resultats"][0][
        "date_publication"] == "2026-11-23"

    history = [li.get_text(" ", strip=True) for li in again.html.select("#historique li")]
    assert len(history) == 4
    assert "Dépubliée → Publiée" in history[0] and EDITOR in history[0]
    assert "Publiée → Dépubliée (Fiche en cours de refonte)" in history[1]
    assert "Brouillon → Publiée (Publiée le 23/11/2026)" in history[2]
    assert "création → Brouillon (Fiche créée)" in history[3]
    listing = editor.get("/gestion/fiches")
    assert listing.html.select_one("#fiche-FD-2026-0001 .fr-badge").text == "Publiée"


def test_a_chosen_publication_date_is_kept_and_the_future_refused(editor, engine):
    edit_page = create(editor)
    refused = act(editor, edit_page, "publier", date_publication="24/11/2026", status=400)
    assert "« Date de publication » : la date ne peut pas être dans le futur" in refused
    assert fiche_in_db(engine).status == "brouillon"
    act(editor, edit_page, "publier", date_publication="15/03/2025").follow()
    fiche = fiche_in_db(engine)
    assert (fiche.status, fiche.date_publication) == ("publiee", dt.date(2025, 3, 15))


def test_references_of_fiches_follow_each_other_apart_from_practices(editor, engine):
    create(editor)
    second = create(editor, {"intitule": "Une deuxième fiche"})
    assert second.html.find(id="reference").text == "FD-2026-0002"


# -- the form's rules --------------------------------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"echelle": "regionale"},
     "« Régions » : pour une action régionale, choisissez au moins une région."),
    ({"echelle": "locale"}, "« Département » : pour une action locale, choisissez un département."),
    ({"thematiques": ["autre"]}, "« Thématique » : vous avez choisi « Autre », précisez lequel."),
    ({"thematiques": ["inconnue"]}, "« Thématique » : « inconnue » ne fait pas partie des valeurs"),
    ({"cles_reussite": "c" * 5001}, "« Clés de réussite » : 5000 caractères au maximum"),
    ({"description": "r" * 2001}, "« Résumé » : 2000 caractères au maximum"),
    ({"resultats_attendus": ""}, "« Résultats attendus » est obligatoire"),
    ({"date_revision": "juin 2027"},
     "« À revoir le » : saisissez la date au format JJ/MM/AAAA"),
    ({"date_mise_en_oeuvre": "01/01/2027"},
     "« Date de mise en œuvre » : la date ne peut pas être dans le futur"),
])
def test_each_rule_names_its_field(editor, engine, changes, message):
    page = editor.get("/gestion/fiches/nouvelle")
    failed = post_fiche(editor, page, dict(FICHE, **changes))
    assert failed.status_int == 200 and message in failed
    assert fiches_count(engine) == 0


@pytest.mark.parametrize("changes, stored", [
    # FICHE is a departmental action in the Rhône (69) and the Isère (38), both in région 84
    ({"echelle": "regionale", "regions": ["84", "11"]},
     {"regions": ["11", "84"], "departements": [], "lieu": None}),
    ({"regions": ["53"], "lieu": "Lyon"},
     {"regions": ["84"], "departements": ["69", "38"], "lieu": None}),
    ({"echelle": "nationale", "regions": ["84"], "lieu": "Lyon"},
     {"regions": [], "departements": [], "lieu": None}),
    ({"echelle": "locale", "departements": ["69"], "regions": ["11"], "lieu": "Villeurbanne"},
     {"regions": ["84"], "departements": ["69"], "lieu": "Villeurbanne"}),
    ({"thematiques_autre": "Le sport", "relais_autre": "Une fondation"},
     {"thematiques_autre": None, "relais_autre": None}),
])
def test_what_the_scale_or_autre_leaves_aside_is_dropped(editor, wsgi_app, changes, stored):
    """As in the declaration, a value the other answers make irrelevant is not kept: the
    territory the scale does not ask, a precision of « Autre » when « Autre » is not chosen."""
    edit_page = create(editor, changes)
    with wsgi_app.registry["dbsession_factory"]() as session:
        fiche = session.scalars(sa.select(Practice).where(Practice.niveau == 2)).one()
        assert {name: getattr(fiche, name) for name in stored} == stored
    checked = {i["value"] for i in edit_page.html.select("#fiche input[checked]")}
    posted = dict(FICHE, **changes)
    dropped = {code for name in ("regions", "departements") for code in posted.get(name, [])
               if code not in stored.get(name, [code])}
    assert not dropped & checked


def test_the_regions_of_the_departements_are_derived_not_asked_again(editor, wsgi_app):
    edit_page = create(editor, {"departements": ["69", "29"]})
    with wsgi_app.registry["dbsession_factory"]() as session:
        fiche = session.scalars(sa.select(Practice).where(Practice.niveau == 2)).one()
        assert (fiche.departements, fiche.regions) == (["69", "29"], ["53", "84"])
    checked = {i["value"] for i in edit_page.html.select("#fiche input[checked]")}
    assert {"69", "29"} <= checked and not {"53", "84"} & checked


# -- links between a fiche and the practices it builds on --------------------------------------

def test_practices_are_linked_by_search_and_shown_on_both_pages(editor, publish, engine):
    practice = publish(intitule="Des parrains pour les enfants placés",
                       nom_entite="Grandir ensemble", thematiques=["liens-parents-enfants"])
    publish(intitule="Une pratique sans rapport", description="Rien de commun.")
    page = editor.get("/gestion/fiches/nouvelle")
    typed = dict(FICHE, intitule="Une fiche en cours de saisie")

    # a search keeps what was typed and saves nothing
    found = post_fiche(editor, page, typed, button="chercher", recherche_pratiques="parrains")
    assert found.status_int == 200 and fiches_count(engine) == 0
    assert found.html.find("input", {"name": "intitule"})["value"] == "Une fiche en cours de saisie"
    results = found.html.select("ul[aria-label='Pratiques publiées trouvées'] li")
    assert len(results) == 1 and practice.reference in results[0].text
    nothing = post_fiche(editor, page, typed, button="chercher", recherche_pratiques="zzzqqq")
    assert "Aucune pratique publiée ne correspond à « zzzqqq »." in nothing

    added = post_fiche(editor, found, typed, button="ajouter", recherche_pratiques="parrains",
                       ajouter=practice.reference)
    assert f"La pratique {practice.reference} est ajoutée aux pratiques liées" in added
    links = added.html.find("textarea", {"name": "pratiques_liees"}).text
    assert links.split() == [practice.reference] and fiches_count(engine) == 0
    assert "Déjà liée" in added

    saved = post_fiche(editor, added, dict(typed, pratiques_liees=links), status=302).follow()
    assert saved.html.find("textarea", {"name": "pratiques_liees"}).text == practice.reference
    act(editor, saved, "publier").follow()
    fiche = fiche_in_db(engine)

    fiche_page = editor.get(f"/pratiques/{fiche.id}")
    linked = fiche_page.html.select("#pratiques-liees a")
    assert [a.text for a in linked] == ["Des parrains pour les enfants placés"]
    assert linked[0]["href"].endswith(f"/pratiques/{practice.id}")
    practice_page = editor.get(f"/pratiques/{practice.id}")
    assert "Fiches dispositifs de l'ONPE qui s'appuient sur cette pratique" in practice_page
    assert [a.text for a in practice_page.html.select("#fiches-onpe a")] == [
        "Une fiche en cours de saisie"]

    # an unpublished practice leaves the fiche's page, and an unpublished fiche the practice's
    with engine.begin() as connection:
        connection.execute(sa.update(Practice).where(Practice.id == practice.id)
                           .values(status="depubliee"))
    assert "Pratiques de terrain liées" not in editor.get(f"/pratiques/{fiche.id}")
    with engine.begin() as connection:
        connection.execute(sa.update(Practice).where(Practice.id == practice.id)
                           .values(status="publiee"))
        connection.execute(sa.update(Practice).where(Practice.id == fiche.id)
                           .values(status="depubliee"))
    assert "Fiches dispositifs de l'ONPE" not in editor.get(f"/pratiques/{practice.id}")


# -- the public page of a fiche ----------------------------------------------------------------

@pytest.fixture
def published_fiche(wsgi_app, testapp):
    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = make_practice(session, intitule="Un accueil de jour pour les familles")
        fiche = make_fiche(
            session, reference="FD-2026-0007",
            intitule="Les accueils de jour en protection de l'enfance",
            nom_entite="Observatoire national de la protection de l'enfance",
            co_auteurs="Départements de France\nCNAPE", description="Un résumé de la fiche.",
            objectifs="Des objectifs du projet.", moyens="Des moyens nécessaires.",
            cles_reussite="Une équipe pluridisciplinaire.",
            resultats_attendus="Moins de placements.",
            difficultes="Le transport des familles.", evaluation_references="Rapport 2023.",
            thematiques=["education"], publics=["parents"], echelle="nationale",
            date_publication=dt.date(2026, 3, 2), date_revision=dt.date(2027, 3, 1),
        )
        fiche.pratiques_liees = [practice]
        session.commit()
        return fiche


def test_the_fiche_has_its_own_layout(testapp, published_fiche):
    page = testapp.get(f"/pratiques/{published_fiche.id}")
    assert page.html.h1.text == "Les accueils de jour en protection de l'enfance"
    assert page.html.find(id="niveau").text == "Fiche dispositif de l'ONPE (niveau 2)"
    headings = [h.text for h in page.html.select("article h2")]
    assert headings == ["Résumé", "Objectifs du projet", "Moyens nécessaires", "Clés de réussite",
                        "Résultats attendus", "Difficultés susceptibles d'être rencontrées",
                        "Évaluation et références", "Territoire et classement",
                        "Pratiques de terrain liées"]
    for shown in ("Porteur : Observatoire national de la protection de l'enfance",
                  "Fiche FD-2026-0007 rédigée par l'Observatoire national de la protection de "
                  "l'enfance (ONPE)", "Publiée le 02/03/2026",
                  "Prochaine révision prévue le 01/03/2027", "Une équipe pluridisciplinaire.",
                  "Le transport des familles.", "Rapport 2023.", "France entière"):
        assert shown in " ".join(page.text.split()), shown
    assert [li.text for li in page.html.select("#co-auteurs li")] == [
        "Départements de France", "CNAPE"]
    links = {a.get_text(strip=True): a["href"] for a in page.html.select(".fiche a.fr-tag")}
    assert parse_qsl(urlsplit(links["Éducation"]).query) == [("thematiques", "education")]
    assert parse_qsl(urlsplit(links["Parents"]).query) == [("publics", "parents")]
    # the ONPE is the author: no relay form to a holder
    assert "Écrire au porteur" not in page and page.html.find(id="formulaire-contact") is None
    testapp.post(f"/pratiques/{published_fiche.id}/contact",
                 {"csrf_token": csrf(testapp.get("/declarer")), "nom": "Julie",
                  "courriel": "julie@example.org", "message": "Bonjour"}, status=404)


def test_a_card_in_the_results_says_fiche_onpe(testapp, published_fiche):
    cards = testapp.get("/pratiques").html.select(".resultat")
    badges = {card.h3.text.strip(): [b.text for b in card.select(".fr-badge")] for card in cards}
    assert "Fiche ONPE" in badges["Les accueils de jour en protection de l'enfance"]
    assert "Fiche ONPE" not in badges["Un accueil de jour pour les familles"]


def test_a_fiche_and_a_practice_sharing_a_theme_are_found_together(testapp, published_fiche):
    results = testapp.get("/api/pratiques", {"thematiques": "education"}).json
    assert results["total"] == 2
    assert sorted(r["niveau"] for r in results["resultats"]) == [1, 2]
    counts = {v["code"]: v["nombre"] for v in results["facettes"]["niveau"]}
    assert counts == {"1": 1, "2": 1}
    only = testapp.get("/api/pratiques", {"thematiques": "education", "niveau": "2"}).json
    assert [r["reference"] for r in only["resultats"]] == ["FD-2026-0007"]
    # the sections of a fiche are searched in full text
    assert testapp.get("/api/pratiques", {"q": "pluridisciplinaires"}).json["total"] == 1
    page = testapp.get("/pratiques", {"thematiques": "education"})
    assert page.html.find("label", {"for": "f-niveau-2"}).text.strip().endswith("(1)")


# -- revisions, conflicts, the list, what is refused -------------------------------------------

def test_a_revision_of_a_published_fiche_is_online_at_once(editor, engine):
    edit_page = create(editor)
    published = act(editor, edit_page, "publier").follow()
    fiche = fiche_in_db(engine)
    assert editor.get("/api/pratiques", {"q": "binôme"}).json["total"] == 1
    revised = post_fiche(editor, published, dict(
        FICHE, intitule="Le parrainage revu", cles_reussite="Une supervision mensuelle."),
        status=302).follow()
    assert "Les modifications sont enregistrées et déjà en ligne." in revised
    history = [li.get_text(" ", strip=True) for li in revised.html.select("#historique li")]
    assert "Publiée → Publiée (Fiche révisée : intitule, cles_reussite.)" in history[0]
    assert EDITOR in history[0]
    assert editor.get(f"/pratiques/{fiche.id}").html.h1.text == "Le parrainage revu"
    assert editor.get("/api/pratiques", {"q": "binôme"}).json["total"] == 0
    assert editor.get("/api/pratiques", {"q": "supervision"}).json["total"] == 1
    assert fiche_in_db(engine).status == "publiee"

    # a page loaded before that revision cannot overwrite it
    stale = post_fiche(editor, published, dict(FICHE, intitule="Une version périmée"), status=409)
    assert "Cette fiche a été modifiée entre-temps par une autre personne" in stale
    assert stale.html.find("input", {"name": "intitule"})["value"] == "Une version périmée"
    assert fiche_in_db(engine).intitule == "Le parrainage revu"
    refused = act(editor, published, "depublier", status=409)
    assert "modifiée entre-temps" in refused and fiche_in_db(engine).status == "publiee"


def test_an_action_that_names_no_version_is_refused_as_stale(editor, engine):
    edit_page = create(editor)
    form = edit_page.forms["publication"]
    fields = [(name, value) for name, value in form.submit_fields("publier")
              if name != "version"]
    refused = editor.post(form.action, fields, status=409)
    assert "modifiée entre-temps" in refused
    assert fiche_in_db(engine).status == "brouillon"


def test_the_list_flags_the_fiches_past_their_review_date(editor, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        make_fiche(session, reference="FD-2025-0001", intitule="Une fiche à relire",
                   date_revision=dt.date(2026, 11, 23))
        make_fiche(session, reference="FD-2025-0002", intitule="Une fiche à jour",
                   status="brouillon", date_publication=None, date_revision=dt.date(2026, 11, 24))
        make_fiche(session, reference="FD-2025-0003", intitule="Une fiche sans date")
        make_practice(session, intitule="Une pratique de niveau 1")
        session.commit()
    listing = editor.get("/gestion/fiches")
    rows = {row["id"]: row for row in listing.html.select("#fiches tbody tr")}
    assert set(rows) == {"fiche-FD-2025-0001", "fiche-FD-2025-0002", "fiche-FD-2025-0003"}
    assert "À revoir" in rows["fiche-FD-2025-0001"].text
    assert "23/11/2026" in rows["fiche-FD-2025-0001"].text
    assert "À revoir" not in rows["fiche-FD-2025-0002"].text
    assert "Brouillon" in rows["fiche-FD-2025-0002"].text
    assert "1 fiche à revoir" in listing.html.find(id="a-revoir").text


def test_a_practice_is_not_a_fiche_to_edit(editor, publish):
    practice = publish()
    editor.get(f"/gestion/fiches/{practice.id}", status=404)
    page = editor.get("/gestion")
    editor.post(f"/gestion/fiches/{practice.id}/publication",
                {"csrf_token": csrf(page), "depublier": "depublier"}, status=404)


def test_state_changes_need_the_csrf_token(editor, engine):
    page = editor.get("/gestion/fiches/nouvelle")
    items = [(k, v) for k, v in form_items(page, FICHE) if k != "csrf_token"]
    refused = editor.post("/gestion/fiches/nouvelle", items, status=400)
    assert "Formulaire expiré" in refused and fiches_count(engine) == 0
    edit_page = create(editor)
    fiche = fiche_in_db(engine)
    editor.post(f"/gestion/fiches/{fiche.id}/publication",
                {"csrf_token": "faux", "version": str(fiche.version), "publier": "publier"},
                status=400)
    assert fiche_in_db(engine).status == "brouillon"
    act(editor, edit_page, "publier").follow()
    assert fiche_in_db(engine).status == "publiee"


def test_an_administrator_without_the_role_cannot_write_fiches(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        session.commit()
    home = sign_in(testapp, "admin@fep.example.fr")
    assert "Fiches dispositifs" not in home
    testapp.get("/gestion/fiches", status=403)


# -- the open data -----------------------------------------------------------------------------

def test_the_open_data_carries_the_fiche_as_niveau_2(testapp, published_fiche, tmp_path):
    body = testapp.get("/opendata/pratiques-inspirantes.csv").body
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8")))}
    fiche = rows["FD-2026-0007"]
    assert fiche["niveau"] == "2" and fiche["date_publication"] == "2026-03-02"
    assert rows[next(r for r in rows if r.startswith("PI-"))]["niveau"] == "1"
    assert fiche["bilan"] == "" and fiche["description"] == "Un résumé de la fiche."
    # the fiche in full, for the ONPE's own site; the same columns are empty for a practice
    assert (fiche["cles_reussite"], fiche["resultats_attendus"], fiche["difficultes"],
            fiche["evaluation_references"], fiche["co_auteurs"], fiche["date_revision"]) == (
        "Une équipe pluridisciplinaire.", "Moins de placements.", "Le transport des familles.",
        "Rapport 2023.", "Départements de France\nCNAPE", "2027-03-01")
    practice = rows[next(r for r in rows if r.startswith("PI-"))]
    assert all(practice[name] == "" for name in (
        "cles_reussite", "resultats_attendus", "difficultes", "evaluation_references",
        "co_auteurs", "date_revision"))
    (tmp_path / "pratiques.csv").write_bytes(body)
    schema = Schema.from_descriptor(testapp.get("/opendata/schema.json").json)
    report = validate(Resource(path="pratiques.csv", basepath=str(tmp_path), schema=schema))
    assert report.valid, [e.note for task in report.tasks for e in task.errors]
    records = testapp.get("/opendata/pratiques-inspirantes.json").json["pratiques"]
    by_reference = {r["reference"]: r for r in records}
    assert by_reference["FD-2026-0007"]["niveau"] == 2
    assert by_reference["FD-2026-0007"]["co_auteurs"] == "Départements de France\nCNAPE"
    assert by_reference["FD-2026-0007"]["date_revision"] == "2027-03-01"
    level_one = next(r for ref, r in by_reference.items() if ref.startswith("PI-"))
    assert level_one["cles_reussite"] is None and level_one["date_revision"] is None
    # and the API gives the same record
    api = testapp.get("/api/pratiques", {"niveau": "2"}).json["resultats"]
    # the JSON file adds the list of the accounts of teams that took the practice up
    fiche = {k: v for k, v in by_reference["FD-2026-0007"].items() if k != "essaimages"}
    assert api == [fiche]
