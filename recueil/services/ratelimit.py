"""The platform's rate limits, counted in the database so that they hold across processes.

Every limit is named here with its window and its default; the .ini file may change its
number. An event is recorded only for an attempt that was let through, and recording one
deletes every event older than the longest window: the table holds at most a day of events,
with nothing for the operator to schedule.
"""
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pyramid.request import Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models import RateEvent

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


class Limited(Exception):
    """A service refused an action over a rate limit; `message` is French and says what to
    do (the views answer 429 with it, keeping what was typed)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limit:
    """At most `default` attempts (or the setting's number) per subject within `window`."""

    prefix: str
    setting: str
    default: int
    window: dt.timedelta

    def key(self, subject: str) -> str:
        return f"{self.prefix}:{subject}"


#: personal links asked for one address, and from one connection (IP address)
LINKS_PER_ADDRESS = Limit("lien:courriel", "recueil.link_requests_per_address", 3, HOUR)
LINKS_PER_CLIENT = Limit("lien:client", "recueil.link_requests_per_client", 20, HOUR)
#: failed sign-ins of one staff account from one connection, and from one connection to any
#: account: a stranger's failures never lock the owner out, and no connection can try a
#: password on account after account
SIGNIN_FAILURES_PER_ACCOUNT = Limit("connexion:compte", "recueil.signin_failures_per_account",
                                    10, HOUR)
SIGNIN_FAILURES_PER_CLIENT = Limit("connexion:client", "recueil.signin_failures_per_client",
                                   30, HOUR)
#: contact messages sent from one connection, and received by one practice
CONTACT_PER_CLIENT = Limit("contact:client", "recueil.contact_messages_per_client", 5, HOUR)
CONTACT_PER_PRACTICE = Limit("contact:pratique", "recueil.contact_messages_per_practice", 20, DAY)
#: alerts asked for one address, and from one connection: each sends a link, as personal links do
ALERTS_PER_ADDRESS = Limit("alerte:courriel", "recueil.alert_requests_per_address", 3, HOUR)
ALERTS_PER_CLIENT = Limit("alerte:client", "recueil.alert_requests_per_client", 20, HOUR)
#: requests to confirm the prior agreement sent again by moderators, for one practice: each
#: e-mails a person outside the platform
AGREEMENT_REQUESTS_PER_PRACTICE = Limit("accord:pratique",
                                        "recueil.agreement_requests_per_practice", 3, DAY)
#: accounts of a practice taken up (essaimage) sent from one connection, and about one practice
ESSAIMAGES_PER_CLIENT = Limit("essaimage:client", "recueil.essaimages_per_client", 5, HOUR)
ESSAIMAGES_PER_PRACTICE = Limit("essaimage:pratique", "recueil.essaimages_per_practice", 20, DAY)

LIMITS = (LINKS_PER_ADDRESS, LINKS_PER_CLIENT, SIGNIN_FAILURES_PER_ACCOUNT,
          SIGNIN_FAILURES_PER_CLIENT, CONTACT_PER_CLIENT, CONTACT_PER_PRACTICE,
          ALERTS_PER_ADDRESS, ALERTS_PER_CLIENT, AGREEMENT_REQUESTS_PER_PRACTICE,
          ESSAIMAGES_PER_CLIENT, ESSAIMAGES_PER_PRACTICE)
#: an event older than this counts for no limit any more
KEPT_FOR = max(limit.window for limit in LIMITS)


class RateLimiter:
    """The limits of one request: its database session, its clock and the settings."""

    def __init__(self, dbsession: Session, clock: SystemClock, settings: Mapping):
        self.dbsession = dbsession
        self.clock = clock
        self.settings = settings

    def allowed(self, limit: Limit) -> int:
        return int(self.settings.get(limit.setting, limit.default))

    def reached(self, limit: Limit, subject: str) -> bool:
        """Whether `subject` has used up `limit`, without counting this attempt."""
        recent = self.dbsession.scalar(
            select(func.count()).select_from(RateEvent).where(
                RateEvent.key == limit.key(subject),
                RateEvent.created_at > self.clock.now() - limit.window,
            )
        )
        return recent >= self.allowed(limit)

    def record(self, limit: Limit, subject: str) -> None:
        """Count one attempt of `subject` against `limit`, and forget the expired ones."""
        now = self.clock.now()
        self.dbsession.execute(delete(RateEvent).where(RateEvent.created_at < now - KEPT_FOR))
        self.dbsession.add(RateEvent(key=limit.key(subject), created_at=now))

    def first_reached(self, *attempts: tuple[Limit, str]) -> Limit | None:
        """The first limit of the (limit, subject) pairs that is used up, or None."""
        return next((limit for limit, subject in attempts if self.reached(limit, subject)), None)

    def record_all(self, *attempts: tuple[Limit, str]) -> None:
        for limit, subject in attempts:
            self.record(limit, subject)

    def take(self, *attempts: tuple[Limit, str]) -> Limit | None:
        """Count an attempt against every (limit, subject) pair, or, if one of the limits is
        reached, against none and return that limit: a refused attempt uses up nothing."""
        reached = self.first_reached(*attempts)
        if reached is None:
            self.record_all(*attempts)
        return reached


def enforce(request: Request, *attempts: tuple[Limit, str, str]) -> None:
    """Count one attempt against each (limit, subject, message); over any of them, count
    nothing and raise Limited with the message of the first limit reached."""
    reached = for_request(request).take(*((limit, subject) for limit, subject, _ in attempts))
    if reached is not None:
        raise Limited(next(message for limit, _, message in attempts if limit is reached))


def signin_subjects(email: str, client: str) -> tuple[tuple[Limit, str], ...]:
    """What a failed sign-in of `email` (lower-cased) from `client` counts against."""
    return ((SIGNIN_FAILURES_PER_ACCOUNT, f"{email} {client}"),
            (SIGNIN_FAILURES_PER_CLIENT, client))


def for_request(request: Request) -> RateLimiter:
    """The limiter of a request; its client is `request.client_addr` (behind a proxy, the
    address the proxy set-up lets through)."""
    return RateLimiter(request.dbsession, request.clock, request.registry.settings)
