"""The Solr backend: the only module that speaks to Solr, and it does so through pysolr.

Every filter is built here from validated codes, quoted; the text query is plain words with
no syntax (text.query_words), sent to edismax with the field list of solrconfig.xml; only
parameters of the allow-list below are ever sent.

One pysolr client per backend, over one session configured once from the settings
(`solr.url`, `solr.timeout`, `solr.username`, `solr.password`, `solr.ca_bundle`): its
connections are kept alive between calls and shared by the threads of the process
(transport.SolrSession: what pysolr asks of a requests session, on urllib3). With
`solr.zk_hosts`, the client is one of SolrCloud (cloud.CloudSolr): the collection
`solr.collection` on the live nodes that ZooKeeper lists. Every failure of Solr or of the
way to it reaches the rest of the application as SearchUnavailable.
"""
from __future__ import annotations

import logging
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson
import pysolr
import requests

from ..models import Practice
from .cloud import CloudSolr, LiveNodes, configset_zip, live_nodes, setup_collection
from .documents import RECORD_FIELDS, is_public, solr_document
from .interfaces import ID_ONLY, SearchBackend, SearchResult, SearchUnavailable
from .labels import CodeLabels
from .query import CODE_FACETS, SearchRequest
from .transport import SolrSession

log = logging.getLogger(__name__)

ALLOWED_PARAMS = {
    "q", "q.alt", "defType", "qf", "pf", "q.op", "mm", "fq", "fl", "sort", "start", "rows",
    "facet", "facet.field", "facet.mincount", "facet.limit", "wt", "json.nl", "omitHeader",
    "mlt.count", "lowercaseOperators", "stream.body",
}
#: arguments of pysolr itself, not Solr parameters
CLIENT_PARAMS = {"search_handler"}
SORTS = {
    "pertinence": "score desc, date_publication desc, id asc",
    "publication": "date_publication desc, id asc",
    "anciennete": "date_mise_en_oeuvre asc, id asc",
}
#: the request handler of the searches (solrconfig.xml): the parameters that never change
#: are its defaults, so that a search is a short GET (pysolr posts a form past 1 024
#: characters, sent in two pieces)
SEARCH_HANDLER = "recherche"
#: the same searches, each result with the stored fields of an API record (RECORD_FIELDS,
#: the handler's field list): the list is not sent with every search
RECORDS_HANDLER = "recherche-enregistrements"
#: field list -> the handler that holds it (solrconfig.xml); any other list is sent to
#: SEARCH_HANDLER as `fl`
HANDLERS_BY_FIELDS = {RECORD_FIELDS: RECORDS_HANDLER, ID_ONLY: SEARCH_HANDLER}
#: seconds Solr may take to answer, unless the settings say otherwise (solr.timeout)
DEFAULT_TIMEOUT = 5.0
#: seconds SolrCloud may take to create or reload a collection (solr-setup)
ADMIN_TIMEOUT = 180.0
#: what pysolr, the application and the network can fail with on the way to Solr: pysolr
#: turns timeouts, refused connections and errors of Solr into SolrError, but lets other
#: failures of its session through; an answer that is not JSON fails in the decoder
FAILURES = (pysolr.SolrError, requests.RequestException, orjson.JSONDecodeError)


