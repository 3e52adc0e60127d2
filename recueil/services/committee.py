"""The selection committee (spec §3): sessions, agendas, review grids, decisions, and the
publication of selected practices one week after their session.

Every operation that refuses raises CommitteeError (or the workflow's errors) before it
changes anything, so a view can show the message and let the transaction commit nothing.
"""
import dataclasses
import datetime as dt
import uuid
from collections import Counter

from pyramid.request import Request
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from .. import formatting
from ..clock import SystemClock
from ..models import AgendaItem, CommitteeSession, Practice, ReviewGrid, User
from ..models.committee import CRITERIA, DECISIONS, OPINIONS, PUBLICATION_DELAY_DAYS, RATINGS
from ..settings import public_url
from . import access, notifications, workflow
from .seniority import seniority
from .workflow import Actor, WorkflowError

#: decision -> workflow step
DECISION_STEPS = {"selectionnee": "select", "non_retenue": "reject", "ajournee": "postpone"}
#: decision -> the e-mail that tells the declarant (templates/mail/)
DECISION_MESSAGES = {"selectionnee": "committee_selected", "non_retenue": "committee_rejected",
                     "ajournee": "committee_postponed"}
#: session state code -> label
STATES = {"a_venir": "À venir", "tenue": "Tenue", "envoyees": "Décisions envoyées"}


class CommitteeError(WorkflowError):
    """A refused committee operation; the message is French and says why."""


class AlreadySent(CommitteeError):
    """The decisions of this session were already e-mailed."""

    def __init__(self, session: CommitteeSession):
        super().__init__(
            f"Les décisions de cette séance ont déjà été envoyées, le "
            f"{formatting.datetime(session.decisions_sent_at)} : aucun courriel n'a été renvoyé."
        )


# -- sessions --------------------------------------------------------------------------------
def create_session(dbsession: Session, clock: SystemClock, date: dt.date,
                   lieu: str) -> CommitteeSession:
    session = CommitteeSession(date=date, lieu=lieu, created_at=clock.now())
    dbsession.add(session)
    dbsession.flush()
    return session


def all_sessions(dbsession: Session) -> list[CommitteeSession]:
    """Every session, the latest first."""
    return list(dbsession.scalars(
        select(CommitteeSession).options(selectinload(CommitteeSession.items))
        .order_by(CommitteeSession.date.desc(), CommitteeSession.id.desc())
    ))


def state(session: CommitteeSession, today: dt.date) -> str:
    if session.decisions_sent_at is not None:
        return "envoyees"
    return "a_venir" if session.date > today else "tenue"


def _check_open(session: CommitteeSession) -> None:
    if session.decisions_sent_at is not None:
        raise CommitteeError(
            f"Les décisions de la séance du {formatting.date(session.date)} ont été envoyées : "
            "la séance est close et ne se modifie plus."
        )


# -- agenda ----------------------------------------------------------------------------------
def admissible_practices(dbsession: Session) -> list[Practice]:
    """Practices the moderation declared admissible, waiting for a session."""
    return list(dbsession.scalars(
        select(Practice).where(Practice.status == "recevable").order_by(Practice.reference)
    ))


def practice_named(dbsession: Session, value: str) -> Practice | None:
    """The practice whose id a form sent, or None for an unknown or malformed one."""
    try:
        return dbsession.get(Practice, uuid.UUID(value))
    except ValueError:
        return None


def item_of(session: CommitteeSession, practice: Practice) -> AgendaItem | None:
    return next((i for i in session.items if i.practice_id == practice.id), None)


