"""The relay between a visitor and a practice's holder, whose address is never shown.

The visitor's message goes by e-mail to the practice's ``contact_courriel`` with the visitor
in Reply-To: the holder sees who writes and answers if they wish; the visitor learns the
holder's address only from an answer. Nothing is sent back to the visitor, so the form
cannot be used to send our mail to a third party.
"""
from email.headerregistry import Address

from pyramid.request import Request
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from ..models import Practice
from . import ratelimit


class TooManyMessages(Exception):
    """The rate limit was reached; the message is French and says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can_be_contacted(practice: Practice) -> bool:
    return bool(practice.contact_courriel)


def _one_line(text: str) -> str:
    # header values and names never carry a line break (no header injection)
    return " ".join((text or "").split())


def relay(request: Request, practice: Practice, nom: str, courriel: str, message: str) -> None:
    """Send `message` to the holder of `practice`; raises TooManyMessages over the limits.

    pyramid_mailer sends it once the transaction has committed, together with the counts
    of the rate limits.
    """
    settings = request.registry.settings
    # both limits are checked before either is counted: a message refused by one limit
    # must not use up the other
    reached = ratelimit.for_request(request).take(
        (ratelimit.CONTACT_PER_CLIENT, request.client_addr),
        (ratelimit.CONTACT_PER_PRACTICE, str(practice.id)),
    )
    if reached is ratelimit.CONTACT_PER_CLIENT:
        raise TooManyMessages(
            "Vous avez envoyé plusieurs messages en peu de temps. Pour éviter les envois "
            "abusifs, le formulaire est limité : réessayez dans une heure."
        )
    if reached is ratelimit.CONTACT_PER_PRACTICE:
        raise TooManyMessages(
            "Le porteur de cette pratique a reçu de nombreux messages aujourd'hui. "
            "Réessayez demain."
        )
    nom = _one_line(nom)
    title = _one_line(practice.intitule or practice.titre)
    public = settings.get("recueil.public_url") or request.application_url
    page = public.rstrip("/") + request.route_path("catalogue.show", id=practice.id)
    body = (
        "Bonjour,\n\n"
        f"{nom} ({courriel}) vous écrit au sujet de votre pratique « {title} »"
        f"{' (' + practice.reference + ')' if practice.reference else ''}, publiée dans le "
        "Recueil des pratiques inspirantes en prévention et protection de l'enfance :\n"
        f"{page}\n\n"
        "----- Message -----\n"
        f"{message}\n"
        "-------------------\n\n"
        "Pour lui répondre, répondez simplement à ce courriel : la réponse ira à "
        f"{courriel}. Votre adresse ne lui a pas été communiquée ; elle le sera si vous "
        "répondez.\n"
        "Ce message a été transmis par le formulaire de contact du recueil, qui n'en "
        "conserve pas de copie. S'il vous semble abusif, ignorez-le."
    )
    mail = Message(
        subject=f"Message au sujet de votre pratique « {title} »",
        sender=settings["mail.default_sender"],
        recipients=[practice.contact_courriel],
        body=body,
        extra_headers={"Reply-To": str(Address(display_name=nom, addr_spec=courriel))},
    )
    get_mailer(request).send(mail)
