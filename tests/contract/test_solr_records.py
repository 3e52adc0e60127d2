"""With Solr, /api/pratiques builds its records from Solr's stored fields: the very bytes the
database gives, without reading it; a practice whose update still waits for Solr is read
from the database; the reindex sends exactly the documents of `solr_document`."""
import datetime as dt
import unicodedata

import pytest
import sqlalchemy as sa
import webtest

from recueil import main
from recueil.models import Practice, VocabularyTerm
from recueil.search.documents import solr_document
from recueil.search.labels import code_labels
from recueil.search.query import SearchRequest
from recueil.search.service import drain_queue, published_documents, reindex

from ..conftest import _clean
from ..factories import make_practice

#: decomposed accents (as some imported files have them): Solr searches their normal form C
#: and gives them back as written
DECOMPOSED = unicodedata.normalize("NFD", "Éducation à l'école : des élèves écoutés")

VARIED = [
    dict(intitule=DECOMPOSED, description=unicodedata.normalize("NFD", "Une vie d'équipe réussie."),
         thematiques=["sante-mentale", "education", "autre"], thematiques_autre="Périnatalité",
         publics=["parents", "0-4-ans"], types_intervention=["aemo", "diagnostic"],
         echelle="departementale", departements=["49", "44"], regions=["52"],
         budget_annuel=12_345_678_901, nombre_beneficiaires=250, coup_de_coeur=True, niveau=2,
         lieu="Angers", source="Fichier des départements", date_mise_en_oeuvre=dt.date(2019, 3, 1),
         cles_reussite=unicodedata.normalize("NFD", "Une équipe stable."),
         resultats_attendus="Moins de ruptures.", difficultes="Le transport.",
         evaluation_references="Rapport 2023.", co_auteurs="CNAPE\nDépartement du Nord",
         date_revision=dt.date(2027, 3, 1)),
    dict(intitule="Sans date ni codes", date_mise_en_oeuvre=None, echelle=None, relais=None,
         lieu=None, objectifs=None, moyens=None, bilan=None, types_intervention=[],
         thematiques=[], publics=[], budget_annuel=None, nombre_beneficiaires=None,
         description="Texte avec\r\nretours, « guillemets »,\ttabulation et émoji 🙂"),
    dict(intitule="Les « autres »", relais="autre", relais_autre="Collectif de parents",
         publics=["autre"], publics_autre="Grands-parents", types_intervention=["autre"],
         types_intervention_autre="Médiation", lieu="", echelle="regionale", regions=["84", "11"],
         budget_annuel=0, nombre_beneficiaires=0),
]


#: searches whose order is the same on both backends
SEARCHES = [
    {"tri": "publication"},
    {"q": "éducation", "tri": "publication"},
    {"tri": "anciennete", "par_page": "2", "page": "2"},
]


@pytest.fixture
def solr_app(app_settings, solr_settings, solr, engine):
    app = main({}, **dict(app_settings, **{"search.backend": "solr"}, **solr_settings))
    yield app
    _clean(engine)


def _publish(app, rows) -> list:
    """Practices committed through the application's sessions (the embedded index follows),
    then sent to Solr."""
    factory = app.registry["dbsession_factory"]
    with factory() as session:
        ids = []
        for fields in rows:
            practice = make_practice(session, **fields)
            ids.append(practice.id)
        session.get(Practice, ids[1]).reference = None
        make_practice(session, status="brouillon", intitule="Un brouillon")
        session.commit()
    reindex(factory, {"search.backend": "solr"}, app.registry["solr_factory"])
    return ids


