"""The public API described (spec §8, for reusers): its OpenAPI 3.1 description, the page
that shows it to people, and what every answer of the API carries: an ETag honoured by
If-None-Match, and Link headers to the neighbouring pages."""
import hashlib
import json
import math

from pyramid.response import Response
from pyramid.view import view_config

from opendata.openapi import MAX_PAGE, openapi
from opendata.vocabularies import Vocabularies

from ..search.query import SearchRequest
from ..security import Permissions
from ..settings import public_url

#: The routes the description names, by operation.
ROUTES = {"search": "catalogue.api", "description": "api.description"}


def validated(request, response: Response) -> Response:
    """`response` with a strong ETag of its body; WebOb answers 304 to a matching
    If-None-Match (a search's results change with the data, so the body is what counts)."""
    response.etag = hashlib.sha256(response.body).hexdigest()[:32]
    response.conditional_response = True
    return response


def page_links(request, state: SearchRequest, total: int) -> str:
    """The Link header (RFC 8288) of a page of results: first, last, and prev and next when
    they exist, each an absolute address on the public URL."""
    last = min(MAX_PAGE, max(1, math.ceil(total / state.par_page)))
    pages = [("first", 1)]
    if state.page > 1:
        pages.append(("prev", min(state.page - 1, last)))
    if state.page < last:
        pages.append(("next", state.page + 1))
    pages.append(("last", last))
    # the address of page 1 is built once; SearchRequest.params writes the page last, so
    # the others are that address and their number
    first = public_url(request, "catalogue.api", _query=state.params(page=1))
    joiner = "&" if "?" in first else "?"
    return ", ".join(
        f'<{first if number == 1 else f"{first}{joiner}page={number}"}>; rel="{rel}"'
        for rel, number in pages)


def description(request) -> dict:
    """The OpenAPI description, with today's codes, on the public address."""
    base = public_url(request)
    paths = {key: public_url(request, route).removeprefix(base) for key, route in ROUTES.items()}
    return openapi(Vocabularies.from_references(request.references), base, paths)


@view_config(route_name="api.description", request_method="GET", permission=Permissions.VIEW)
def openapi_json(request):
    body = json.dumps(description(request), ensure_ascii=False, indent=2).encode("utf-8")
    response = Response(body=body, headerlist=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Access-Control-Allow-Origin", "*"),
    ])
    return validated(request, response)


def _values(parameter: dict) -> str:
    schema = parameter["schema"]
    if "anyOf" in schema:  # a number, or empty (ignored)
        schema = schema["anyOf"][0]
    if schema.get("type") == "array":
        codes = [code for code in schema["items"]["enum"] if code]
        shown = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
        return f"codes : {shown}"
    if "enum" in schema:
        return "valeurs : " + ", ".join(value for value in schema["enum"] if value)
    if "minimum" in schema:
        text = f"de {schema['minimum']} à {schema['maximum']}"
        if "default" in schema:
            text += f" (par défaut {schema['default']})"
        return text
    if "maxLength" in schema:
        return f"{schema['maxLength']} caractères au plus"
    return "texte"


@view_config(route_name="api.documentation", request_method="GET",
             renderer="recueil:templates/api/documentation.pt", permission=Permissions.VIEW)
def documentation(request):
    """The description shown to people: every endpoint, parameter and field, with examples."""
    document = description(request)
    search = document["paths"][next(iter(document["paths"]))]["get"]
    api_url = public_url(request, "catalogue.api")
    record = document["components"]["schemas"]["Pratique"]

    def dumped(value) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    example_answer = {"total": 1, "page": 1, "par_page": 20,
                      "resultats": record["examples"],
                      "facettes": {"thematiques": [
                          {"code": "education", "libelle": record["examples"][0]["thematiques"][0]
                           ["libelle"], "nombre": 1}], "…": "…"}}
    return {
        "page_title": "API des pratiques inspirantes",
        "api_url": api_url,
        "description_url": public_url(request, "api.description"),
        "opendata_url": request.route_url("opendata.page"),
        "parameters": [
            {"name": p["name"], "where": "en-tête" if p["in"] == "header" else "paramètre",
             "description": p["description"], "values": _values(p)}
            for p in search["parameters"]
        ],
        "fields": [{"name": name, "title": field.get("title", ""),
                    "description": field.get("description", "")}
                   for name, field in record["properties"].items()],
        "examples": [
            (f"{api_url}?thematiques=education&publics=adolescents",
             "les pratiques sur l'éducation destinées aux adolescents"),
            (f"{api_url}?q=parrainage&tri=publication", "« parrainage », les plus récentes "
                                                         "d'abord"),
            (f"{api_url}?niveau=2&par_page=100", "les fiches dispositifs de l'ONPE, 100 par page"),
            (f"{api_url}?departements=59&departements=62&annee_min=2020",
             "dans le Nord ou le Pas-de-Calais, mises en œuvre depuis 2020"),
        ],
        "example_answer": dumped(example_answer),
        "example_error": dumped(search["responses"]["400"]["content"]["application/json"]
                                ["example"]),
        "example_link": page_links(request, SearchRequest(page=2), 95),
        "version": document["info"]["version"],
    }
