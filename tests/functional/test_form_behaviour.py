"""What the forms' markup promises a person, before any script runs: Enter sends the form
forward, a refused post puts the focus on the error summary whose links lead to the fields,
every error of a step shows at once, ids are unique and each label names its own field."""
import datetime as dt

import pytest
import sqlalchemy as sa

from recueil.models import Practice

from ..factories import make_practice
from .helpers import (
    CONDITIONS,
    CONTACT,
    PRESENTATION,
    RESULTATS,
    fill_until,
    post_step,
    sign_in_declarant,
    start_draft,
)
from .test_fiches import FICHE, create, sign_in, staff

STEPS_WITH_PREVIOUS = ("presentation", "localisation", "resultats", "contact")
LABELLABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}


def check_ids_and_labels(page) -> None:
    """No id twice; each label, ARIA reference and error link leads to an element that
    exists, and a label to a field a click can focus."""
    html = page.html
    ids = [element["id"] for element in html.find_all(id=True)]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    assert not twice, f"{page.request.path} : ids en double {twice}"
    for label in html.find_all("label", attrs={"for": True}):
        target = html.find(id=label["for"])
        assert target is not None, f"{page.request.path} : {label['for']} introuvable"
        assert target.name in LABELLABLE and target.get("type") != "hidden", label
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for element in html.find_all(attrs={attribute: True}):
            for reference in element[attribute].split():
                assert reference in ids, f"{page.request.path} : {attribute}={reference}"
    for link in html.select("[data-resume-erreurs] a[href^='#']"):
        assert link["href"][1:] in ids, f"{page.request.path} : lien {link['href']}"


def summary(page):
    """The error summary a refused post shows, which the browser focuses on load."""
    [found] = page.html.select("[data-resume-erreurs]")
    assert found.get("autofocus") is not None and found["tabindex"] == "-1"
    assert found["role"] == "alert"
    return found


def summary_errors(page) -> dict[str, str]:
    """The summary's links: target id -> message."""
    return {a["href"][1:]: a.get_text(" ", strip=True) for a in summary(page).select("a")}


def form_field_id(page, name: str) -> str:
    field = page.html.select_one(f"#formulaire [name={name}]")
    return field["id"]


@pytest.fixture
def space(testapp, mailbox):
    return sign_in_declarant(testapp, mailbox)


# -- Enter means « Enregistrer et continuer » --------------------------------------------------

