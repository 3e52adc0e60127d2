"""Dates and times read as in France: stored in UTC, shown in Paris time, summer time included."""
import datetime as dt

import pytest

from recueil import formatting
from recueil.clock import FixedClock


@pytest.mark.parametrize("utc, shown", [
    (dt.datetime(2026, 12, 4, 18, 52), "04/12/2026 à 19:52"),  # winter: UTC+1
    (dt.datetime(2026, 6, 4, 18, 52), "04/06/2026 à 20:52"),  # summer: UTC+2
    (dt.datetime(2026, 3, 29, 0, 59), "29/03/2026 à 01:59"),  # the last minute of winter time
    (dt.datetime(2026, 3, 29, 1, 0), "29/03/2026 à 03:00"),  # summer time has begun
    (dt.datetime(2026, 12, 31, 23, 30), "01/01/2027 à 00:30"),  # already next year in Paris
    (dt.datetime(2026, 6, 4, 18, 52, tzinfo=dt.UTC), "04/06/2026 à 20:52"),  # aware too
])
def test_a_stored_time_is_shown_in_paris(utc, shown):
    assert formatting.datetime(utc) == shown
    assert formatting.date(utc) == shown.split()[0]


def test_a_date_without_time_is_shown_as_it_is():
    assert formatting.date(dt.date(2026, 3, 1)) == "01/03/2026"
    assert formatting.long_date(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert formatting.long_date(dt.date(2026, 11, 30)) == "30 novembre 2026"
    assert formatting.long_date(dt.datetime(2026, 11, 30, 23, 30)) == "1er décembre 2026"


def test_nothing_stays_nothing():
    assert formatting.date(None) is None
    assert formatting.datetime(None) is None
    assert formatting.long_date(None) is None


def test_today_is_the_day_in_france():
    assert FixedClock(dt.datetime(2026, 6, 30, 21, 59)).today() == dt.date(2026, 6, 30)
    assert FixedClock(dt.datetime(2026, 6, 30, 22, 0)).today() == dt.date(2026, 7, 1)
    assert FixedClock(dt.datetime(2026, 12, 31, 23, 0)).today() == dt.date(2027, 1, 1)


@pytest.mark.parametrize("size, shown", [
    (300, "1 Ko"), (12 * 1024, "12 Ko"), (1023 * 1024, "1023 Ko"), (1024 * 1024, "1 Mo"),
    (int(1.5 * 1024 * 1024), "1,5 Mo"), (5 * 1024 * 1024, "5 Mo"),
])
def test_a_file_size_is_written_as_in_french(size, shown):
    assert formatting.file_size(size) == shown


def test_a_file_is_named_by_its_kind_not_its_media_type():
    odt = "application/vnd.oasis.opendocument.text"
    assert formatting.file_details(odt, 12 * 1024) == "Document ODT – 12 Ko"
    assert formatting.file_details("application/pdf", 3 * 1024 * 1024) == "Document PDF – 3 Mo"
