"""The record of every import: the file kept with its report, awaiting confirmation, then
what became of it."""
import hashlib

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...models import ImportBatch
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
        status="refuse" if report.refusal else "en_attente",
        actor=actor.label, user_id=actor.user_id, created_at=clock.now(),
        finished_at=clock.now() if report.refusal else None, report=report.as_dict(),
        created=0, updated=0, unchanged=0, skipped=0,
    )
    dbsession.add(batch)
    dbsession.flush()
    return batch


def claim(dbsession: Session, batch: ImportBatch, status: str) -> bool:
    """Move a batch awaiting confirmation to `status` (importe, abandonne), once: of two
    confirmations, or a confirmation and an abandonment, only the first one acts."""
    taken = dbsession.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == "en_attente")
        .values(status=status).execution_options(synchronize_session=False)
    ).rowcount
    dbsession.refresh(batch)
    return taken == 1


def finish(batch: ImportBatch, clock: SystemClock, status: str, report: Report,
           outcome: Outcome | None = None, valid_only: bool = False) -> None:
    """Write down what became of a batch."""
    batch.status = status
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
