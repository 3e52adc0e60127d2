"""The life of a practice (spec §3): one state machine, each transition a named operation.

Level-1 practices follow the declaration's path; level-2 fiches (spec §4) are written by the
ONPE and go brouillon → publiee ⇄ depubliee by their own steps, which refuse a practice, as
the administrator's unpublishing and republishing refuse a fiche.

Every operation checks who acts and from which state, refuses a stale version, records a
Transition (who, when, from, to, comment) and changes nothing when it refuses.
"""
import dataclasses
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models.practice import PERSONAL_FIELDS, PUBLIC_FIELDS, STATUSES, Practice, Transition
from ..models.user import User

CONFLICT = (
    "Cette pratique a été modifiée entre-temps par une autre personne : "
    "rechargez la page pour voir son état actuel, puis recommencez."
)


class WorkflowError(Exception):
    """A refused transition; the message is French and says why."""


class ConflictError(WorkflowError):
    """The practice changed since the person loaded it."""


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    #: roles allowed to take the step ("declarant" means the practice's own declarant)
    roles: tuple[str, ...]
    comment_required: str | None = None  # French label of the comment when mandatory
    #: the only level it applies to, 1 (practices) or 2 (ONPE fiches); None: either
    niveau: int | None = None


BEFORE_DECISION = ("brouillon", "soumise", "en_moderation", "complement_demande", "recevable",
                   "inscrite", "ajournee")

STEPS = {step.name: step for step in (
    Step("submit", "Envoyer", ("brouillon",), "soumise", ("declarant",)),
    Step("start_review", "Prendre en charge", ("soumise",), "en_moderation", ("moderateur",)),
    Step("ask_complements", "Demander des compléments", ("en_moderation",), "complement_demande",
         ("moderateur",), comment_required="le message au déclarant"),
    Step("resubmit", "Renvoyer avec les compléments", ("complement_demande",), "en_moderation",
         ("declarant",)),
    Step("declare_admissible", "Déclarer recevable", ("en_moderation",), "recevable",
         ("moderateur",)),
    Step("declare_inadmissible", "Déclarer irrecevable", ("en_moderation",), "irrecevable",
         ("moderateur",), comment_required="le motif"),
    Step("mark_duplicate", "Signaler un doublon", ("en_moderation",), "doublon",
         ("moderateur",)),
    Step("put_on_agenda", "Inscrire à l'ordre du jour", ("recevable",), "inscrite",
         ("secretariat",)),
    Step("remove_from_agenda", "Retirer de l'ordre du jour", ("inscrite",), "recevable",
         ("secretariat",)),
    Step("select", "Sélectionner", ("inscrite",), "selectionnee", ("secretariat",)),
    Step("reject", "Ne pas retenir", ("inscrite",), "non_retenue", ("secretariat",),
         comment_required="la motivation du comité"),
    Step("postpone", "Ajourner", ("inscrite",), "ajournee", ("secretariat",),
         comment_required="les compléments demandés"),
    Step("ask_postponed_complements", "Demander les compléments", ("ajournee",),
         "complement_demande", ("secretariat",)),
    # the secretariat corrects a decision until the practice is published (a postponed
    # practice is « complement_demande » once its decision was sent)
    Step("correct_to_selected", "Corriger la décision : sélectionnée",
         ("non_retenue", "ajournee", "complement_demande"), "selectionnee", ("secretariat",),
         comment_required="le motif de la correction", niveau=1),
    Step("correct_to_rejected", "Corriger la décision : non retenue",
         ("selectionnee", "ajournee", "complement_demande"), "non_retenue", ("secretariat",),
         comment_required="le motif de la correction", niveau=1),
    Step("correct_to_postponed", "Corriger la décision : ajournée",
         ("selectionnee", "non_retenue"), "ajournee", ("secretariat",),
         comment_required="le motif de la correction", niveau=1),
    Step("publish", "Publier", ("selectionnee",), "publiee", ("systeme",)),
    # a fiche is published and unpublished by the ONPE's editors (the *_fiche steps below);
    # the other steps start from states or need a declarant a fiche never has
    Step("unpublish", "Dépublier", ("publiee",), "depubliee", ("administrateur",),
         comment_required="le motif de la dépublication", niveau=1),
    Step("republish", "Republier", ("depubliee",), "publiee", ("administrateur",), niveau=1),
    Step("withdraw", "Retirer ma pratique", BEFORE_DECISION, "retiree", ("declarant",)),
    # imports of partners' files (spec §5): the practice, built unsaved, enters moderation,
    # or goes online at once when what is already published elsewhere is migrated
    Step("import", "Importer", ("brouillon",), "soumise", ("systeme",), niveau=1),
    Step("import_published", "Importer comme déjà publiée", ("brouillon",), "publiee",
         ("systeme",), niveau=1),
    Step("import_published_fiche", "Importer la fiche comme déjà publiée", ("brouillon",),
         "publiee", ("systeme",), niveau=2),
    # ONPE fiches dispositifs: written, published and unpublished by the ONPE's editors
    Step("publish_fiche", "Publier la fiche", ("brouillon",), "publiee", ("redacteur_onpe",),
         niveau=2),
    Step("unpublish_fiche", "Dépublier la fiche", ("publiee",), "depubliee", ("redacteur_onpe",),
         niveau=2),
    Step("republish_fiche", "Republier la fiche", ("depubliee",), "publiee", ("redacteur_onpe",),
         niveau=2),
)}


