"""Open data (spec §8): the files, streamed from the database, and the page that explains them.

The CSV and the JSON are produced while they are sent (``app_iter``), from a connection of
their own opened when the first byte is asked for: the request's session is already closed
by then, and a 304 or a HEAD never opens it. Every answer carries an ETag and a Last-Modified
derived from the data (opendata.records.data_state), so a client that already has the file
gets a 304 without a row being read.
"""
import datetime as dt
import hashlib
import json
from collections.abc import Iterator

from pyramid.decorator import reify
from pyramid.response import Response
from pyramid.view import view_config

from opendata import metadata
from opendata.datagouv import DEFAULT_URL
from opendata.feeds import atom_feed, dcat_catalogue
from opendata.formats import CsvEncoder, JsonEncoder, chunks
from opendata.links import Links
from opendata.records import DataState, batches, data_state, latest
from opendata.schema import datapackage, table_schema
from opendata.vocabularies import Vocabularies
from recueil.models.columns import COLUMNS, DOCUMENTATION, NEUTRALISATION_NOTE, SEPARATOR

from ..security import Permissions

MAX_AGE = 300
ATOM_ENTRIES = 50


class OpenData:
    """What the open-data views of one request share."""

    def __init__(self, request):
        self.request = request

    @reify
    def links(self) -> Links:
        return Links.from_request(self.request)

    @reify
    def vocabularies(self) -> Vocabularies:
        return Vocabularies.from_references(self.request.references)

    @reify
    def state(self) -> DataState:
        return data_state(self.request.dbsession, self.vocabularies.digest())

    @property
    def engine(self):
        return self.request.registry["db_engine"]

    def validated(self, response: Response, name: str, weak: bool = False) -> Response:
        """The response with its validators; WebOb answers 304 when the client's copy matches
        (If-None-Match first, If-Modified-Since otherwise, RFC 9110 § 13.2.2)."""
        key = "|".join((metadata.SCHEMA_VERSION, self.links.home, name, self.state.fingerprint))
        response.etag = (hashlib.sha256(key.encode()).hexdigest()[:32], not weak)
        if self.state.last_modified is not None:
            response.last_modified = self.state.last_modified.replace(tzinfo=dt.UTC)
        response.cache_control = f"public, max-age={MAX_AGE}"
        response.conditional_response = True
        return response


def _stream(engine, encoder) -> Iterator[bytes]:
    """The file's bytes, batch by batch; the connection opens on the first chunk asked for and
    closes when the server closes the iterator (even half-way, for a client gone)."""
    with engine.connect() as connection:
        for text in chunks(encoder, batches(connection)):
            yield text.encode("utf-8")


def _file(kind: metadata.FileKind, body=None, app_iter=None, disposition="attachment") -> Response:
    charset = "utf-8" if kind.media_type.startswith("text/") else None
    response = Response(content_type=kind.media_type, charset=charset)
    if app_iter is not None:
        response.app_iter = app_iter
    else:
        response.body = body
    response.content_disposition = f'{disposition}; filename="{kind.filename}"'
    return response


