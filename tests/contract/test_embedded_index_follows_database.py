"""The embedded search follows the database: whatever another transaction, thread or process
commits is what the next search of this process finds, though each process keeps the facets
in memory between two changes."""
import concurrent.futures
import datetime as dt
import json
import subprocess
import sys
import textwrap
import threading

import pytest
from sqlalchemy import String, cast, func, select

from recueil.models import Practice, SearchTerm
from recueil.search import sql as sql_backend
from recueil.search.query import SearchRequest
from recueil.search.sql import SqlSearch

from ..factories import make_practice


@pytest.fixture
def factory(wsgi_app, testapp):
    """The application's sessions (the index hooks on); the test's data is removed after."""
    return wsgi_app.registry["dbsession_factory"]


def api(testapp, **params) -> dict:
    return testapp.get("/api/pratiques", params).json


def titles(answer) -> set[str]:
    return {r["intitule"] for r in answer["resultats"]}


def counts(answer, facet) -> dict[str, int]:
    return {v["code"]: v["nombre"] for v in answer["facettes"][facet] if v["nombre"]}


def commit(factory, change) -> None:
    """Run `change(session)` in a transaction of its own, committed."""
    with factory() as session:
        change(session)
        session.commit()


def practice(session, title) -> Practice:
    return session.scalars(select(Practice).where(Practice.intitule == title)).one()


def test_a_practice_published_elsewhere_is_found_by_the_next_search(factory, testapp):
    commit(factory, lambda s: make_practice(s, intitule="Un jardin partagé"))
    assert api(testapp, q="potager")["total"] == 0  # the facets are now in this process's memory

    commit(factory, lambda s: make_practice(s, intitule="Un potager partagé",
                                            thematiques=["sante-mentale"], publics=["parents"]))
    answer = api(testapp, q="potager")
    assert titles(answer) == {"Un potager partagé"}
    everything = api(testapp)
    assert everything["total"] == 2
    assert counts(everything, "thematiques") == {"education": 1, "sante-mentale": 1}
    assert counts(api(testapp, thematiques="sante-mentale"), "publics") == {"parents": 1}


def test_a_practice_edited_elsewhere_is_found_as_it_now_is(factory, testapp):
    commit(factory, lambda s: make_practice(s, intitule="Un potager partagé",
                                            thematiques=["education"], echelle="locale"))
    assert api(testapp, q="potager")["total"] == 1

    def edit(session):
        edited = practice(session, "Un potager partagé")
        edited.intitule = "Un verger partagé"
        edited.thematiques = ["harcelement"]
        edited.echelle = "regionale"

    commit(factory, edit)
    assert api(testapp, q="potager")["total"] == 0
    assert titles(api(testapp, q="verger")) == {"Un verger partagé"}
    assert api(testapp, thematiques="education")["total"] == 0
    everything = api(testapp)
    assert counts(everything, "thematiques") == {"harcelement": 1}
    assert counts(everything, "echelle") == {"regionale": 1}


def test_a_practice_unpublished_or_deleted_elsewhere_is_no_longer_found(factory, testapp):
    for title in ("Un potager partagé", "Un verger partagé", "Un jardin partagé"):
        commit(factory, lambda s, title=title: make_practice(s, intitule=title))
    assert api(testapp, q="partagé")["total"] == 3

    commit(factory, lambda s: setattr(practice(s, "Un potager partagé"), "status", "depubliee"))
    assert titles(api(testapp, q="partagé")) == {"Un verger partagé", "Un jardin partagé"}

    commit(factory, lambda s: s.delete(practice(s, "Un verger partagé")))
    answer = api(testapp, q="partagé")
    assert titles(answer) == {"Un jardin partagé"}
    assert api(testapp)["total"] == 1
    assert counts(api(testapp), "thematiques") == {"education": 1}


def test_a_change_rolled_back_is_never_found(factory, testapp):
    commit(factory, lambda s: make_practice(s, intitule="Un jardin partagé"))
    assert api(testapp)["total"] == 1
    with factory() as session:
        make_practice(session, intitule="Un potager partagé")
        # its own transaction finds it…
        assert SqlSearch(session).search(SearchRequest(q="potager")).total == 1
        session.rollback()
    # …nobody else ever does
    assert api(testapp, q="potager")["total"] == 0
    assert api(testapp)["total"] == 1