class Identity(Protocol):
    """Who the security policy says a request comes from (recueil.security.Identity)."""

    label: str
    roles: Iterable[str]
    user: User | None
    declarant_email: str | None


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts: a label for the history, their roles, and their user id if staff."""

    label: str
    roles: tuple[str, ...]
    user_id: int | None = None
    declarant_email: str | None = None

    @classmethod
    def from_identity(cls, identity: Identity) -> "Actor":
        return cls(
            label=identity.label,
            roles=tuple(identity.roles),
            user_id=identity.user.id if identity.user else None,
            declarant_email=identity.declarant_email,
        )


SYSTEM = Actor(label="système (publication programmée)", roles=("systeme",))


def snapshot(practice: Practice) -> dict:
    """The practice's declared fields, to show later what changed since."""
    values = {}
    for name in (*PUBLIC_FIELDS, *PERSONAL_FIELDS):
        if name in (
            "id", "reference", "url", "date_publication", "coup_de_coeur", "source", "niveau",
            "nombre_essaimages",
        ):
            continue
        value = getattr(practice, name, None)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    # documents added or removed are complements too
    values["pieces_jointes"] = [a.filename for a in practice.attachments]
    return values


def available(practice: Practice, actor: Actor) -> list[Step]:
    """The steps this actor may take on this practice now."""
    return [s for s in STEPS.values()
            if s.niveau in (None, practice.niveau) and _may(s, practice, actor)
            and practice.status in s.sources]


def _may(step: Step, practice: Practice, actor: Actor) -> bool:
    for role in step.roles:
        if role == "declarant":
            if actor.declarant_email and actor.declarant_email == practice.declarant_courriel:
                return True
        elif role in actor.roles:
            return True
    return False


def check(practice: Practice, name: str, actor: Actor, comment: str | None = None,
          expected_version: int | None = None) -> Step:
    """The step `name` if this actor may take it now, or raise WorkflowError saying why not.

    Lets a caller refuse a step before checking what only it knows (a duplicate's original).
    """
    step = STEPS.get(name)
    if step is None:
        raise WorkflowError(f"Action inconnue : « {name} ».")
    if expected_version is not None and expected_version != practice.version:
        raise ConflictError(CONFLICT)
    if not _may(step, practice, actor):
        raise WorkflowError(
            f"Vous n'avez pas le droit de faire « {step.label} » sur cette pratique."
        )
    if step.niveau is not None and practice.niveau != step.niveau:
        raise WorkflowError(
            f"« {step.label} » ne s'applique qu'aux fiches dispositifs de l'ONPE."
            if step.niveau == 2
            else f"« {step.label} » ne s'applique pas aux fiches dispositifs de l'ONPE."
        )
    if practice.status not in step.sources:
        what = "la fiche" if practice.niveau == 2 else "la pratique"
        raise WorkflowError(
            f"« {step.label} » est impossible : {what} est « {STATUSES[practice.status]} »."
        )
    if step.comment_required and not (comment or "").strip():
        raise WorkflowError(f"« {step.label} » : indiquez {step.comment_required}.")
    return step


def apply(dbsession: Session, clock: SystemClock, practice: Practice, name: str, actor: Actor,
          comment: str | None = None, expected_version: int | None = None,
          keep_snapshot: bool = False) -> Transition:
    """Take step `name` on `practice`, or raise WorkflowError leaving everything unchanged."""
    step = check(practice, name, actor, comment, expected_version)
    comment = (comment or "").strip() or None
    transition = Transition(
        from_status=practice.status,
        to_status=step.target,
        actor=actor.label,
        actor_user_id=actor.user_id,
        comment=comment,
        created_at=clock.now(),
        snapshot=snapshot(practice) if keep_snapshot else None,
    )
    practice.status = step.target
    practice.transitions.append(transition)
    dbsession.flush()
    return transition


def note(dbsession: Session, clock: SystemClock, practice: Practice, actor: Actor,
         comment: str) -> Transition:
    """Record in the history a change that keeps the state (a re-import updating a practice)."""
    transition = Transition(from_status=practice.status, to_status=practice.status,
                            actor=actor.label, actor_user_id=actor.user_id, comment=comment,
                            created_at=clock.now())
    practice.transitions.append(transition)
    dbsession.flush()
    return transition


def changes_since(practice: Practice, transition: Transition) -> list[tuple[str, object, object]]:
    """(field, before, now) for every declared field changed since `transition`'s snapshot."""
    if not transition.snapshot:
        return []
    now = snapshot(practice)
    return [
        (k, transition.snapshot.get(k), v)
        for k, v in now.items()
        if transition.snapshot.get(k) != v
    ]
