"""Every e-mail the platform sends, rendered from its text template in templates/mail/.

The services choose who receives which message with which values; the words are in the
templates, one per message: its first line is the subject, then a blank line, then the body.
pyramid_mailer sends the e-mails only if the transaction commits.
"""
from email.headerregistry import Address

from pyramid.renderers import render
from pyramid.request import Request
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from ..formatting import TEMPLATE_GLOBALS
from ..models import Practice

TEMPLATES = "recueil:templates/mail/"


def quoted(text: str | None) -> str:
    """A person's words set off by an indent, as e-mails quote them."""
    return "\n".join(f"  {line}" for line in (text or "").splitlines())


def _text(request: Request, template: str, values: dict) -> str:
    text = render(TEMPLATES + template + ".txt",
                  {**TEMPLATE_GLOBALS, "quoted": quoted, **values}, request=request)
    return (text.decode("utf-8") if isinstance(text, bytes) else text).removesuffix("\n")


def compose(request: Request, template: str, **values) -> tuple[str, str]:
    """The subject and the body of a message (its template's name) written with `values`."""
    subject, _, body = _text(request, template, values).partition("\n")
    return subject, body.removeprefix("\n")


def send(request: Request, template: str, recipient: str, reply_to: Address | None = None,
         headers: dict[str, str] | None = None, at_once: bool = False, **values) -> None:
    """One plain-text e-mail to one person, signed, sent once the transaction commits;
    `headers` are added to it.

    A message written on someone else's behalf (`reply_to`) carries their words only, so
    it goes without the platform's signature. With `at_once`, it is sent before the commit
    and a refusal of the mail server raises: for a transaction that records the e-mail as
    sent, which must then not commit (the mail would be lost, sent after the commit).
    """
    subject, body = compose(request, template, **values)
    if reply_to is None:
        body += "\n\n" + _text(request, "signature", {})
    extra = dict(headers or {})
    if reply_to is not None:
        extra["Reply-To"] = str(reply_to)
    message = Message(
        subject=subject,
        sender=request.registry.settings["mail.default_sender"],
        recipients=[recipient],
        body=body,
        extra_headers=extra or None,
    )
    mailer = get_mailer(request)
    if at_once:
        mailer.send_immediately(message)
    else:
        mailer.send(message)


def send_access_link(request: Request, email: str, url: str, days: int) -> None:
    """The personal link a declarant asked for."""
    send(request, "access_link", email, url=url, days=days)


def send_receipt(request: Request, practice: Practice, url: str) -> None:
    """The acknowledgement of a submitted declaration, with the link to follow it."""
    send(request, "receipt", practice.declarant_courriel, practice=practice, url=url)
