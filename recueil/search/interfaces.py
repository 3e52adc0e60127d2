"""The contract every search backend keeps (the contract tests hold them to it)."""
import abc
import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import ClassVar

from ..models import Practice
from .query import SearchRequest

#: the stored fields asked for by default: the ids of the results alone
ID_ONLY = ("id",)


@dataclasses.dataclass
class SearchResult:
    total: int
    ids: list[uuid.UUID]
    #: facet -> {code: number of results}, each counted without the facet's own filter
    facets: dict[str, dict[str, int]]
    backend: str = ""
    #: the stored fields of each result, in the order of `ids`, when the backend was asked
    #: for them and keeps them (Solr); None otherwise
    documents: list[dict] | None = None


class SearchUnavailable(Exception):
    """The backend could not answer (Solr down, timeout, refused request)."""


class SearchBackend(abc.ABC):
    """A search engine over the published practices: Solr, or the embedded one (SQL)."""

    #: the value of the `search.backend` setting that selects it
    name: ClassVar[str]

    @abc.abstractmethod
    def search(self, request: SearchRequest, fields: Sequence[str] = ID_ONLY) -> SearchResult:
        """Published practices matching `request`, one page of them, and every facet's counts;
        with `fields` beyond the id, their stored documents too when the backend keeps them
        (SearchResult.documents, None otherwise)."""

    @abc.abstractmethod
    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        """Published practices closest to the given one by title and description."""

    @abc.abstractmethod
    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """Published practices closest to a text that is not in the index (moderation)."""

    @abc.abstractmethod
    def index(self, practices: Iterable[Practice]) -> None:
        """Make the index reflect these practices (added, updated, or removed if not public)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove everything from the index."""
