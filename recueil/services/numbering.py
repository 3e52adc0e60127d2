"""The numbering of practices and fiches: the next reference of a year, and the references an
import keeps, drawn from one counter per prefix and year (models/reference.py)."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.reference import PRACTICE_PREFIX, ReferenceCounter, format_reference, parse_reference


def _counter(dbsession: Session, prefix: str, year: int) -> ReferenceCounter:
    """The year's counter, locked until the transaction ends: two submissions at the same
    moment never get the same number."""
    counter = dbsession.scalars(
        select(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .with_for_update()
    ).one_or_none()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last=0)
        dbsession.add(counter)
    return counter


def next_reference(dbsession: Session, year: int, prefix: str = PRACTICE_PREFIX) -> str:
    """The next reference of the year: PI-2026-0042 for practices, FD-2026-0003 for fiches."""
    counter = _counter(dbsession, prefix, year)
    counter.last += 1
    dbsession.flush()
    return format_reference(prefix, year, counter.last)


def reserve(dbsession: Session, reference: str) -> None:
    """Keep a reference given by an imported file: the year's counter moves past its number,
    so that the platform never gives it again."""
    parsed = parse_reference(reference)
    if parsed is None:
        raise ValueError(f"not a reference: {reference!r}")
    prefix, year, number = parsed
    counter = _counter(dbsession, prefix, year)
    counter.last = max(counter.last or 0, number)
    dbsession.flush()
