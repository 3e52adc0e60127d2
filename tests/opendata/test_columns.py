"""The allowlist of exported columns and the rules of a CSV cell."""
import re

import pytest

from opendata.records import SCALARS, published_query
from opendata.schema import list_pattern
from recueil.models import MULTI_FIELDS, PERSONAL_FIELDS, PUBLIC_FIELDS
from recueil.models.columns import (
    COLUMNS,
    DOCUMENTATION,
    FREE_TEXT,
    MULTI_VALUED,
    neutralise,
)


def test_the_columns_are_the_public_fields_of_the_model_in_order():
    assert COLUMNS == PUBLIC_FIELDS
    assert list(DOCUMENTATION) == list(PUBLIC_FIELDS)
    assert not set(COLUMNS) & set(PERSONAL_FIELDS)
    assert set(MULTI_VALUED) == set(MULTI_FIELDS)


def test_the_query_never_reads_a_personal_field():
    selected = [column.name for column in published_query().selected_columns]
    assert selected == list(SCALARS)
    assert set(selected) <= set(PUBLIC_FIELDS)
    sql = str(published_query())
    for name in PERSONAL_FIELDS:
        assert name not in sql


@pytest.mark.parametrize("text, cell", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+33", "'+33"),
    ("-x", "'-x"),
    ("@cmd", "'@cmd"),
    ("\tTab", "'\tTab"),
    ("\rRetour", "'\rRetour"),
    ("\nLigne", "'\nLigne"),
    ("Texte = sûr", "Texte = sûr"),
    ("'déjà cité", "'déjà cité"),
    ("", ""),
])
def test_formula_like_cells_are_neutralised(text, cell):
    assert neutralise(text) == cell


def test_every_free_text_column_says_it_may_be_neutralised():
    for name in FREE_TEXT:
        assert "apostrophe" in DOCUMENTATION[name].description


def test_the_pattern_of_a_multi_valued_cell():
    pattern = re.compile(list_pattern(["education", "sante-mentale", "2A"]))
    for cell in ("education", "education|sante-mentale", "2A|education|2A"):
        assert pattern.fullmatch(cell)
    for cell in ("education|", "|education", "education,sante-mentale", "inconnue", "educationx"):
        assert not pattern.fullmatch(cell)