def quote(value: str) -> str:
    """A value as a Solr phrase: quotes and backslashes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Decoder:
    """Solr's answers decoded by orjson (pysolr asks its decoder for `decode(text)`): several
    times faster than the json module on a page of stored documents."""

    decode = staticmethod(orjson.loads)


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(url without credentials, user, password): credentials written in `solr.url` go to
    the session, so that no address shown in a log or an error carries them."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    bare = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return bare, urllib.parse.unquote(parts.username), password


class SolrSearch(SearchBackend):
    name = "solr"

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT,
                 url_for: Callable[[Any], str] | None = None, *,
                 username: str | None = None, password: str | None = None,
                 ca_bundle: str | None = None, session: SolrSession | None = None,
                 nodes: LiveNodes | None = None, collection: str = "pratiques"):
        url, url_user, url_password = _split_credentials(url.rstrip("/"))
        self.url = url
        self.timeout = timeout
        self.url_for = url_for or (lambda practice: "")
        if session is None:
            session = SolrSession(username or url_user,
                                  password if username else url_password, ca_bundle)
        self.session = session
        #: the SolrCloud's live nodes (None: `url` is one Solr, or a load balancer)
        self.nodes = nodes
        self.collection = collection
        if nodes is not None:
            self.client = CloudSolr(nodes, collection, timeout=timeout, always_commit=False,
                                    session=session, decoder=_Decoder())
        else:
            self.client = pysolr.Solr(url, timeout=timeout, always_commit=False,
                                      session=session, decoder=_Decoder())

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any],
                      url_for: Callable[[Any], str] | None = None) -> SolrSearch:
        """The backend of the settings (solr.*), with its own session; a client of SolrCloud
        when `solr.zk_hosts` is set."""
        zk_hosts = settings.get("solr.zk_hosts") or ""
        collection = settings.get("solr.collection") or "pratiques"
        return cls("" if zk_hosts else settings["solr.url"],
                   timeout=float(settings.get("solr.timeout") or DEFAULT_TIMEOUT),
                   url_for=url_for,
                   username=settings.get("solr.username") or None,
                   password=settings.get("solr.password") or None,
                   ca_bundle=settings.get("solr.ca_bundle") or None,
                   nodes=live_nodes(zk_hosts) if zk_hosts else None,
                   collection=collection)

    def with_timeout(self, timeout: float) -> SolrSearch:
        """This backend with another timeout, for the long calls of a reindex (pysolr has one
        timeout per client); the session, so the connections, credentials and certificates,
        is the same."""
        return SolrSearch(self.url, timeout=timeout, url_for=self.url_for, session=self.session,
                          nodes=self.nodes, collection=self.collection)

    # -- SolrCloud ---------------------------------------------------------------------------
    def _admin(self, method: str, path: str, params: dict, body: bytes | None = None) -> dict:
        """A call of an admin API of SolrCloud on a live node (the next one if it cannot be
        reached); raises SearchUnavailable."""
        if self.nodes is None:
            raise SearchUnavailable("solr.zk_hosts n'est pas défini : pas de SolrCloud")
        error: Exception | None = None
        for node in self.nodes.urls():
            try:
                answer = self.session.request(
                    method, f"{node}/{path}", params={**params, "wt": "json"}, data=body,
                    headers={"Content-Type": "application/octet-stream"} if body else None,
                    timeout=ADMIN_TIMEOUT)
            except requests.ConnectionError as failure:
                error = failure
                continue
            if answer.status_code != 200:
                raise SearchUnavailable(f"Solr ({path} {params.get('action')}) : HTTP "
                                        f"{answer.status_code} {answer.text[:2000]}")
            return orjson.loads(answer.content)
        raise SearchUnavailable(f"aucun nœud SolrCloud joignable : {error}")

    def setup_collection(self, shards: int, replication_factor: int) -> list[str]:
        """Upload the project's configset and create the collection, or reload it with that
        configset when it exists; returns what was done (French sentences)."""
        return setup_collection(self._admin, self.collection, shards, replication_factor,
                                configset_zip())

    def _call(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A call of the pysolr client; any failure on the way to Solr or from it becomes
        SearchUnavailable."""
        try:
            return call(*args, **kwargs)
        except FAILURES as error:
            raise SearchUnavailable(f"Solr : {error}") from error

    def _query(self, call: Callable[..., Any], *args: Any, **params: Any) -> pysolr.Results:
        """A search through pysolr (`call` is one of its query methods), its parameters checked
        against the allow-list."""
        unknown = set(params) - ALLOWED_PARAMS - CLIENT_PARAMS
        if unknown:
            raise ValueError(f"paramètres Solr non autorisés : {sorted(unknown)}")
        return self._call(call, *args, **params)

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

    def params(self, request: SearchRequest, fields: Sequence[str] = ID_ONLY) -> dict:
        """The parameters of a search for `request`, asking the stored `fields` of each result,
        with the request handler that answers it (`search_handler`, pysolr's argument); the
        rest (edismax, every facet counted, the form of the answer, the fields of the ids
        and of the records) is the handler's (solrconfig.xml)."""
        words = request.words
        params = {
            # plain words only, every one of them required (the handler's q.op and mm)
            "q": " ".join(words) if words else "*:*",
            "fq": self.filter_queries(request),
            "sort": SORTS[request.tri],
            "start": request.offset,
            "rows": request.par_page,
        }
        fields = tuple(fields)
        params["search_handler"] = HANDLERS_BY_FIELDS.get(fields, SEARCH_HANDLER)
        if fields not in HANDLERS_BY_FIELDS:
            params["fl"] = ",".join(fields)
        return params

    def search(self, request: SearchRequest, fields: Sequence[str] = ID_ONLY) -> SearchResult:
        """Published practices matching `request`; with `fields` beyond the id, their stored
        documents too (SearchResult.documents)."""
        params = self.params(request, fields)
        results = self._query(self.client.search, params.pop("q"), **params)
        docs = results.docs
        return SearchResult(
            total=results.hits,
            ids=[uuid.UUID(doc["id"]) for doc in docs],
            # {code: count}, codes as strings, counts of 1 or more (facet.mincount)
            facets=results.facets.get("facet_fields", {}),
            backend=self.name,
            documents=docs if tuple(fields) != ID_ONLY else None,
        )

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        results = self._query(self.client.more_like_this, f"id:{quote(str(practice_id))}",
                             "intitule,description", **{"mlt.count": limit, "fl": "id"})
        return [uuid.UUID(doc["id"]) for doc in results.docs][:limit]

    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """MoreLikeThis on a text that is not indexed (sent as the request's stream body)."""
        if not text.strip():
            return []
        results = self._query(self.client.search, "", search_handler="mlt",
                             **{"stream.body": text, "fl": "id", "rows": limit + 1})
        ids = [uuid.UUID(doc["id"]) for doc in results.docs]
        return [i for i in ids if i != exclude][:limit]

    # -- updating --------------------------------------------------------------------------
    def update(self, body: bytes, commit: bool = False) -> None:
        """Send a JSON update (documents to add) to /update as it is.

        pysolr's `add` would leave out the empty strings of the documents (Solr keeps them,
        and the API gives them back from the stored fields as the database has them) and
        encode the documents again with the json module; its `_update`, under `add`, sends
        the body that solr_document gave, already encoded (by orjson, which escapes every
        control character: nothing is left for pysolr to clean).
        """
        self._call(self.client._update, body, commit=commit, solrapi="JSON",
                   clean_ctrl_chars=False)

    def add(self, documents: list[dict], commit: bool = False) -> None:
        if documents:
            self.update(orjson.dumps(documents), commit=commit)

    def index(self, practices: Iterable[Practice], commit: bool = True,
              labels: CodeLabels | None = None) -> None:
        """Send these practices (removed if not public); `labels` (labels.code_labels) makes
        the labels of their codes searchable."""
        practices = list(practices)
        documents = [solr_document(p, self.url_for(p), labels)
                     for p in practices if is_public(p)]
        removed = [str(p.id) for p in practices if not is_public(p)]
        self.add(documents)
        self.remove_ids(removed, commit=False)
        if commit:
            self.commit()

    def remove_ids(self, ids: Iterable[uuid.UUID | str], commit: bool = True) -> None:
        ids = [str(i) for i in ids]
        if ids:
            self._call(self.client.delete, id=ids, commit=commit)

    def commit(self) -> None:
        self._call(self.client.commit)

    def clear(self, commit: bool = True) -> None:
        """Remove every document; without `commit`, searches see them until the next commit."""
        self._call(self.client.delete, q="*:*", commit=commit)

    def ping(self) -> bool:
        try:
            self._call(self.client.ping)
            return True
        except SearchUnavailable:
            return False
