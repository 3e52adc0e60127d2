"""How long personal data is kept, and the purge (`recueil purge`, by cron) that applies it.

The durations are settings with their defaults here, beside the rule that uses them, as the
rate limits keep theirs; the privacy page states them through placeholders that its text
may hold anywhere (``{{duree_brouillons}}``…), replaced when the page is shown, so that the
page an administrator edits always says what the platform really does.
"""
import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from pyramid.config import Configurator
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models import AccessLink, Essaimage, Practice, RateEvent, Transition
from ..models.essaimage import PENDING as ACCOUNT_PENDING
from ..models.practice import PERSONAL_FIELDS
from . import imports, ratelimit, workflow
from .personal_data import anonymise

#: setting -> default number of months
DRAFTS_MONTHS = ("recueil.retention.drafts_months", 6)
PERSONAL_MONTHS = ("recueil.retention.personal_months", 12)
#: practices closed without publication, whose personal data serves nothing after a while
CLOSED = ("retiree", "irrecevable", "doublon", "non_retenue")
#: who takes the purge's steps in the history
RETENTION = workflow.Actor(label="système (durée de conservation)", roles=("systeme",))
PURGE_NOTE = ("Données personnelles effacées : la durée de conservation ({months} mois après "
              "la clôture) est écoulée.")


class RetentionError(ValueError):
    """A retention setting is not a whole number of months, at least one (French message)."""


@dataclasses.dataclass(frozen=True)
class Retention:
    """The durations in force: abandoned drafts, personal data of closed practices, links."""

    drafts_months: int
    personal_months: int
    link_days: int

    @classmethod
    def from_settings(cls, settings: Mapping) -> "Retention":
        months = {}
        for name, (key, default) in {"drafts_months": DRAFTS_MONTHS,
                                     "personal_months": PERSONAL_MONTHS}.items():
            raw = settings.get(key, default)
            try:
                months[name] = int(raw)
            except (TypeError, ValueError):
                months[name] = 0
            if months[name] < 1:
                raise RetentionError(f"{key} doit être un nombre entier de mois, au moins 1 "
                                     f"(valeur lue : « {raw} »).")
        return cls(link_days=int(settings.get("recueil.access_link_days", 14)), **months)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (31 March less one month: 28 or 29
    February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _spelled(count: int, unit: str, units: str) -> str:
    return f"{count} {unit if count == 1 else units}"


def _period(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours % 24 or hours < 48:
        return _spelled(hours, "heure", "heures")
    return _spelled(hours // 24, "jour", "jours")


def placeholders(retention: Retention) -> dict[str, str]:
    """Each placeholder a page may hold, with the French duration it stands for."""
    return {
        "duree_brouillons": _spelled(retention.drafts_months, "mois", "mois"),
        "duree_donnees": _spelled(retention.personal_months, "mois", "mois"),
        "duree_liens": _spelled(retention.link_days, "jour", "jours"),
        "duree_limites": _period(ratelimit.KEPT_FOR),
    }


PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def fill(text: str, retention: Retention) -> str:
    """A page's text with its placeholders replaced; an unknown one is left as written, so
    that the administrator sees it."""
    values = placeholders(retention)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


@dataclasses.dataclass
class Purged:
    """What one purge removed."""

    links: int = 0
    rate_events: int = 0
    drafts: list[str] = dataclasses.field(default_factory=list)
    anonymised: list[str] = dataclasses.field(default_factory=list)
    #: accounts of practices taken up (essaimages) whose address was removed
    essaimages: int = 0
    #: imported files erased (their imports' record and report stay), among them those of
    #: imports left awaiting confirmation, which the purge abandoned
    import_files: int = 0
    imports_abandoned: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.links or self.rate_events or self.drafts or self.anonymised
                    or self.essaimages or self.import_files)


def _holds_personal():
    fields = (*PERSONAL_FIELDS, "declarant_courriel")
    return or_(*(func.coalesce(getattr(Practice, name), "") != "" for name in fields))


def purge(dbsession: Session, clock: SystemClock, retention: Retention) -> Purged:
    """Remove what has been kept long enough; running it again at once removes nothing."""
    now = clock.now()
    done = Purged()
    done.links = dbsession.execute(
        delete(AccessLink).where(AccessLink.expires_at <= now)).rowcount
    done.rate_events = dbsession.execute(
        delete(RateEvent).where(RateEvent.created_at < now - ratelimit.KEPT_FOR)).rowcount

    # a draft untouched for so long is abandoned; nobody but its declarant ever saw it
    abandoned = list(dbsession.scalars(select(Practice).where(
        Practice.status == "brouillon", Practice.niveau == 1,
        Practice.declarant_courriel.is_not(None),
        Practice.updated_at < months_before(now, retention.drafts_months),
    ).order_by(Practice.created_at)))
    for practice in abandoned:
        done.drafts.append(practice.titre)
        dbsession.delete(practice)

    # counted from the day the practice entered its closed state
    closed_on = (select(func.max(Transition.created_at))
                 .where(Transition.practice_id == Practice.id,
                        Transition.to_status == Practice.status)
                 .correlate(Practice).scalar_subquery())
    expired = list(dbsession.scalars(select(Practice).where(
        Practice.status.in_(CLOSED), _holds_personal(),
        func.coalesce(closed_on, Practice.updated_at)
        < months_before(now, retention.personal_months),
    ).order_by(Practice.created_at)))
    for practice in expired:
        if anonymise(practice):
            workflow.note(dbsession, clock, practice, RETENTION,
                          PURGE_NOTE.format(months=retention.personal_months))
            done.anonymised.append(practice.reference or practice.titre)

    # an account's address serves to reach its author while it waits for the moderators,
    # and for a while after their decision: then it goes, as the closed practices' data does
    decided = list(dbsession.scalars(select(Essaimage).where(
        Essaimage.status != ACCOUNT_PENDING, Essaimage.courriel.is_not(None),
        Essaimage.decided_at < months_before(now, retention.personal_months),
    )))
    for essaimage in decided:
        essaimage.courriel = None  # the account and its decision stay on record
    done.essaimages = len(decided)

    # an imported file holds the contact persons of a partner's practices. One left awaiting
    # confirmation as long as a draft may wait is abandoned (in one statement, as a
    # confirmation claims it: of the two, only the first acts); a finished import's file goes
    # when the personal data of closed practices would
    done.imports_abandoned = imports.abandon_older(
        dbsession, now, months_before(now, retention.drafts_months))
    done.import_files = done.imports_abandoned + imports.erase_files(
        dbsession, now, months_before(now, retention.personal_months))
    dbsession.flush()
    return done


def includeme(config: Configurator) -> None:
    # a wrong duration stops the start, rather than a purge or the privacy page later
    config.registry["retention"] = Retention.from_settings(config.get_settings())
