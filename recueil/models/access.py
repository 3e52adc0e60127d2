"""Declarants' personal access links, and the events counted by rate limits."""
import datetime as dt

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class AccessLink(Base):
    """A link sent by e-mail; only the hash of its secret is kept.

    A declarant's session remembers the link that opened it (never the address). A newer link
    for the same address supersedes this one: it no longer opens a session, while the sessions
    it opened go on. Signing out revokes it: neither it nor its sessions open anything.
    """

    __tablename__ = "access_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime())


class RateEvent(Base):
    __tablename__ = "rate_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(), server_default=func.now(), index=True
    )
