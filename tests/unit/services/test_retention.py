"""Retention durations: calendar months, the French words the privacy page shows."""
import datetime as dt

import pytest

from recueil.services.retention import Retention, RetentionError, fill, months_before


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (dt.datetime(2027, 3, 31, 8, 15), 1, dt.datetime(2027, 2, 28, 8, 15)),
    (dt.datetime(2028, 3, 31), 1, dt.datetime(2028, 2, 29)),
    (dt.datetime(2027, 1, 15), 1, dt.datetime(2026, 12, 15)),
    (dt.datetime(2027, 5, 25), 6, dt.datetime(2026, 11, 25)),
    (dt.datetime(2027, 11, 23), 12, dt.datetime(2026, 11, 23)),
    (dt.datetime(2027, 11, 23), 25, dt.datetime(2025, 10, 23)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_placeholders_are_filled_and_unknown_ones_left_to_be_seen():
    retention = Retention(drafts_months=1, personal_months=18, link_days=1)
    text = ("{{duree_brouillons}} / {{ duree_donnees }} / {{duree_liens}} / "
            "{{duree_limites}} / {{duree_inconnue}}")
    assert fill(text, retention) == "1 mois / 18 mois / 1 jour / 24 heures / {{duree_inconnue}}"


@pytest.mark.parametrize("value", ["0", "-3", "six", "1.5"])
def test_a_duration_is_a_whole_number_of_months(value):
    with pytest.raises(RetentionError, match=f"« {value} »"):
        Retention.from_settings({"recueil.retention.drafts_months": value})


def test_the_defaults():
    assert Retention.from_settings({}) == Retention(drafts_months=6, personal_months=12,
                                                    link_days=14)
