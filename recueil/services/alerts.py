"""Alerts on a catalogue search: a visitor leaves an address, confirms it from a signed link,
then hears once a day at most of the practices published since and matching the search.

An alert is kept with its address only while it is pending (CONFIRMATION_DAYS) or active:
ending it deletes it, and so does the daily run for a pending one never confirmed. The links
of its e-mails are signed (services.access) and name the alert's random nonce, so that a
link never reaches an alert created later under the same id.

Which practices an e-mail lists is decided by whole days of publication in France: a
practice's date_publication is a day, and a daily run cannot tell the practices of its own
day published before it from those published after. The run of day D lists the days after
the alert's `covered_through` up to D - 1, then moves `covered_through` to D - 1: no day is
listed twice, none is skipped, whatever the hour of the run and even if a run is missed.
"""
import dataclasses
import datetime as dt
import hmac
import logging
import secrets
import urllib.parse
import uuid

from pyramid.request import Request
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from webob.multidict import MultiDict

from ..clock import SystemClock
from ..models import Practice, SearchAlert
from ..search.query import CODE_FACETS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SearchRequest, parse
from ..search.service import SearchService
from ..settings import public_url
from . import access, notifications, ratelimit
from .catalogue import published_practices

log = logging.getLogger(__name__)

#: alerts one address may hold, pending or active
MAX_ALERTS = 10
#: days a confirmation link stays valid; an alert still pending after them is deleted
CONFIRMATION_DAYS = 7
#: practices one e-mail lists; past them, it gives their number and the search's address
LISTED = 50

_CONFIRM = "search-alert-confirm"
_MANAGE = "search-alert"


class InvalidAlertLink(Exception):
    """The link was altered, or is not one of ours."""


class EndedAlert(InvalidAlertLink):
    """The link is genuine, but its alert has ended (or expired unconfirmed) since."""


class ExpiredAlertLink(Exception):
    """The confirmation link is genuine but its CONFIRMATION_DAYS have passed."""


# -- the search an alert follows ----------------------------------------------------------------

def stored_query(state: SearchRequest) -> str:
    """The search's filters as a query string: neither its page, nor its size, nor its sort."""
    return urllib.parse.urlencode(
        state.params(tri="pertinence", page=1, par_page=DEFAULT_PAGE_SIZE))


def search_request(query: str, **changes: object) -> SearchRequest:
    """The search of a stored query, with `changes` applied.

    Its codes were checked against the vocabularies when the alert was asked for: a code
    retired since keeps filtering (it finds nothing new) rather than being dropped, which
    would widen the search to practices the person never asked for.
    """
    params = MultiDict(urllib.parse.parse_qsl(query))
    kept = {facet: set(params.getall(facet)) for facet in CODE_FACETS}
    return dataclasses.replace(parse(params, kept, strict=False), **changes)


def search_params(alert: SearchAlert) -> list[tuple[str, str]]:
    """The catalogue's parameters for the alert's search, newest publications first."""
    return search_request(alert.query, tri="publication").params()


def new_practice_ids(search: SearchService, dbsession: Session, query: str, after: dt.date,
                     through: dt.date) -> list[uuid.UUID]:
    """The ids of the published practices matching the stored `query` whose day of
    publication is after `after` and not after `through`, newest first.

    Both backends sort on the same date_publication, newest first: the pages of that order
    are read until one reaches `after`. The days are read from the database, the truth, and
    only published practices are kept (the index may lag behind it for a moment).
    """
    found: list[uuid.UUID] = []
    page = 1
    while True:
        state = search_request(query, tri="publication", page=page, par_page=MAX_PAGE_SIZE)
        result = search.search(state)
        practices = published_practices(dbsession, result.ids)
        found.extend(p.id for p in practices
                     if p.date_publication is not None and after < p.date_publication <= through)
        reached = any(p.date_publication is not None and p.date_publication <= after
                      for p in practices)
        if reached or len(result.ids) < MAX_PAGE_SIZE or page * MAX_PAGE_SIZE >= result.total:
            return found
        page += 1


# -- links ----------------------------------------------------------------------------------------

def confirm_token(secret: str, alert: SearchAlert) -> str:
    """The token of the alert's confirmation link."""
    return access.sign(secret, _CONFIRM, {"a": alert.id, "n": alert.nonce})


def link_token(secret: str, alert: SearchAlert) -> str:
    """The token of the links of the alert's e-mails: it does not expire with time, only
    with the alert."""
    return access.sign(secret, _MANAGE, {"a": alert.id, "n": alert.nonce})