def test_enter_in_a_step_sends_it_forward_not_back(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    for slug in STEPS_WITH_PREVIOUS:
        assert page.request.path.endswith("/" + slug)
        form = page.html.select_one("form#formulaire")
        # the browser submits a form with its first submit button when Enter is pressed
        first = form.select_one("button[type=submit], input[type=submit]")
        assert (first["name"], first["value"]) == ("suivant", "suivant"), slug
        assert first.get("tabindex") == "-1" and first.get("aria-hidden") == "true"
        shown = [b.get_text(strip=True) for b in form.select(".fr-btns-group button")]
        assert shown == ["Précédent", "Enregistrer et continuer"], slug
        values = {"presentation": PRESENTATION, "localisation": {"departements": ["49"]},
                  "resultats": RESULTATS, "contact": CONTACT}[slug]
        page = post_step(testapp, page, values).follow()
    assert page.request.path.endswith("/recapitulatif")


def test_a_form_whose_first_button_is_primary_has_no_copy(testapp, space):
    page = start_draft(testapp, space)
    assert page.request.path.endswith("/conditions")
    buttons = page.html.select("form#formulaire button[type=submit]")
    assert [b["name"] for b in buttons] == ["suivant"]


# -- the error summary -------------------------------------------------------------------------

def test_a_refused_step_focuses_its_summary_whose_links_lead_to_the_fields(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    failed = post_step(testapp, page, {"intitule": "Un intitulé"})
    assert failed.html.title.get_text().startswith("Erreur – ")
    errors = summary_errors(failed)
    assert errors[form_field_id(failed, "date_mise_en_oeuvre")].startswith(
        "« Date de mise en œuvre » est obligatoire")
    # a group of choices is reached through its fieldset, named by its legend
    echelle = failed.html.select_one("#formulaire input[name=echelle]").find_parent("fieldset")
    assert "« Échelle de l'action » est obligatoire" in errors[echelle["id"]]
    assert echelle.legend.get_text(strip=True) == "Échelle de l'action"
    check_ids_and_labels(failed)


def test_every_error_of_a_step_shows_at_once(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    # a missing date and three « Autre » without their precision: one round, four errors
    typed = dict(PRESENTATION, date_mise_en_oeuvre="", types_intervention=["autre"],
                 types_intervention_autre="", thematiques=["autre"], relais="autre")
    failed = post_step(testapp, page, typed)
    messages = list(summary_errors(failed).values())
    assert len(messages) == 4, messages
    assert messages[0].startswith("« Date de mise en œuvre » est obligatoire")
    for vocabulary in ("Type d'intervention", "Thématique", "Relais de l'implémentation"):
        assert f"« {vocabulary} » : vous avez choisi « Autre », précisez lequel." in messages


def test_the_territory_errors_come_with_the_others(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "localisation",
                      presentation={"echelle": "locale"})
    failed = post_step(testapp, page, {"departements": "49", "lieu": "x" * 101})
    assert list(summary_errors(failed).values()) == [
        "« Lieu (commune ou territoire) » : 100 caractères au maximum ; le texte saisi en "
        "compte 101, raccourcissez-le."]
    failed = post_step(testapp, page, {"departements": "99", "lieu": ""})
    messages = list(summary_errors(failed).values())
    assert messages == ["« Départements » : « 99 » ne fait pas partie des valeurs proposées.",
                        "« Lieu » : pour une action locale, indiquez la commune ou le territoire."]


def test_the_contact_form_of_a_practice_focuses_its_summary(testapp, publish):
    practice = publish(contact_courriel="porteuse@association.example.org")
    page = testapp.get(f"/pratiques/{practice.id}")
    failed = page.forms["formulaire-contact"].submit("envoyer")
    assert summary_errors(failed)
    check_ids_and_labels(failed)


def test_a_refused_sign_in_focuses_its_alert(testapp):
    page = testapp.get("/connexion")
    check_ids_and_labels(page)
    form = page.forms["connexion"]
    form["courriel"] = "personne@fep.example.fr"
    form["mot_de_passe"] = "une phrase de passe fausse"
    failed = form.submit(status=400)
    assert summary(failed).get_text(strip=True) == "Adresse électronique ou mot de passe incorrect."
    empty = testapp.get("/connexion").forms["connexion"].submit(status="*")
    assert empty.status_int in (200, 400)
    assert summary_errors(empty)
    check_ids_and_labels(empty)


# -- step 3: départements by région ------------------------------------------------------------

def test_departements_are_grouped_by_region_in_fieldsets(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "localisation")
    outer = page.html.select_one("#formulaire input[name=valeur]").find_parent(
        "fieldset").find_parent("fieldset")
    assert outer.legend.get_text(" ", strip=True).startswith("Départements")
    regions = outer.select("fieldset")
    assert len(regions) == 18
    legends = {fieldset.legend.get_text(strip=True): fieldset for fieldset in regions}
    assert "Île-de-France" in legends and "Bretagne" in legends
    in_idf = [label.get_text(strip=True) for label in legends["Île-de-France"].select("label")]
    assert "94 – Val-de-Marne" in in_idf and len(in_idf) == 8
    assert sum(len(fieldset.select("input[type=checkbox]")) for fieldset in regions) == 101
    # the filter is the script's: without it, it stays hidden and is never posted
    [filter_box] = outer.select("[data-filtre]")
    assert filter_box.get("hidden") is not None
    assert filter_box.select_one("input").get("name") is None
    check_ids_and_labels(page)
    post_step(testapp, page, {"departements": ["94", "29"]}).follow()


# -- step 4: the budget ------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [("62 000 €", 62000), ("62\u00a0000,50\u00a0€", 62001),
                                           ("62.000 €", 62000), ("62 k€", 62000)])
def test_the_budget_is_typed_as_people_write_it(testapp, space, engine, typed, stored):
    page = fill_until(testapp, start_draft(testapp, space), "resultats")
    post_step(testapp, page, dict(RESULTATS, budget_annuel=typed), status=302)
    with engine.connect() as connection:
        assert connection.scalar(sa.select(Practice.budget_annuel)) == stored


def test_a_budget_that_is_no_amount_is_explained(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "resultats")
    failed = post_step(testapp, page, dict(RESULTATS, budget_annuel="cinquante mille"))
    assert list(summary_errors(failed).values()) == [
        "« Budget annuel (en euros) » : saisissez un montant en euros, en chiffres, par "
        "exemple 62 000 € ou 62000."]
    assert failed.html.select_one("input[name=budget_annuel]")["value"] == "cinquante mille"


# -- step 5: two people, never published -------------------------------------------------------

def test_the_contact_step_groups_its_two_people(testapp, space):
    page = fill_until(testapp, start_draft(testapp, space), "contact")
    assert "Ces coordonnées ne sont jamais publiées" in page.html.select_one(
        "#jamais-publie").get_text()
    groups = page.html.select("form#formulaire > fieldset")
    assert [g.legend.contents[0].strip() for g in groups] == [
        "Personne à contacter", "Représentant du département ayant donné son accord"]
    names = [[field["name"] for field in g.select("input")] for g in groups]
    assert names == [["contact_nom", "contact_fonction", "contact_courriel", "contact_telephone"],
                     ["accord_nom", "accord_fonction", "accord_courriel"]]
    labels = [label.contents[0].strip() for label in page.html.select("#formulaire label")]
    assert "Fonction de la personne à contacter" in labels
    assert "Fonction" not in labels
    check_ids_and_labels(page)
    failed = post_step(testapp, page, dict(CONTACT, accord_nom="", accord_courriel="x"))
    assert len(summary_errors(failed)) == 2
    check_ids_and_labels(failed)


# -- no id twice, on the main forms ------------------------------------------------------------

def test_the_declaration_steps_have_unique_ids_and_true_labels(testapp, space):
    page = start_draft(testapp, space)
    # step 4 asks nothing that FEP's form does not: only a wrong amount refuses it
    for values, wrong in ((CONDITIONS, {}), (PRESENTATION, {}), ({"departements": ["49"]}, {}),
                          (RESULTATS, {"budget_annuel": "beaucoup"}), (CONTACT, {})):
        check_ids_and_labels(page)
        check_ids_and_labels(post_step(testapp, page, wrong, status=200))
        page = post_step(testapp, page, values).follow()
    check_ids_and_labels(page)


def test_the_published_fiche_page_gives_each_field_its_own_label(testapp, wsgi_app, publish):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "redactrice@onpe.example.fr", "redacteur_onpe")
        session.commit()
    sign_in(testapp)
    check_ids_and_labels(testapp.get("/gestion/fiches/nouvelle"))
    edit = create(testapp)
    edit = edit.forms["publication"].submit("publier").follow()
    assert edit.forms["publication"].fields.get("motif")
    check_ids_and_labels(edit)
    motif = edit.html.select_one("#publication textarea[name=motif]")
    label = edit.html.select_one(f"label[for={motif['id']}]")
    assert label.contents[0].strip() == "Motif de la dépublication"
    title = edit.html.select_one("#fiche input[name=intitule]")
    assert edit.html.select_one(f"label[for={title['id']}]").contents[0].strip() == \
        "Intitulé de la fiche"
    failed = testapp.post(edit.request.path, [("__formid__", "fiche"), ("csrf_token",
                          edit.html.select_one("#fiche [name=csrf_token]")["value"]),
                          ("version", edit.html.select_one("#fiche [name=version]")["value"]),
                          ("enregistrer", "enregistrer")])
    assert summary_errors(failed)
    check_ids_and_labels(failed)
    assert FICHE["intitule"] in edit


def test_staff_forms_have_unique_ids_and_true_labels(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        practice_id = make_practice(session, intitule="Une pratique en ligne",
                                    date_publication=dt.date(2026, 1, 5)).id
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    page = testapp.get(f"/gestion/admin/pratiques/{practice_id}")
    check_ids_and_labels(page)
    failed = page.forms["depublication"].submit("depublier")
    assert summary_errors(failed)
    check_ids_and_labels(failed)
    for path in ("/gestion/admin/comptes", "/gestion/admin/vocabulaires",
                 "/gestion/mot-de-passe", "/declarer"):
        check_ids_and_labels(testapp.get(path))
