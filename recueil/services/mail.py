"""The SMTP mailer: pyramid_mailer, sending only when the transaction commits."""
import re
import smtplib

from pyramid.config import Configurator
from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import Mailer


class CRLFSMTP(smtplib.SMTP):
    """smtplib leaves bare LF in bytes messages; RFC 5321 servers refuse lines without CRLF."""

    def sendmail(self, from_addr: str, to_addrs: str | list[str], msg: str | bytes,
                 *args: object, **kwargs: object) -> dict:
        if isinstance(msg, bytes):
            msg = re.sub(rb"\r?\n", b"\r\n", msg)
        return super().sendmail(from_addr, to_addrs, msg, *args, **kwargs)


def includeme(config: Configurator) -> None:
    # the e-mails are Chameleon text templates (services/notifications.py)
    config.include("pyramid_chameleon")
    mailer = Mailer.from_settings(config.get_settings())
    mailer.smtp_mailer.smtp = CRLFSMTP
    config.registry.registerUtility(mailer, IMailer)
    config.add_request_method(get_mailer, "mailer", reify=True)
