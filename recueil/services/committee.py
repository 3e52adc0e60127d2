"""The selection committee (spec §3): sessions, agendas, attendance, review grids, decisions
and their corrections, sessions recorded after they were held, the coups de cœur of a
period, and the publication of selected practices one week after their session.

Every operation that refuses raises CommitteeError (or the workflow's errors) before it
changes anything, so a view can show the message and let the transaction commit nothing.
"""
import csv
import dataclasses
import datetime as dt
import io
import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from pyramid.request import Request
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from .. import formatting
from ..clock import SystemClock
from ..models import AgendaItem, CommitteeSession, Practice, ReviewGrid, User
from ..models.columns import neutralise
from ..models.committee import (
    BALANCE,
    COUP_DE_COEUR_MOTIFS,
    CRITERIA,
    DECISIONS,
    OPINIONS,
    PUBLICATION_DELAY_DAYS,
    RATINGS,
)
from ..models.practice import in_workflow_states
from ..models.user import INSTITUTION_TYPES, UserRole
from ..settings import public_url
from . import access, notifications, workflow
from .seniority import seniority
from .workflow import Actor, WorkflowError

#: decision -> workflow step
DECISION_STEPS = {"selectionnee": "select", "non_retenue": "reject", "ajournee": "postpone"}
#: corrected decision -> workflow step
CORRECTION_STEPS = {"selectionnee": "correct_to_selected", "non_retenue": "correct_to_rejected",
                    "ajournee": "correct_to_postponed"}
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
        select(Practice).where(in_workflow_states(("recevable",))).order_by(Practice.reference)
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
           coup_de_coeur: bool = False, expected_version: int | None = None,
           motifs: Iterable[str] = ()) -> None:
    """Record the committee's decision on one practice, through the workflow.

    `motivation` is why it was not selected, or the complements asked when it is postponed;
    it becomes the transition's comment and is kept on the agenda item for the e-mail.
    `motifs` say why the committee gave its coup de cœur (one at least with one).
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
    motifs = _checked_favourite(decision, coup_de_coeur, motifs)
    motivation = (motivation or "").strip() or None
    workflow.apply(dbsession, clock, practice, DECISION_STEPS[decision], actor, comment=motivation,
                   expected_version=expected_version)
    item.decision = decision
    item.motivation = motivation
    item.decided_at = clock.now()
    item.decided_by = actor.label
    if decision == "selectionnee":
        practice.coup_de_coeur = bool(coup_de_coeur)
        practice.motifs_coup_de_coeur = motifs
    dbsession.flush()


def _checked_favourite(decision: str, coup_de_coeur: bool, motifs: Iterable[str]) -> list[str]:
    """The coup de cœur's motifs in their canonical order, or CommitteeError saying why not."""
    motifs = [code for code in COUP_DE_COEUR_MOTIFS if code in set(motifs)]
    if coup_de_coeur and decision != "selectionnee":
        raise CommitteeError("Seule une pratique sélectionnée peut recevoir un coup de cœur.")
    if coup_de_coeur and not motifs:
        raise CommitteeError("Un coup de cœur dit pourquoi : pertinence, originalité ou "
                             "efficacité (un motif au moins).")
    return motifs if coup_de_coeur else []


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


#: a motif of coup de cœur as the selection e-mail says it: « par sa pertinence »
_MOTIF_PHRASES = {"pertinence": "sa pertinence", "originalite": "son originalité",
                  "efficacite": "son efficacité"}


def _motifs_phrase(codes: list[str]) -> str:
    """« sa pertinence et son efficacité »."""
    phrases = [_MOTIF_PHRASES[c] for c in codes if c in _MOTIF_PHRASES]
    if len(phrases) < 2:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " et " + phrases[-1]


def _send_decision(request: Request, session: CommitteeSession, item: AgendaItem,
                   publication: dt.date, email: str, replaces: str | None = None) -> None:
    """The decision's e-mail; `replaces` is the label of the decision sent before, which a
    correction replaces."""
    practice = item.practice
    values = {"replaces": replaces, "correction": item.correction_motif if replaces else None,
              "motifs": _motifs_phrase(practice.motifs_coup_de_coeur)}
    if item.decision == "ajournee":
        values["days"] = request.registry.settings["recueil.access_link_days"]
        values["link"] = access.personal_link(
            request, email, request.route_path("declaration.complements", id=practice.id))
    notifications.send(request, DECISION_MESSAGES[item.decision], email, practice=practice,
                       session=session, publication=publication, motivation=item.motivation,
                       **values)