def _json_bytes(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@view_config(route_name="opendata.csv", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def csv_file(request):
    data = OpenData(request)
    response = _file(metadata.CSV, app_iter=_stream(data.engine, CsvEncoder(data.links)))
    return data.validated(response, metadata.CSV.filename)


@view_config(route_name="opendata.json", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def json_file(request):
    data = OpenData(request)
    encoder = JsonEncoder(data.links, data.vocabularies, request.clock.now())
    response = _file(metadata.JSON, app_iter=_stream(data.engine, encoder))
    # the generation date differs from one download to the next: the same data, not the same bytes
    return data.validated(response, metadata.JSON.filename, weak=True)


@view_config(route_name="opendata.schema", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def schema_file(request):
    data = OpenData(request)
    body = _json_bytes(table_schema(data.vocabularies, data.links))
    return data.validated(_file(metadata.SCHEMA, body=body, disposition="inline"), "schema")


@view_config(route_name="opendata.datapackage", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def datapackage_file(request):
    data = OpenData(request)
    body = _json_bytes(datapackage(data.links))
    return data.validated(_file(metadata.DATAPACKAGE, body=body, disposition="inline"),
                          "datapackage")


@view_config(route_name="opendata.catalogue", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def catalogue(request):
    data = OpenData(request)
    response = Response(body=_json_bytes(dcat_catalogue(data.links, data.state.last_modified)),
                        content_type="application/ld+json", charset=None)
    return data.validated(response, "catalogue")


@view_config(route_name="opendata.atom", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def atom(request):
    data = OpenData(request)
    with data.engine.connect() as connection:
        newest = latest(connection, ATOM_ENTRIES)
    body = atom_feed(newest, data.links, data.vocabularies, data.state.last_modified)
    response = Response(body=body, content_type="application/atom+xml", charset="utf-8")
    return data.validated(response, "atom")


# -- the page ---------------------------------------------------------------------------------
TYPE_LABELS = {
    "string": "texte",
    "integer": "nombre entier",
    "boolean": "booléen (true ou false)",
    "date": "date (AAAA-MM-JJ)",
}


def _type_label(column) -> str:
    if column.multiple:
        return f"liste de codes séparés par « {SEPARATOR} »"
    if column.vocabulary:
        return "code"
    if column.format == "uuid":
        return "identifiant (UUID)"
    if column.format == "uri":
        return "adresse web"
    return TYPE_LABELS[column.type]


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _dataset_page(settings) -> str | None:
    """The dataset's page on data.gouv.fr, when the publication is configured."""
    dataset_id = (settings.get("datagouv.dataset_id") or "").strip()
    if not dataset_id:
        return None
    site = (settings.get("datagouv.url") or DEFAULT_URL).rstrip("/").removesuffix("/api/1")
    return f"{site}/fr/datasets/{dataset_id}/"


@view_config(route_name="opendata.page", request_method=("GET", "HEAD"),
             renderer="recueil:templates/opendata/page.pt", permission=Permissions.VIEW)
def page(request):
    data = OpenData(request)
    state = data.state
    count = f"{_number(state.count)} pratique{'s' if state.count > 1 else ''}"
    files = [
        {"title": "Les pratiques publiées (CSV)", "url": data.links.csv,
         "filename": metadata.CSV.filename, "detail": f"CSV – UTF-8 – {count}",
         "description": "Une ligne par pratique, pour un tableur ou un logiciel de statistique."},
        {"title": "Les pratiques publiées (JSON)", "url": data.links.json,
         "filename": metadata.JSON.filename, "detail": f"JSON – {count}",
         "description": "Les mêmes pratiques, chaque code avec son libellé, "
                        "pour les développeurs."},
        {"title": "Le schéma du CSV", "url": data.links.schema,
         "filename": metadata.SCHEMA.filename,
         "detail": f"JSON – Table Schema {metadata.SCHEMA_VERSION}",
         "description": "Chaque colonne : son nom, son type, ses valeurs permises."},
        {"title": "La description du jeu de données", "url": data.links.datapackage,
         "filename": metadata.DATAPACKAGE.filename, "detail": "JSON – Data Package",
         "description": "Les deux fichiers, leur licence et leur schéma, "
                        "pour les outils Frictionless."},
    ]
    columns = [
        {"name": name, "title": DOCUMENTATION[name].title, "type": _type_label(DOCUMENTATION[name]),
         # the page explains the neutralisation once, above the table
         "description": DOCUMENTATION[name].description.replace(" " + NEUTRALISATION_NOTE, ""),
         "example": DOCUMENTATION[name].example,
         "required": DOCUMENTATION[name].required}
        for name in COLUMNS
    ]
    vocabularies = [
        {"name": field, "title": DOCUMENTATION[field].title,
         "terms": data.vocabularies.terms[field]}
        for field in COLUMNS if field in data.vocabularies.terms
    ]
    settings = request.registry.settings
    return {
        "page_title": "Données ouvertes",
        "count": count,
        "published": count + (" publiées" if state.count > 1 else " publiée"),
        "updated": state.last_modified,
        "files": files,
        "columns": columns,
        "vocabularies": vocabularies,
        "links": data.links,
        "licence": metadata.LICENCE,
        "schema_version": metadata.SCHEMA_VERSION,
        "separator": SEPARATOR,
        "datagouv_url": _dataset_page(settings),
    }
