"""A person's rights over their data (RGPD): what is held about an address, and its erasure.

Erasure treats each practice the person declared by what became of it:

- a draft is deleted, with its documents and history: nobody but the person has seen it;
- a practice under examination (soumise … ajournée) is withdrawn, since nobody could tell the
  person the outcome any more, then anonymised;
- a practice closed without publication (retirée, irrecevable, doublon, non retenue) is
  anonymised: the decision stays on record, without whom it concerned;
- a practice selected, published or unpublished is anonymised and keeps its public content,
  which was published under the Licence Ouverte.

Anonymising removes the personal fields (contact_*, accord_*), the declarant's address, what
was typed on an unfinished step, the person's own words and address in the history, and the
personal fields of the history's snapshots; erasure also removes the documents joined (never
public, they may name people). On other declarants' practices, the contact or agreement block
that holds the address is emptied. The person's personal links and link requests go too, and
the alerts on searches the address follows. Their accounts of practices taken up (essaimages)
lose the address; those never published are deleted, the published ones stay on the
practice's page (a structure's words, published under the Licence Ouverte).
"""
import dataclasses
import datetime as dt

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models import AccessLink, Erasure, Essaimage, Practice, RateEvent, SearchAlert, Transition
from ..models.essaimage import PUBLISHED
from ..models.practice import MULTI_FIELDS, PERSONAL_FIELDS, PUBLIC_FIELDS, STATUSES
from . import ratelimit, workflow
from .access import normalise_email

#: statuses whose content is (or is about to be) public: it stays, without personal data
PUBLIC_CONTENT = ("selectionnee", "publiee", "depubliee")
#: statuses of a practice still under examination: erasure withdraws it first
IN_PROGRESS = tuple(s for s in workflow.BEFORE_DECISION if s != "brouillon")
#: the blocks of personal fields, each identified by its address
BLOCKS = {
    "contact_courriel": ("contact_nom", "contact_fonction", "contact_courriel",
                         "contact_telephone"),
    "accord_courriel": ("accord_nom", "accord_fonction", "accord_courriel"),
}
#: what a history entry written by an erased person shows instead of their address
ERASED_ACTOR = "déclarant (données effacées)"
#: the label of the team in an export: the person sees what was done, not by whom
TEAM = "l'équipe du recueil"


def _lower(column: ColumnElement[str]) -> ColumnElement[str]:
    return func.lower(func.trim(column))


def declared_by(dbsession: Session, email: str) -> list[Practice]:
    """The practices declared with this address, oldest first."""
    return list(dbsession.scalars(
        select(Practice).where(_lower(Practice.declarant_courriel) == email)
        .order_by(Practice.created_at, Practice.id)
    ))


def essaimages_of(dbsession: Session, email: str) -> list[Essaimage]:
    """The accounts of practices taken up sent with this address, oldest first."""
    return list(dbsession.scalars(
        select(Essaimage).where(_lower(Essaimage.courriel) == email)
        .order_by(Essaimage.created_at, Essaimage.id)
    ))


def mentioning(dbsession: Session, email: str) -> list[Practice]:
    """Other declarants' practices whose contact or agreement holds this address."""
    return list(dbsession.scalars(
        select(Practice).where(
            or_(_lower(Practice.contact_courriel) == email,
                _lower(Practice.accord_courriel) == email),
            or_(Practice.declarant_courriel.is_(None),
                _lower(Practice.declarant_courriel) != email),
        ).order_by(Practice.created_at, Practice.id)
    ))


# -- the right of access ------------------------------------------------------------------------

def _json(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC).isoformat() if value.tzinfo is None \
            else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _history_entry(transition: Transition, email: str) -> dict:
    own = (transition.actor or "").strip().lower() == email
    return {
        "date": _json(transition.created_at),
        "etat_precedent": transition.from_status,
        "etat": transition.to_status,
        # the team's addresses are theirs, not the person's: only who acted is said
        "par": "vous" if own else TEAM,
        "commentaire": transition.comment,
    }


