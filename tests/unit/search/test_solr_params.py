"""User text never reaches Solr as syntax; filters are built from validated codes only."""
import pathlib
from xml.etree import ElementTree

import pytest
from webob.multidict import MultiDict

from recueil.search.documents import RECORD_FIELDS
from recueil.search.interfaces import ID_ONLY
from recueil.search.query import CODE_FACETS, InvalidParameter, SearchRequest, parse
from recueil.search.solr import (
    ALLOWED_PARAMS,
    CLIENT_PARAMS,
    RECORDS_HANDLER,
    SEARCH_HANDLER,
    SolrSearch,
    quote,
)

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


def _handler_defaults(name: str) -> dict[str, list[str]]:
    """The defaults of a search handler of solrconfig.xml: its own over those of the
    initParams that name it, parameter by parameter."""
    config = ElementTree.parse(SOLR_CONFIG).getroot()
    defaults: dict[str, list[str]] = {}
    sections = [*(p for p in config.iter("initParams") if name in p.get("path").split(",")),
                *(h for h in config.iter("requestHandler") if h.get("name") == name)]
    for section in sections:
        own: dict[str, list[str]] = {}
        for element in section.find("lst"):
            own.setdefault(element.get("name"), []).append(" ".join(element.text.split()))
        defaults.update(own)
    return defaults


@pytest.mark.parametrize("handler", [SEARCH_HANDLER, RECORDS_HANDLER])
def test_the_search_handlers_count_every_facet_without_its_own_filter(handler):
    """The facets of query.py are those the handlers of solrconfig.xml count, each one
    excluding the filter tagged with its name."""
    fields = _handler_defaults(f"/{handler}")["facet.field"]
    assert fields == [f"{{!ex={f}}}{f}" for f in (*CODE_FACETS, "annee")]


def test_the_handlers_return_the_ids_or_the_fields_of_the_records():
    assert _handler_defaults(f"/{SEARCH_HANDLER}")["fl"] == ["id"]
    fields = _handler_defaults(f"/{RECORDS_HANDLER}")["fl"][0]
    assert [f.strip() for f in fields.split(",")] == list(RECORD_FIELDS)


def test_a_search_sends_no_field_list_the_handler_has():
    search = SolrSearch("http://127.0.0.1:1/solr/x")
    request = SearchRequest(q="école")
    assert search.params(request)["search_handler"] == SEARCH_HANDLER
    assert search.params(request, RECORD_FIELDS)["search_handler"] == RECORDS_HANDLER
    assert "fl" not in search.params(request) and "fl" not in search.params(request, RECORD_FIELDS)
    other = search.params(request, ("id", "intitule"))
    assert (other["search_handler"], other["fl"]) == (SEARCH_HANDLER, "id,intitule")
    assert ID_ONLY == ("id",)


def test_quote_escapes_quotes_and_backslashes():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


def test_only_allowed_parameters_are_built():
    assert set(params("école", thematiques=["education"])) <= ALLOWED_PARAMS | CLIENT_PARAMS


def test_codes_outside_the_vocabularies_are_refused_by_the_api_parser():
    with pytest.raises(InvalidParameter) as error:
        parse(MultiDict([("thematiques", '") OR *:* OR ("')]), ALLOWED)
    assert error.value.name == "thematiques"
    with pytest.raises(InvalidParameter):
        parse(MultiDict([("fq", "*:*")]), ALLOWED)
