"""The embedded index stores exactly the terms of `tokens()`, though it analyses each run of
non-space characters once and keeps the result (recueil.search.sql.index_terms)."""
import random
import unicodedata

import pytest

from recueil.scripts import demo
from recueil.search.sql import MAX_TERM_LENGTH, index_terms
from recueil.search.text import tokens


def expected(text: str) -> set[str]:
    return {term for term in tokens(text) if len(term) <= MAX_TERM_LENGTH}


TEXTS = [
    "",
    "   \n\t ",
    "L'École des parents, à Angers (Maine-et-Loire) : 3,5 % des 1er et 2e ; 10h30.",
    "«\u202fharcèlement\u202f» ; 10\u2007000 enfants\u00a0! aujourd’hui, quelqu'un",
    "Une description\r\nsur deux lignes\fet un saut\vvertical",
    # decomposed accents, also right after a space: they belong to the character before
    unicodedata.normalize("NFD", "Une vie d'équipe réussie à l'École"),
    "avant \u0301école après",
    # format characters and emoji sequences that join what surrounds them
    "édu\u00adcation le\u200dmot 👍🏽 bravo 👨\u200d👩\u200d👧 \u200d👍 🇫🇷 🇫 🇷",
    "北京 東京 ภาษาไทย ক্ষ",
    "a" * 300 + " " + "b" * 120,
    "les de la du l' d' qu' jusqu’ici",
    "A.S.E. éducateur·rice n°12 U.S.A 3.14 x,y",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_terms_are_those_of_tokens(text):
    assert index_terms(text) == expected(text)


def _strings(value):
    """Every string inside `value` (the demo's nested tuples and dicts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def test_the_demo_texts_give_the_terms_of_tokens():
    for text in _strings((demo.THEMES, demo.FICHES)):
        assert index_terms(text) == expected(text), text


def test_mixed_texts_give_the_terms_of_tokens():
    rng = random.Random(7)
    words = [w for text in _strings(demo.THEMES) for w in text.split()][:2000]
    pieces = TEXTS + words + ["\u0301", "\u200d", " ", "\n", "-", "’", "'", "é", "e", "1", "2,5"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "\u00a0"])
                       for _ in range(rng.randint(1, 30)))
        assert index_terms(text) == expected(text), repr(text)


def test_a_term_longer_than_the_column_is_left_out():
    long_word = "abcdefghij" * 15
    assert tokens(long_word) and index_terms(long_word) == set()
