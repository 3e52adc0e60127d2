"""Essaimage: a team that took up a published practice tells it, the moderators publish or
refuse the account (and may withdraw a published one, saying why), and the practice's
declarant hears of each one published.

A practice counts its published accounts (``Practice.nombre_essaimages``): changing the
count changes the practice's row, so both search indexes, the open data's validators and
the catalogue follow it as they follow any other change of a published practice.
"""
import dataclasses
import uuid

from pyramid.request import Request
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..formatting import date
from ..models import ESSAIMAGE_STATUSES, Essaimage, Practice
from ..models.essaimage import PENDING, PUBLISHED, REFUSED, WITHDRAWN
from ..models.practice import PUBLIC_STATUSES
from ..settings import public_url
from . import notifications, ratelimit, workflow

#: what a moderator may do with an account: action -> (the state it acts on, the state reached)
ACTIONS = {"publier": (PENDING, PUBLISHED), "refuser": (PENDING, REFUSED),
           "retirer": (PUBLISHED, WITHDRAWN)}
#: the accounts listed per page of the moderation list
PER_PAGE = 30
HISTORY_NOTE = {
    PUBLISHED: "Essaimage publié : {structure} ({departement}).",
    REFUSED: "Essaimage refusé : {structure} ({departement}).",
    WITHDRAWN: "Essaimage retiré de la page : {structure} ({departement}).",
}


class DecisionError(Exception):
    """A decision that cannot be taken (French message): unknown, or already taken."""


def submit(request: Request, practice: Practice, structure: str, departement: str, recit: str,
           courriel: str) -> Essaimage:
    """Record an account of `practice` for the moderators; ratelimit.Limited over the limits."""
    ratelimit.enforce(
        request,
        (ratelimit.ESSAIMAGES_PER_CLIENT, request.client_addr,
         "Vous avez envoyé plusieurs récits en peu de temps. Pour éviter les envois "
         "abusifs, le formulaire est limité : réessayez dans une heure."),
        (ratelimit.ESSAIMAGES_PER_PRACTICE, str(practice.id),
         "Cette pratique a reçu de nombreux récits aujourd'hui. Réessayez demain."),
    )
    essaimage = Essaimage(
        practice_id=practice.id, structure=structure, departement=departement, recit=recit,
        courriel=courriel, status=PENDING, created_at=request.clock.now(),
    )
    request.dbsession.add(essaimage)
    request.dbsession.flush()
    return essaimage


def published_of(dbsession: Session, practice_id: uuid.UUID) -> list[Essaimage]:
    """The published accounts of a practice, the latest published first."""
    return list(dbsession.scalars(
        select(Essaimage).where(Essaimage.practice_id == practice_id,
                                Essaimage.status == PUBLISHED)
        .order_by(Essaimage.decided_at.desc(), Essaimage.id.desc())
    ))


# -- moderation ---------------------------------------------------------------------------------

def counts(dbsession: Session) -> dict[str, int]:
    """The number of accounts in each state (every state listed, 0 included)."""
    found = dict(dbsession.execute(
        select(Essaimage.status, func.count()).group_by(Essaimage.status)).all())
    return {status: found.get(status, 0) for status in ESSAIMAGE_STATUSES}


def listing(dbsession: Session, status: str, page: int = 1) -> list[Essaimage]:
    """One page of the accounts in `status`: the oldest first while they wait, the latest
    decided first once decided."""
    query = select(Essaimage).where(Essaimage.status == status)
    if status == PENDING:
        query = query.order_by(Essaimage.created_at, Essaimage.id)
    else:
        query = query.order_by(Essaimage.decided_at.desc(), Essaimage.id.desc())
    return list(dbsession.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE)))


@dataclasses.dataclass(frozen=True)
class Decision:
    essaimage: Essaimage
    status: str
    #: on publication, whether the practice's declarant was told by e-mail (False: the
    #: practice has no declarant's address); None for the other decisions
    notified: bool | None = None


def available_actions(essaimage: Essaimage) -> list[str]:
    """What a moderator may do with this account now (ACTIONS from its state)."""
    return [action for action, (origin, _) in ACTIONS.items() if origin == essaimage.status]