def add_to_agenda(dbsession: Session, clock: SystemClock, session: CommitteeSession,
                  practices: list[Practice], actor: Actor) -> list[AgendaItem]:
    """Put admissible practices on the agenda: all of them, or none if one cannot be."""
    _check_open(session)
    for practice in practices:
        if item_of(session, practice) is not None:
            raise CommitteeError(
                f"« {practice.titre} » est déjà à l'ordre du jour de cette séance.")
        if practice.status != "recevable":
            raise CommitteeError(
                f"« {practice.titre} » ne peut pas être inscrite : elle est "
                f"« {practice.status_label} », et seules les pratiques déclarées recevables "
                "par la modération peuvent l'être."
            )
    position = max((i.position for i in session.items), default=0)
    items = []
    for practice in practices:
        workflow.apply(dbsession, clock, practice, "put_on_agenda", actor)
        position += 1
        item = AgendaItem(practice=practice, position=position)
        session.items.append(item)
        items.append(item)
    dbsession.flush()
    return items


def withdrawn(item: AgendaItem) -> bool:
    """Its declarant withdrew the practice after it was put on the agenda: nothing to decide."""
    return item.decision is None and item.practice.status == "retiree"


def remove_from_agenda(dbsession: Session, clock: SystemClock, session: CommitteeSession,
                       practice: Practice, actor: Actor) -> None:
    """Take an undecided practice off the agenda; it is admissible again (its grids go).

    A practice its declarant withdrew meanwhile just leaves the agenda, and stays withdrawn.
    """
    _check_open(session)
    item = item_of(session, practice)
    if item is None:
        raise CommitteeError(f"« {practice.titre} » n'est pas à l'ordre du jour de cette séance.")
    if item.decision is not None:
        raise CommitteeError(
            f"« {practice.titre} » a déjà reçu une décision : elle reste à l'ordre du jour."
        )
    if not withdrawn(item):
        workflow.apply(dbsession, clock, practice, "remove_from_agenda", actor)
    session.items.remove(item)
    dbsession.flush()


@dataclasses.dataclass(frozen=True)
class Age:
    label: str
    #: younger than the year of history the committee wishes (seed 002)
    young: bool


def age(practice: Practice, on: dt.date) -> Age | None:
    """How long the practice had been running on the session's day: « 2 ans et 3 mois »."""
    found = seniority(practice, on)
    if found is None:
        return None
    return Age(found.text, found.too_young)


# -- review grids ----------------------------------------------------------------------------
def grid_of(dbsession: Session, item: AgendaItem, member: User) -> ReviewGrid | None:
    return dbsession.scalars(
        select(ReviewGrid).where(ReviewGrid.item_id == item.id, ReviewGrid.member_id == member.id)
    ).one_or_none()


def grids_filled_by(dbsession: Session, session: CommitteeSession, member: User) -> set[int]:
    """Ids of the agenda items this member has reviewed."""
    return set(dbsession.scalars(
        select(ReviewGrid.item_id).join(AgendaItem)
        .where(AgendaItem.session_id == session.id, ReviewGrid.member_id == member.id)
    ))


def save_grid(dbsession: Session, clock: SystemClock, session: CommitteeSession,
              item: AgendaItem, member: User, notes: dict, avis: str,
              commentaire: str | None) -> ReviewGrid:
    """Create or update the member's grid; possible until the decisions are sent."""
    _check_open(session)
    grid = grid_of(dbsession, item, member)
    if grid is None:
        grid = ReviewGrid(item_id=item.id, member_id=member.id)
        dbsession.add(grid)
    grid.notes = notes
    grid.avis = avis
    grid.commentaire = commentaire
    grid.updated_at = clock.now()
    dbsession.flush()
    return grid


