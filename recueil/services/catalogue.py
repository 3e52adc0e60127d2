"""What the public catalogue reads from the database: published practices only."""
import uuid
from collections.abc import Callable, Collection
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Practice
from ..models.practice import PUBLIC_STATUSES
from ..search.documents import ResultCard, public_record, record_from_document
from ..search.interfaces import SearchResult
from .references import References


def published_practices(dbsession: Session, ids: list[uuid.UUID]) -> list[Practice]:
    """The published practices among `ids`, in the order of `ids`, with their codes (one
    query for the practices, one for their codes).

    The index may lag behind the database for a moment (Solr is fed after the commit), so
    the status is checked again here: an unpublished practice never shows. It is checked on
    the rows read by their primary key: with the status in the query, SQLite would rather
    walk the index of the status, that is nearly every practice.
    """
    if not ids:
        return []
    found = {
        p.id: p for p in dbsession.scalars(select(Practice).where(Practice.id.in_(ids)))
        if p.status in PUBLIC_STATUSES
    }
    return [found[i] for i in ids if i in found]


def _page_of_results(dbsession: Callable[[], Session], result: SearchResult,
                     stale: Collection[uuid.UUID], from_practice: Callable[[Practice], Any],
                     from_document: Callable[[dict], Any]) -> list:
    """The results of a page, in order: each made by `from_document` from its stored
    document when the backend gave one (Solr), so that the database is not read; by
    `from_practice` from the database for the others, and for the `stale` ones, whose
    update still waits for Solr (those no longer published are left out). `dbsession()`
    gives the session, asked for only then."""
    pairs = list(zip(result.ids, result.documents or [None] * len(result.ids), strict=True))
    wanted = [i for i, document in pairs if document is None or i in stale]
    practices = {p.id: p for p in published_practices(dbsession(), wanted)} if wanted else {}
    made = []
    for practice_id, document in pairs:
        if practice_id in practices:
            made.append(from_practice(practices[practice_id]))
        elif document is not None and practice_id not in stale:
            made.append(from_document(document))
    return made


def result_cards(dbsession: Callable[[], Session], result: SearchResult,
                 stale: Collection[uuid.UUID] = frozenset()) -> list[Practice | ResultCard]:
    """The results of a page of the catalogue, in order: ResultCards of the stored documents
    (Solr), the practices themselves from the database (see _page_of_results)."""
    return _page_of_results(dbsession, result, stale, lambda practice: practice,
                            ResultCard.from_document)


def published_practice(dbsession: Session, practice_id: uuid.UUID) -> Practice | None:
    """The practice with this id if it is published; None for drafts and everything else."""
    return dbsession.scalars(
        select(Practice).where(Practice.id == practice_id, Practice.status.in_(PUBLIC_STATUSES))
    ).one_or_none()


#: serialised records kept per snapshot of the reference data (about 2.5 KB each); past
#: this number the process starts again from none
RECORD_CACHE_SIZE = 10_000


def _record_json(document: dict, url: str, references: References) -> orjson.Fragment:
    """The record of a stored Solr document, serialised: kept while Solr holds the same
    version of the document (`_version_`, new at each indexing) and the labels are the same
    (the cache belongs to the snapshot of the reference data)."""
    version = document.get("_version_")
    if version is None:
        return orjson.Fragment(orjson.dumps(record_from_document(document, url, references)))
    derived = references.data.derived
    cache = derived.get("record_json")
    if cache is None:
        cache = derived.setdefault("record_json", {})
    key = (document["id"], version, url)
    fragment = cache.get(key)
    if fragment is None:
        if len(cache) >= RECORD_CACHE_SIZE:
            cache.clear()
        record = record_from_document(document, url, references)
        fragment = cache[key] = orjson.Fragment(orjson.dumps(record))
    return fragment


def public_records(dbsession: Callable[[], Session], result: SearchResult,
                   url_for: Callable[[uuid.UUID | str], str], references: References,
                   stale: Collection[uuid.UUID] = frozenset()) -> list[orjson.Fragment]:
    """The public records (spec §9, with labels) of a page of results, in its order, each one
    as its JSON (orjson.Fragment, for orjson.dumps).

    From the stored documents when the backend gave them (Solr), so that the database is not
    read, and those are kept for the next requests; from the database for the others, and for
    the `stale` ones whose update still waits for Solr. `dbsession()` gives the session, asked
    for only then; `url_for(id)` a practice's public address.
    """
    def from_practice(practice: Practice) -> orjson.Fragment:
        return orjson.Fragment(orjson.dumps(
            public_record(practice, url_for(practice.id), references)))

    # the document's own id, already a string
    return _page_of_results(
        dbsession, result, stale, from_practice,
        lambda document: _record_json(document, url_for(document["id"]), references))
