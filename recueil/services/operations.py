"""What the load balancer and the operator ask of a process: its health and the index queue.

Every balancer asks every process every few seconds: the health check reads one row of the
database and the head of the index queue (an index keeps both cheap), and asks Solr at most
once every SOLR_CHECK_SECONDS per process, with a short timeout, so that a Solr outage (the
database then answers the searches) never makes the check itself slow.
"""
from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..models import IndexTask
from ..search.solr import SolrSearch

#: how long a process trusts its last answer from Solr
SOLR_CHECK_SECONDS = 5.0
#: how long the health check waits for Solr
SOLR_CHECK_TIMEOUT = 1.0

_solr_checks: dict = {}  # Solr URL -> (monotonic time, reachable)
_solr_lock = threading.Lock()


def queue_state(dbsession: Session, now: dt.datetime) -> tuple[int, float | None]:
    """The number of updates waiting for Solr and the age of the oldest, in seconds."""
    length, oldest = dbsession.execute(
        select(func.count(IndexTask.id), func.min(IndexTask.created_at))
    ).one()
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else None
    return length, age


def solr_reachable(solr: SolrSearch) -> bool:
    """Whether Solr answers its ping, as last seen by this process (a few seconds at most)."""
    now = time.monotonic()
    seen = _solr_checks.get(solr.url)
    if seen is not None and now - seen[0] < SOLR_CHECK_SECONDS:
        return seen[1]
    with _solr_lock:
        seen = _solr_checks.get(solr.url)
        if seen is None or now - seen[0] >= SOLR_CHECK_SECONDS:
            seen = _solr_checks[solr.url] = (time.monotonic(),
                                             solr.with_timeout(SOLR_CHECK_TIMEOUT).ping())
    return seen[1]


def health(dbsession: Session, now: dt.datetime, solr: SolrSearch | None) -> tuple[bool, dict]:
    """(whether this process can serve, what it found): it can while the database answers,
    Solr or not (the database then answers the searches)."""
    try:
        length, age = queue_state(dbsession, now)
        database = True
    except SQLAlchemyError:
        length, age, database = None, None, False
    search = {"moteur": "solr" if solr is not None else "base"}
    if solr is not None:
        reachable = solr_reachable(solr)
        search.update(joignable=reachable, secours=not reachable)
    else:
        search.update(joignable=database, secours=False)
    if not database:
        status = "indisponible"
    elif search["secours"] or (age or 0) > 600:
        status = "degrade"
    else:
        status = "ok"
    return database, {
        "statut": status,
        "base_de_donnees": {"joignable": database},
        "recherche": search,
        "file_indexation": {
            "longueur": length,
            "age_plus_ancienne_secondes": round(age, 1) if age is not None else None,
        },
    }
