"""What the administration's home page reads: practices by state, the latest publications."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Practice
from ..models.practice import STATUSES


def status_counts(dbsession: Session) -> list[tuple[str, int]]:
    """(state label, number of practices) for every state, in the order of the life cycle."""
    counts = dict(dbsession.execute(
        select(Practice.status, func.count()).group_by(Practice.status)
    ).all())
    return [(label, counts.get(status, 0)) for status, label in STATUSES.items()]


def recently_published(dbsession: Session, limit: int = 50) -> list[Practice]:
    """Published and unpublished practices, the most recently published first (read from an
    index of migration 0017, newest first)."""
    return list(dbsession.scalars(
        select(Practice).where(Practice.status.in_(("publiee", "depubliee")))
        .order_by(Practice.date_publication.desc().nulls_last()).limit(limit)
    ))
