"""Rate limits counted in the database, so they hold across processes."""
import datetime as dt

from sqlalchemy import delete, func, select

from ..models import RateEvent


def attempts(dbsession, clock, key: str, window: dt.timedelta) -> int:
    """How many attempts were recorded under `key` within `window`."""
    return dbsession.scalar(
        select(func.count()).select_from(RateEvent).where(
            RateEvent.key == key, RateEvent.created_at > clock.now() - window
        )
    )


def record(dbsession, clock, key: str) -> None:
    dbsession.add(RateEvent(key=key, created_at=clock.now()))


def hit(dbsession, clock, key: str, limit: int, window: dt.timedelta) -> bool:
    """Record an attempt under `key`; False, and nothing recorded, if `limit` was reached."""
    if attempts(dbsession, clock, key, window) >= limit:
        return False
    record(dbsession, clock, key)
    return True


def purge(dbsession, clock, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    result = dbsession.execute(
        delete(RateEvent).where(RateEvent.created_at < clock.now() - older_than)
    )
    return result.rowcount