def test_a_publication_by_another_process_is_found_by_the_next_search(factory, testapp,
                                                                       app_settings):
    commit(factory, lambda s: make_practice(s, intitule="Un potager partagé", status="soumise"))
    assert api(testapp, q="potager")["total"] == 0
    publish = textwrap.dedent("""\
        import json, sys
        from sqlalchemy import select
        from recueil import main
        from recueil.models import Practice

        app = main({}, **json.loads(sys.argv[1]))
        with app.registry["dbsession_factory"]() as session:
            found = session.scalars(select(Practice).where(Practice.intitule == sys.argv[2])).one()
            found.status = "publiee"
            session.commit()
        """)
    subprocess.run([sys.executable, "-W", "ignore", "-c", publish, json.dumps(app_settings),
                    "Un potager partagé"], check=True, timeout=120)
    assert titles(api(testapp, q="potager")) == {"Un potager partagé"}


def test_threads_searching_at_once_after_a_change_all_find_it(factory, testapp):
    commit(factory, lambda s: make_practice(s, intitule="Un jardin partagé"))
    assert api(testapp)["total"] == 1
    commit(factory, lambda s: make_practice(s, intitule="Un potager partagé"))
    threads = 4
    start = threading.Barrier(threads)

    def search(_):
        with factory() as session:
            start.wait(timeout=30)
            result = SqlSearch(session).search(SearchRequest(q="partagé"))
            return result.total, result.facets["thematiques"]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        found = list(pool.map(search, range(threads)))
    assert found == [(2, {"education": 2})] * threads


def _fresh(factory):
    """What a process that never searched before would hold: a snapshot built from scratch."""
    key = factory.kw["bind"].url
    with factory() as session:
        token, serial = SqlSearch(session)._generation()
        return sql_backend._Snapshot.build(session, token, serial), key


def _state(snapshot):
    return (snapshot.keys, snapshot.published, snapshot.started, snapshot.facets,
            snapshot.oldest, snapshot.rank)


def test_a_process_patches_its_facets_after_a_change_as_a_rebuild_would_make_them(
        factory, testapp):
    """Each change below is read by this process as a patch of its snapshot (a few
    practices re-read), never a rebuild; the result is the snapshot a rebuild makes."""
    dates = [dt.date(2019, 5, 2), None, dt.date(2023, 1, 9), dt.date(2019, 5, 2)]
    for number in range(12):
        commit(factory, lambda s, n=number: make_practice(
            s, intitule=f"Un jardin partagé {n}", date_mise_en_oeuvre=dates[n % 4],
            thematiques=["education", "sante-mentale"][: 1 + n % 2], echelle="locale",
            date_publication=dt.date(2025, 3, 1 + n % 3)))
    assert api(testapp, q="jardin")["total"] == 12  # "jardin" is now in this process's cache

    def edit(session):
        edited = practice(session, "Un jardin partagé 4")
        edited.thematiques = ["harcelement"]
        edited.echelle = "regionale"
        edited.date_mise_en_oeuvre = dt.date(2001, 1, 1)
        edited.date_publication = dt.date(2025, 3, 2)

    changes = [
        lambda s: make_practice(s, intitule="Un jardin des parents",
                                date_publication=dt.date(2025, 3, 2)),
        edit,
        lambda s: setattr(practice(s, "Un jardin partagé 7"), "status", "depubliee"),
        lambda s: s.delete(practice(s, "Un jardin partagé 2")),
        lambda s: setattr(practice(s, "Un jardin partagé 7"), "status", "publiee"),
        lambda s: make_practice(s, intitule="Un potager", date_mise_en_oeuvre=None,
                                date_publication=None, coup_de_coeur=True),
    ]
    builds = []
    original = sql_backend._Snapshot.build.__func__

    def counted_build(cls, *args):
        builds.append(args)
        return original(cls, *args)

    for change in changes:
        commit(factory, change)
        sql_backend._Snapshot.build = classmethod(counted_build)
        try:
            api(testapp, q="jardin")
        finally:
            sql_backend._Snapshot.build = classmethod(original)
        fresh, key = _fresh(factory)
        held = sql_backend._snapshots[key]
        assert held.token == fresh.token
        assert _state(held) == _state(fresh)
        with factory() as session:
            assert held.cached_term("jardin") == fresh.remember_term(
                "jardin", session.execute(
                    select(func.aggregate_strings(cast(SearchTerm.practice_id, String), ","))
                    .where(SearchTerm.term == "jardin")).scalar())
    assert builds == []
    answer = api(testapp, tri="anciennete")
    # no start date sorts as the oldest, as Solr sorts it (the potager, 1, 5, 9), then 2001
    assert answer["resultats"][4]["intitule"] == "Un jardin partagé 4"
    assert api(testapp, q="jardin")["total"] == 12