def _secret(request: Request) -> str:
    return request.registry.settings["recueil.secret"]


def confirm_url(request: Request, alert: SearchAlert) -> str:
    return public_url(request, "alerts.confirm", token=confirm_token(_secret(request), alert))


def manage_url(request: Request, alert: SearchAlert) -> str:
    """The page that shows every alert of the alert's address, and ends them."""
    return public_url(request, "alerts.manage", token=link_token(_secret(request), alert))


def unsubscribe_url(request: Request, alert: SearchAlert) -> str:
    """The one-click end of this alert (RFC 8058: a POST to it ends the alert)."""
    return public_url(request, "alerts.unsubscribe", token=link_token(_secret(request), alert))


def _alert_of(dbsession: Session, secret: str, purpose: str, token: str) -> SearchAlert:
    body = access.signed_body(secret, purpose, token)
    if body is None or not isinstance(body.get("a"), int) or not isinstance(body.get("n"), str):
        raise InvalidAlertLink()
    alert = dbsession.get(SearchAlert, body["a"])
    if alert is None or not hmac.compare_digest(alert.nonce, body["n"]):
        raise EndedAlert()
    return alert


def _pending_before(clock: SystemClock) -> dt.datetime:
    return clock.now() - dt.timedelta(days=CONFIRMATION_DAYS)


def to_confirm(dbsession: Session, clock: SystemClock, secret: str, token: str) -> SearchAlert:
    """The alert of a confirmation link; raises InvalidAlertLink or ExpiredAlertLink."""
    alert = _alert_of(dbsession, secret, _CONFIRM, token)
    if alert.confirmed_at is None and alert.created_at <= _pending_before(clock):
        raise ExpiredAlertLink()
    return alert


def confirm(dbsession: Session, clock: SystemClock, secret: str, token: str) -> SearchAlert:
    """Activate the alert of a confirmation link (again: nothing changes); its first e-mail
    will list what is published from today on."""
    alert = to_confirm(dbsession, clock, secret, token)
    if alert.confirmed_at is None:
        alert.confirmed_at = clock.now()
        alert.covered_through = clock.today() - dt.timedelta(days=1)
    return alert


def by_link(dbsession: Session, secret: str, token: str) -> SearchAlert:
    """The alert of a link of its e-mails (unsubscribe, manage); raises InvalidAlertLink."""
    return _alert_of(dbsession, secret, _MANAGE, token)


# -- asking for an alert, ending alerts -----------------------------------------------------------

def held_by(dbsession: Session, email: str) -> list[SearchAlert]:
    """The alerts of an address, oldest first."""
    return list(dbsession.scalars(
        select(SearchAlert).where(SearchAlert.email == access.normalise_email(email))
        .order_by(SearchAlert.created_at, SearchAlert.id)))


def forget_expired(dbsession: Session, clock: SystemClock) -> int:
    """Delete the alerts whose confirmation link has expired unused, with their address."""
    return dbsession.execute(delete(SearchAlert).where(
        SearchAlert.confirmed_at.is_(None),
        SearchAlert.created_at <= _pending_before(clock))).rowcount


def ask(request: Request, email: str, state: SearchRequest, description: str) -> str:
    """Ask for an alert on the search `state` for `email`, and write to the address: the
    confirmation link ("nouvelle"), or why no alert is created ("deja_suivie": an active
    alert already follows this search; "limite": the address holds MAX_ALERTS alerts).

    The page says the same whatever happens, so that no one learns from it what an address
    follows; the e-mail tells its owner, with the link to see and end their alerts.
    ratelimit.Limited over the limits of the address or the connection: nothing is sent.
    """
    dbsession, clock = request.dbsession, request.clock
    email = access.normalise_email(email)
    limited = ("Trop de demandes d'alerte en peu de temps pour cette adresse ou depuis votre "
               "connexion. Réessayez dans une heure.")
    ratelimit.enforce(request, (ratelimit.ALERTS_PER_ADDRESS, email, limited),
                      (ratelimit.ALERTS_PER_CLIENT, request.client_addr, limited))
    query = stored_query(state)
    forget_expired(dbsession, clock)
    held = held_by(dbsession, email)
    same = next((alert for alert in held if alert.query == query), None)
    if same is not None and same.confirmed_at is not None:
        notifications.send(request, "alert_known", email, alert=same,
                           manage_url=manage_url(request, same))
        return "deja_suivie"
    if same is not None:
        # a new link for the pending alert: the former one stops working
        alert = same
        alert.nonce, alert.created_at, alert.description = _nonce(), clock.now(), description
    elif len(held) >= MAX_ALERTS:
        notifications.send(request, "alert_full", email, limit=MAX_ALERTS,
                           description=description, manage_url=manage_url(request, held[0]))
        return "limite"
    else:
        alert = SearchAlert(email=email, query=query, description=description, nonce=_nonce(),
                            created_at=clock.now())
        dbsession.add(alert)
        dbsession.flush()
    notifications.send(
        request, "alert_confirm", email, alert=alert, days=CONFIRMATION_DAYS,
        confirm_url=confirm_url(request, alert),
        search_url=public_url(request, "catalogue.search", _query=search_params(alert)))
    return "nouvelle"


