"""What the home page reads: the newest publications of each kind, in two queries."""
import uuid

from sqlalchemy import literal, select, true, union_all
from sqlalchemy.orm import Session

from ..models import Practice
from ..models.practice import PUBLIC_STATUSES
from .catalogue import published_practices

#: the home page's lists: name -> which published practices it shows (each one read from an
#: index of migration 0017: status, this column, newest first; `= true`, which PostgreSQL
#: reads from an index, where `IS true` is not)
SHOWCASES = {
    "pratiques": Practice.niveau == 1,
    "fiches": Practice.niveau == 2,
    "coups_de_coeur": Practice.coup_de_coeur == true(),
}


def _newest_first(practice: Practice) -> tuple[int, uuid.UUID]:
    return (-(practice.date_publication.toordinal() if practice.date_publication else 0),
            practice.id)


def newest(dbsession: Session, limit: int = 3) -> dict[str, list[Practice]]:
    """The `limit` most recently published practices of each showcase, newest first."""
    parts = []
    for name, condition in SHOWCASES.items():
        newest_ids = (
            select(Practice.id)
            .where(Practice.status.in_(PUBLIC_STATUSES), condition)
            .order_by(Practice.date_publication.desc().nulls_last(), Practice.id)
            .limit(limit)
            .subquery()
        )
        parts.append(select(literal(name).label("showcase"), newest_ids.c.id))
    rows = dbsession.execute(union_all(*parts)).all()
    practices = {p.id: p for p in published_practices(dbsession, list({r.id for r in rows}))}
    lists = {name: [] for name in SHOWCASES}
    for showcase, practice_id in rows:
        if practice_id in practices:
            lists[showcase].append(practices[practice_id])
    return {name: sorted(found, key=_newest_first) for name, found in lists.items()}
