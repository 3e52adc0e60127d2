"""Dates and times as the French pages and e-mails show them, in Paris time.

The database stores naive UTC datetimes; a reader in France expects the time on their own
clock, summer time included. Dates without a time (a publication date, a session's day) are
shown as they are.
"""
import datetime as dt

from .clock import PARIS

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def in_paris(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) or aware datetime, on the clocks of France."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return in_paris(value).date() if isinstance(value, dt.datetime) else value


def date(value: dt.date | dt.datetime | None) -> str | None:
    """« 04/12/2026 »; a datetime gives its day in Paris; None stays None."""
    if value is None:
        return None
    return f"{_day(value):%d/%m/%Y}"


def datetime(value: dt.datetime | None) -> str | None:
    """« 04/12/2026 à 19:52 », in Paris time; None stays None."""
    if value is None:
        return None
    return f"{in_paris(value):%d/%m/%Y à %H:%M}"


def long_date(value: dt.date | dt.datetime | None) -> str | None:
    """« 30 novembre 2026 », « 1er décembre 2026 »; None stays None."""
    if value is None:
        return None
    day = _day(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def file_size(size: int) -> str:
    """« 12 Ko » under a megabyte, « 1,5 Mo » or « 5 Mo » from there (French decimal comma)."""
    if size >= 1024 * 1024:
        text = f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")
        return f"{text} Mo"
    return f"{max(1, round(size / 1024))} Ko"


#: media type -> what a reader calls such a file (the types attachments may have)
FILE_KINDS = {
    "application/pdf": "Document PDF",
    "application/vnd.oasis.opendocument.text": "Document ODT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Document Word",
    "application/msword": "Document Word",
}


def file_details(media_type: str, size: int) -> str:
    """« Document ODT – 12 Ko »: the kind of a file and its size, as a download link says."""
    kind = FILE_KINDS.get(media_type, "Document")
    return f"{kind} – {file_size(size)}"


#: what every page and e-mail template may call
TEMPLATE_GLOBALS = {"date": date, "datetime": datetime, "long_date": long_date,
                    "file_size": file_size, "file_details": file_details}


def excerpt(text: str | None, length: int = 160) -> str:
    """`text` on one line, cut at a word before `length` characters (a page's description)."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    return flat[:length - 1].rsplit(" ", 1)[0] + "…"
