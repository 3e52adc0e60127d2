"""The relay between a visitor and a practice's holder, whose address is never shown.

The visitor's message goes by e-mail to the practice's ``contact_courriel`` with the visitor
in Reply-To: the holder sees who writes and answers if they wish; the visitor learns the
holder's address only from an answer. Nothing is sent back to the visitor, so the form
cannot be used to send our mail to a third party.
"""
from email.headerregistry import Address

from pyramid.request import Request

from ..models import Practice
from ..settings import public_url
from . import notifications, ratelimit


def can_be_contacted(practice: Practice) -> bool:
    return bool(practice.contact_courriel)


def _one_line(text: str) -> str:
    # header values and names never carry a line break (no header injection)
    return " ".join((text or "").split())


def relay(request: Request, practice: Practice, nom: str, courriel: str, message: str) -> None:
    """Send `message` to the holder of `practice`; raises ratelimit.Limited over the limits.

    pyramid_mailer sends it once the transaction has committed, together with the counts
    of the rate limits.
    """
    # both limits are checked before either is counted: a message refused by one limit
    # must not use up the other
    ratelimit.enforce(
        request,
        (ratelimit.CONTACT_PER_CLIENT, request.client_addr,
         "Vous avez envoyé plusieurs messages en peu de temps. Pour éviter les envois "
         "abusifs, le formulaire est limité : réessayez dans une heure."),
        (ratelimit.CONTACT_PER_PRACTICE, str(practice.id),
         "Le porteur de cette pratique a reçu de nombreux messages aujourd'hui. "
         "Réessayez demain."),
    )
    nom = _one_line(nom)
    title = _one_line(practice.intitule or practice.titre)
    notifications.send(
        request, "contact", practice.contact_courriel,
        reply_to=Address(display_name=nom, addr_spec=courriel),
        practice=practice, title=title, nom=nom, courriel=courriel, message=message,
        url=public_url(request, "catalogue.show", id=practice.id),
    )