def moderation_notes(practice: Practice) -> list:
    """The steps of its history before the committee that carry a comment: what moderation
    asked and decided, for the session's dossier."""
    notes = []
    for transition in practice.transitions:
        if transition.to_status == "inscrite":
            notes = []  # an earlier session's history is not this one's dossier
            continue
        if transition.comment:
            notes.append(transition)
    return notes


# -- corrections -----------------------------------------------------------------------------
def _decided_status(item: AgendaItem) -> str:
    """The state the item's decision left its practice in, once sent or not."""
    if item.decision == "ajournee" and item.session.decisions_sent_at is not None:
        return "complement_demande"
    return item.decision


def correctable(item: AgendaItem) -> bool:
    """A decision the secretariat may still correct: its practice is where it left it."""
    return item.decision is not None and item.practice.status == _decided_status(item)


def correct(request: Request, session: CommitteeSession, item: AgendaItem, decision: str,
            motif: str, actor: Actor, motivation: str | None = None, coup_de_coeur: bool = False,
            motifs: Iterable[str] = (), expected_version: int | None = None) -> bool:
    """Correct a recorded decision until the practice is published, with a reason kept in
    its history; returns whether the declarant was e-mailed.

    When the decisions were already sent, the declarant receives the corrected decision at
    once, saying that it replaces the previous one; a practice corrected to « ajournée »
    then goes back to its declarant for complements, as a sent postponement does.
    """
    dbsession, clock = request.dbsession, request.clock
    practice = item.practice
    if decision not in CORRECTION_STEPS:
        raise CommitteeError(f"Décision inconnue : « {decision} ».")
    if expected_version is not None and expected_version != practice.version:
        raise workflow.ConflictError(workflow.CONFLICT)
    if item.decision is None:
        raise CommitteeError(f"« {practice.titre} » n'a pas encore de décision à corriger.")
    if not correctable(item):
        why = ("elle est publiée" if practice.status in ("publiee", "depubliee")
               else f"elle est désormais « {practice.status_label} »")
        raise CommitteeError(
            f"La décision sur « {practice.titre} » ne se corrige plus : {why}.")
    motif = (motif or "").strip()
    if not motif:
        raise CommitteeError("Indiquez le motif de la correction : il est gardé dans "
                             "l'historique de la pratique.")
    motifs = _checked_favourite(decision, coup_de_coeur, motifs)
    motivation = (motivation or "").strip() or None
    previous = item.decision
    comment = (f"Décision corrigée : « {DECISIONS[previous]} » devient "
               f"« {DECISIONS[decision]} ». Motif : {motif}")
    if decision != previous:
        workflow.apply(dbsession, clock, practice, CORRECTION_STEPS[decision], actor,
                       comment=comment, expected_version=expected_version)
    else:
        workflow.note(dbsession, clock, practice, actor, comment)
    item.previous_decision = previous
    item.decision = decision
    item.motivation = motivation
    item.correction_motif = motif
    item.corrected_at = clock.now()
    item.corrected_by = actor.label
    practice.coup_de_coeur = bool(coup_de_coeur) if decision == "selectionnee" else False
    practice.motifs_coup_de_coeur = motifs
    dbsession.flush()
    if session.decisions_sent_at is None:
        return False  # the declarant hears of the decision once, when it is sent
    if decision == "ajournee":
        workflow.apply(dbsession, clock, practice, "ask_postponed_complements", actor,
                       comment=motivation, keep_snapshot=True)
    email = _recipient(practice)
    if email is None:
        return False
    publication = max(session.publication_date, clock.today())
    _send_decision(request, session, item, publication, email, replaces=DECISIONS[previous])
    return True


# -- attendance ------------------------------------------------------------------------------
def members(dbsession: Session) -> list[User]:
    """The committee's active members, by name."""
    return list(dbsession.scalars(
        select(User).join(UserRole).where(UserRole.role == "comite", User.active.is_(True))
        .order_by(User.nom, User.email)
    ))