# -- synthesis -------------------------------------------------------------------------------
@dataclasses.dataclass
class ItemSynthesis:
    item: AgendaItem
    grids: list[ReviewGrid]
    #: criterion -> average rating (None without any grid)
    averages: dict[str, float | None]
    average: float | None
    #: opinion -> number of members who gave it
    opinions: dict[str, int]


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def synthesis(dbsession: Session, session: CommitteeSession) -> list[ItemSynthesis]:
    """For each practice on the agenda: every member's grid, the averages, the opinions."""
    grids = dbsession.scalars(
        select(ReviewGrid).join(AgendaItem).where(AgendaItem.session_id == session.id)
        .options(selectinload(ReviewGrid.member))
    ).all()
    by_item: dict[int, list[ReviewGrid]] = {}
    for grid in grids:
        by_item.setdefault(grid.item_id, []).append(grid)
    result = []
    for item in session.items:
        item_grids = sorted(by_item.get(item.id, []),
                            key=lambda g: ((g.member.nom or g.member.email).lower(), g.member_id))
        averages = {
            code: _mean([g.notes[code]["note"] for g in item_grids
                         if (g.notes.get(code) or {}).get("note") in RATINGS])
            for code in CRITERIA
        }
        every = [g.notes[c]["note"] for g in item_grids for c in CRITERIA
                 if (g.notes.get(c) or {}).get("note") in RATINGS]
        tally = Counter(g.avis for g in item_grids)
        result.append(ItemSynthesis(
            item=item, grids=item_grids, averages=averages, average=_mean(every),
            opinions={code: tally.get(code, 0) for code in OPINIONS},
        ))
    return result


def undecided_item(item: AgendaItem) -> bool:
    return item.decision is None and not withdrawn(item)


def undecided(session: CommitteeSession) -> list[AgendaItem]:
    """Items still waiting for the committee's decision (withdrawn practices wait for none)."""
    return [i for i in session.items if undecided_item(i)]


# -- decisions -------------------------------------------------------------------------------
def decide(dbsession: Session, clock: SystemClock, session: CommitteeSession,
           item: AgendaItem, decision: str, actor: Actor, motivation: str | None = None,
           coup_de_coeur: bool = False, expected_version: int | None = None) -> None:
    """Record the committee's decision on one practice, through the workflow.

    `motivation` is why it was not selected, or the complements asked when it is postponed;
    it becomes the transition's comment and is kept on the agenda item for the e-mail.
    """
    practice = item.practice
    if decision not in DECISION_STEPS:
        raise CommitteeError(f"Décision inconnue : « {decision} ».")
    _check_open(session)
    if expected_version is not None and expected_version != practice.version:
        raise workflow.ConflictError(workflow.CONFLICT)
    if item.decision is not None:
        raise CommitteeError(
            f"Une décision est déjà enregistrée pour « {practice.titre} » : "
            f"« {DECISIONS[item.decision]} », le {formatting.datetime(item.decided_at)} "
            f"par {item.decided_by}. Elle ne se modifie pas."
        )
    today = clock.today()
    if session.date > today:
        raise CommitteeError(
            f"La séance du {formatting.date(session.date)} n'a pas encore eu lieu : "
            "ses décisions s'enregistrent à partir de ce jour-là."
        )
    if coup_de_coeur and decision != "selectionnee":
        raise CommitteeError("Seule une pratique sélectionnée peut recevoir un coup de cœur.")
    motivation = (motivation or "").strip() or None
    workflow.apply(dbsession, clock, practice, DECISION_STEPS[decision], actor, comment=motivation,
                   expected_version=expected_version)
    item.decision = decision
    item.motivation = motivation
    item.decided_at = clock.now()
    item.decided_by = actor.label
    if decision == "selectionnee":
        practice.coup_de_coeur = bool(coup_de_coeur)
    dbsession.flush()


@dataclasses.dataclass
class Sent:
    selected: int = 0
    rejected: int = 0
    postponed: int = 0
    #: practices whose declarant has no address (imported ones), told nothing
    unreachable: list[str] = dataclasses.field(default_factory=list)


def _recipient(practice: Practice) -> str | None:
    return practice.declarant_courriel or practice.contact_courriel