def _nonce() -> str:
    return secrets.token_hex(16)


def end(dbsession: Session, alert: SearchAlert) -> None:
    """End one alert: it is deleted, and its address with it."""
    dbsession.delete(alert)
    dbsession.flush()


def end_all(dbsession: Session, email: str) -> int:
    """End every alert of an address; returns how many there were."""
    return dbsession.execute(
        delete(SearchAlert).where(SearchAlert.email == access.normalise_email(email))).rowcount


# -- the daily e-mails ---------------------------------------------------------------------------

@dataclasses.dataclass
class Run:
    """What a daily run did."""

    active: int = 0
    sent: int = 0
    listed: int = 0
    failed: int = 0
    expired: int = 0


def send_due(request: Request) -> Run:
    """Send each active alert its e-mail of the practices published since the last one,
    up to yesterday, and matching its search; none when none matches.

    Each alert has its own transaction, and its e-mail is sent before the commit: an alert
    whose e-mail the mail server refused stays due, and the next run lists those days too.
    """
    clock = request.clock
    through = clock.today() - dt.timedelta(days=1)
    run = Run()
    with request.tm:
        dbsession = request.dbsession
        run.expired = forget_expired(dbsession, clock)
        run.active = dbsession.scalar(select(func.count()).select_from(SearchAlert).where(
            SearchAlert.confirmed_at.is_not(None)))
        due = list(dbsession.scalars(select(SearchAlert.id).where(
            SearchAlert.confirmed_at.is_not(None),
            or_(SearchAlert.covered_through.is_(None), SearchAlert.covered_through < through),
        ).order_by(SearchAlert.id)))
    # many alerts follow the same search: each search is asked once per run
    found: dict[tuple[str, dt.date], list[uuid.UUID]] = {}
    for alert_id in due:
        try:
            with request.tm:
                listed = _send_one(request, alert_id, through, found)
        except Exception:  # noqa: BLE001 - one alert's failure must not stop the others
            log.exception("Alerte %s non envoyée ; elle le sera à la prochaine exécution",
                          alert_id)
            run.failed += 1
            continue
        if listed:
            run.sent += 1
            run.listed += listed
    return run


def _send_one(request: Request, alert_id: int, through: dt.date,
              found: dict[tuple[str, dt.date], list[uuid.UUID]]) -> int:
    """Send one alert its e-mail if anything new matches; returns how many practices it lists."""
    dbsession, clock = request.dbsession, request.clock
    alert = dbsession.get(SearchAlert, alert_id)
    if alert is None or alert.confirmed_at is None:
        return 0
    after = alert.covered_through or through - dt.timedelta(days=1)
    key = (alert.query, after)
    if key not in found:
        found[key] = new_practice_ids(request.search, dbsession, alert.query, after, through)
    practices = published_practices(dbsession, found[key])
    alert.covered_through = through
    if not practices:
        return 0
    _send_digest(request, alert, practices, after)
    alert.last_sent_at = clock.now()
    return len(practices)


def _send_digest(request: Request, alert: SearchAlert, practices: list[Practice],
                 after: dt.date) -> None:
    unsubscribe = unsubscribe_url(request, alert)
    notifications.send(
        request, "alert", alert.email, at_once=True,
        headers={
            # RFC 2369 and RFC 8058: mail clients offer the one-click end of the alert
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        alert=alert, since=after + dt.timedelta(days=1), total=len(practices),
        practices=[(p, public_url(request, "catalogue.show", id=p.id))
                   for p in practices[:LISTED]],
        search_url=public_url(request, "catalogue.search", _query=search_params(alert)),
        unsubscribe_url=unsubscribe, manage_url=manage_url(request, alert),
    )
