"""Controlled vocabularies: stable codes, labels that France Enfance Protégée edits, and the
history of every change an administrator made to them."""
import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base

#: vocabulary name -> its title in the interface
VOCABULARIES = {
    "echelle": "Échelle de l'action",
    "types_intervention": "Type d'intervention",
    "thematiques": "Thématique",
    "publics": "Public visé",
    "relais": "Relais de l'implémentation",
}


class VocabularyTerm(Base):
    """A term of a vocabulary; its code is never changed, reused nor deleted."""

    __tablename__ = "vocabulary_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: offered in the forms; a retired term (False) stays valid on the practices carrying it
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: an administrator edited or confirmed the label: `initdb` never changes it again
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the label is a reading of a garbled source that France Enfance Protégée has to confirm
    to_confirm: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


#: what a VocabularyChange records
CHANGE_KINDS = {
    "ajout": "Terme ajouté",
    "libelle": "Libellé modifié",
    "confirmation": "Libellé confirmé",
    "retrait": "Terme retiré",
    "retablissement": "Terme proposé de nouveau",
    "deplacement": "Ordre modifié",
}


class VocabularyChange(Base):
    """One change to a vocabulary term: who, when, what (the values before and after)."""

    __tablename__ = "vocabulary_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True)
    #: who made it (a staff e-mail, or the application's update for `initdb`)
    actor: Mapped[str] = mapped_column(String(254))
    vocabulary: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    #: a key of CHANGE_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    before: Mapped[str | None] = mapped_column(String(200))
    after: Mapped[str | None] = mapped_column(String(200))
