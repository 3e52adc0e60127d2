"""Régions and départements of the Code officiel géographique."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    departements: Mapped[list["Departement"]] = relationship(
        back_populates="region", order_by="Departement.code"
    )


class Departement(Base):
    __tablename__ = "departements"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    region: Mapped[Region] = relationship(back_populates="departements")
