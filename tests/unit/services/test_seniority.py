"""A practice's age reads the same for the declarant, the moderator and the committee."""
import datetime as dt
import types

import pytest

from recueil.services import committee, declarations, moderation
from recueil.services.seniority import seniority


def _practice(started):
    return types.SimpleNamespace(date_mise_en_oeuvre=started)


@pytest.mark.parametrize("started, today, text", [
    (dt.date(2026, 3, 15), dt.date(2026, 12, 4), "8 mois"),
    (dt.date(2026, 3, 4), dt.date(2026, 12, 4), "9 mois"),
    (dt.date(2026, 11, 20), dt.date(2026, 12, 4), "moins d'un mois"),
    (dt.date(2024, 9, 1), dt.date(2026, 12, 4), "2 ans et 3 mois"),
    (dt.date(2025, 12, 4), dt.date(2026, 12, 4), "1 an"),
])
def test_one_age_for_every_page(started, today, text):
    practice = _practice(started)
    assert seniority(practice, today).text == text
    assert moderation.seniority(practice, today).text == text
    assert committee.age(practice, today).label == text
    warning = declarations.history_warning(practice, today)
    if seniority(practice, today).too_young:
        assert f"({text})" in warning
    else:
        assert warning is None
