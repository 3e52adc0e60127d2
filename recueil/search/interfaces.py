"""The contract every search backend keeps (the contract tests hold them to it)."""
import dataclasses
import uuid
from typing import Protocol

from .query import SearchRequest


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


class SearchBackend(Protocol):
    name: str

    def search(self, request: SearchRequest) -> SearchResult:
        """Published practices matching `request`, one page of them, and every facet's counts."""

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        """Published practices closest to the given one by title and description."""

    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """Published practices closest to a text that is not in the index (moderation)."""

    def index(self, practices) -> None:
        """Make the index reflect these practices (added, updated, or removed if not public)."""

    def clear(self) -> None:
        """Remove everything from the index."""
