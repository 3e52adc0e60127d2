"""Search as the application uses it: the backend of the settings, a fallback when Solr is
down, and an index that follows the database after each commit."""
import logging
import time
import uuid

from sqlalchemy import event, insert, inspect, select

from ..models import IndexTask, Practice
from ..services.clock import SystemClock
from .documents import PUBLIC_STATUSES
from .interfaces import SearchResult, SearchUnavailable
from .query import SearchRequest
from .solr import SolrSearch
from .sql import SqlSearch

log = logging.getLogger(__name__)
BATCH = 500


class SearchService:
    """What views call: `search`, `similar`; answers from SQL when Solr cannot."""

    def __init__(self, dbsession, solr: SolrSearch | None):
        self.sql = SqlSearch(dbsession)
        self.solr = solr

    @property
    def backend_name(self) -> str:
        return self.solr.name if self.solr else self.sql.name

    def search(self, request: SearchRequest) -> SearchResult:
        if self.solr is not None:
            try:
                return self.solr.search(request)
            except SearchUnavailable as error:
                log.warning("Solr indisponible, recherche servie par la base : %s", error)
        return self.sql.search(request)

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        if self.solr is not None:
            try:
                return self.solr.similar(practice_id, limit)
            except SearchUnavailable as error:
                log.warning("Solr indisponible, similarité servie par la base : %s", error)
        return self.sql.similar(practice_id, limit)


    def similar_to(self, practice, limit: int = 5) -> list[uuid.UUID]:
        """The published practices most like this one, published or not (duplicate finder)."""
        from .documents import is_public, searchable_text

        if is_public(practice):
            return self.similar(practice.id, limit)
        text = searchable_text(practice)
        if self.solr is not None:
            try:
                return self.solr.similar_text(text, practice.id, limit)
            except SearchUnavailable as error:
                log.warning("Solr indisponible, similarité servie par la base : %s", error)
        return self.sql.similar_text(text, practice.id, limit)


def _touched_practices(session) -> list[Practice]:
    """Practices changed in this flush whose public index entry may have changed."""
    touched = []
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Practice):
            continue
        history = inspect(obj).attrs.status.history
        statuses = {obj.status, *history.deleted}
        if statuses & set(PUBLIC_STATUSES) or obj in session.deleted:
            touched.append(obj)
    return touched


def attach_index_hooks(session_factory, settings, solr_factory) -> None:
    """Keep the indexes in step with the database.

    The embedded index is written in the same transaction; for Solr a durable task is written
    in the same transaction, and the queue is drained once the transaction has committed.
    """
    uses_solr = settings["search.backend"] == "solr"

    @event.listens_for(session_factory, "before_flush")
    def collect(session, flush_context, instances):
        session.info.setdefault("search_touched", set()).update(_touched_practices(session))

    @event.listens_for(session_factory, "after_flush_postexec")
    def write(session, flush_context):
        touched = session.info.pop("search_touched", set())
        if not touched:
            return
        live = [p for p in touched if p not in session.deleted and inspect(p).persistent]
        SqlSearch(session).index(live)
        if uses_solr:
            now = _now(session)
            session.execute(insert(IndexTask), [
                {"practice_id": p.id, "created_at": now, "attempts": 0} for p in touched
            ])
            request = session.info.get("request")
            if request is not None and not session.info.get("drain_hooked"):
                session.info["drain_hooked"] = True
                request.tm.get().addAfterCommitHook(
                    lambda ok: ok and drain_queue(session_factory, solr_factory())
                )


def _now(session):
    request = session.info.get("request")
    if request is not None:
        return request.clock.now()
    return SystemClock().now()


def drain_queue(session_factory, solr: SolrSearch, limit: int | None = None) -> int:
    """Send queued practices to Solr; returns how many tasks were done. Never raises for Solr."""
    done = 0
    with session_factory() as session:
        while True:
            tasks = list(session.scalars(select(IndexTask).order_by(IndexTask.id).limit(BATCH)))
            if not tasks:
                break
            ids = list(dict.fromkeys(t.practice_id for t in tasks))
            practices = list(session.scalars(select(Practice).where(Practice.id.in_(ids))))
            missing = set(ids) - {p.id for p in practices}
            try:
                solr.index(practices, commit=False)
                solr.remove_ids(missing, commit=False)
                solr.commit()
            except SearchUnavailable as error:
                log.warning("Solr indisponible, %d mise(s) à jour en attente : %s", len(tasks), error)
                for task in tasks:
                    task.attempts += 1
                    task.last_error = str(error)[:1000]
                session.commit()
                return done
            for task in tasks:
                session.delete(task)
            session.commit()
            done += len(tasks)
            if limit is not None and done >= limit:
                break
    return done


def reindex(session_factory, settings, solr_factory, progress=None) -> int:
    """Rebuild the embedded index and (with Solr) the Solr core from the database."""
    started = time.monotonic()
    with session_factory() as session:
        ids = list(session.scalars(select(Practice.id).order_by(Practice.id)))
        total = len(ids)
        solr = solr_factory() if settings["search.backend"] == "solr" else None
        sql = SqlSearch(session)
        sql.clear()
        if solr is not None:
            solr.clear()
        for start in range(0, total, BATCH):
            batch = list(session.scalars(select(Practice).where(Practice.id.in_(ids[start:start + BATCH]))))
            sql.index(batch)
            if solr is not None:
                solr.index(batch, commit=False)
            session.commit()
            session.expunge_all()
            if progress:
                progress(min(start + BATCH, total), total)
        if solr is not None:
            solr.commit()
            session.execute(IndexTask.__table__.delete())
            session.commit()
    log.info("Réindexation de %d pratiques en %.1f s", total, time.monotonic() - started)
    return total


def includeme(config):
    settings = config.get_settings()
    registry = config.registry

    public = settings.get("recueil.public_url", "").rstrip("/")
    # one client for the process: pysolr keeps its HTTP connections alive
    solr = SolrSearch(settings["solr.url"], url_for=lambda p: f"{public}/pratiques/{p.id}")

    def solr_factory():
        return solr

    registry["solr_factory"] = solr_factory
    attach_index_hooks(registry["dbsession_factory"], settings, solr_factory)

    def search(request):
        solr = solr_factory() if settings["search.backend"] == "solr" else None
        return SearchService(request.dbsession, solr)

    config.add_request_method(search, "search", reify=True)
