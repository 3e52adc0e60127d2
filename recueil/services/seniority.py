"""How long a practice has been running (« antériorité »): one computation and one wording
for the declarant, the moderator and the committee."""
import dataclasses
import datetime as dt

from ..forms.practice import MIN_HISTORY_DAYS
from ..models import Practice


@dataclasses.dataclass(frozen=True)
class Seniority:
    years: int
    months: int
    #: under one year: the committee wishes at least one year of history (spec §2)
    too_young: bool

    @property
    def text(self) -> str:
        """« 2 ans et 3 mois », « 8 mois », « moins d'un mois »."""
        parts = []
        if self.years:
            parts.append(f"{self.years} an{'s' if self.years > 1 else ''}")
        if self.months:
            parts.append(f"{self.months} mois")
        return " et ".join(parts) or "moins d'un mois"


def seniority(practice: Practice, today: dt.date) -> Seniority | None:
    """How long the practice has been implemented on `today`, in whole months, or None
    without a date."""
    started = practice.date_mise_en_oeuvre
    if started is None:
        return None
    months = (today.year - started.year) * 12 + today.month - started.month
    if today.day < started.day:
        months -= 1
    months = max(0, months)
    return Seniority(months // 12, months % 12, (today - started).days < MIN_HISTORY_DAYS)
