"""The controlled vocabularies are France Enfance Protégée's: administrators edit a label, add,
reorder, confirm or retire a term, every change on record, and what they change shows
everywhere at once; a retired term stays on the practices that carry it (spec §6)."""
import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command

from recueil.migrations import alembic_config, upgrade
from recueil.models import Practice, VocabularyChange, VocabularyTerm
from recueil.services import vocabularies
from recueil.services.references import load_reference_data

from ..factories import make_practice
from .helpers import csrf, fill_until, post_step, sign_in_declarant, start_draft
from .test_admin import sign_in, staff

ADMIN = "admin@fep.example.fr"
TERM_URL = "/gestion/admin/vocabulaires/{}/termes/{}"
#: the labels read from a garbled scan of FEP's form, and the publics no source names
TO_CONFIRM = {
    ("types_intervention", "aed"), ("types_intervention", "aemo"),
    ("types_intervention", "accueil-parents-enfants"), ("types_intervention", "lien-famille-ecole"),
    ("thematiques", "usages-numeriques"), ("publics", "handicap"), ("publics", "parents"),
    ("publics", "professionnels"),
}


@pytest.fixture(autouse=True)
def shipped_vocabularies(wsgi_app):
    """Each test gives the vocabularies back as it found them (they are reference data)."""
    factory = wsgi_app.registry["dbsession_factory"]
    columns = VocabularyTerm.__table__.c
    with factory() as session:
        rows = [dict(row._mapping) for row in session.execute(sa.select(*columns))]
    yield
    with factory() as session:  # through the ORM: every process's cache reads them again
        session.execute(sa.delete(VocabularyTerm))
        session.execute(sa.insert(VocabularyTerm), rows)
        session.commit()


@pytest.fixture
def admin(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, ADMIN, "administrateur")
        staff(session, "moderatrice@fep.example.fr", "moderateur")
        session.commit()
    sign_in(testapp, ADMIN)
    return testapp


def offered(page, field: str) -> list[tuple[str, str]]:
    """(code, label) of the choices a form offers for a vocabulary field."""
    marker = page.html.find("input", {"value": f"{field}:sequence"})
    if marker is not None:
        box = marker.find_parent("fieldset")
    else:
        box = page.html.find("input", {"name": field, "type": "radio"}).find_parent("fieldset")
    return [(item["value"], box.find("label", {"for": item["id"]}).get_text(strip=True))
            for item in box.find_all("input", {"type": ["checkbox", "radio"]})]


def presentation_step(testapp, mailbox, address="claire.martin@departement.example.fr"):
    space = sign_in_declarant(testapp, mailbox, address)
    return fill_until(testapp, start_draft(testapp, space), "presentation")


def term_row(engine, vocabulary: str, code: str):
    with engine.connect() as connection:
        return connection.execute(sa.select(VocabularyTerm).where(
            VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code)).one()


def changes(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(VocabularyChange.actor, VocabularyChange.vocabulary, VocabularyChange.code,
                      VocabularyChange.kind, VocabularyChange.before, VocabularyChange.after)
            .order_by(VocabularyChange.id))]


def edit_label(app, vocabulary: str, code: str, label: str):
    form = app.get(TERM_URL.format(vocabulary, code)).forms["libelle"]
    form["libelle"] = label
    return form.submit("enregistrer", status="*")


# -- FEP's own words ---------------------------------------------------------------------------
def test_the_form_offers_the_labels_of_feps_form_and_the_terms_the_sources_name(testapp,
                                                                                mailbox):
    page = presentation_step(testapp, mailbox)
    thematiques = dict(offered(page, "thematiques"))
    assert thematiques["liens-parents-enfants"] == "Distanciation et maintien parents/enfants"
    assert thematiques["parents-detenus"] == "Détenus"
    assert dict(offered(page, "publics"))["mna"] == "Enfants non accompagnés"
    assert [label for _, label in offered(page, "thematiques")][-4:] == [
        "Prostitution des mineurs", "Scolarité des enfants protégés",
        "Adoption et accès aux origines personnelles", "Autre"]
    assert offered(page, "relais") == [
        ("association", "Association"), ("departement", "Département"),
        ("etat", "Service de l'État"), ("autre", "Autre")]


