"""The Solr backend: the only module that speaks to Solr.

Every filter is built here from validated codes, quoted; the text query is plain words with
no syntax (text.query_words), sent to edismax with the field list of solrconfig.xml; only
parameters of the allow-list below are ever sent.

Searches and updates, the calls that count, go through a small HTTP/1.1 client (http.py):
one kept-alive connection per thread, JSON bytes in and out, no compression of an answer
that travels on the local network, nothing done per call beyond the request itself (a
search asks for 20 documents and every facet: the application's own time must stay small
beside Solr's). The rare calls (MoreLikeThis, ping) go through pysolr.
"""
import base64
import logging
import threading
import urllib.parse
import uuid

import orjson
import pysolr

from . import http
from .documents import is_public, solr_document
from .interfaces import SearchResult, SearchUnavailable
from .query import CODE_FACETS, SearchRequest

log = logging.getLogger(__name__)

ALLOWED_PARAMS = {
    "q", "q.alt", "defType", "qf", "pf", "q.op", "mm", "fq", "fl", "sort", "start", "rows",
    "facet", "facet.field", "facet.mincount", "facet.limit", "wt", "json.nl", "omitHeader",
    "mlt.count", "lowercaseOperators", "stream.body",
}
#: arguments of pysolr itself, not Solr parameters
CLIENT_PARAMS = {"commit", "id", "search_handler"}
SORTS = {
    "pertinence": "score desc, date_publication desc, id asc",
    "publication": "date_publication desc, id asc",
    "anciennete": "date_mise_en_oeuvre asc, id asc",
}
#: past this length the parameters of a search are sent as a form; below it, in the URL, so
#: that the request travels in one piece (Jetty accepts request lines of 8 KB)
MAX_GET_LENGTH = 4000
#: parameters whose values come from the code alone (not from the person's search): each
#: one is URL-encoded once per client
FIXED_PARAMS = frozenset({"fl", "sort", "facet", "facet.field", "facet.mincount", "facet.limit",
                          "wt", "json.nl", "omitHeader", "defType", "q.op", "mm",
                          "lowercaseOperators"})
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def quote(value: str) -> str:
    """A value as a Solr phrase: quotes and backslashes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class SolrSearch:
    name = "solr"

    def __init__(self, url: str, timeout: float = 5.0, url_for=None, session=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.client = pysolr.Solr(self.url, timeout=timeout, always_commit=False, session=session)
        self.url_for = url_for or (lambda practice: "")
        parts = urllib.parse.urlsplit(self.url)
        self._secure = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = parts.path
        self._headers = {}
        if parts.username:
            credentials = ":".join(urllib.parse.unquote(part or "")
                                   for part in (parts.username, parts.password))
            token = base64.b64encode(credentials.encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        self._local = threading.local()
        self._encoded = {}

    # -- HTTP ------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: bytes | None = None, headers=None,
                 timeout: float | None = None) -> dict:
        """Solr's JSON answer to one request; SearchUnavailable for any failure.

        Each thread keeps its connection open; one that Solr closed while it was idle is
        opened again once.
        """
        headers = {**self._headers, **headers} if headers else self._headers
        timeout = timeout or self.timeout
        for attempt in (1, 2):
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = self._local.connection = http.Connection(
                    self._host, self._port, secure=self._secure)
            reused = connection.sock is not None
            try:
                status, data = connection.request(method, self._path + path, body, headers,
                                                  timeout)
                break
            except OSError as error:
                stale = isinstance(error, (http.ConnectionLost, ConnectionResetError,
                                           BrokenPipeError))
                if attempt == 2 or not (reused and stale):
                    raise SearchUnavailable(f"Solr injoignable ({self.url}) : {error}") from error
        if status != 200:
            raise SearchUnavailable(f"Solr a répondu {status} : {self._error_message(data)}")
        try:
            return orjson.loads(data)
        except ValueError as error:
            raise SearchUnavailable(f"Réponse de Solr illisible : {error}") from error

    @staticmethod
    def _error_message(data: bytes) -> str:
        try:
            return orjson.loads(data)["error"]["msg"]
        except (ValueError, KeyError, TypeError):
            return data[:500].decode("utf-8", "replace")

    def _encode(self, params: dict) -> str:
        """urlencode(params, doseq=True), the parameters of FIXED_PARAMS encoded once."""
        parts = []
        quote_plus = urllib.parse.quote_plus
        for key, value in params.items():
            if key not in FIXED_PARAMS:
                # the keys of ALLOWED_PARAMS need no quoting
                if isinstance(value, list):
                    parts.extend(f"{key}={quote_plus(str(item))}" for item in value)
                else:
                    parts.append(f"{key}={quote_plus(str(value))}")
                continue
            cached = (key, tuple(value) if isinstance(value, list) else value)
            encoded = self._encoded.get(cached)
            if encoded is None:
                encoded = self._encoded[cached] = urllib.parse.urlencode({key: value}, doseq=True)
            parts.append(encoded)
        return "&".join(part for part in parts if part)

    def _select(self, params: dict, handler: str = "select") -> dict:
        unknown = set(params) - ALLOWED_PARAMS
        if unknown:
            raise ValueError(f"paramètres Solr non autorisés : {sorted(unknown)}")
        encoded = self._encode(params)
        if len(encoded) < MAX_GET_LENGTH:
            return self._request("GET", f"/{handler}?{encoded}")
        return self._request("POST", f"/{handler}", encoded.encode(), FORM)

    def _send(self, call, *args, **params):
        """A call through pysolr, its parameters checked against the allow-list."""
        unknown = set(params) - ALLOWED_PARAMS - CLIENT_PARAMS
        if unknown:
            raise ValueError(f"paramètres Solr non autorisés : {sorted(unknown)}")
        try:
            return call(*args, **params)
        except (pysolr.SolrError, OSError) as error:
            raise SearchUnavailable(str(error)) from error

    # -- searching -------------------------------------------------------------------------
    @staticmethod
    def filter_queries(request: SearchRequest, without: str | None = None) -> list[str]:
        queries = []
        for facet in CODE_FACETS:
            codes = request.values(facet)
            if codes and facet != without:
                values = " OR ".join(quote(code) for code in codes)
                queries.append(f"{{!tag={facet}}}{facet}:({values})")
        if request.has_year_range():
            low = request.annee_min if request.annee_min is not None else "*"
            high = request.annee_max if request.annee_max is not None else "*"
            queries.append(f"{{!tag=annee}}annee:[{low} TO {high}]")
        return queries

    def params(self, request: SearchRequest, fields=("id",)) -> dict:
        """The parameters of /select for `request`, asking the stored `fields` of each result."""
        words = request.words
        params = {
            "fq": self.filter_queries(request),
            "fl": ",".join(fields),
            "sort": SORTS[request.tri],
            "start": request.offset,
            "rows": request.par_page,
            "facet": "true",
            "facet.field": [f"{{!ex={f}}}{f}" for f in (*CODE_FACETS, "annee")],
            "facet.mincount": 1,
            "facet.limit": -1,
            "wt": "json",
            # each facet as {code: count}, and no header: nothing to rearrange or skip
            "json.nl": "map",
            "omitHeader": "true",
        }
        if words:
            # plain words only: a lower-case "or" typed by a person is a word, not an operator
            params.update({"defType": "edismax", "q.op": "AND", "mm": "100%",
                           "lowercaseOperators": "false"})
        return {"q": " ".join(words) if words else "*:*", **params}

    def search(self, request: SearchRequest, fields=("id",)) -> SearchResult:
        """Published practices matching `request`; with `fields` beyond the id, their stored
        documents too (SearchResult.documents)."""
        answer = self._select(self.params(request, fields))
        docs = answer["response"]["docs"]
        # {code: count}, codes as strings, counts of 1 or more (facet.mincount)
        facets = answer.get("facet_counts", {}).get("facet_fields", {})
        return SearchResult(
            total=answer["response"]["numFound"],
            ids=[uuid.UUID(doc["id"]) for doc in docs],
            facets=facets,
            backend=self.name,
            documents=docs if tuple(fields) != ("id",) else None,
        )

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        results = self._send(self.client.more_like_this, f"id:{quote(str(practice_id))}",
                             "intitule,description", **{"mlt.count": limit, "fl": "id"})
        return [uuid.UUID(doc["id"]) for doc in results.docs][:limit]

    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """MoreLikeThis on a text that is not indexed (sent as the request's stream body)."""
        if not text.strip():
            return []
        results = self._send(self.client.search, "", search_handler="mlt",
                             **{"stream.body": text, "fl": "id", "rows": limit + 1})
        ids = [uuid.UUID(doc["id"]) for doc in results.docs]
        return [i for i in ids if i != exclude][:limit]

    # -- updating --------------------------------------------------------------------------
    def update(self, body: bytes, commit: bool = False, timeout: float | None = None) -> None:
        """POST a JSON update (documents to add, or commands) to /update; `timeout` replaces
        the client's for the answer (a reindex sends large batches)."""
        self._request("POST", "/update?commit=true" if commit else "/update", body, JSON,
                      timeout=timeout)

    def add(self, documents: list[dict], commit: bool = False) -> None:
        if documents:
            self.update(orjson.dumps(documents), commit=commit)

    def index(self, practices, commit: bool = True) -> None:
        practices = list(practices)
        documents = [solr_document(p, self.url_for(p)) for p in practices if is_public(p)]
        removed = [str(p.id) for p in practices if not is_public(p)]
        self.add(documents)
        self.remove_ids(removed, commit=False)
        if commit:
            self.commit()

    def remove_ids(self, ids, commit: bool = True) -> None:
        if ids:
            self.update(orjson.dumps({"delete": [str(i) for i in ids]}), commit=commit)

    def commit(self, timeout: float | None = None) -> None:
        self.update(b'{"commit": {}}', timeout=timeout)

    def clear(self, commit: bool = True) -> None:
        """Remove every document; without `commit`, searches see them until the next commit."""
        self.update(b'{"delete": {"query": "*:*"}}', commit=commit)

    def ping(self) -> bool:
        try:
            self.client.ping()
            return True
        except (pysolr.SolrError, OSError):
            return False
