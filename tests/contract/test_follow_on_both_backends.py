"""Following a search gives the same answers on both backends: the Atom feed lists the
search's results newest first, and an alert finds the same new practices."""
import datetime as dt
import xml.etree.ElementTree as ET  # nosec B405 # parses the application's own feed

import pytest
import webtest

from recueil import main
from recueil.search.service import SearchService, reindex
from recueil.services.alerts import new_practice_ids

from ..conftest import _clean
from ..factories import make_practice
from .conftest import solr_client

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = dt.date(2026, 11, 20)

#: key -> fields; several practices share a day of publication, so that the order within a
#: day (by id on both backends) counts too
CORPUS = {
    "ecole": dict(intitule="Le lien avec l'École primaire", thematiques=["education"],
                  departements=["49"], regions=["52"], echelle="departementale",
                  date_publication=DAY),
    "ecoles": dict(intitule="Des écoles ouvertes aux parents", thematiques=["education"],
                   regions=["52"], echelle="regionale", date_publication=DAY),
    "parents": dict(intitule="Le café des parents", thematiques=["liens-parents-enfants"],
                    departements=["49"], regions=["52"], echelle="departementale",
                    date_publication=DAY - dt.timedelta(days=1)),
    "ancienne": dict(intitule="Une école d'autrefois", thematiques=["education"],
                     date_publication=DAY - dt.timedelta(days=30), coup_de_coeur=True),
    "demain": dict(intitule="L'école de demain", thematiques=["education"],
                   date_publication=DAY + dt.timedelta(days=1)),
    "retiree": dict(intitule="Une école dépubliée", thematiques=["education"],
                    status="depubliee"),
}


@pytest.fixture(scope="module")
def corpus(wsgi_app, engine, solr_settings):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        keys = {}
        for key, fields in CORPUS.items():
            fields = dict(fields)
            keys[key] = make_practice(session, status=fields.pop("status", "publiee"),
                                      **fields).id
        session.commit()
    reindex(factory, {"search.backend": "solr"}, lambda: solr_client(solr_settings))
    yield keys
    solr_client(solr_settings).clear()
    _clean(engine)


@pytest.fixture(scope="module")
def apps(app_settings, wsgi_app, solr_settings, corpus):
    solr = main({}, **dict(app_settings, **{"search.backend": "solr"}, **solr_settings))
    return {"sql": webtest.TestApp(wsgi_app), "solr": webtest.TestApp(solr)}


@pytest.mark.parametrize("query", [
    "", "thematiques=education", "q=ecole", "q=ecole&departements=49", "coup_de_coeur=true",
    "regions=52&tri=anciennete",
])
def test_the_feed_lists_the_search_results_on_both_backends(apps, corpus, query):
    listed = {}
    for name, app in apps.items():
        feed = ET.fromstring(app.get(f"/pratiques.atom?{query}").body)  # nosec B314
        ids = [e.find(f"{ATOM}id").text.removeprefix("urn:uuid:")
               for e in feed.findall(f"{ATOM}entry")]
        params = [p for p in query.split("&") if p and not p.startswith("tri=")]
        api = app.get("/api/pratiques?" + "&".join([*params, "tri=publication", "par_page=50"]))
        assert ids == [r["id"] for r in api.json["resultats"]], name
        listed[name] = ids
    assert listed["sql"] == listed["solr"]
    assert str(corpus["retiree"]) not in listed["sql"]


@pytest.mark.parametrize("query, after, through, expected", [
    # the run of the 21st: the 20th, and nothing of the 21st
    ("thematiques=education", DAY - dt.timedelta(days=1), DAY, {"ecole", "ecoles"}),
    ("q=ecole", DAY - dt.timedelta(days=31), DAY, {"ecole", "ecoles", "ancienne"}),
    ("departements=49", DAY - dt.timedelta(days=2), DAY, {"ecole", "parents"}),
    ("q=ecole", DAY, DAY + dt.timedelta(days=1), {"demain"}),
    ("thematiques=harcelement", DAY - dt.timedelta(days=365), DAY, set()),
])
def test_an_alert_finds_the_same_new_practices_on_both_backends(wsgi_app, solr_settings, corpus,
                                                                 query, after, through,
                                                                 expected):
    with wsgi_app.registry["dbsession_factory"]() as session:
        found = {
            name: new_practice_ids(SearchService(session, backend), session, query, after,
                                   through)
            for name, backend in (("sql", None), ("solr", solr_client(solr_settings)))
        }
    assert found["sql"] == found["solr"]
    assert set(found["sql"]) == {corpus[key] for key in expected}