def test_the_labels_read_from_a_garbled_scan_are_marked_to_confirm(admin, engine):
    page = admin.get("/gestion/admin/vocabulaires")
    marked = set()
    for row in page.html.select("tr[id^=terme-]"):
        if "à confirmer par FEP" in row.get_text():
            section = row.find_parent("section")["id"].removeprefix("vocabulaire-")
            marked.add((section, row.find("code").get_text()))
    assert marked == TO_CONFIRM

    term = admin.get(TERM_URL.format("publics", "handicap"))
    assert "Libellé à confirmer par FEP" in term.html.find(id="a-confirmer").text
    term.forms["confirmation"].submit("confirmer").follow()
    assert admin.get(TERM_URL.format("publics", "handicap")).html.find(id="a-confirmer") is None
    assert changes(engine) == [
        (ADMIN, "publics", "handicap", "confirmation", None, "Enfants en situation de handicap")]


# -- an edited label shows everywhere ----------------------------------------------------------
def test_an_edited_label_reaches_every_surface_at_once(admin, publish, mailbox, wsgi_app,
                                                       engine):
    publish(thematiques=["parents-detenus"])
    admin.get("/opendata/pratiques-inspirantes.json")  # read, so that a stale copy would show
    edited = edit_label(admin, "thematiques", "parents-detenus",
                        "Enfants de parents détenus").follow()
    assert "devient « Enfants de parents détenus »" in edited
    new = "Enfants de parents détenus"

    api = admin.get("/api/pratiques").json
    assert {"code": "parents-detenus", "libelle": new} in api["resultats"][0]["thematiques"]
    assert next(v["libelle"] for v in api["facettes"]["thematiques"]
                if v["code"] == "parents-detenus") == new
    catalogue = admin.get("/pratiques")
    assert new in catalogue.html.find("input", {"value": "parents-detenus"}).find_parent().text
    practices = admin.get("/opendata/pratiques-inspirantes.json").json["pratiques"]
    assert {"code": "parents-detenus", "libelle": new} in practices[0]["thematiques"]
    schema = admin.get("/opendata/schema.json").json
    field = next(f for f in schema["fields"] if f["name"] == "thematiques")
    assert f"parents-detenus = {new}" in field["description"]

    declarant = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
    assert dict(offered(presentation_step(declarant, mailbox), "thematiques"))[
        "parents-detenus"] == new

    assert changes(engine) == [(ADMIN, "thematiques", "parents-detenus", "libelle", "Détenus",
                                new)]
    assert term_row(engine, "thematiques", "parents-detenus").edited
    history = admin.get("/gestion/admin/vocabulaires").html.find(id="historique").text
    assert "Libellé modifié" in history and "Détenus" in history and ADMIN in history


def test_a_retirement_by_another_process_shows_within_seconds(testapp, mailbox, wsgi_app, engine):
    cache = wsgi_app.registry["references_cache"]
    clock, now = cache.clock, [1000.0]
    cache.clock = lambda: now[0]
    cache.invalidate()
    try:
        page = presentation_step(testapp, mailbox)
        assert "harcelement" in dict(offered(page, "thematiques"))
        with engine.begin() as connection:  # another process: nothing tells this one
            connection.execute(sa.update(VocabularyTerm).where(
                VocabularyTerm.vocabulary == "thematiques", VocabularyTerm.code == "harcelement",
            ).values(active=False))
        now[0] += cache.max_age
        page = testapp.get(page.request.path)
        assert "harcelement" not in dict(offered(page, "thematiques"))
        assert cache.max_age <= 2
    finally:
        cache.clock = clock
        cache.invalidate()


def test_label_edits_are_checked(admin, engine):
    refused = edit_label(admin, "thematiques", "harcelement", "  ")
    assert refused.status_int == 400 and "« Libellé » est obligatoire" in refused
    refused = edit_label(admin, "thematiques", "harcelement", "x" * 201)
    assert "200 caractères au maximum" in refused
    refused = admin.post(TERM_URL.format("thematiques", "harcelement"), edit_params(
        admin, "thematiques", "harcelement", "Sante mentale"), status=409)
    assert "Le terme « Santé mentale » (sante-mentale) porte déjà ce libellé" in refused

    # an administrator who read an older label does not overwrite the newer one
    page = admin.get(TERM_URL.format("thematiques", "harcelement"))
    edit_label(admin, "thematiques", "harcelement", "Harcèlement scolaire").follow()
    form = page.forms["libelle"]
    form["libelle"] = "Harcèlement et cyberharcèlement"
    stale = form.submit("enregistrer", status=409)
    assert "il est désormais « Harcèlement scolaire »" in stale.html.find(id="erreur").text
    assert term_row(engine, "thematiques", "harcelement").label == "Harcèlement scolaire"
    assert stale.forms["libelle"]["libelle"].value == "Harcèlement et cyberharcèlement"


