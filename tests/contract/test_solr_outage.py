"""Drill: Solr stops in the middle of a run of publications and edits made through the
application. Public search keeps answering from the database, nothing is lost, and once
Solr is back the cron command alone makes the index converge.

The drill has a Solr of its own (a few seconds to start from the cached jars), with its
index on disk, so that stopping it leaves the suite's Solr alone and restarting it brings
back the index as it was when it stopped.
"""

import pytest
import sqlalchemy as sa
import webtest

from recueil import main
from recueil.models import IndexTask, Practice
from recueil.scripts.cli import main as cli
from recueil.search.query import SearchRequest
from recueil.search.solr import SolrSearch

from ..conftest import _clean, free_port
from ..functional.test_admin import sign_in, staff
from ..functional.test_import import SOURCE, csv_file, initiative, upload
from .conftest import _solr_server_module

ADMIN = "admin@fep.example.fr"
NEW_TITLE = "Un verger partagé avec les familles"


@pytest.fixture
def solr_server(tmp_path):
    """A Solr on a port of its own, its index kept in `tmp_path` across a stop."""
    module = _solr_server_module()
    server = module.SolrServer(free_port(), home=tmp_path / "solr", startup_timeout=120)
    try:
        server.start()
    except (module.SolrError, OSError) as error:
        pytest.fail(f"Solr n'a pas pu démarrer : {error}")
    yield server
    server.stop()


@pytest.fixture
def app(app_settings, solr_server, engine):
    yield main({}, **dict(app_settings, **{"search.backend": "solr",
                                           "solr.url": solr_server.url}))
    _clean(engine)


@pytest.fixture
def admin(app):
    with app.registry["dbsession_factory"]() as session:
        staff(session, ADMIN, "administrateur")
        session.commit()
    browser = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
    sign_in(browser, ADMIN)
    return browser


def publish(admin, rows):
    """Import `rows` as published practices, as the administration page does."""
    report = upload(admin, csv_file(rows), publier=True).follow()
    done = report.forms["confirmation"].submit("lignes", value="toutes").follow()
    assert "Import terminé" in done


def by_source_id(engine) -> dict[str, Practice]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(Practice.source_id, Practice.id, Practice.status)
            .where(Practice.source == SOURCE))
        return {row.source_id: row for row in rows}


def published_ids(engine) -> set[str]:
    return {str(row.id) for row in by_source_id(engine).values() if row.status == "publiee"}


def queued(engine) -> list[str]:
    """The practice of each task waiting in the queue (one practice may have several)."""
    with engine.connect() as connection:
        return [str(i) for i in connection.scalars(sa.select(IndexTask.practice_id))]


def in_solr(solr, q="") -> set[str]:
    result = solr.search(SearchRequest(q=q, par_page=100))
    return {str(i) for i in result.ids}


def api_ids(browser, **query) -> set[str]:
    answer = browser.get("/api/pratiques", dict(query, par_page="100"))
    assert answer.json["total"] == len(answer.json["resultats"])
    return {item["id"] for item in answer.json["resultats"]}


def test_solr_stopped_mid_run_then_the_cron_command_converges(
        solr_server, app, admin, engine, ini_file, capsys):
    solr = SolrSearch(solr_server.url)
    publish(admin, [initiative(k) for k in (1, 2, 3)])
    before = by_source_id(engine)
    assert in_solr(solr) == published_ids(engine) and len(before) == 3
    assert queued(engine) == []

    solr_server.stop()

    # an import updates one published practice and publishes two more; one is unpublished
    rows = [initiative(k) for k in (1, 2, 3, 4, 5)]
    rows[0]["intitule"] = NEW_TITLE
    publish(admin, rows)
    unpublished = str(before["CD-002"].id)
    form = admin.get(f"/gestion/admin/pratiques/{unpublished}").forms["depublication"]
    form["motif"] = "Coordonnées périmées"
    form.submit("depublier").follow()

    # nothing is lost: the database holds every change, the queue every index update
    now = by_source_id(engine)
    online = published_ids(engine)
    assert len(online) == 4 and unpublished not in online
    changed = {str(now[s].id) for s in ("CD-001", "CD-002", "CD-004", "CD-005")}
    waiting = queued(engine)
    assert set(waiting) == changed

    # public search answers from the database, with the changes made during the outage
    assert api_ids(admin) == online
    assert api_ids(admin, q="verger") == {str(now["CD-001"].id)}
    page = admin.get("/pratiques", {"q": "verger"})
    assert NEW_TITLE in page and "Initiative départementale n° 2" not in page
    anonymous = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "192.0.2.31"})
    assert api_ids(anonymous) == online

    solr_server.start()  # same port, same index: as it was when it stopped
    assert in_solr(solr) == {str(row.id) for row in before.values()}
    assert in_solr(solr, "verger") == set()

    ini = ini_file(**{"search.backend": "solr", "solr.url": solr_server.url})
    assert cli(["--config", ini, "index-queue"]) == 0
    assert capsys.readouterr().out == f"{len(waiting)} mise(s) à jour envoyée(s) à Solr.\n"

    assert queued(engine) == []
    assert in_solr(solr) == online
    assert in_solr(solr, "verger") == {str(now["CD-001"].id)}
    assert solr.search(SearchRequest()).total == len(online)
    assert api_ids(anonymous) == online
