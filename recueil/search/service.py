"""Search as the application uses it: the backend of the settings, a fallback when Solr is
down, and an index that follows the database after each commit."""
import datetime as dt
import logging
import queue
import threading
import time
import types
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

import orjson
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from .. import metrics
from ..clock import SystemClock
from ..models import IndexTask, Practice, PracticeTerm
from ..models.practice import PUBLIC_FIELDS, PUBLIC_STATUSES
from .documents import INDEXED_CODES, TEXT_FIELDS, is_public, searchable_text, solr_document
from .interfaces import ID_ONLY, SearchBackend, SearchResult, SearchUnavailable
from .labels import LABELLED_FIELDS, code_labels
from .query import SearchRequest
from .solr import SolrSearch
from .sql import SqlSearch

log = logging.getLogger(__name__)
#: practices per batch: the queue's drain and the embedded index's rebuild
BATCH = 500
#: published practices read, built and sent to Solr at a time by `reindex`
SOLR_BATCH = 1000
#: seconds Solr may take to take in one batch of a reindex, or its final commit
SOLR_BATCH_TIMEOUT = 600.0
#: batches sent to Solr at the same time by `reindex` (two did not go faster on two cores:
#: Solr's indexing and the reading share them)
SOLR_SENDERS = 1

T = TypeVar("T")
#: progress(done, total, label), called as the batches of a reindex are done
Progress = Callable[[int, int, str], None]


