"""The filter « taken up at least once » (essaimage) gives the same answers on both backends,
and a published account reaches both indexes once the moderator's decision is committed."""
import datetime as dt

import pytest
from pyramid.scripting import prepare

from recueil import main
from recueil.models import Essaimage
from recueil.search.query import SearchRequest
from recueil.search.service import reindex
from recueil.search.sql import SqlSearch
from recueil.services import essaimages, workflow

from ..conftest import _clean
from ..factories import make_practice
from .conftest import solr_client

CORPUS = {
    "twice": dict(intitule="Le lien avec l'école", thematiques=["education"],
                  nombre_essaimages=2),
    "once": dict(intitule="Le café des parents", thematiques=["liens-parents-enfants"],
                 nombre_essaimages=1, coup_de_coeur=True),
    "never": dict(intitule="Des écoles ouvertes", thematiques=["education"]),
    "fiche": dict(niveau=2, intitule="Un dispositif scolaire", thematiques=["education"],
                  bilan=None, nombre_essaimages=1),
    "unpublished": dict(intitule="Une école dépubliée", status="depubliee",
                        date_publication=None, nombre_essaimages=3),
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
    solr = solr_client(solr_settings)
    reindex(factory, {"search.backend": "solr"}, lambda: solr)
    yield keys
    solr.clear()
    _clean(engine)


@pytest.mark.parametrize("filters, expected", [
    ({"essaimee": ("true",)}, {"twice", "once", "fiche"}),
    ({"essaimee": ("true",), "thematiques": ("education",)}, {"twice", "fiche"}),
    ({"essaimee": ("true",), "coup_de_coeur": ("true",)}, {"once"}),
    ({"essaimee": ("true",), "niveau": ("1",)}, {"twice", "once"}),
])
def test_both_backends_filter_on_practices_taken_up(backends, corpus, filters, expected):
    answers = {}
    for name, backend in backends.items():
        result = backend.search(SearchRequest(filters=filters, par_page=50))
        assert set(result.ids) == {corpus[k] for k in expected}, name
        assert result.total == len(expected), name
        answers[name] = (result.ids, result.facets)
    assert answers["sql"] == answers["solr"]


def test_the_facet_counts_agree(backends, corpus):
    facets = {name: backend.search(SearchRequest()).facets["essaimee"]
              for name, backend in backends.items()}
    assert facets["sql"] == facets["solr"] == {"true": 3, "false": 1}
    within = {name: backend.search(SearchRequest(filters={"thematiques": ("education",)}))
              .facets["essaimee"] for name, backend in backends.items()}
    assert within["sql"] == within["solr"] == {"true": 2, "false": 1}


def test_solr_gives_back_the_count_in_its_records(backends, corpus):
    solr = backends["solr"]
    result = solr.search(SearchRequest(filters={"essaimee": ("true",)}),
                         fields=("id", "nombre_essaimages"))
    counts = {doc["id"]: doc["nombre_essaimages"] for doc in result.documents}
    assert counts == {str(corpus["twice"]): 2, str(corpus["once"]): 1, str(corpus["fiche"]): 1}


@pytest.fixture
def solr_app(app_settings, solr_settings, solr, engine):
    yield main({}, **dict(app_settings, **{"search.backend": "solr", **solr_settings}))
    _clean(engine)


def _in_a_request(app, work):
    env = prepare(registry=app.registry)
    try:
        with env["request"].tm:
            return work(env["request"])
    finally:
        env["closer"]()


def test_a_published_account_reaches_both_indexes_after_the_commit(solr_app, solr):
    def prepare_account(request):
        practice = make_practice(request.dbsession, intitule="Un jardin partagé")
        essaimage = Essaimage(practice_id=practice.id, structure="Une équipe du Lot",
                              departement="46", recit="Repris.", courriel="e@example.org",
                              status="a_moderer", created_at=dt.datetime(2026, 11, 20))
        request.dbsession.add(essaimage)
        request.dbsession.flush()
        return practice.id, essaimage.id

    practice_id, essaimage_id = _in_a_request(solr_app, prepare_account)
    taken_up = SearchRequest(filters={"essaimee": ("true",)})
    assert solr.search(taken_up).ids == []
    session = solr_app.registry["dbsession_factory"]()
    try:
        assert practice_id not in SqlSearch(session).search(taken_up).ids
    finally:
        session.close()
    moderator = workflow.Actor(label="moderatrice@fep.example.fr", roles=("moderateur",))

    def publish(request):
        essaimages.decide(request.dbsession, request.clock, essaimage_id, "publier", moderator)
        # before the commit, Solr does not have it yet
        assert solr.search(taken_up).ids == []

    _in_a_request(solr_app, publish)
    assert solr.search(taken_up).ids == [practice_id]
    session = solr_app.registry["dbsession_factory"]()
    try:
        # the embedded index was written in the decision's own transaction
        assert practice_id in SqlSearch(session).search(taken_up).ids
    finally:
        session.close()
