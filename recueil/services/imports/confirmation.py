"""An administrator's confirmation of a file awaiting it: checked again, then imported once."""
import dataclasses

from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...models import ImportBatch
from .. import workflow
from ..references import References
from .analysis import analyse
from .batches import claim, finish, options_of
from .report import Outcome, Report
from .writing import run


@dataclasses.dataclass(frozen=True)
class Confirmation:
    """What a confirmation did: imported (`outcome`), refused by the file as it reads now
    (`blocked`, the fresh report, kept on the batch), or nothing because the batch was no
    longer awaiting (`already_done`)."""

    outcome: Outcome | None = None
    blocked: Report | None = None
    already_done: bool = False


def confirm(dbsession: Session, clock: SystemClock, batch: ImportBatch, references: References,
            actor: workflow.Actor, valid_only: bool) -> Confirmation:
    """Import the batch's file, checked again against the database as it is now (it may have
    changed since the report was shown), in the caller's transaction."""
    if not batch.awaiting:
        return Confirmation(already_done=True)
    fresh = analyse(dbsession, batch.content, options_of(batch), references, clock.today())
    if fresh.blocks(valid_only):
        batch.report = fresh.as_dict()
        return Confirmation(blocked=fresh)
    if not claim(dbsession, batch):
        return Confirmation(already_done=True)
    outcome = run(dbsession, clock, fresh, actor, batch.filename, valid_only=valid_only)
    finish(batch, clock, fresh, outcome, valid_only)
    return Confirmation(outcome=outcome)