def send_decisions(request: Request, session: CommitteeSession, actor: Actor) -> Sent:
    """E-mail every declarant on the agenda its decision, once; postponed practices go back
    to their declarant for complements, with a personal link to give them.

    The e-mails leave only if the transaction commits; `decisions_sent_at` is set by a
    conditional UPDATE so that two clicks at the same time send them once.
    """
    dbsession, clock = request.dbsession, request.clock
    if session.decisions_sent_at is not None:
        raise AlreadySent(session)
    missing = undecided(session)
    if missing:
        titles = ", ".join(f"« {i.practice.titre} »" for i in missing)
        raise CommitteeError(
            f"Les décisions ne peuvent pas encore être envoyées : {len(missing)} pratique(s) "
            f"de l'ordre du jour n'ont pas de décision ({titles})."
        )
    if not [i for i in session.items if i.decision is not None]:
        raise CommitteeError("Aucune décision n'est enregistrée pour cette séance : "
                             "il n'y a rien à envoyer.")
    now = clock.now()
    claimed = dbsession.execute(
        update(CommitteeSession)
        .where(CommitteeSession.id == session.id, CommitteeSession.decisions_sent_at.is_(None))
        .values(decisions_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        dbsession.refresh(session)
        raise AlreadySent(session)
    session.decisions_sent_at = now
    sent = Sent()
    publication = max(session.publication_date, clock.today())
    for item in session.items:
        if item.decision is None:  # withdrawn by its declarant, who knows it
            continue
        practice = item.practice
        email = _recipient(practice)
        if item.decision == "ajournee":
            # the snapshot lets moderation show later what the declarant changed
            workflow.apply(dbsession, clock, practice, "ask_postponed_complements", actor,
                           comment=item.motivation, keep_snapshot=True)
            sent.postponed += 1
        elif item.decision == "selectionnee":
            sent.selected += 1
        else:
            sent.rejected += 1
        if email is None:
            sent.unreachable.append(practice.reference or practice.titre)
            continue
        _send_decision(request, session, item, publication, email)
    dbsession.flush()
    return sent


def _send_decision(request: Request, session: CommitteeSession, item: AgendaItem,
                   publication: dt.date, email: str) -> None:
    practice = item.practice
    values = {}
    if item.decision == "ajournee":
        values["days"] = request.registry.settings["recueil.access_link_days"]
        values["link"] = access.personal_link(
            request, email, request.route_path("declaration.complements", id=practice.id))
    notifications.send(request, DECISION_MESSAGES[item.decision], email, practice=practice,
                       session=session, publication=publication, motivation=item.motivation,
                       **values)


# -- publication -----------------------------------------------------------------------------
@dataclasses.dataclass
class Published:
    practice: Practice
    session: CommitteeSession
    url: str


def publish_due(dbsession: Session, clock: SystemClock, request: Request) -> list[Published]:
    """Publish every selected practice whose session was at least a week ago (spec §3).

    Only decisions already sent to the declarants are published. Safe to run often and in
    parallel: a published practice is no longer « sélectionnée », and on PostgreSQL the rows
    are locked (SKIP LOCKED) so two runs never take the same practice.
    """
    today = clock.today()
    latest_session = today - dt.timedelta(days=PUBLICATION_DELAY_DAYS)
    rows = dbsession.execute(
        select(Practice, CommitteeSession)
        .join(AgendaItem, AgendaItem.practice_id == Practice.id)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(
            Practice.status == "selectionnee",
            AgendaItem.decision == "selectionnee",
            CommitteeSession.decisions_sent_at.is_not(None),
            CommitteeSession.date <= latest_session,
        )
        .order_by(CommitteeSession.date, Practice.reference)
        .with_for_update(of=Practice, skip_locked=True)
    ).all()
    done = []
    for practice, session in rows:
        # set before the step so that the index receives the practice complete, once
        practice.date_publication = today
        workflow.apply(dbsession, clock, practice, "publish", workflow.SYSTEM,
                       comment="Sélectionnée par le comité de sélection lors de sa séance du "
                               f"{formatting.date(session.date)}")
        url = public_url(request, "catalogue.show", id=practice.id)
        email = _recipient(practice)
        if email:
            notifications.send(request, "published", email, practice=practice, session=session,
                               url=url)
        done.append(Published(practice, session, url))
    dbsession.flush()
    return done


def waiting(dbsession: Session) -> int:
    """How many selected practices wait for their publication day."""
    return dbsession.scalar(
        select(func.count()).select_from(Practice).where(Practice.status == "selectionnee")
    ) or 0
