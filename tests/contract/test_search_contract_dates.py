"""Practices without a date sort, page and count the same on both backends.

A fiche or an imported practice may have no date of implementation, or no date of
publication; Solr sorts a missing date as the epoch (1 January 1970), and so must the
embedded backend, on SQLite as on PostgreSQL (whose NULLs would otherwise sort apart).
"""
import datetime as dt

import pytest

from recueil.search.query import SearchRequest
from recueil.search.service import reindex

from ..conftest import _clean
from ..factories import make_practice
from .conftest import solr_client
from .test_search_contract import allowed, ask, both  # noqa: F401  (a fixture and helpers)

CORPUS = [
    ("sans-date", dict(date_mise_en_oeuvre=None, date_publication=dt.date(2024, 3, 1))),
    ("1965", dict(date_mise_en_oeuvre=dt.date(1965, 6, 1), date_publication=dt.date(2024, 2, 1))),
    ("1970", dict(date_mise_en_oeuvre=dt.date(1970, 1, 1), date_publication=dt.date(1970, 1, 1))),
    ("2020", dict(date_mise_en_oeuvre=dt.date(2020, 3, 1), date_publication=None)),
    ("2021", dict(date_mise_en_oeuvre=dt.date(2021, 3, 1), date_publication=dt.date(1969, 5, 1))),
    ("sans-dates", dict(date_mise_en_oeuvre=None, date_publication=None)),
]


@pytest.fixture(scope="module")
def corpus(wsgi_app, engine, solr_settings):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        keys = {key: make_practice(session, intitule=f"Jardin {key}", **fields).id
                for key, fields in CORPUS}
        session.commit()
    solr = solr_client(solr_settings)
    reindex(factory, {"search.backend": "solr"}, lambda: solr, embedded=True)
    yield keys
    solr.clear()
    _clean(engine)


def keys(corpus, ids) -> list[str]:
    names = {v: k for k, v in corpus.items()}
    return [names[i] for i in ids]


def test_oldest_first_puts_a_missing_date_at_the_epoch(backends, corpus, allowed):  # noqa: F811
    found = keys(corpus, both(backends, ask(allowed, tri="anciennete")).ids)
    # 1965, then the epoch and the undated ones (by id), then the later ones
    assert found[0] == "1965"
    assert set(found[1:4]) == {"1970", "sans-date", "sans-dates"}
    assert found[4:] == ["2020", "2021"]


def test_newest_publication_first_puts_a_missing_date_at_the_epoch(backends, corpus,
                                                                   allowed):  # noqa: F811
    found = keys(corpus, both(backends, ask(allowed, tri="publication")).ids)
    assert found[:2] == ["sans-date", "1965"]
    assert set(found[2:5]) == {"1970", "2020", "sans-dates"}
    assert found[5:] == ["2021"]  # published in 1969, before the epoch


def test_pages_across_missing_dates_agree(backends, corpus, allowed):  # noqa: F811
    for tri in ("anciennete", "publication"):
        seen = []
        for page in (1, 2, 3):
            seen += both(backends, ask(allowed, tri=tri, par_page=2, page=page)).ids
        assert sorted(seen) == sorted(corpus.values())


def test_a_missing_date_has_no_year(backends, corpus, allowed):  # noqa: F811
    result = both(backends, ask(allowed))
    assert result.facets["annee"] == {"1965": 1, "1970": 1, "2020": 1, "2021": 1}
    assert set(keys(corpus, both(backends, ask(allowed, annee_max=1970)).ids)) == {"1965", "1970"}
    assert both(backends, SearchRequest(annee_min=1900)).total == 4
