"""The API checked against its own description with Schemathesis: requests drawn from the
OpenAPI document (every parameter, every code, any text within the bounds it states; and, in
negative mode, values outside them) sent to the running WSGI application. Every answer must
match the description (status, headers, content type, body) and none may be a 5xx; a valid
request must be accepted. The number of examples is the drill's profile
(conftest.py: a few hundred in `make test`, thousands in `make fuzz`)."""
import datetime as dt

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection

from .drill import snapshot


@pytest.fixture
def description(wsgi_app, publish):
    """The application with a few published practices and fiches, and its description."""
    publish(thematiques=["education"], publics=["enfants"], echelle="departementale",
            departements=["69"], regions=["84"], coup_de_coeur=True)
    publish(thematiques=["sante-mentale", "autre"], thematiques_autre="Sport", publics=["parents"],
            echelle=None, relais=None, budget_annuel=None, date_mise_en_oeuvre=None)
    publish(niveau=2, bilan=None, cles_reussite="Un partenariat.", co_auteurs="CNAPE\nONPE",
            date_revision=dt.date(2027, 1, 1), date_mise_en_oeuvre=dt.date(2018, 6, 1))
    publish(status="soumise", intitule="Pas publiée")
    return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


def _cases(description, mode: GenerationMode):
    # Schemathesis leaves out the description's own address: it loaded it already
    operations = [result.ok() for result in description.get_all_operations()]
    assert "/api/pratiques" in {o.path for o in operations}
    cases = st.one_of(*(o.as_strategy(generation_mode=mode) for o in operations))
    if mode == GenerationMode.POSITIVE:
        # the one rule across parameters, which JSON Schema cannot state: the description says
        # it in words, and the refusal is checked in tests/functional/test_api_description.py
        cases = cases.filter(lambda case: not _years_reversed(case.query or {}))
    return cases


def _years_reversed(query: dict) -> bool:
    low, high = query.get("annee_min"), query.get("annee_max")
    return low not in (None, "") and high not in (None, "") and int(low) > int(high)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_matches_the_description(description, engine, mode):
    before = snapshot(engine)
    cases = _cases(description, mode)
    # a value the description forbids may not survive the query string (an object, a list
    # where one value is expected): the request that leaves is then a valid one, rightly
    # answered 200. Out-of-range numbers and unknown codes are refused: test_queries.py
    excluded = [negative_data_rejection] if mode == GenerationMode.NEGATIVE else []

    # a third of the profile's examples: each one is a whole search with its facets
    @settings(max_examples=max(1, settings().max_examples // 3))
    @given(data=st.data())
    def check(data):
        # Schemathesis's WSGI transport asks for gzip but does not decode it, as an HTTP
        # client would: the body is asked for as it is (compression: test_static_files.py)
        data.draw(cases).call_and_validate(excluded_checks=excluded,
                                           headers={"Accept-Encoding": "identity"})

    check()
    assert snapshot(engine) == before  # a search writes nothing