def _declared(practice: Practice, email: str) -> dict:
    record = {"id": str(practice.id), "etat": practice.status,
              "etat_libelle": STATUSES.get(practice.status, practice.status)}
    for name in (*PUBLIC_FIELDS, *PERSONAL_FIELDS):
        if name in ("id", "url") or not hasattr(practice, name):
            continue
        value = getattr(practice, name)
        record[name] = list(value) if name in MULTI_FIELDS else _json(value)
    record.update({
        "declarant_courriel": practice.declarant_courriel,
        "accepte_conditions": practice.accepte_conditions,
        "etapes_validees": list(practice.etapes_validees or []),
        "saisie_en_cours": dict(practice.saisie_en_cours or {}),
        "cree_le": _json(practice.created_at),
        "modifie_le": _json(practice.updated_at),
        "envoyee_le": _json(practice.submitted_at),
        "pieces_jointes": [
            {"nom": a.filename, "type": a.media_type, "taille": a.size,
             "ajoutee_le": _json(a.created_at)}
            for a in practice.attachments
        ],
        "historique": [_history_entry(t, email) for t in practice.transitions],
    })
    return record


def _mention(practice: Practice, email: str) -> dict:
    """What another declarant's practice holds about the person: their own block only."""
    record = {"reference": practice.reference, "intitule": practice.intitule}
    for address_field, fields in BLOCKS.items():
        if (getattr(practice, address_field) or "").strip().lower() == email:
            record.update({name: getattr(practice, name) for name in fields})
    return record


def export(dbsession: Session, email: str, now: dt.datetime) -> dict:
    """Everything held about `email`, and nothing about anyone else (the JSON download)."""
    email = normalise_email(email)
    links = dbsession.scalars(
        select(AccessLink).where(AccessLink.email == email).order_by(AccessLink.created_at)
    )
    return {
        "courriel": email,
        "exporte_le": _json(now),
        "pratiques_declarees": [_declared(p, email) for p in declared_by(dbsession, email)],
        "pratiques_mentionnant_votre_adresse": [
            _mention(p, email) for p in mentioning(dbsession, email)],
        "liens_personnels": [
            {"cree_le": _json(link.created_at), "expire_le": _json(link.expires_at),
             "utilise_le": _json(link.last_used_at)}
            for link in links
        ],
        "alertes": [
            {"recherche": alert.description, "parametres": alert.query,
             "demandee_le": _json(alert.created_at), "confirmee_le": _json(alert.confirmed_at),
             "dernier_courriel_le": _json(alert.last_sent_at)}
            for alert in dbsession.scalars(
                select(SearchAlert).where(SearchAlert.email == email)
                .order_by(SearchAlert.created_at, SearchAlert.id))
        ],
        "essaimages": [
            {"pratique": e.practice.reference, "intitule": e.practice.intitule,
             "structure": e.structure, "departement": e.departement, "recit": e.recit,
             "etat": e.status, "etat_libelle": e.status_label,
             "envoye_le": _json(e.created_at), "decide_le": _json(e.decided_at)}
            for e in essaimages_of(dbsession, email)
        ],
    }


# -- the right to erasure -----------------------------------------------------------------------

@dataclasses.dataclass
class Plan:
    """What erasing an address would do, practice by practice."""

    email: str
    drafts: list[Practice]
    in_progress: list[Practice]
    closed: list[Practice]
    public: list[Practice]
    mentions: list[Practice]
    #: accounts of practices taken up (essaimages) sent with the address
    essaimages: list[Essaimage] = dataclasses.field(default_factory=list)


def plan(dbsession: Session, email: str) -> Plan:
    """What erasure would do to the data held about `email`."""
    email = normalise_email(email)
    found = Plan(email, [], [], [], [], mentioning(dbsession, email),
                 essaimages_of(dbsession, email))
    for practice in declared_by(dbsession, email):
        if practice.status == "brouillon":
            found.drafts.append(practice)
        elif practice.status in IN_PROGRESS:
            found.in_progress.append(practice)
        elif practice.status in PUBLIC_CONTENT:
            found.public.append(practice)
        else:
            found.closed.append(practice)
    return found


def holds_personal_data(practice: Practice) -> bool:
    return any((getattr(practice, name) or "").strip()
               for name in (*PERSONAL_FIELDS, "declarant_courriel"))


