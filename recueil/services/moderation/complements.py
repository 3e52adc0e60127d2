"""The declarant's answer to a request for complements (spec §3): the form's steps to review,
what still stops the declaration, and sending it back to moderation."""
import dataclasses
import datetime as dt

from pyramid.request import Request
from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...forms.practice import STEPS
from ...models import Practice, Transition
from .. import agreements, notifications, workflow
from ..references import References
from .review import complement_request, completeness

#: The form's steps a declarant edits when complements are asked: not the conditions, accepted
#: once and for all before the first submission, nor the summary.
EDITABLE_STEPS = tuple((slug, title, schema) for slug, title, schema in STEPS
                       if schema is not None and slug != "conditions")


@dataclasses.dataclass(frozen=True)
class Section:
    slug: str
    title: str
    #: French messages: what the form refuses in the stored values, or why the step is to redo
    problems: list[str]


def sections(practice: Practice, references: References, today: dt.date) -> list[Section]:
    """Each step of the form with what still stops the declaration from being sent back."""
    problems = dict(completeness(practice, references, today))
    result = []
    for slug, title, _ in EDITABLE_STEPS:
        messages = list(problems.get(title, []))
        if slug not in practice.etapes_validees and not messages:
            messages.append(
                "Cette rubrique est à vérifier : ouvrez-la et enregistrez-la"
                + (" (l'échelle de l'action a changé)." if slug == "localisation" else ".")
            )
        result.append(Section(slug, title, messages))
    return result


def resubmit(dbsession: Session, clock: SystemClock, practice: Practice, actor: workflow.Actor,
             references: References, today: dt.date, message: str | None = None,
             expected_version: int | None = None) -> Transition:
    """Send a practice back to moderation with its complements, if the form accepts it."""
    workflow.check(practice, "resubmit", actor, message, expected_version)
    pending = [s.title for s in sections(practice, references, today) if s.problems]
    if pending:
        raise workflow.WorkflowError(
            "Votre déclaration ne peut pas encore être renvoyée : complétez "
            + ", ".join(f"« {title} »" for title in pending) + "."
        )
    message = (message or "").strip()
    comment = "Compléments envoyés par le déclarant" + (f" : {message}" if message else "")
    return workflow.apply(dbsession, clock, practice, "resubmit", actor, comment, expected_version)


def send_complements(request: Request, practice: Practice, message: str,
                     expected_version: int | None) -> Transition:
    """The declarant sends their complements (resubmit): they are told by e-mail that the
    moderators have them, and a representative named anew is asked for the agreement (the
    earlier links no longer reach them)."""
    transition = resubmit(request.dbsession, request.clock, practice,
                          workflow.Actor.from_identity(request.identity), request.references,
                          request.clock.today(), message, expected_version)
    notifications.send(request, "complements_received", practice.declarant_courriel,
                       practice=practice)
    asked = complement_request(practice)
    if asked is not None and asked.snapshot and practice.accord_courriel and (
            asked.snapshot.get("accord_courriel") != practice.accord_courriel):
        agreements.ask(request, practice)
    return transition
