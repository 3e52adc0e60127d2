"""What search needs in the database: the embedded backend's terms and generation, and
Solr's queue."""
import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base
from .practice import PracticeTerm


class SearchTerm(Base):
    """One analysed term of a published practice's text (embedded backend's inverted index)."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_search_terms_practice_id", "practice_id"),)


class SearchGeneration(Base):
    """The version of the embedded index, as one row: a new random token at every change.

    Written in the transaction that changes the index, read before every search: a process
    keeps its in-memory facet bitmaps while the token it built them from is still the one
    committed. Random rather than counted, so that a rolled-back change, a table emptied or
    a restored backup can never bring back a token some process already holds.
    """

    __tablename__ = "search_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))
    #: counts the generations: the upsert that raises it locks the row, so writers take
    #: their numbers in the order they commit
    serial: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SearchChange(Base):
    """A practice whose public entry changed in a generation of the embedded index.

    A process holding the bitmaps of an earlier generation reads the practices changed
    since and patches its copy instead of rebuilding it. A row without practice stands for
    a change too large to patch (a reindex, the index emptied). Rows older than the last
    thousand generations are removed by the writers.
    """

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, index=True)
    token: Mapped[str] = mapped_column(String(32))
    practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


#: the practices holding a code of a field (catalogue filters, moderation's lists)
Index("ix_practice_terms_field_code", PracticeTerm.field, PracticeTerm.code,
      PracticeTerm.practice_id)


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
