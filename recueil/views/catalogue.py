"""The public catalogue (spec §7): the search page with its facets, the same search as a
JSON API for programs, and as an Atom feed of its newest publications."""
import dataclasses

import orjson
from pyramid.response import Response
from pyramid.view import view_config

from opendata.feeds import FeedHead, atom_feed
from opendata.links import Links, practice_url_parts
from opendata.records import chosen
from opendata.vocabularies import Vocabularies

from ..search.documents import CARD_FIELDS, RECORD_FIELDS
from ..search.query import (
    DEFAULT_PAGE_SIZE,
    FACETS,
    SORTS,
    InvalidParameter,
    SearchRequest,
    parse,
)
from ..security import Permissions
from ..services import catalogue
from ..settings import public_url
from .api import page_links, validated
from .display import counted, excerpt, territory
from .facets import (
    active_filters,
    allowed_codes,
    facet_groups,
    facet_values,
    hidden_fields,
    lenient_request,
    search_url,
    suggested_filters,
)
from .pagination import pagination

#: entries of a search's Atom feed: its newest publications
FEED_ENTRIES = 50


def _pagination(request, state: SearchRequest, total: int) -> dict | None:
    return pagination(state.page, total, state.par_page,
                      lambda number: search_url(request, state.params(page=number)))


def _practice_urls(request):
    """practice id -> the practice's stable address, as published in the API and the open data
    (opendata.links), built once per public address."""
    parts = request.registry.setdefault("catalogue.practice_url_parts", {})
    key = request.registry.settings["recueil.public_url"]
    found = parts.get(key)
    if found is None:
        found = parts[key] = practice_url_parts(request)
    prefix, suffix = found
    return lambda practice_id: f"{prefix}{practice_id}{suffix}"


@view_config(route_name="catalogue.search", request_method="GET",
             renderer="recueil:templates/catalogue/search.pt", permission=Permissions.VIEW)
def search(request):
    state, shortened = lenient_request(request)
    # with Solr, the results are shown from its stored fields: the database is not read
    result = request.search.search(state, fields=CARD_FIELDS)
    practices = catalogue.result_cards(lambda: request.dbsession, result,
                                       stale=request.search.stale(result))
    title = f"Recherche « {state.q} »" if state.q else "Consulter le recueil"
    if state.page > 1:
        title += f" – page {state.page}"
    years = facet_values(request.references, "annee", result.facets.get("annee", {}))
    return {
        "page_title": title,
        "state": state,
        "shortened": shortened,
        "total": result.total,
        "total_label": counted(result.total, "pratique"),
        "practices": practices,
        "groups": facet_groups(request.references, state, result.facets),
        "years": [
            dict(y, url=search_url(request, state.params(
                annee_min=int(y["code"]), annee_max=int(y["code"]), page=1)))
            for y in years
        ],
        "tags": active_filters(request, state),
        "suggestions": suggested_filters(request, state),
        "active_count": (sum(len(codes) for codes in state.filters.values())
                         + (state.annee_min is not None) + (state.annee_max is not None)),
        "sorts": SORTS,
        "pagination": _pagination(request, state, result.total),
        "hidden_fields": hidden_fields,
        "territory": lambda p: territory(p, request.references),
        "excerpt": excerpt,
        "reset_url": request.route_url("catalogue.search"),
        "feed_url": public_url(request, "catalogue.feed", _query=filter_params(state)),
        "follow_url": request.route_url("alerts.new", _query=filter_params(state)),
    }


def filter_params(state: SearchRequest) -> list[tuple[str, str]]:
    """The parameters that choose the results, without page, size or sort: what a feed or an
    alert follows."""
    return state.params(tri="pertinence", page=1, par_page=DEFAULT_PAGE_SIZE)


@view_config(route_name="catalogue.feed", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def feed(request):
    """The search's newest publications, as an Atom feed: the results of the same search
    sorted by publication, newest first (its sort and page parameters are not read)."""
    state, _ = lenient_request(request)
    params = filter_params(state)
    state = dataclasses.replace(state, tri="publication", page=1, par_page=FEED_ENTRIES)
    result = request.search.search(state)
    batch = chosen(request.dbsession.connection(), result.ids)
    words = " ; ".join(tag["label"] for tag in active_filters(request, state))
    head = FeedHead(
        url=public_url(request, "catalogue.feed", _query=params),
        page=public_url(request, "catalogue.search", _query=[*params, ("tri", "publication")]),
        title=(f"Pratiques inspirantes – {words}" if words
               else "Pratiques inspirantes – toutes les publications"),
        subtitle=f"Les {FEED_ENTRIES} dernières pratiques publiées dans le recueil qui "
                 "répondent à cette recherche.",
    )
    links = Links.from_request(request)
    body = atom_feed(batch, links, Vocabularies.from_references(request.references), head=head)
    return Response(body=body, content_type="application/atom+xml", charset="utf-8")


def _json(data: dict, status: int = 200) -> Response:
    """A response of the API: `data` as its JSON body (orjson: tens of kilobytes of text per
    page of results, written several times faster than by the json module), open to every
    origin."""
    # the labels and texts are written as they are, not escaped: hence the charset
    return Response(body=orjson.dumps(data), status=status, headerlist=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Access-Control-Allow-Origin", "*"),
    ])


@view_config(route_name="catalogue.api", request_method="GET", permission=Permissions.VIEW)
def api(request):
    """The same search for programs: JSON, strict about its parameters, open to every origin."""
    references = request.references
    try:
        state = parse(request.GET, allowed_codes(references), strict=True)
    except InvalidParameter as error:
        return _json({"erreur": error.message, "parametre": error.name}, status=400)
    # with Solr, the records come from its stored fields: the database is not read
    result = request.search.search(state, fields=RECORD_FIELDS)
    records = catalogue.public_records(
        lambda: request.dbsession, result, _practice_urls(request), references,
        stale=request.search.stale(result),
    )
    response = _json({
        "total": result.total,
        "page": state.page,
        "par_page": state.par_page,
        "resultats": records,
        "facettes": {
            name: facet_values(
                references, name, result.facets.get(name, {}),
                state.values(name) if name != "annee" else (),
            )
            for name in FACETS
        },
    })
    response.headers["Link"] = page_links(request, state, result.total)
    return validated(request, response)