def edit_params(app, vocabulary, code, label):
    page = app.get(TERM_URL.format(vocabulary, code))
    return {"csrf_token": csrf(page), "libelle": label,
            "libelle_lu": page.forms["libelle"]["libelle_lu"].value, "enregistrer": "1"}


def test_only_administrators_change_vocabularies_and_with_the_token(admin, wsgi_app, engine):
    params = edit_params(admin, "thematiques", "education", "Scolarité")
    admin.post(TERM_URL.format("thematiques", "education"), dict(params, csrf_token="faux"),
               status=400)
    other = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.31"})
    assert "/connexion" in other.get("/gestion/admin/vocabulaires", status=302).location
    sign_in(other, "moderatrice@fep.example.fr")
    other.get("/gestion/admin/vocabulaires", status=403)
    other.post(TERM_URL.format("thematiques", "education"),
               dict(params, csrf_token=csrf(other.get("/gestion"))), status=403)
    admin.get("/gestion/admin/vocabulaires/inconnu/termes/education", status=404)
    admin.get(TERM_URL.format("thematiques", "inconnu"), status=404)
    assert term_row(engine, "thematiques", "education").label == "Éducation"
    assert changes(engine) == []


# -- adding and ordering -----------------------------------------------------------------------
def test_a_new_term_is_offered_before_autre_and_its_code_is_never_reused(admin, mailbox, engine,
                                                                        wsgi_app):
    page = admin.get("/gestion/admin/vocabulaires")
    form = page.click(href="/vocabulaires/publics/ajouter").forms["nouveau-terme"]
    form["libelle"] = "Femmes enceintes"
    added = form.submit("ajouter").follow()
    assert "« Femmes enceintes » (code femmes-enceintes) est ajouté" in added
    declarant = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.32"})
    assert offered(presentation_step(declarant, mailbox), "publics")[-2:] == [
        ("femmes-enceintes", "Femmes enceintes"), ("autre", "Autre")]

    form = admin.get("/gestion/admin/vocabulaires/publics/ajouter").forms["nouveau-terme"]
    form["libelle"] = "Femmes enceintes et jeunes mères"
    form["code"] = "Femmes enceintes"
    refused = form.submit("ajouter", status=400)
    assert "lettres minuscules sans accent, chiffres et tirets" in refused
    # a retired term keeps its code: no other term may take it
    form = admin.get(TERM_URL.format("publics", "femmes-enceintes")).forms["etat"]
    form.submit("retirer").follow()
    form = admin.get("/gestion/admin/vocabulaires/publics/ajouter").forms["nouveau-terme"]
    form["libelle"] = "Futures mères"
    form["code"] = "femmes-enceintes"
    refused = form.submit("ajouter", status=409)
    assert ("Le code « femmes-enceintes » est déjà celui du terme « Femmes enceintes », retiré"
            in refused.html.find(id="erreur").text)
    assert refused.forms["nouveau-terme"]["libelle"].value == "Futures mères"
    # the scale's codes drive the localisation: nothing is added there
    admin.get("/gestion/admin/vocabulaires/echelle/ajouter", status=404)
    assert [c[3] for c in changes(engine)] == ["ajout", "retrait"]


def test_terms_are_reordered(admin, mailbox, wsgi_app, engine):
    page = admin.get("/gestion/admin/vocabulaires")
    row = page.html.find(id="terme-relais-departement")
    assert row.find("button", {"value": "monter"}) is not None
    assert page.html.find(id="terme-relais-association").find("button", {"value": "monter"}) is None
    moved = admin.post("/gestion/admin/vocabulaires/relais/termes/departement/deplacer",
                       {"csrf_token": csrf(page), "sens": "monter"})
    assert moved.location.endswith("/gestion/admin/vocabulaires#vocabulaire-relais")
    declarant = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.33"})
    assert [c for c, _ in offered(presentation_step(declarant, mailbox), "relais")] == [
        "departement", "association", "etat", "autre"]
    assert changes(engine) == [(ADMIN, "relais", "departement", "deplacement", "2", "1")]


