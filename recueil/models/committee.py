"""The selection committee: sessions, their agenda, members' review grids."""
import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import formatting
from .meta import Base
from .user import User

#: Why the committee gave a « coup de cœur » (spec §3, valorisation), code -> label.
COUP_DE_COEUR_MOTIFS = {
    "pertinence": "Pertinence",
    "originalite": "Originalité",
    "efficacite": "Efficacité",
}
#: The institutions whose absence unbalances the pluri-institutional committee.
BALANCE = ("etat", "departement", "association")

#: The six criteria of the review grid (seed 002), code -> label.
CRITERIA = {
    "recevabilite": "Recevabilité",
    "anteriorite": "Antériorité d'un an",
    "qualite_redaction": "Qualité et méthode de la rédaction",
    "transposition": "Possibilités d'appropriation, de modélisation, de transposition",
    "adequation_moyens": "Adéquation entre objectifs et moyens financiers",
    "bilan": "Bilan chiffré et qualitatif",
}
#: The 4-level scale of each criterion.
RATINGS = {
    1: "Insuffisant",
    2: "À améliorer",
    3: "Satisfaisant",
    4: "Très satisfaisant",
}
OPINIONS = {
    "favorable": "Favorable",
    "reserve": "Favorable avec réserves",
    "defavorable": "Défavorable",
}
DECISIONS = {
    "selectionnee": "Sélectionnée",
    "non_retenue": "Non retenue",
    "ajournee": "Ajournée",
}
#: Days between a session and the publication of what it selected (seed: one week).
PUBLICATION_DELAY_DAYS = 7


#: Who attended a session: (session, member) pairs ticked by the secretariat.
committee_attendance = Table(
    "committee_attendance",
    Base.metadata,
    Column("session_id", Integer, ForeignKey("committee_sessions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class CommitteeSession(Base):
    __tablename__ = "committee_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    lieu: Mapped[str] = mapped_column(String(200))
    #: set once the decision e-mails are sent: they are sent once
    decisions_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    attendees: Mapped[list[User]] = relationship(secondary=committee_attendance,
                                                 order_by=(User.nom, User.email))

    @property
    def publication_date(self) -> dt.date:
        return self.date + dt.timedelta(days=PUBLICATION_DELAY_DAYS)

    @property
    def label(self) -> str:
        return f"Séance du {formatting.date(self.date)} – {self.lieu}"


class AgendaItem(Base):
    """A practice on a session's agenda, and the committee's decision on it."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("session_id", "practice_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_sessions.id", ondelete="CASCADE"))
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(20))
    #: why it was not selected, or which complements are asked (ajournée)
    motivation: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    decided_by: Mapped[str | None] = mapped_column(String(254))
    #: the last correction of the decision (every one is in the practice's history)
    previous_decision: Mapped[str | None] = mapped_column(String(20))
    correction_motif: Mapped[str | None] = mapped_column(Text)
    corrected_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    corrected_by: Mapped[str | None] = mapped_column(String(254))
    session: Mapped[CommitteeSession] = relationship(back_populates="items")
    practice = relationship("Practice")


class ReviewGrid(Base):
    """One member's review of one practice at one session."""

    __tablename__ = "review_grids"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: criterion code -> {"note": 1..4, "commentaire": str}
    notes: Mapped[dict] = mapped_column(JSON, default=dict)
    avis: Mapped[str] = mapped_column(String(20))
    commentaire: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())
    member = relationship("User")
    item = relationship(AgendaItem)
