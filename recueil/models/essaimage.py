"""Essaimage: a team that took up a published practice says so, for others to see."""
import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base
from .practice import Practice

#: an account waits for the moderators, who publish or refuse it; a published one may be
#: withdrawn
PENDING, PUBLISHED, REFUSED, WITHDRAWN = "a_moderer", "publie", "refuse", "retire"
#: each state with its French label
ESSAIMAGE_STATUSES = {
    PENDING: "À modérer",
    PUBLISHED: "Publié",
    REFUSED: "Refusé",
    WITHDRAWN: "Retiré",
}


class Essaimage(Base):
    """One account of a practice taken up elsewhere: waiting for the moderators, then
    published on the practice's page or refused, and a published one may be withdrawn; the
    last decision stays on the row (who, when, why) and each one in the practice's history
    (without its note, which the declarant would read there), the address goes after the
    retention period."""

    __tablename__ = "essaimages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    structure: Mapped[str] = mapped_column(String(100))
    departement: Mapped[str] = mapped_column(String(3))
    recit: Mapped[str] = mapped_column(Text)
    #: never published; to reach the person about their account, emptied by the purge
    courriel: Mapped[str | None] = mapped_column(String(254), index=True)
    status: Mapped[str] = mapped_column(String(20), default="a_moderer", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"))
    #: the moderator's note (why it was refused or withdrawn), never public
    motif: Mapped[str | None] = mapped_column(Text)

    practice: Mapped[Practice] = relationship()

    @property
    def status_label(self) -> str:
        return ESSAIMAGE_STATUSES.get(self.status, self.status)
