"""Declarants' personal links: signed, expiring, bound to one address, revocable."""
import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets

from pyramid.request import Request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..models import AccessLink
from ..settings import public_url
from . import notifications, ratelimit


class InvalidLink(Exception):
    """The link was altered or is unknown."""


class ExpiredLink(Exception):
    """The link was genuine but is too old."""


class RevokedLink(Exception):
    """The link was genuine but a newer one replaced it, or its holder signed out since."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(secret: str, payload: str, purpose: str = "access-link") -> str:
    # a key of its own for each purpose: a token signed for one never passes for another
    key = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def sign(secret: str, purpose: str, body: dict) -> str:
    """`body` as a token for a link: its JSON in base64, then its signature for `purpose`."""
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_signature(secret, payload, purpose)}"


def signed_body(secret: str, purpose: str, token: str) -> dict | None:
    """The body of a token that `sign` made for `purpose`, or None for any other string."""
    if not token.isascii():  # not one of ours, and hmac/ascii encoding would raise
        return None
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(secret, payload, purpose)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue(dbsession: Session, clock: SystemClock, secret: str, email: str, days: int) -> str:
    """A new link token for `email`, valid `days` days; the address's older links stop working."""
    now = clock.now()
    expires = now + dt.timedelta(days=days)
    body = {"e": normalise_email(email), "x": int(expires.timestamp()), "n": secrets.token_hex(8)}
    token = sign(secret, "access-link", body)
    dbsession.execute(
        update(AccessLink)
        .where(AccessLink.email == body["e"], AccessLink.superseded_at.is_(None))
        .values(superseded_at=now)
    )
    dbsession.add(
        AccessLink(email=body["e"], token_hash=_hash(token), created_at=now, expires_at=expires)
    )
    return token


def verify(dbsession: Session, clock: SystemClock, secret: str, token: str) -> AccessLink:
    """The link a token stands for; raises InvalidLink, ExpiredLink or RevokedLink."""
    if not token.isascii():  # not one of ours, and hmac/ascii encoding would raise
        raise InvalidLink()
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(secret, payload)):
        raise InvalidLink()
    link = dbsession.scalars(
        select(AccessLink).where(AccessLink.token_hash == _hash(token))
    ).first()
    if link is None:
        raise InvalidLink()
    if link.expires_at <= clock.now():
        raise ExpiredLink()
    if link.superseded_at is not None or link.revoked_at is not None:
        raise RevokedLink()
    link.last_used_at = clock.now()
    return link


def session_holder(dbsession: Session, link_id: int) -> str | None:
    """The address of the declarant whose session the link `link_id` opened, unless revoked."""
    link = dbsession.get(AccessLink, link_id)
    if link is None or link.revoked_at is not None:
        return None
    return link.email


def revoke(dbsession: Session, clock: SystemClock, email: str) -> None:
    """Sign a declarant out everywhere: their links and the sessions these opened end."""
    dbsession.execute(
        update(AccessLink)
        .where(AccessLink.email == normalise_email(email), AccessLink.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )


def personal_link(request: Request, email: str, next_path: str | None = None) -> str:
    """A fresh personal link for `email`, to put in an e-mail; `next_path` is where it leads.

    The e-mails of one request share the address's token (a committee's decisions may reach
    one declarant twice), since each new token supersedes the one before.
    """
    settings = request.registry.settings
    tokens = request.environ.setdefault("recueil.personal_link_tokens", {})
    email = normalise_email(email)
    if email not in tokens:
        tokens[email] = issue(
            request.dbsession, request.clock, settings["recueil.secret"], email,
            settings["recueil.access_link_days"],
        )
    query = {"suite": next_path} if next_path else {}
    return public_url(request, "declaration.access", token=tokens[email], _query=query)


def send_link(request: Request, email: str) -> None:
    """E-mail a fresh personal link to `email` (already normalised) to declare and follow
    practices; ratelimit.Limited over the limits of the address or the connection."""
    limited = ("Trop de demandes de lien en peu de temps pour cette adresse ou depuis votre "
               "connexion. Réessayez dans une heure, ou utilisez le dernier lien reçu.")
    ratelimit.enforce(request, (ratelimit.LINKS_PER_ADDRESS, email, limited),
                      (ratelimit.LINKS_PER_CLIENT, request.client_addr, limited))
    notifications.send_access_link(request, email, personal_link(request, email),
                                   request.registry.settings["recueil.access_link_days"])
