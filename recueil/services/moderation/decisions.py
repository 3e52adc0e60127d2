"""A moderator's decisions (spec §3) and the e-mails that tell the declarant.

The decisions themselves are workflow steps; this module adds what moderation needs around
them: the duplicate's original, the snapshot kept when complements are asked, the e-mails.
"""
import uuid

from pyramid.request import Request
from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...models import Practice, Transition
from ...models.reference import PRACTICE_PREFIX, PRACTICE_REFERENCE, format_reference, shape
from ...settings import public_url
from .. import access, declarations, notifications, workflow

#: the steps a moderator takes from the review page, in the order they are offered
ACTIONS = ("start_review", "ask_complements", "declare_admissible", "declare_inadmissible",
           "mark_duplicate")
#: the state a decision leads to -> the e-mail that tells the declarant (templates/mail/)
NOTICES = {
    "complement_demande": "complements_asked",
    "irrecevable": "inadmissible",
    "doublon": "duplicate",
    "recevable": "admissible",
}


def find_original(dbsession: Session, practice: Practice, value: str | None) -> Practice:
    """The practice `practice` duplicates, by id (a similar one) or by reference."""
    value = (value or "").strip()
    if not value:
        raise workflow.WorkflowError(
            "« Signaler un doublon » : indiquez la pratique originale, parmi les pratiques "
            f"semblables ou par sa référence ({shape(PRACTICE_PREFIX)})."
        )
    original = None
    if PRACTICE_REFERENCE.match(value.upper()):
        original = declarations.by_reference(dbsession, value.upper())
    else:
        try:
            original = dbsession.get(Practice, uuid.UUID(value))
        except ValueError:
            raise workflow.WorkflowError(  # noqa: B904 (the French message says it all)
                f"« {value} » n'est pas une référence de pratique : le format attendu est "
                f"{shape(PRACTICE_PREFIX)}, par exemple "
                f"{format_reference(PRACTICE_PREFIX, 2024, 42)}."
            )
    if original is None or original.status == "brouillon":
        raise workflow.WorkflowError(f"Aucune pratique ne porte la référence « {value} ».")
    if original.id == practice.id:
        raise workflow.WorkflowError("Une pratique ne peut pas être le doublon d'elle-même.")
    if original.status == "doublon":
        raise workflow.WorkflowError(
            f"La pratique {original.reference} est elle-même un doublon : "
            "indiquez la pratique originale."
        )
    return original


def decide(dbsession: Session, clock: SystemClock, practice: Practice, action: str,
           actor: workflow.Actor, comment: str | None = None,
           expected_version: int | None = None, original: str | None = None) -> Transition:
    """Take a moderator's step; raises WorkflowError and changes nothing when it is refused."""
    if action not in ACTIONS:
        raise workflow.WorkflowError("Cette action n'est pas une action de modération.")
    if action == "mark_duplicate":
        # the step's own refusals (state, rights, stale page) come before the original's
        workflow.check(practice, action, actor, comment, expected_version)
        found = find_original(dbsession, practice, original)
        note = (comment or "").strip()
        comment = f"Doublon de {found.reference}" + (f" : {note}" if note else "")
        # every check has passed: the link and the step are written in the same flush
        practice.doublon_de = found
        return workflow.apply(dbsession, clock, practice, action, actor, comment, expected_version)
    # the practice as it was when complements were asked, to show later what changed
    return workflow.apply(dbsession, clock, practice, action, actor, comment, expected_version,
                          keep_snapshot=action == "ask_complements")


def notify(request: Request, practice: Practice, transition: Transition) -> bool:
    """E-mail the declarant about a moderator's decision; False when there is nobody to tell."""
    recipient = practice.declarant_courriel
    notice = NOTICES.get(transition.to_status)
    if not recipient or notice is None:
        return False
    values = {"practice": practice, "comment": transition.comment}
    if transition.to_status == "complement_demande":
        values["link"] = access.personal_link(
            request, recipient, request.route_path("declaration.complements", id=practice.id))
        values["days"] = request.registry.settings["recueil.access_link_days"]
    else:
        values["link"] = access.personal_link(
            request, recipient, request.route_path("declaration.view", id=practice.id))
    if transition.to_status == "doublon":
        original = practice.doublon_de
        values["original"] = original
        values["original_url"] = (
            public_url(request, "catalogue.show", id=original.id)
            if original.status == "publiee" else None
        )
    notifications.send(request, notice, recipient, **values)
    return True
