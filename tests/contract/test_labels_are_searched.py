"""The search box finds a theme, a public, a place or a reference: the labels of a practice's
codes and its reference are searched on both backends, with the same analysis, and an edited
label reaches both indexes."""
import datetime as dt

import pytest
import sqlalchemy as sa
from pyramid.scripting import prepare

from recueil import main
from recueil.models import VocabularyTerm
from recueil.search.query import SearchRequest
from recueil.search.service import reindex
from recueil.search.sql import SqlSearch
from recueil.services.vocabularies import edit_label, get_term

from ..conftest import _clean
from ..factories import make_practice
from .conftest import solr_client

CORPUS = {
    "sante": dict(intitule="Une équipe mobile", thematiques=["sante-mentale"]),
    "sante_et_ecole": dict(intitule="Un soutien au collège",
                           thematiques=["education", "sante-mentale"]),
    # « santé » alone, in the text: not the thématique
    "sante_seule": dict(intitule="Un bilan de santé", thematiques=["education"]),
    "paris": dict(intitule="Un lieu d'écoute", echelle="departementale", departements=["75"],
                  regions=["11"]),
    "seine_saint_denis": dict(intitule="Une permanence", echelle="departementale",
                              departements=["93"], regions=["11"]),
    "ajaccio": dict(intitule="Une maison des familles", echelle="departementale",
                    departements=["2A"], regions=["94"]),
    "reference": dict(intitule="Un accueil de nuit"),
    "brouillon": dict(intitule="Un brouillon", thematiques=["sante-mentale"], status="brouillon",
                      date_publication=None),
}


def _add_corpus(session) -> dict:
    keys = {}
    for key, fields in CORPUS.items():
        fields = dict(fields)
        status = fields.pop("status", "publiee")
        practice = make_practice(session, status=status, **fields)
        if key == "reference":
            practice.reference = "PI-2026-0172"
        keys[key] = practice.id
    session.flush()
    return keys


@pytest.fixture(scope="module")
def corpus(wsgi_app, engine, solr_settings):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        keys = _add_corpus(session)
        session.commit()
    solr = solr_client(solr_settings)
    reindex(factory, {"search.backend": "solr"}, lambda: solr, embedded=True)
    yield keys
    solr.clear()
    _clean(engine)


def found(backends, corpus, q: str = "", **filters) -> set[str]:
    """The keys both backends find, after checking that they agree."""
    request = SearchRequest(q=q, filters={k: tuple(v) for k, v in filters.items()})
    sql = backends["sql"].search(request)
    solr = backends["solr"].search(request)
    assert set(sql.ids) == set(solr.ids), q
    assert sql.facets == solr.facets, q
    names = {v: k for k, v in corpus.items()}
    return {names[i] for i in sql.ids}


@pytest.mark.parametrize("query", ["Santé mentale", "sante mentale", "SANTÉ MENTALE"])
def test_a_thematique_label_finds_every_practice_of_that_thematique(backends, corpus, query):
    chosen = found(backends, corpus, thematiques=["sante-mentale"])
    assert chosen == {"sante", "sante_et_ecole"}
    assert found(backends, corpus, query) == chosen


def test_a_region_name_finds_the_practices_of_the_region(backends, corpus):
    assert found(backends, corpus, "Île-de-France") == {"paris", "seine_saint_denis"}
    assert found(backends, corpus, "ile de france") == found(backends, corpus, regions=["11"])


def test_a_departement_name_finds_its_practices(backends, corpus):
    assert found(backends, corpus, "Seine-Saint-Denis") == {"seine_saint_denis"}
    assert found(backends, corpus, "Corse-du-Sud") == {"ajaccio"}


def test_a_reference_finds_its_practice(backends, corpus):
    assert found(backends, corpus, "PI-2026-0172") == {"reference"}
    assert found(backends, corpus, "pi-2026-0172") == {"reference"}


def test_a_public_label_is_searched_with_the_text(backends, corpus):
    # every practice of the corpus is for « Enfants »; with « équipe » only one is left
    assert found(backends, corpus, "équipe enfants") == {"sante"}


# -- an edited label reaches both indexes ------------------------------------------------------
@pytest.fixture
def solr_app(app_settings, solr_settings, solr, engine, wsgi_app):
    factory = wsgi_app.registry["dbsession_factory"]
    columns = VocabularyTerm.__table__.c
    with factory() as session:
        rows = [dict(row._mapping) for row in session.execute(sa.select(*columns))]
    yield main({}, **dict(app_settings, **{"search.backend": "solr", **solr_settings}))
    _clean(engine)
    with factory() as session:  # the vocabularies are reference data: given back as they were
        session.execute(sa.delete(VocabularyTerm))
        session.execute(sa.insert(VocabularyTerm), rows)
        session.commit()


def _in_a_request(app, work):
    env = prepare(registry=app.registry)
    try:
        with env["request"].tm:
            return work(env["request"].dbsession)
    finally:
        env["closer"]()


def test_an_edited_label_is_searched_at_once_on_both_backends(solr_app, solr):
    practice_id = _in_a_request(solr_app, lambda db: make_practice(
        db, intitule="Un atelier", thematiques=["parents-detenus"]).id)

    def relabel(db):
        term = get_term(db, "thematiques", "parents-detenus")
        edit_label(db, term, "Parents incarcérés", term.label, "admin@fep.example.fr",
                   dt.datetime(2026, 11, 23, 9, 30))

    _in_a_request(solr_app, relabel)
    factory = solr_app.registry["dbsession_factory"]
    with factory() as session:
        embedded = SqlSearch(session)
        for q, expected in (("incarcérés", {practice_id}), ("détenus", set())):
            assert set(embedded.search(SearchRequest(q=q)).ids) == expected
            assert set(solr.search(SearchRequest(q=q)).ids) == expected
