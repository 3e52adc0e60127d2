"""The SMTP mailer: pyramid_mailer, sending only when the transaction commits."""
import re
import smtplib

from pyramid.config import Configurator
from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import Mailer

from .. import metrics


class CRLFSMTP(smtplib.SMTP):
    """smtplib leaves bare LF in bytes messages; RFC 5321 servers refuse lines without CRLF.

    Counts the e-mails the server took and those it refused or could not be reached for (one
    connection per message: pyramid_mailer connects for each).
    """

    def connect(self, *args: object, **kwargs: object) -> tuple[int, bytes]:
        try:
            return super().connect(*args, **kwargs)
        except OSError:
            metrics.MAILS_FAILED.inc()
            raise

    def sendmail(self, from_addr: str, to_addrs: str | list[str], msg: str | bytes,
                 *args: object, **kwargs: object) -> dict:
        if isinstance(msg, bytes):
            msg = re.sub(rb"\r?\n", b"\r\n", msg)
        try:
            refused = super().sendmail(from_addr, to_addrs, msg, *args, **kwargs)
        except (smtplib.SMTPException, OSError):
            metrics.MAILS_FAILED.inc()
            raise
        metrics.MAILS_SENT.inc()
        return refused


def includeme(config: Configurator) -> None:
    # the e-mails are Chameleon text templates (services/notifications.py)
    config.include("pyramid_chameleon")
    mailer = Mailer.from_settings(config.get_settings())
    mailer.smtp_mailer.smtp = CRLFSMTP
    config.registry.registerUtility(mailer, IMailer)
    config.add_request_method(get_mailer, "mailer", reify=True)
