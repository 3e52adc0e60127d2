"""Changing only a practice's codes still changes the practice (version, updated_at)."""
from ..factories import make_practice


def test_swapping_codes_bumps_the_version(dbsession):
    practice = make_practice(dbsession, thematiques=["education"])
    version = practice.version
    practice.thematiques = ["sante-mentale"]
    dbsession.flush()
    assert practice.version == version + 1
    practice.thematiques = ["sante-mentale"]  # the same codes: nothing to write
    dbsession.flush()
    assert practice.version == version + 1