# -- a retired term ----------------------------------------------------------------------------
@pytest.fixture
def retired(admin, publish):
    """A published practice carrying « Harcèlement », then « Harcèlement » retired."""
    practice = publish(thematiques=["harcelement", "education"])
    admin.get(TERM_URL.format("thematiques", "harcelement")).forms["etat"].submit(
        "retirer").follow()
    return practice


def test_a_retired_term_is_no_longer_offered_but_stays_on_its_practices(retired, admin, mailbox,
                                                                        wsgi_app, testapp):
    declarant = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.34"})
    page = presentation_step(declarant, mailbox)
    assert "harcelement" not in dict(offered(page, "thematiques"))
    values = {"date_mise_en_oeuvre": "15/09/2021", "nom_entite": "Association",
              "intitule": "Une pratique", "description": "Une description.",
              "echelle": "nationale", "types_intervention": ["diagnostic"],
              "thematiques": ["harcelement"], "publics": ["enfants"], "relais": "association"}
    refused = post_step(declarant, page, values)
    assert "« harcelement » ne fait pas partie des valeurs proposées" in refused

    shown = admin.get(f"/pratiques/{retired.id}")
    assert "Harcèlement" in shown.text
    found = admin.get("/api/pratiques", {"thematiques": "harcelement"}).json
    assert [r["id"] for r in found["resultats"]] == [str(retired.id)]
    facet = admin.get("/api/pratiques").json["facettes"]["thematiques"]
    assert {"code": "harcelement", "libelle": "Harcèlement", "nombre": 1} in facet
    practices = admin.get("/opendata/pratiques-inspirantes.json").json["pratiques"]
    assert {"code": "harcelement", "libelle": "Harcèlement"} in practices[0]["thematiques"]
    schema = admin.get("/opendata/schema.json").json
    pattern = next(f for f in schema["fields"] if f["name"] == "thematiques")["constraints"]
    assert "harcelement" in pattern["pattern"]


def test_a_retired_term_leaves_the_facets_with_its_last_practice(admin, wsgi_app):
    admin.get(TERM_URL.format("thematiques", "harcelement")).forms["etat"].submit(
        "retirer").follow()
    facet = admin.get("/api/pratiques").json["facettes"]["thematiques"]
    assert "harcelement" not in {v["code"] for v in facet}
    assert "education" in {v["code"] for v in facet}


def test_a_practice_keeps_its_retired_term_through_complements(retired, admin, testapp,
                                                               mailbox, wsgi_app, clock, engine):
    from recueil.clock import FixedClock
    from recueil.services import workflow

    owner = "claire.martin@departement.example.fr"
    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = make_practice(session, status="en_moderation", declarant_courriel=owner,
                                 thematiques=["harcelement"])
        workflow.apply(session, FixedClock(clock.now()), practice, "ask_complements",
                       workflow.Actor(label="moderatrice@fep.example.fr", roles=("moderateur",)),
                       comment="Précisez le public.", keep_snapshot=True)
        session.commit()
        practice_id = practice.id
    declarant = type(admin)(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.35"})
    sign_in_declarant(declarant, mailbox, owner)
    overview = declarant.get(f"/mon-espace/pratiques/{practice_id}/complements")
    # nothing is missing: the retired term is still a valid answer, shown with its label
    section = overview.html.find(id="rubrique-presentation")
    assert section.find(class_="fr-alert") is None and "Harcèlement" in section.text
    edit = overview.click(href=r"rubrique=presentation")
    assert ("harcelement", "Harcèlement") in offered(edit, "thematiques")
    form = edit.forms["formulaire"]
    form["intitule"] = "Prévenir le harcèlement au foyer"
    form.submit("enregistrer").follow()
    with wsgi_app.registry["dbsession_factory"]() as session:
        saved = session.get(Practice, practice_id)
        assert (saved.intitule, saved.thematiques) == ("Prévenir le harcèlement au foyer",
                                                       ["harcelement"])
    sent = declarant.get(f"/mon-espace/pratiques/{practice_id}/complements").forms[
        "renvoi"].submit("renvoyer").follow()
    assert "Vos compléments sont envoyés" in sent


def test_an_import_keeps_a_retired_term_only_on_the_practice_carrying_it(admin, wsgi_app,
                                                                         ini_file, tmp_path,
                                                                         capsys, engine):
    from recueil.scripts.cli import main as cli

    from .test_import import SOURCE, csv_file, initiative, practices, write

    ini = ini_file()
    path = write(tmp_path, "initiatives.csv", csv_file([initiative(1)]))
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"]) == 0
    form = admin.get(TERM_URL.format("thematiques", "sante-mentale")).forms["etat"]
    form.submit("retirer").follow()

    rows = [initiative(1, bilan="130 familles en 2025."), initiative(2)]
    path = write(tmp_path, "initiatives-2.csv", csv_file(rows))
    capsys.readouterr()
    with pytest.raises(SystemExit, match="Rien n'a été importé"):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 3, colonne « thematiques » : « Thématique » : « sante-mentale » n'est plus "
            "proposé (terme retiré)") in out
    assert "ligne 2," not in out

    path = write(tmp_path, "initiatives-3.csv", csv_file(rows[:1]))
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"]) == 0
    [practice] = practices(engine)
    assert (practice.bilan, practice.thematiques) == ("130 familles en 2025.",
                                                      ["education", "sante-mentale"])


