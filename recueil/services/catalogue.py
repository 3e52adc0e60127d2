"""What the public catalogue reads from the database: published practices only."""
import uuid

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..models import Practice
from ..search.documents import PUBLIC_STATUSES


def published_practices(dbsession, ids: list[uuid.UUID]) -> list[Practice]:
    """The published practices among `ids`, in the order of `ids`, read in one query.

    The index may lag behind the database for a moment (Solr is fed after the commit), so
    the status is checked again here: an unpublished practice never shows.
    """
    if not ids:
        return []
    query = (
        select(Practice)
        .where(Practice.id.in_(ids), Practice.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Practice.terms))
    )
    found = {p.id: p for p in dbsession.scalars(query).unique()}
    return [found[i] for i in ids if i in found]


def published_practice(dbsession, practice_id: uuid.UUID) -> Practice | None:
    """The practice with this id if it is published; None for drafts and everything else."""
    return dbsession.scalars(
        select(Practice).where(Practice.id == practice_id, Practice.status.in_(PUBLIC_STATUSES))
    ).one_or_none()
