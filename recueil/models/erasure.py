"""The record of each erasure of a person's data, which holds nothing about the person."""
import datetime as dt

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base

#: who asked for an erasure, with its French label
REQUESTERS = {
    "personne": "à la demande de la personne, depuis son espace",
    "administrateur": "par un administrateur",
}


class Erasure(Base):
    """One person's data erased: when, how it was asked, and how many practices it touched.

    Neither the address nor a hash of it is kept: a hash of an address can be recomputed
    from the address, so it would still identify the person.
    """

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True)
    requested_by: Mapped[str] = mapped_column(String(20))
    #: the administrator's account (a member of the team, not the person erased)
    actor: Mapped[str | None] = mapped_column(String(254))
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    anonymised: Mapped[int] = mapped_column(Integer, default=0)
    #: practices of other declarants where the person was the contact or gave the agreement
    mentions: Mapped[int] = mapped_column(Integer, default=0)
