"""The prior agreement of a département representative (spec §2, step 5): the person the
declarant names receives, when the declaration is sent, an e-mail asking them to confirm it
from a signed link; moderators see the answer and may send the request again.

The link's token names the practice and the address it was sent to: once the declarant
names someone else, or the address is erased, the earlier links stop working. Answering
again changes the answer (each change is in the history); the same answer twice changes
nothing.
"""
import datetime as dt
import uuid

from pyramid.request import Request
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models import AgreementRequest, Practice
from ..settings import public_url
from . import access, notifications, ratelimit, workflow

#: days a link to confirm the agreement stays valid
LINK_DAYS = 30
#: who the history names for an answer: the representative has no account
REPRESENTATIVE = "représentant du département"
ANSWERS = {"confirmee": "Accord préalable confirmé par le représentant du département",
           "refusee": "Accord préalable non confirmé par le représentant du département"}

_PURPOSE = "agreement-confirmation"
_EPOCH = dt.datetime(1970, 1, 1)


class AgreementError(Exception):
    """A request that cannot be sent; the message is French and says why."""


class InvalidAgreementLink(Exception):
    """The link was altered, is not one of ours, or no longer names the practice's
    representative."""


class ExpiredAgreementLink(InvalidAgreementLink):
    """The link is genuine but its LINK_DAYS have passed."""


def token(secret: str, practice: Practice, expires: dt.datetime) -> str:
    """The token of the link sent to the practice's representative, valid until `expires`."""
    body = {"p": str(practice.id), "e": access.normalise_email(practice.accord_courriel or ""),
            "x": int((expires - _EPOCH).total_seconds())}
    return access.sign(secret, _PURPOSE, body)


def practice_of(dbsession: Session, clock: SystemClock, secret: str, link: str) -> Practice:
    """The practice whose agreement a link asks to confirm; raises InvalidAgreementLink or
    ExpiredAgreementLink."""
    body = access.signed_body(secret, _PURPOSE, link)
    if body is None:
        raise InvalidAgreementLink()
    try:
        practice_id = uuid.UUID(str(body["p"]))
        expires = _EPOCH + dt.timedelta(seconds=int(body["x"]))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise InvalidAgreementLink() from None
    practice = dbsession.get(Practice, practice_id)
    if (practice is None or practice.agreement is None or not practice.accord_courriel
            or access.normalise_email(practice.accord_courriel) != body.get("e")):
        raise InvalidAgreementLink()
    if expires <= clock.now():
        raise ExpiredAgreementLink()
    return practice


def ask(request: Request, practice: Practice) -> None:
    """E-mail the representative the request to confirm their agreement, awaited from now."""
    now = request.clock.now()
    if practice.agreement is None:
        practice.agreement = AgreementRequest(etat="attendue", demande_le=now)
    else:
        practice.agreement.etat = "attendue"
        practice.agreement.demande_le = now
        practice.agreement.reponse_le = None
    secret = request.registry.settings["recueil.secret"]
    url = public_url(request, "agreements.confirm",
                     token=token(secret, practice, now + dt.timedelta(days=LINK_DAYS)))
    notifications.send(request, "agreement_request", practice.accord_courriel,
                       practice=practice, url=url, days=LINK_DAYS)


def ask_again(request: Request, practice: Practice, actor: workflow.Actor) -> None:
    """A moderator sends the request again; raises AgreementError when it cannot be."""
    if not practice.accord_courriel:
        raise AgreementError("La déclaration ne donne pas le courriel du représentant du "
                             "département : demandez-le au déclarant en complément.")
    if practice.agreement is not None and practice.agreement.etat == "confirmee":
        raise AgreementError("Le représentant du département a déjà confirmé son accord.")
    limit = ratelimit.AGREEMENT_REQUESTS_PER_PRACTICE
    if ratelimit.for_request(request).take((limit, str(practice.id))) is not None:
        allowed = ratelimit.for_request(request).allowed(limit)
        raise AgreementError(
            f"La demande a déjà été renvoyée {allowed} fois ces dernières 24 heures : "
            "attendez la réponse du représentant, ou réessayez demain.")
    ask(request, practice)
    workflow.note(request.dbsession, request.clock, practice, actor,
                  "Demande de confirmation de l'accord préalable renvoyée au représentant "
                  "du département")


def answer(dbsession: Session, clock: SystemClock, practice: Practice, etat: str) -> bool:
    """Record the representative's answer (« confirmee » or « refusee »); False when it was
    already this one, which changes nothing."""
    if etat not in ANSWERS:
        raise ValueError(etat)
    agreement = practice.agreement
    if agreement.etat == etat:
        return False
    agreement.etat = etat
    agreement.reponse_le = clock.now()
    workflow.note(dbsession, clock, practice,
                  workflow.Actor(label=REPRESENTATIVE, roles=()), ANSWERS[etat])
    return True
