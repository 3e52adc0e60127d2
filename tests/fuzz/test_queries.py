"""Fuzzing the catalogue's query strings, the page's and the API's: parameters unknown,
missing, repeated, out of range, codes outside the vocabularies, any text, and bytes that
are not UTF-8. Never a 5xx; the API's refusals are JSON naming the parameter; nothing is
written."""
import json
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from recueil.search.query import ALLOWED

from .drill import snapshot
from .strategies import text_value

NAMES = sorted(ALLOWED) + ["inconnu", "q[]", "", "page ", "PAGE", "__start__", "_charset_"]
CODES = ["education", "sante-mentale", "enfants", "parents", "69", "2A", "974", "84",
         "nationale", "locale", "association", "departement", "1", "2", "pertinence",
         "recentes", "anciennes", "titre"]
numbers = st.integers(min_value=-(10**22), max_value=10**22).map(str)
values = st.one_of(st.sampled_from(CODES), numbers, text_value)


@st.composite
def query_strings(draw) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=8))
    parts = [f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs]
    if draw(st.integers(0, 9)) == 0:  # bytes that are not UTF-8, percent-encoded
        raw = draw(st.binary(min_size=1, max_size=6))
        name = draw(st.sampled_from(["q", "thematiques", "%FF"]))
        parts.append(name + "=" + "".join(f"%{byte:02X}" for byte in raw))
    if draw(st.integers(0, 19)) == 0:  # separators and escapes out of place
        parts.append(draw(st.sampled_from(["&&", "=", "%", "%G1", "q", "==q", ";q=1"])))
    return "&".join(parts)


@pytest.fixture
def catalogue(publish):
    publish(thematiques=["education"], publics=["enfants"])
    publish(echelle="departementale", departements=["69"], thematiques=["sante-mentale"])
    publish(niveau=2, declarant_courriel=None)


@pytest.mark.parametrize("path", ["/pratiques", "/api/pratiques"])
@given(query=query_strings())
def test_a_catalogue_query(testapp, engine, catalogue, path, query):
    before = snapshot(engine)
    response = testapp.get(f"{path}?{query}", status="*")
    status = response.status_int
    event(f"réponse {status}")
    assert status < 500, f"{status} :\n{response.text[-3000:]}"
    assert status in (200, 400)
    if path.startswith("/api/"):
        answer = json.loads(response.body)
        if status == 400:
            # the refusal names the parameter it refuses, as it was sent
            sent = {name for name, _ in parse_qsl(query, keep_blank_values=True,
                                                  errors="replace")}
            assert answer["erreur"] and answer["parametre"] in sent, answer
    elif status == 400:
        assert "Demande non valide" in response.text
    assert snapshot(engine) == before