def _statements(engine, work):
    """The SQL statements `work()` runs on `engine`."""
    seen = []

    def note(conn, cursor, statement, _parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        result = work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return result, seen


def _on_both(solr_app, wsgi_app, path: str, params: dict) -> tuple:
    """The VARIED practices published, then (their ids, `path` answered with Solr, the SQL it
    ran then, `path` answered from the database); the Solr side has read its reference data
    and the index queue before, and does not read them again."""
    ids = _publish(solr_app, VARIED)
    with_solr = webtest.TestApp(solr_app)
    with_solr.get(path)
    solr_app.registry["references_cache"].max_age = 3600
    solr_app.registry["search_waiting_updates"].max_age = 3600
    answer, statements = _statements(solr_app.registry["db_engine"],
                                     lambda: with_solr.get(path, params))
    return ids, answer, statements, webtest.TestApp(wsgi_app).get(path, params)


@pytest.mark.parametrize("params", SEARCHES)
def test_records_from_solr_are_the_bytes_the_database_gives(solr_app, wsgi_app, params):
    ids, answer, statements, expected = _on_both(solr_app, wsgi_app, "/api/pratiques", params)
    assert statements == []  # neither the practices nor the vocabularies were read
    assert answer.body == expected.body
    records = {r["id"]: r for r in answer.json["resultats"]}
    if str(ids[0]) in records:
        first = records[str(ids[0])]
        assert first["intitule"] == DECOMPOSED  # as written, not its normal form
        assert [t["code"] for t in first["thematiques"]] == ["sante-mentale", "education", "autre"]
        assert first["departements"] == [{"code": "49", "libelle": "Maine-et-Loire"},
                                         {"code": "44", "libelle": "Loire-Atlantique"}]
        assert first["budget_annuel"] == 12_345_678_901
        assert first["date_mise_en_oeuvre"] == "2019-03-01"


def test_the_full_records_with_nulls_and_empty_texts(solr_app, wsgi_app):
    ids = _publish(solr_app, VARIED)
    params = {"tri": "publication", "par_page": "100"}
    answer = webtest.TestApp(solr_app).get("/api/pratiques", params)
    assert answer.body == webtest.TestApp(wsgi_app).get("/api/pratiques", params).body
    records = {r["id"]: r for r in answer.json["resultats"]}
    assert set(records) == {str(i) for i in ids}
    bare = records[str(ids[1])]
    assert bare["reference"] is None and bare["date_mise_en_oeuvre"] is None
    assert bare["echelle"] is None and bare["thematiques"] == [] and bare["budget_annuel"] is None
    assert bare["description"] == "Texte avec\r\nretours, « guillemets »,\ttabulation et émoji 🙂"
    others = records[str(ids[2])]
    assert others["lieu"] == "" and others["budget_annuel"] == 0
    assert others["relais"] == {"code": "autre", "libelle": "Autre"}


def test_a_practice_whose_update_waits_for_solr_is_read_from_the_database(solr_app, solr):
    edited, unpublished = _publish(solr_app, [dict(intitule="Premier intitulé"),
                                              dict(intitule="Bientôt dépubliée")])[:2]
    api = webtest.TestApp(solr_app)
    assert {r["intitule"] for r in api.get("/api/pratiques").json["resultats"]} == {
        "Premier intitulé", "Bientôt dépubliée"}
    factory = solr_app.registry["dbsession_factory"]
    # outside a request nothing drains the queue: Solr keeps the former documents, as it
    # does when it is down at the time of the change
    with factory() as session:
        session.get(Practice, edited).intitule = "Intitulé corrigé"
        session.get(Practice, unpublished).status = "depubliee"
        session.commit()
    assert set(solr.search(SearchRequest()).ids) == {edited, unpublished}

    answer = api.get("/api/pratiques").json
    assert [r["intitule"] for r in answer["resultats"]] == ["Intitulé corrigé"]

    assert drain_queue(factory, solr) == 2
    answer = api.get("/api/pratiques").json
    assert answer["total"] == 1
    assert [r["intitule"] for r in answer["resultats"]] == ["Intitulé corrigé"]


def test_the_reindex_sends_the_documents_of_solr_document(wsgi_app, engine):
    factory = wsgi_app.registry["dbsession_factory"]
    try:
        with factory() as session:
            for fields in VARIED * 2:
                make_practice(session, **fields)
            make_practice(session, status="depubliee")
            make_practice(session, status="soumise")
            session.commit()

        def url_for(practice):
            return f"https://recueil.example/pratiques/{practice.id}"

        with factory() as session:
            query = sa.select(Practice).where(Practice.status == "publiee")
            published = sorted(session.scalars(query), key=lambda p: p.id)
            labels = code_labels(session)
            expected = [solr_document(p, url_for(p), labels) for p in published]
            batches = list(published_documents(session, url_for, batch=2))
    finally:
        _clean(engine)
    # batches of 2 practices read, of which the unpublished are left out (where they fall
    # depends on their random ids): several batches, none empty, none over 2
    assert len(batches) >= len(expected) / 2 > 1
    assert all(0 < len(batch) <= 2 for batch in batches)
    assert [d for batch in batches for d in batch] == expected


def test_a_kept_record_follows_each_new_version_of_the_document(solr_app, solr):
    practice_id = _publish(solr_app, [dict(intitule="Premier intitulé"),
                                      dict(intitule="Une autre")])[0]
    api = webtest.TestApp(solr_app)

    def title() -> str:
        records = api.get("/api/pratiques", {"tri": "publication"}).json["resultats"]
        return next(r["intitule"] for r in records if r["id"] == str(practice_id))

    assert title() == title() == "Premier intitulé"  # the second answer reuses the record
    factory = solr_app.registry["dbsession_factory"]
    with factory() as session:
        session.get(Practice, practice_id).intitule = "Intitulé corrigé"
        session.commit()
    assert drain_queue(factory, solr) == 1  # Solr holds a new version of the document
    solr_app.registry["search_waiting_updates"].max_age = 3600  # the queue is not read again
    assert title() == "Intitulé corrigé"


def test_a_kept_record_follows_an_edited_label(solr_app, solr):
    _publish(solr_app, [dict(intitule="Soutien scolaire", thematiques=["education"]),
                        dict(intitule="Une autre", thematiques=["education"])])
    api = webtest.TestApp(solr_app)

    def labels() -> set[str]:
        return {r["thematiques"][0]["libelle"] for r in api.get("/api/pratiques").json["resultats"]}

    assert labels() == labels() == {"Éducation"}

    def set_label(label: str) -> None:
        with solr_app.registry["dbsession_factory"]() as session:  # this process's commit
            session.execute(sa.update(VocabularyTerm)
                            .where(VocabularyTerm.vocabulary == "thematiques",
                                   VocabularyTerm.code == "education")
                            .values(label=label))
            session.commit()

    try:
        set_label("Éducation et scolarité")
        assert labels() == {"Éducation et scolarité"}
    finally:
        set_label("Éducation")


def _cards(page) -> list[str]:
    """What each result card of a catalogue page shows, as text."""
    return [" | ".join(part.get_text(" ", strip=True) for part in card.select(
        ".fr-card__title, .fr-card__desc, .fr-badge, .fr-card__detail"))
        for card in page.html.select(".resultat")]


@pytest.mark.parametrize("params", SEARCHES)
def test_the_catalogue_shows_from_solr_what_the_database_gives(solr_app, wsgi_app, params):
    ids, page, statements, expected = _on_both(solr_app, wsgi_app, "/pratiques", params)
    assert not [s for s in statements if "practice" in s.lower()]  # no practice was read
    shown = _cards(page)
    assert shown and shown == _cards(expected)
    if params == {"tri": "publication"}:
        first = next(card for card in shown if DECOMPOSED in card)  # as written
        assert "Coup de cœur du comité | Fiche ONPE | Santé mentale" in first
        assert "Mise en œuvre en 2019" in first and "Angers, Maine-et-Loire (49)" in first
        assert f"/pratiques/{ids[0]}" in page.text


def test_a_card_whose_update_waits_for_solr_is_read_from_the_database(solr_app, solr):
    edited, unpublished = _publish(solr_app, [dict(intitule="Premier intitulé"),
                                              dict(intitule="Bientôt dépubliée")])[:2]
    catalogue = webtest.TestApp(solr_app)
    factory = solr_app.registry["dbsession_factory"]
    with factory() as session:
        session.get(Practice, edited).intitule = "Intitulé corrigé"
        session.get(Practice, unpublished).status = "depubliee"
        session.commit()
    titles = [t.get_text(strip=True)
              for t in catalogue.get("/pratiques").html.select(".resultat .fr-card__title")]
    assert titles == ["Intitulé corrigé"]