def set_attendance(dbsession: Session, session: CommitteeSession,
                   user_ids: Iterable[int]) -> None:
    """The members who attended `session`; an id that is no member is refused."""
    by_id = {m.id: m for m in members(dbsession)}
    chosen = list(dict.fromkeys(user_ids))
    if any(i not in by_id for i in chosen):
        raise CommitteeError("Une personne cochée n'est pas membre du comité.")
    session.attendees = [by_id[i] for i in chosen]
    dbsession.flush()


@dataclasses.dataclass
class Attendance:
    #: institution type code -> members present ("" for a member whose type is not set)
    by_type: dict[str, list[User]]
    #: the types of BALANCE that no member present represents
    missing: list[str]

    @property
    def total(self) -> int:
        return sum(len(people) for people in self.by_type.values())


def attendance(session: CommitteeSession) -> Attendance:
    """Who attended, by institution type, and which of État, département, association is
    absent (the pluri-institutional balance the committee keeps)."""
    by_type: dict[str, list[User]] = {code: [] for code in INSTITUTION_TYPES}
    by_type[""] = []
    for member in session.attendees:
        by_type.get(member.institution_type or "", by_type[""]).append(member)
    return Attendance(by_type, [code for code in BALANCE if not by_type[code]])


# -- a session recorded after it was held ----------------------------------------------------
@dataclasses.dataclass(frozen=True)
class HeldDecision:
    practice: Practice
    decision: str
    motivation: str | None = None
    coup_de_coeur: bool = False
    motifs: tuple[str, ...] = ()


def record_held_session(dbsession: Session, clock: SystemClock, date: dt.date, lieu: str,
                        attendee_ids: Iterable[int], decisions: list[HeldDecision],
                        actor: Actor) -> CommitteeSession:
    """A session typed after the committee met: created, its attendance set, its examined
    practices put on its agenda and decided, each through the workflow's own steps."""
    if date > clock.today():
        raise CommitteeError(
            f"La séance du {formatting.date(date)} n'a pas encore eu lieu : créez-la avec "
            "« Nouvelle séance ».")
    if not decisions:
        raise CommitteeError("Une séance tenue s'enregistre avec au moins une décision.")
    session = create_session(dbsession, clock, date, lieu)
    set_attendance(dbsession, session, attendee_ids)
    items = add_to_agenda(dbsession, clock, session, [d.practice for d in decisions], actor)
    for item, held in zip(items, decisions, strict=True):
        decide(dbsession, clock, session, item, held.decision, actor, motivation=held.motivation,
               coup_de_coeur=held.coup_de_coeur, motifs=held.motifs)
    return session


# -- coups de cœur of a period (valorisation) ------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Favourite:
    practice: Practice
    session: CommitteeSession


def favourites(dbsession: Session, start: dt.date | None, end: dt.date | None) -> list[Favourite]:
    """The practices the committee selected with a coup de cœur at a session held between
    `start` and `end` (both included), in session order; not those published since and
    taken offline."""
    query = (
        select(Practice, CommitteeSession)
        .join(AgendaItem, AgendaItem.practice_id == Practice.id)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(AgendaItem.decision == "selectionnee", Practice.coup_de_coeur.is_(True),
               Practice.status.in_(("selectionnee", "publiee")))
        .order_by(CommitteeSession.date, Practice.reference)
    )
    if start is not None:
        query = query.where(CommitteeSession.date >= start)
    if end is not None:
        query = query.where(CommitteeSession.date <= end)
    return [Favourite(p, s) for p, s in dbsession.execute(query).all()]


#: the columns of the coups de cœur's CSV
FAVOURITE_COLUMNS = ("Référence", "Intitulé", "Entité", "Départements", "Séance",
                     "Motifs du coup de cœur", "État", "Adresse publique")


def favourites_csv(rows: list[Favourite], public_url_of: Callable[[Practice], str]) -> str:
    """The coups de cœur as a spreadsheet opens them in France: UTF-8 with a BOM, « ; »
    between cells, formula-like text neutralised; `public_url_of(practice)` gives the
    address of a published practice."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(FAVOURITE_COLUMNS)
    for row in rows:
        practice = row.practice
        writer.writerow([neutralise(value) for value in (
            practice.reference or "", practice.titre, practice.nom_entite or "",
            ", ".join(practice.departements), formatting.date(row.session.date),
            ", ".join(COUP_DE_COEUR_MOTIFS[c] for c in practice.motifs_coup_de_coeur),
            practice.status_label,
            public_url_of(practice) if practice.status == "publiee" else "",
        )])
    return out.getvalue()


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
