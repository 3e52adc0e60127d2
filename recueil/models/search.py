"""What search needs in the database: the embedded backend's terms, and Solr's queue."""
import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class SearchTerm(Base):
    """One analysed term of a published practice's text (embedded backend's inverted index)."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_search_terms_practice_id", "practice_id"),)


class IndexTask(Base):
    """A practice whose index document must be sent to (or removed from) Solr.

    Written in the same transaction as the change, so a Solr outage loses nothing.
    """

    __tablename__ = "index_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
