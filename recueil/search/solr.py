"""The Solr backend: the only module that speaks to Solr (through pysolr).

Every filter is built here from validated codes, quoted; the text query is plain words with
no syntax (text.query_words), sent to edismax with the field list of solrconfig.xml; only
parameters of the allow-list below are ever sent.
"""
import logging
import uuid

import pysolr

from .documents import is_public, solr_document
from .interfaces import SearchResult, SearchUnavailable
from .query import CODE_FACETS, SearchRequest

log = logging.getLogger(__name__)

ALLOWED_PARAMS = {
    "q", "q.alt", "defType", "qf", "pf", "q.op", "mm", "fq", "fl", "sort", "start", "rows",
    "facet", "facet.field", "facet.mincount", "facet.limit", "wt", "mlt.count",
    "lowercaseOperators", "stream.body",
}
#: arguments of pysolr itself, not Solr parameters
CLIENT_PARAMS = {"commit", "id", "search_handler"}
SORTS = {
    "pertinence": "score desc, date_publication desc, id asc",
    "publication": "date_publication desc, id asc",
    "anciennete": "date_mise_en_oeuvre asc, id asc",
}


def quote(value: str) -> str:
    """A value as a Solr phrase: quotes and backslashes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class SolrSearch:
    name = "solr"

    def __init__(self, url: str, timeout: float = 5.0, url_for=None, session=None):
        self.url = url
        self.client = pysolr.Solr(url, timeout=timeout, always_commit=False, session=session)
        self.url_for = url_for or (lambda practice: "")

    def _send(self, call, *args, **params):
        unknown = set(params) - ALLOWED_PARAMS - CLIENT_PARAMS
        if unknown:
            raise ValueError(f"paramètres Solr non autorisés : {sorted(unknown)}")
        try:
            return call(*args, **params)
        except (pysolr.SolrError, OSError) as error:
            raise SearchUnavailable(str(error)) from error

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

    def params(self, request: SearchRequest) -> dict:
        words = request.words
        params = {
            "fq": self.filter_queries(request),
            "fl": "id",
            "sort": SORTS[request.tri],
            "start": request.offset,
            "rows": request.par_page,
            "facet": "true",
            "facet.field": [f"{{!ex={f}}}{f}" for f in (*CODE_FACETS, "annee")],
            "facet.mincount": 1,
            "facet.limit": -1,
            "wt": "json",
        }
        if words:
            # plain words only: a lower-case "or" typed by a person is a word, not an operator
            params.update({"defType": "edismax", "q.op": "AND", "mm": "100%",
                           "lowercaseOperators": "false"})
        return {"q": " ".join(words) if words else "*:*", **params}

    def search(self, request: SearchRequest) -> SearchResult:
        params = self.params(request)
        q = params.pop("q")
        results = self._send(self.client.search, q, **params)
        facets = {}
        for facet, flat in results.facets.get("facet_fields", {}).items():
            facets[facet] = {str(flat[i]): flat[i + 1] for i in range(0, len(flat), 2) if flat[i + 1]}
        return SearchResult(
            total=results.hits,
            ids=[uuid.UUID(doc["id"]) for doc in results.docs],
            facets=facets,
            backend=self.name,
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

    def index(self, practices, commit: bool = True) -> None:
        practices = list(practices)
        documents = [solr_document(p, self.url_for(p)) for p in practices if is_public(p)]
        removed = [str(p.id) for p in practices if not is_public(p)]
        if documents:
            self._send(self.client.add, documents, commit=False)
        if removed:
            self._send(self.client.delete, id=removed, commit=False)
        if commit:
            self.commit()

    def remove_ids(self, ids, commit: bool = True) -> None:
        if ids:
            self._send(self.client.delete, id=[str(i) for i in ids], commit=commit)

    def commit(self) -> None:
        self._send(self.client.commit)

    def clear(self) -> None:
        self._send(self.client.delete, q="*:*", commit=True)

    def ping(self) -> bool:
        try:
            self.client.ping()
            return True
        except (pysolr.SolrError, OSError):
            return False
