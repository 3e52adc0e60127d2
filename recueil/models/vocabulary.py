"""Controlled vocabularies: stable codes, editable labels."""
from sqlalchemy import Boolean, Integer, String, UniqueConstraint
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
    __tablename__ = "vocabulary_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
