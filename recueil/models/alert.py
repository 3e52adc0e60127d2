"""Alerts: a visitor follows a catalogue search and hears by e-mail of what is published."""
import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class SearchAlert(Base):
    """One search followed by one address: pending until the address confirms it, then
    active until it is ended. An ended alert is deleted, with its address; so is a pending one
    never confirmed in time.
    """

    __tablename__ = "search_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: the search's parameters, as the catalogue's query string (filters only: no page, no sort)
    query: Mapped[str] = mapped_column(Text)
    #: the search as the person chose it, in words (« Thématique : Éducation ; … »)
    description: Mapped[str] = mapped_column(Text)
    #: random, part of what the links sign: a link names this alert and no later one
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), index=True)
    #: the practices published up to this day (in France) have been looked at
    covered_through: Mapped[dt.date | None] = mapped_column(Date())
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