class WaitingUpdates:
    """Which practices have an update still waiting for Solr in the queue (index_tasks).

    The queue is empty except after a Solr outage, while a search that Solr answers means it
    is back: a process that found the queue empty trusts it for `max_age` seconds, or until it
    queues an update itself, so that searches do not ask the database each time.
    """

    def __init__(self, max_age: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.max_age = max_age
        self.clock = clock
        self._changes = 0
        self._empty_since = None

    def changed(self) -> None:
        """This process queued an update: ask the database again."""
        self._changes += 1
        self._empty_since = None

    def among(self, dbsession: Callable[[], Session],
              ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """The practices among `ids` with an update waiting; `dbsession()` gives the session,
        asked for only when the queue must be read."""
        ids = list(ids)
        if not ids:
            return set()
        now = self.clock()
        empty_since = self._empty_since
        if empty_since is not None and now - empty_since < self.max_age:
            return set()
        changes = self._changes
        session = dbsession()
        if session.scalar(select(IndexTask.id).limit(1)) is None:
            if changes == self._changes:
                self._empty_since = now
            return set()
        query = select(IndexTask.practice_id).where(IndexTask.practice_id.in_(ids))
        return set(session.scalars(query))


class SearchService:
    """What views call: `search`, `similar`; answered by the backend of the settings, or by
    the embedded one (the database) when that backend cannot answer."""

    def __init__(self, dbsession: Session | Callable[[], Session], backend: SearchBackend | None,
                 waiting: WaitingUpdates | None = None):
        #: a session, or a function giving one: a search that Solr answers may need none
        self._dbsession = dbsession
        #: the backend of the settings (Solr), None when it is the embedded one
        self.backend = backend
        self.waiting = waiting or WaitingUpdates(max_age=0)

    @cached_property
    def dbsession(self) -> Session:
        return self._dbsession() if callable(self._dbsession) else self._dbsession

    @cached_property
    def embedded(self) -> SearchBackend:
        return SqlSearch(self.dbsession)

    def _answer(self, ask: Callable[[SearchBackend], T], what: str) -> T:
        """What the backend of the settings answers, or else the embedded backend."""
        if self.backend is not None:
            try:
                return ask(self.backend)
            except SearchUnavailable as error:
                metrics.SEARCH_ERRORS.labels(self.backend.name, what).inc()
                metrics.SEARCH_FALLBACKS.labels(what).inc()
                log.warning("Moteur « %s » indisponible, %s servie par la base : %s",
                            self.backend.name, what, error)
        return ask(self.embedded)

    def search(self, request: SearchRequest, fields: Sequence[str] = ID_ONLY) -> SearchResult:
        """One page of results and the facets; with `fields`, Solr's answer carries the stored
        documents of the results too (the embedded backend's never does)."""
        return self._answer(lambda backend: backend.search(request, fields), "recherche")

    def stale(self, result: SearchResult) -> set[uuid.UUID]:
        """Results whose stored document may be older than the database (an update of theirs
        still waits for Solr): read them from the database instead."""
        if result.documents is None:
            return set()
        return self.waiting.among(lambda: self.dbsession, result.ids)

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        return self._answer(lambda backend: backend.similar(practice_id, limit), "similarité")

    def similar_to(self, practice: Practice, limit: int = 5) -> list[uuid.UUID]:
        """The published practices most like this one, published or not (duplicate finder)."""
        if is_public(practice):
            return self.similar(practice.id, limit)
        text = searchable_text(practice)
        return self._answer(lambda backend: backend.similar_text(text, practice.id, limit),
                            "similarité")


def _touched_practices(session: Session) -> list[Practice]:
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


def reindex_code(session: Session, field: str, code: str) -> int:
    """Have the published practices carrying this code indexed again by the session's next
    flush, which must write the code's new label (the hooks below read it then); returns
    how many. A code whose label is not searched (labels.LABELLED_FIELDS) needs none."""
    if field not in LABELLED_FIELDS:
        return 0
    carrying = select(PracticeTerm.practice_id).where(
        PracticeTerm.field == field, PracticeTerm.code == code)
    with session.no_autoflush:
        practices = list(session.scalars(select(Practice).where(
            Practice.status.in_(PUBLIC_STATUSES), Practice.id.in_(carrying))))
    session.info.setdefault("search_touched", set()).update(practices)
    return len(practices)


def attach_index_hooks(session_factory: sessionmaker, settings: Mapping[str, Any],
                       solr_factory: Callable[[], SolrSearch],
                       waiting: WaitingUpdates | None = None) -> None:
    """Keep the indexes in step with the database.

    The embedded index is written in the same transaction; for Solr a durable task is written
    in the same transaction, and the queue is drained once the transaction has committed.
    """
    uses_solr = settings["search.backend"] == "solr"

    def drain(ok: bool) -> None:
        if waiting is not None:
            waiting.changed()
        if ok:
            drain_queue(session_factory, solr_factory())

    @event.listens_for(session_factory, "before_flush")
    def collect(session: Session, _flush_context: object, _instances: object) -> None:
        session.info.setdefault("search_touched", set()).update(_touched_practices(session))

    @event.listens_for(session_factory, "after_flush_postexec")
    def write(session: Session, _flush_context: object) -> None:
        touched = session.info.pop("search_touched", set())
        if not touched:
            return
        live = [p for p in touched if p not in session.deleted and inspect(p).persistent]
        SqlSearch(session).index(live, gone=[p.id for p in touched if p not in live])
        if uses_solr:
            now = _now(session)
            session.execute(insert(IndexTask), [
                {"practice_id": p.id, "created_at": now, "attempts": 0} for p in touched
            ])
            if waiting is not None:
                waiting.changed()
            request = session.info.get("request")
            if request is not None and not session.info.get("drain_hooked"):
                session.info["drain_hooked"] = True
                request.tm.get().addAfterCommitHook(drain)


def _now(session: Session) -> dt.datetime:
    request = session.info.get("request")
    if request is not None:
        return request.clock.now()
    return SystemClock().now()


def drain_queue(session_factory: sessionmaker, solr: SolrSearch, limit: int | None = None) -> int:
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
                solr.index(practices, commit=False, labels=code_labels(session))
                solr.remove_ids(missing, commit=False)
                solr.commit()
            except SearchUnavailable as error:
                metrics.SEARCH_ERRORS.labels(solr.name, "indexation").inc()
                log.warning(
                    "Solr indisponible, %d mise(s) à jour en attente : %s", len(tasks), error
                )
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


def reindex(session_factory: sessionmaker, settings: Mapping[str, Any],
            solr_factory: Callable[[], SolrSearch], progress: Progress | None = None,
            embedded: bool | None = None) -> int:
    """Rebuild the search indexes from the database; returns the number of published practices.

    With search.backend = sql, the embedded index. With search.backend = solr, the Solr core,
    and the embedded index only when `embedded` is true: every transaction already keeps it
    in step, and rebuilding it costs many times what Solr's rebuild does.
    `progress(done, total, label)` is called as batches are done.
    """
    started = time.monotonic()
    uses_solr = settings["search.backend"] == "solr"
    if embedded is None:
        embedded = not uses_solr
    total = 0
    if uses_solr:
        total = reindex_solr(session_factory, solr_factory(), progress)
    if embedded:
        total = reindex_embedded(session_factory, progress)
    log.info("Réindexation de %d pratiques publiées en %.1f s", total, time.monotonic() - started)
    return total


def reindex_embedded(session_factory: sessionmaker, progress: Progress | None = None) -> int:
    """Rebuild the embedded index (search_terms) from every practice."""
    published = 0
    with session_factory() as session:
        ids = list(session.scalars(select(Practice.id).order_by(Practice.id)))
        total = len(ids)
        sql = SqlSearch(session)
        sql.clear()
        for start in range(0, total, BATCH):
            chunk = ids[start:start + BATCH]
            batch = list(session.scalars(select(Practice).where(Practice.id.in_(chunk))))
            sql.index(batch)
            published += sum(1 for p in batch if is_public(p))
            session.commit()
            session.expunge_all()
            if progress:
                progress(min(start + BATCH, total), total, "Index de la base")
        if not total:
            session.commit()
            if progress:
                progress(0, 0, "Index de la base")
    return published


def reindex_solr(session_factory: sessionmaker, solr: SolrSearch, progress: Progress | None = None,
                 batch: int = SOLR_BATCH) -> int:
    """Rebuild the Solr core from the published practices, with one commit at the end.

    Searches keep seeing the former documents until that commit. Batches are read and built
    while the previous one is sent; the updates queued before the start are then done.
    """
    label = "Solr"
    with session_factory() as session:
        total = session.scalar(
            select(func.count()).select_from(Practice).where(Practice.status.in_(PUBLIC_STATUSES)))
        last_task = session.scalar(select(func.max(IndexTask.id)))
        solr.clear(commit=False)
        # the batches and the final commit may take minutes, a search a few seconds
        bulk = solr.with_timeout(SOLR_BATCH_TIMEOUT)
        sender = _Sender(bulk, SOLR_SENDERS)
        try:
            for documents in published_documents(session, solr.url_for, batch):
                sender.send(orjson.dumps(documents), len(documents))
                if progress and sender.sent < total:
                    progress(sender.sent, total, label)
            sender.finish()
        finally:
            sender.stop()
        bulk.commit()
        if last_task is not None:
            session.execute(delete(IndexTask).where(IndexTask.id <= last_task))
            session.commit()
    if progress:
        progress(sender.sent, sender.sent, label)
    return sender.sent


#: the columns of practices that `solr_document` reads
_DOCUMENT_COLUMNS = tuple(
    column for column in Practice.__table__.columns
    if column.name in {"id", "status", *PUBLIC_FIELDS, *TEXT_FIELDS}
)


def published_documents(session: Session, url_for: Callable[[Any], str],
                        batch: int = SOLR_BATCH) -> Iterator[list[dict]]:
    """The Solr documents of the published practices, `batch` at a time, in the order of
    their ids: two queries per batch (the practices' columns, then their codes)."""
    terms = PracticeTerm.__table__.c
    labels = code_labels(session)
    last = None
    while True:
        # every practice by its primary key, the unpublished ones skipped below: with the
        # status in the query, SQLite would walk the status index for each batch
        query = select(*_DOCUMENT_COLUMNS).order_by(Practice.id).limit(batch)
        if last is not None:
            query = query.where(Practice.id > last)
        rows = session.execute(query).all()
        if not rows:
            return
        first, last = rows[0].id, rows[-1].id
        codes = {}
        for practice_id, field, code in session.execute(
            select(terms.practice_id, terms.field, terms.code)
            .where(terms.practice_id.between(first, last))
            .order_by(terms.practice_id, terms.field, terms.position)
        ):
            codes.setdefault(practice_id, {}).setdefault(field, []).append(code)
        documents = []
        for row in rows:
            if row.status not in PUBLIC_STATUSES:
                continue
            found = codes.get(row.id, {})
            practice = types.SimpleNamespace(
                **row._mapping, **{name: found.get(name, []) for name in INDEXED_CODES})
            documents.append(solr_document(practice, url_for(practice), labels))
        if documents:
            yield documents


class _Sender:
    """Sends the batches of a reindex to Solr from threads of their own (the client's
    session gives each one a connection), while the next batches are read and built; `sent`
    counts the documents Solr has taken."""

    def __init__(self, solr: SolrSearch, threads: int):
        self.solr = solr
        self.batches = queue.Queue(maxsize=threads + 1)
        self.sent = 0
        self.error = None
        self.stopped = False
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, name=f"reindex-solr-{n}", daemon=True)
                        for n in range(threads)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while True:
            item = self.batches.get()
            if item is None or self.stopped or self.error is not None:
                return
            body, count = item
            try:
                self.solr.update(body)
            except BaseException as error:  # noqa: BLE001 - handed to the reading thread
                self.error = error
                return
            with self._lock:
                self.sent += count

    def _put(self, item: object) -> None:
        while True:
            if self.error is not None:
                raise self.error
            if not any(thread.is_alive() for thread in self.threads):
                raise SearchUnavailable("l'envoi à Solr s'est arrêté")
            try:
                self.batches.put(item, timeout=1.0)
                return
            except queue.Full:
                continue

    def send(self, body: bytes, count: int) -> None:
        self._put((body, count))

    def finish(self) -> None:
        """Wait until every batch is sent; raises what stopped the sending."""
        for _ in self.threads:
            self._put(None)
        for thread in self.threads:
            thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop sending (the reading stopped early): what waits is dropped."""
        self.stopped = True
        while True:
            try:
                self.batches.get_nowait()
            except queue.Empty:
                break
        for _ in self.threads:
            try:
                self.batches.put_nowait(None)
            except queue.Full:
                break
        for thread in self.threads:
            thread.join(timeout=SOLR_BATCH_TIMEOUT)


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    registry = config.registry

    public = settings["recueil.public_url"]  # checked by recueil.settings.load
    # one client for the process: its session keeps the connections to Solr alive
    solr = SolrSearch.from_settings(settings, url_for=lambda p: f"{public}/pratiques/{p.id}")

    def solr_factory() -> SolrSearch:
        return solr

    registry["solr_factory"] = solr_factory
    waiting = registry["search_waiting_updates"] = WaitingUpdates()
    attach_index_hooks(registry["dbsession_factory"], settings, solr_factory, waiting)

    def search(request: Request) -> SearchService:
        backend = solr_factory() if settings["search.backend"] == "solr" else None
        return SearchService(lambda: request.dbsession, backend, waiting)

    config.add_request_method(search, "search", reify=True)
