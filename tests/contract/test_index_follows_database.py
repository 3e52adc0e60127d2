"""Solr follows the database after each commit, and an outage loses nothing."""
import uuid

import pytest
import sqlalchemy as sa
import webtest
from pyramid.scripting import prepare

from recueil import main
from recueil.models import IndexTask, Practice, SearchTerm
from recueil.scripts.cli import main as cli
from recueil.search.query import SearchRequest
from recueil.search.service import drain_queue, reindex

from ..conftest import _clean, free_port
from ..factories import make_practice


def _app(app_settings, solr_settings):
    return main({}, **dict(app_settings, **{"search.backend": "solr"}, **solr_settings))


@pytest.fixture
def solr_app(app_settings, solr_settings, solr, engine):
    yield _app(app_settings, solr_settings)
    _clean(engine)


@pytest.fixture
def dead_solr_app(app_settings, engine):
    yield _app(app_settings, {"solr.url": f"http://127.0.0.1:{free_port()}/solr/pratiques"})
    _clean(engine)


def _in_a_request(app, work):
    """Run `work(dbsession)` in a request's transaction, as a view or a command would."""
    env = prepare(registry=app.registry)
    try:
        with env["request"].tm:
            return work(env["request"].dbsession)
    finally:
        env["closer"]()


def _ids(solr, q=""):
    return set(solr.search(SearchRequest(q=q)).ids)


def test_a_publication_reaches_solr_once_committed(solr_app, solr, engine):
    practice_id = _in_a_request(
        solr_app, lambda db: make_practice(db, intitule="Un jardin partagé").id
    )
    assert _ids(solr, "jardin") == {practice_id}
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(IndexTask)) == 0


def test_an_unpublished_practice_leaves_solr(solr_app, solr):
    practice_id = _in_a_request(
        solr_app, lambda db: make_practice(db, intitule="Un jardin partagé").id
    )

    def unpublish(db):
        db.get(Practice, practice_id).status = "depubliee"

    _in_a_request(solr_app, unpublish)
    assert _ids(solr, "jardin") == set()


def test_nothing_reaches_solr_when_the_transaction_fails(solr_app, solr):
    def fail(db):
        make_practice(db, intitule="Un jardin partagé")
        raise RuntimeError("échec après l'écriture")

    with pytest.raises(RuntimeError):
        _in_a_request(solr_app, fail)
    assert _ids(solr) == set()


def test_a_solr_outage_loses_nothing_and_search_still_answers(
        dead_solr_app, solr, engine, wsgi_app):
    practice_id = _in_a_request(
        dead_solr_app, lambda db: make_practice(db, intitule="Un jardin partagé").id
    )
    # the practice is saved, its update waits in the queue
    with engine.connect() as connection:
        task = connection.execute(sa.select(IndexTask.__table__)).one()
        assert connection.scalar(
            sa.select(Practice.status).where(Practice.id == practice_id)
        ) == "publiee"
    assert task.practice_id == practice_id and task.attempts == 1 and task.last_error

    # the public search answers from the database meanwhile
    answer = webtest.TestApp(dead_solr_app).get("/api/pratiques", {"q": "jardin"})
    assert answer.json["total"] == 1
    assert answer.json["resultats"][0]["id"] == str(practice_id)

    # Solr is back: the queue drains
    assert drain_queue(wsgi_app.registry["dbsession_factory"], solr) == 1
    assert _ids(solr, "jardin") == {practice_id}
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(IndexTask)) == 0


def _embedded_index(engine) -> set:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(SearchTerm.term, SearchTerm.practice_id)))


def test_reindex_rebuilds_solr_and_leaves_the_embedded_index_alone(
        ini_file, solr_settings, solr, engine, wsgi_app, capsys):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        published = {make_practice(session, intitule=f"Pratique {i}").id for i in range(3)}
        make_practice(session, status="soumise")
        session.commit()
    stale = uuid.uuid4()
    solr.client.add([{"id": str(stale), "intitule": "ancienne"}], commit=True)
    # a term no rebuild would write: it shows whether the embedded index was rebuilt
    with engine.begin() as connection:
        connection.execute(sa.insert(SearchTerm), {"term": "zzz", "practice_id": min(published)})
    before = _embedded_index(engine)
    ini = ini_file(**{"search.backend": "solr"}, **solr_settings)
    try:
        assert cli(["--config", ini, "reindex"]) == 0
        out, err = capsys.readouterr()
        assert "Index Solr reconstruit : 3 pratiques publiées" in out
        assert "Solr : [" in err and "3/3 (100 %)" in err
        assert _ids(solr) == published
        assert _embedded_index(engine) == before

        assert cli(["--config", ini, "reindex", "--embarque"]) == 0
        out, err = capsys.readouterr()
        assert "Index Solr et index de la base reconstruits : 3 pratiques publiées." in out
        assert "Index de la base : [" in err and "4/4 (100 %)" in err
        assert _ids(solr) == published
        rebuilt = _embedded_index(engine)
        assert ("zzz", min(published)) not in rebuilt
        assert rebuilt == before - {("zzz", min(published))}
    finally:
        _clean(engine)


def test_reindex_keeps_the_updates_queued_after_it_began(solr_app, solr, engine):
    factory = solr_app.registry["dbsession_factory"]
    with factory() as session:  # outside a request: the task stays in the queue
        practice_id = make_practice(session, intitule="Un jardin partagé").id
        session.commit()
    late = []

    def progress(done, total, label):
        if not late:  # a change committed while the reindex runs
            with factory() as session:
                late.append(make_practice(session, intitule="Un verger partagé").id)
                session.commit()

    assert reindex(factory, {"search.backend": "solr"}, lambda: solr, progress) >= 1
    with engine.connect() as connection:
        waiting = set(connection.scalars(sa.select(IndexTask.practice_id)))
    assert practice_id not in waiting and late[0] in waiting
    assert drain_queue(factory, solr) == 1
    assert _ids(solr, "partagé") == {practice_id, late[0]}
