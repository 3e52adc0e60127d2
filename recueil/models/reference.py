"""The human references of practices and fiches, and the counter that numbers them.

A practice is PI-AAAA-NNNN (year of submission, number of the year), an ONPE fiche
FD-AAAA-NNNN (year of creation): one counter per prefix and year, so the two series follow
each other apart. Every reference the code writes, checks or documents comes from here.
"""
import re

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base

PRACTICE_PREFIX = "PI"
FICHE_PREFIX = "FD"
#: The prefix of each level: 1, a practice; 2, an ONPE fiche dispositif.
PREFIX_OF_LEVEL = {1: PRACTICE_PREFIX, 2: FICHE_PREFIX}
#: Any reference, unanchored, as the open data's Table Schema writes it.
PATTERN = rf"({PRACTICE_PREFIX}|{FICHE_PREFIX})-[0-9]{{4}}-[0-9]{{4,}}"
REFERENCE = re.compile(rf"^{PATTERN}$")
#: A level-1 practice's reference, the only kind a fiche links to or a duplicate points at.
PRACTICE_REFERENCE = re.compile(rf"^{PRACTICE_PREFIX}-[0-9]{{4}}-[0-9]{{4,}}$")


def shape(prefix: str) -> str:
    """How a reference of this prefix is written, for messages: « PI-AAAA-NNNN »."""
    return f"{prefix}-AAAA-NNNN"


def format_reference(prefix: str, year: int, number: int) -> str:
    """PI-2026-0042: four digits at least, more once a year passes 9999."""
    return f"{prefix}-{year}-{number:04d}"


def parse_reference(reference: str) -> tuple[str, int, int] | None:
    """(prefix, year, number) of a well-formed reference, or None."""
    if not REFERENCE.match(reference):
        return None
    prefix, year, number = reference.split("-")
    return prefix, int(year), int(number)


class ReferenceCounter(Base):
    """Last number given per prefix and year (services/numbering hands them out)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True, default=PRACTICE_PREFIX,
                                        server_default=PRACTICE_PREFIX)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
