"""The record of every import: the file kept with its report, awaiting confirmation, then
what became of it."""
import datetime as dt
import hashlib

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...models import ImportBatch
from ...models.imports import ABANDONED, AWAITING, IMPORTED, REFUSED
from .. import workflow
from .analysis import MAX_BYTES
from .report import Options, Outcome, Report


def record(dbsession: Session, clock: SystemClock, filename: str, data: bytes, options: Options,
           report: Report, actor: workflow.Actor) -> ImportBatch:
    """Keep the file and its report: awaiting confirmation, or refused when unreadable."""
    batch = ImportBatch(
        filename=(filename or "fichier.csv").replace("\x00", "")[:255],
        # a file refused for its size is not kept: its size and fingerprint say what it was
        content=data if len(data) <= MAX_BYTES else b"",
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), source=options.source,
        publier=options.publier, valides_seulement=False,
        status=REFUSED if report.refusal else AWAITING,
        actor=actor.label, user_id=actor.user_id, created_at=clock.now(),
        finished_at=clock.now() if report.refusal else None, report=report.as_dict(),
        created=0, updated=0, unchanged=0, skipped=0,
    )
    dbsession.add(batch)
    dbsession.flush()
    return batch


def claim(dbsession: Session, batch: ImportBatch) -> bool:
    """Take a batch awaiting confirmation for its import, once: of two confirmations, or a
    confirmation and an abandonment, only the first one acts."""
    taken = dbsession.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == AWAITING)
        .values(status=IMPORTED).execution_options(synchronize_session=False)
    ).rowcount
    dbsession.refresh(batch)
    return taken == 1


def _abandon(dbsession: Session, now: dt.datetime, which: ColumnElement[bool]) -> int:
    """Abandon the awaiting batches `which` picks, erasing their file at once: nothing will
    import it, and it holds the contact persons of a partner's practices. One statement on
    the awaiting state, as a confirmation's claim is: of the two, only the first acts."""
    return dbsession.execute(
        update(ImportBatch).where(ImportBatch.status == AWAITING, which)
        .values(status=ABANDONED, finished_at=now, content=b"", file_erased_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def abandon(dbsession: Session, clock: SystemClock, batch: ImportBatch) -> bool:
    """An administrator abandons a batch awaiting confirmation; False if it was no longer
    awaiting (confirmed or abandoned meanwhile)."""
    taken = _abandon(dbsession, clock.now(), ImportBatch.id == batch.id)
    dbsession.refresh(batch)
    return taken == 1


def abandon_older(dbsession: Session, now: dt.datetime, before: dt.datetime) -> int:
    """The purge abandons the batches left awaiting since before `before`; how many."""
    return _abandon(dbsession, now, ImportBatch.created_at < before)


def erase_files(dbsession: Session, now: dt.datetime, finished_before: dt.datetime) -> int:
    """The purge erases the files of the batches finished before `finished_before`; how
    many. The name, size, fingerprint, report and counts stay as the record of the import."""
    return dbsession.execute(
        update(ImportBatch)
        .where(ImportBatch.status != AWAITING, ImportBatch.file_erased_at.is_(None),
               func.length(ImportBatch.content) > 0,
               ImportBatch.finished_at < finished_before)
        .values(content=b"", file_erased_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def finish(batch: ImportBatch, clock: SystemClock, report: Report,
           outcome: Outcome | None = None, valid_only: bool = False) -> None:
    """Write down what became of a batch: imported with `outcome`, refused without."""
    batch.status = IMPORTED if outcome is not None else REFUSED
    batch.finished_at = clock.now()
    batch.report = report.as_dict()
    batch.valides_seulement = valid_only
    if outcome is not None:
        batch.created, batch.updated = outcome.created, outcome.updated
        batch.unchanged, batch.skipped = outcome.unchanged, outcome.skipped


def options_of(batch: ImportBatch) -> Options:
    """The options a batch was analysed with, to analyse it again when confirmed."""
    return Options(source=batch.source, publier=batch.publier)


def recent_batches(dbsession: Session, limit: int) -> list[ImportBatch]:
    """The latest imports, newest first (their record, report and outcome)."""
    return list(dbsession.scalars(
        select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(limit)))