# -- initdb and existing databases -------------------------------------------------------------
def test_initdb_brings_unedited_labels_and_missing_terms_and_keeps_edited_ones(admin, engine,
                                                                              wsgi_app):
    edit_label(admin, "publics", "mna", "Mineurs non accompagnés (MNA)").follow()
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:  # as a database of the previous version had them
        session.execute(sa.update(VocabularyTerm).where(
            VocabularyTerm.vocabulary == "thematiques",
            VocabularyTerm.code == "liens-parents-enfants",
        ).values(label="Maintien des liens parents-enfants"))
        session.execute(sa.delete(VocabularyTerm).where(VocabularyTerm.code == "etat"))
        session.execute(sa.delete(VocabularyChange))
        session.commit()
    with factory() as session:
        added = load_reference_data(session)
        session.commit()
    assert (added["termes"], added["libelles"]) == (1, 1)
    assert term_row(engine, "thematiques", "liens-parents-enfants").label == (
        "Distanciation et maintien parents/enfants")
    assert term_row(engine, "publics", "mna").label == "Mineurs non accompagnés (MNA)"
    with factory() as session:
        assert [t.code for t in vocabularies.terms_of(session, "relais")] == [
            "association", "departement", "etat", "autre"]
    assert changes(engine) == [
        (vocabularies.SHIPPED_BY, "thematiques", "liens-parents-enfants", "libelle",
         "Maintien des liens parents-enfants", "Distanciation et maintien parents/enfants"),
        (vocabularies.SHIPPED_BY, "relais", "etat", "ajout", None, "Service de l'État"),
    ]
    with factory() as session:
        assert load_reference_data(session)["libelles"] == 0


def test_a_database_of_the_previous_version_gets_the_new_labels(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ancienne.sqlite'}")
    command.upgrade(alembic_config(str(engine.url)), "0009")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO vocabulary_terms (vocabulary, code, label, position, active) VALUES "
            "('thematiques', 'parents-detenus', 'Parents détenus', 6, 1), "
            "('publics', 'handicap', 'Enfants en situation de handicap', 5, 1)"))
    upgrade(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
    assert term_row(engine, "thematiques", "parents-detenus").label == "Détenus"
    handicap = term_row(engine, "publics", "handicap")
    assert (handicap.to_confirm, handicap.edited) == (True, False)
    engine.dispose()


def test_the_history_says_who_when_and_what(admin, engine, clock):
    clock.current = dt.datetime(2026, 11, 23, 14, 5)
    edit_label(admin, "types_intervention", "aemo", "Assistance éducative en milieu ouvert")
    page = admin.get(TERM_URL.format("types_intervention", "aemo"))
    cells = [td.get_text(strip=True) for td in page.html.find(id="historique").find_all("td")]
    assert cells == ["23/11/2026 à 15:05", ADMIN, "Libellé modifié",
                     "Action éducative en milieu ouvert (AEMO)",
                     "Assistance éducative en milieu ouvert"]
    assert page.html.find(id="a-confirmer") is None  # edited: FEP's own word now