def moderate(request: Request, essaimage_id: int, action: str, motif: str = "") -> Decision:
    """A moderator's decision (`decide`); a publication tells the practice's declarant."""
    decision = decide(request.dbsession, request.clock, essaimage_id, action,
                      workflow.Actor.from_identity(request.identity), motif=motif)
    if decision.status == PUBLISHED:
        return dataclasses.replace(decision,
                                   notified=notify_declarant(request, decision.essaimage))
    return decision


def decide(dbsession: Session, clock: SystemClock, essaimage_id: int, action: str,
           actor: workflow.Actor, motif: str = "") -> Decision:
    """Publish or refuse a waiting account, or withdraw a published one (its motif is
    required), once: of two moderators deciding at the same time, the second is told it was
    done (DecisionError) and changes nothing."""
    if action not in ACTIONS:
        raise DecisionError("Action inconnue : choisissez « Publier », « Refuser » ou "
                            "« Retirer ».")
    origin, status = ACTIONS[action]
    motif = (motif or "").strip()
    if status == WITHDRAWN and not motif:
        raise DecisionError("Le récit n'a pas été retiré : donnez le motif du retrait "
                            "(champ « Motif du retrait ») ; il reste avec le récit, pour "
                            "l'équipe de modération.")
    now = clock.now()
    # one statement that checks and changes the state: a decision is never taken twice
    taken = dbsession.execute(
        update(Essaimage)
        .where(Essaimage.id == essaimage_id, Essaimage.status == origin)
        .values(status=status, decided_at=now, decided_by=actor.label,
                decided_by_user_id=actor.user_id, motif=motif or None)
        .execution_options(synchronize_session=False)
    ).rowcount
    essaimage = dbsession.get(Essaimage, essaimage_id)
    if essaimage is None:
        raise DecisionError("Ce récit n'existe plus.")
    dbsession.refresh(essaimage)
    if not taken:
        raise DecisionError(
            f"Ce récit a déjà été traité ({essaimage.status_label.lower()} le "
            f"{date(essaimage.decided_at) or '—'} par {essaimage.decided_by}) : rien n'a été "
            "changé."
        )
    practice = essaimage.practice
    if PUBLISHED in (origin, status):
        recount(dbsession, practice)
    # the note, never the motif: the declarant reads the practice's history in their space
    workflow.note(dbsession, clock, practice, actor, HISTORY_NOTE[status].format(
        structure=essaimage.structure, departement=essaimage.departement))
    return Decision(essaimage, status)


def recount(dbsession: Session, practice: Practice) -> None:
    """Bring the practice's count of published accounts in step with them."""
    number = dbsession.scalar(select(func.count()).select_from(Essaimage).where(
        Essaimage.practice_id == practice.id, Essaimage.status == PUBLISHED))
    if practice.nombre_essaimages != number:
        practice.nombre_essaimages = number
        dbsession.flush()


def notify_declarant(request: Request, essaimage: Essaimage) -> bool:
    """Tell the practice's declarant that a team took it up; False when it has no address
    (an imported or anonymised practice)."""
    practice = essaimage.practice
    if not practice.declarant_courriel:
        return False
    notifications.send(
        request, "essaimage_published", practice.declarant_courriel,
        practice=practice, essaimage=essaimage,
        departement=request.references.label("departements", essaimage.departement),
        url=public_url(request, "catalogue.show", id=practice.id, _anchor="essaimages"),
    )
    return True


# -- the spread, for the statistics and the map -----------------------------------------------

def _published_of_public_practices():
    return (select(Essaimage.departement, func.count())
            .join(Practice, Practice.id == Essaimage.practice_id)
            .where(Essaimage.status == PUBLISHED, Practice.status.in_(PUBLIC_STATUSES))
            .group_by(Essaimage.departement))


def by_departement(dbsession: Session) -> dict[str, int]:
    """The published accounts of the published practices, by the département they were
    taken up in."""
    return dict(dbsession.execute(_published_of_public_practices()).all())
