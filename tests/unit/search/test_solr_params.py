"""User text never reaches Solr as syntax; filters are built from validated codes only."""
import pathlib
from xml.etree import ElementTree

import pytest
from webob.multidict import MultiDict

from recueil.search.query import CODE_FACETS, InvalidParameter, SearchRequest, parse
from recueil.search.solr import ALLOWED_PARAMS, SEARCH_HANDLER, SolrSearch, quote

SOLR_CONFIG = (pathlib.Path(__file__).resolve().parents[3]
               / "recueil" / "search" / "solr" / "pratiques" / "conf" / "solrconfig.xml")

ALLOWED = {"thematiques": {"education", "autre"}, "departements": {"2A", "49"},
           "niveau": {"1", "2"}, "coup_de_coeur": {"true"}}


def params(q="", **filters):
    return SolrSearch("http://127.0.0.1:1/solr/x").params(
        SearchRequest(q=q, filters={k: tuple(v) for k, v in filters.items()})
    )


@pytest.mark.parametrize("q", [
    '{!func}sum(1,2)', "*:* OR id:*", 'intitule:"x"^100', "école) OR (a", "a AND b", "\\\" }",
    "{!lucene df=id}*", "titre:école", "[* TO *]", "école~2", "+école -enfant",
])
def test_user_text_becomes_plain_words(q):
    sent = params(q)["q"]
    if sent == "*:*":  # nothing left but syntax: the backend's own match-all
        return
    assert not set(sent) & set('{}!:*()[]"\\^~+-/'), sent
    assert sent == sent.lower()


def test_an_empty_or_syntax_only_query_asks_for_everything():
    assert params("")["q"] == "*:*"
    assert params("{!}:*()")["q"] == "*:*"


def test_filters_are_tagged_and_quoted():
    sent = params(thematiques=["education", "autre"], departements=["2A"])
    assert '{!tag=thematiques}thematiques:("education" OR "autre")' in sent["fq"]
    assert '{!tag=departements}departements:("2A")' in sent["fq"]


def test_the_search_handler_counts_every_facet_without_its_own_filter():
    """The facets of query.py are those the handler of solrconfig.xml counts, each one
    excluding the filter tagged with its name."""
    config = ElementTree.parse(SOLR_CONFIG).getroot()
    handler = next(h for h in config.iter("requestHandler")
                   if h.get("name") == f"/{SEARCH_HANDLER}")
    fields = [e.text for e in handler.find("lst") if e.get("name") == "facet.field"]
    assert fields == [f"{{!ex={f}}}{f}" for f in (*CODE_FACETS, "annee")]


def test_quote_escapes_quotes_and_backslashes():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


def test_only_allowed_parameters_are_built():
    assert set(params("école", thematiques=["education"])) <= ALLOWED_PARAMS


def test_codes_outside_the_vocabularies_are_refused_by_the_api_parser():
    with pytest.raises(InvalidParameter) as error:
        parse(MultiDict([("thematiques", '") OR *:* OR ("')]), ALLOWED)
    assert error.value.name == "thematiques"
    with pytest.raises(InvalidParameter):
        parse(MultiDict([("fq", "*:*")]), ALLOWED)