def anonymise(practice: Practice, documents: bool = False) -> bool:
    """Remove the personal data of `practice` (and its documents if asked); whether anything
    was left to remove."""
    email = (practice.declarant_courriel or "").strip().lower()
    changed = holds_personal_data(practice) or bool(practice.saisie_en_cours)
    for name in (*PERSONAL_FIELDS, "declarant_courriel"):
        setattr(practice, name, None)
    practice.saisie_en_cours = {}
    if documents and practice.attachments:
        practice.attachments = []
        changed = True
    for transition in practice.transitions:
        if email and (transition.actor or "").strip().lower() == email:
            # their words may name them, as their address does
            transition.actor, transition.comment = ERASED_ACTOR, None
            changed = True
        if transition.snapshot:
            kept = {k: (None if k in PERSONAL_FIELDS else v)
                    for k, v in transition.snapshot.items()}
            if documents:
                kept["pieces_jointes"] = []
            if kept != transition.snapshot:
                transition.snapshot = kept  # a new dict: JSON columns see no mutation
                changed = True
    return changed


def _forget_block(practice: Practice, email: str) -> None:
    for address_field, fields in BLOCKS.items():
        if (getattr(practice, address_field) or "").strip().lower() == email:
            for name in fields:
                setattr(practice, name, None)


@dataclasses.dataclass(frozen=True)
class Requester:
    """Who asks for an erasure: the person from their space, or an administrator."""

    kind: str  # a key of models.erasure.REQUESTERS
    actor: workflow.Actor


def by_the_person() -> Requester:
    return Requester("personne", workflow.Actor(label=ERASED_ACTOR, roles=()))


def by_administrator(label: str, user_id: int | None) -> Requester:
    return Requester("administrateur",
                     workflow.Actor(label=label, roles=("administrateur",), user_id=user_id))


NOTE = "Données personnelles effacées ({why})."


def erase(dbsession: Session, clock: SystemClock, email: str, requester: Requester) -> Erasure:
    """Apply the plan of `email` (see the module's docstring) and record it, without the
    address; refuses nothing: an address nothing is known about only loses its links."""
    found = plan(dbsession, email)
    email = found.email
    why = ("à la demande de la personne" if requester.kind == "personne"
           else "par un administrateur, à la demande de la personne")
    for practice in found.drafts:
        dbsession.delete(practice)
    for practice in found.in_progress:
        # the step the declarant could take, taken on their behalf
        on_behalf = dataclasses.replace(requester.actor,
                                        declarant_email=practice.declarant_courriel)
        workflow.apply(dbsession, clock, practice, "withdraw", on_behalf,
                       comment="Retirée : la personne a demandé l'effacement de ses données")
    for practice in (*found.in_progress, *found.closed, *found.public):
        anonymise(practice, documents=True)
        workflow.note(dbsession, clock, practice, requester.actor, NOTE.format(why=why))
    for practice in found.mentions:
        _forget_block(practice, email)
        workflow.note(dbsession, clock, practice, requester.actor, NOTE.format(why=why))
    forget_essaimages(dbsession, found.essaimages)
    dbsession.execute(delete(AccessLink).where(AccessLink.email == email))
    dbsession.execute(delete(SearchAlert).where(SearchAlert.email == email))
    dbsession.execute(delete(RateEvent).where(RateEvent.key.in_(
        [ratelimit.LINKS_PER_ADDRESS.key(email), ratelimit.ALERTS_PER_ADDRESS.key(email)])))
    record = Erasure(
        created_at=clock.now(), requested_by=requester.kind,
        actor=requester.actor.label if requester.kind == "administrateur" else None,
        deleted=len(found.drafts), withdrawn=len(found.in_progress),
        anonymised=len(found.closed) + len(found.public), mentions=len(found.mentions),
    )
    dbsession.add(record)
    dbsession.flush()
    return record


def forget_essaimages(dbsession: Session, essaimages: list[Essaimage]) -> None:
    """Remove the address of these accounts: a published one stays without it, the others
    (waiting, refused or withdrawn: nobody will read them again) are deleted."""
    for essaimage in essaimages:
        if essaimage.status == PUBLISHED:
            essaimage.courriel = None
        else:
            dbsession.delete(essaimage)
    dbsession.flush()


def recent_erasures(dbsession: Session, limit: int = 50) -> list[Erasure]:
    return list(dbsession.scalars(
        select(Erasure).order_by(Erasure.created_at.desc(), Erasure.id.desc()).limit(limit)))
