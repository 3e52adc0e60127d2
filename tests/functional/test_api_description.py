"""A developer of a département or of the ONPE reuses the API: its OpenAPI 3.1 description,
the page that shows it, pages linked by Link headers, answers validated by their ETag."""
import datetime as dt
import re

import pytest
from jsonschema import Draft202012Validator

from recueil.models import PUBLIC_FIELDS
from recueil.search.query import FACETS

FICHE_FIELDS = ("cles_reussite", "resultats_attendus", "difficultes", "evaluation_references",
                "co_auteurs", "date_revision")


@pytest.fixture
def description(testapp):
    return testapp.get("/api/openapi.json").json


def _validator(description, name):
    """A JSON Schema validator of one component, its references resolved in the document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                 "components": description["components"]})


def test_the_description_is_openapi_3_1_on_the_public_address(testapp, description):
    response = testapp.get("/api/openapi.json")
    assert response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert description["openapi"] == "3.1.0"
    assert description["servers"] == [{"url": "http://localhost"}]
    assert set(description["paths"]) == {"/api/pratiques", "/api/openapi.json"}
    search = description["paths"]["/api/pratiques"]["get"]
    assert set(search["responses"]) == {"200", "304", "400"}
    names = [p["name"] for p in search["parameters"]]
    assert names == ["q", *(f for f in FACETS if f != "annee"), "annee_min", "annee_max",
                     "tri", "page", "par_page", "If-None-Match"]
    # the codes a filter accepts are today's, from the vocabularies and the COG
    by_name = {p["name"]: p for p in search["parameters"]}
    assert "education" in by_name["thematiques"]["schema"]["items"]["enum"]
    # an empty value is ignored, as the catalogue's form sends it
    assert len(by_name["departements"]["schema"]["items"]["enum"]) == 101 + 1
    assert by_name["niveau"]["schema"]["items"]["enum"] == ["1", "2", ""]
    assert all(p["description"] for p in search["parameters"])


def test_the_record_is_described_by_the_columns_of_the_open_data(testapp, description):
    schemas = description["components"]["schemas"]
    record = schemas["Pratique"]
    assert list(record["properties"]) == list(PUBLIC_FIELDS)
    assert record["required"] == list(PUBLIC_FIELDS)
    schema = testapp.get("/opendata/schema.json").json
    titles = {field["name"]: field["title"] for field in schema["fields"]}
    assert {n: p["title"] for n, p in record["properties"].items()} == titles
    # the example validates against the description it illustrates
    validator = _validator(description, "Pratique")
    (example,) = record["examples"]
    assert not list(validator.iter_errors(example))
    assert example["thematiques"] == [{"code": "education", "libelle": "Éducation"},
                                      {"code": "sante-mentale", "libelle": "Santé mentale"}]
    assert set(schemas["Facettes"]["required"]) == set(FACETS)


def test_answers_match_the_description(testapp, publish, description):
    publish(niveau=2, cles_reussite="Une équipe stable.", co_auteurs="CNAPE",
            date_revision=dt.date(2027, 1, 1), bilan=None)
    publish(coup_de_coeur=True, budget_annuel=None, echelle=None, relais=None)
    answer = testapp.get("/api/pratiques").json
    assert not list(_validator(description, "Resultats").iter_errors(answer))
    fiche = next(r for r in answer["resultats"] if r["niveau"] == 2)
    assert (fiche["cles_reussite"], fiche["co_auteurs"], fiche["date_revision"]) == (
        "Une équipe stable.", "CNAPE", "2027-01-01")
    practice = next(r for r in answer["resultats"] if r["niveau"] == 1)
    assert all(practice[name] is None for name in FICHE_FIELDS)
    error = testapp.get("/api/pratiques", {"thematiques": "ecole"}, status=400).json
    assert not list(_validator(description, "Erreur").iter_errors(error))
    # the rule across two parameters, said in words in the description
    reversed_years = testapp.get("/api/pratiques?annee_min=2020&annee_max=2019", status=400)
    assert reversed_years.json["parametre"] == "annee_min"
    assert "pas avant annee_min" in next(
        p["description"] for p in description["paths"]["/api/pratiques"]["get"]["parameters"]
        if p["name"] == "annee_max")


def _links(response) -> dict[str, str]:
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    return {rel: url for url, rel in found}


def test_pages_are_linked_with_absolute_addresses(testapp, publish):
    for number in range(45):
        publish(intitule=f"Pratique {number}", thematiques=["education"])
    first = testapp.get("/api/pratiques", {"thematiques": "education", "par_page": "20"})
    assert _links(first) == {
        "first": "http://localhost/api/pratiques?thematiques=education",
        "next": "http://localhost/api/pratiques?thematiques=education&page=2",
        "last": "http://localhost/api/pratiques?thematiques=education&page=3",
    }
    # the public address, whatever host the request names
    second = testapp.get("/api/pratiques?page=2&par_page=10",
                         headers={"Host": "ailleurs.example", "X-Forwarded-Host": "pirate.example"})
    assert _links(second) == {
        "first": "http://localhost/api/pratiques?par_page=10",
        "prev": "http://localhost/api/pratiques?par_page=10",
        "next": "http://localhost/api/pratiques?par_page=10&page=3",
        "last": "http://localhost/api/pratiques?par_page=10&page=5",
    }
    last = testapp.get(_links(second)["last"])
    assert len(last.json["resultats"]) == 5 and "next" not in _links(last)
    # words and filters written once, as the search wrote them, the page last
    worded = testapp.get("/api/pratiques", {"q": "pratique", "thematiques": "education",
                                            "tri": "anciennete", "par_page": "1", "page": "3"})
    query = "q=pratique&thematiques=education&tri=anciennete&par_page=1"
    assert _links(worded)["prev"] == f"http://localhost/api/pratiques?{query}&page=2"
    assert _links(worded)["first"] == f"http://localhost/api/pratiques?{query}"
    # past the end: back to the last page, nothing after
    beyond = testapp.get("/api/pratiques?page=9&par_page=10")
    assert beyond.json["resultats"] == []
    assert _links(beyond)["prev"] == _links(beyond)["last"] == _links(second)["last"]
    empty = testapp.get("/api/pratiques", {"q": "introuvable"})
    assert _links(empty) == {"first": "http://localhost/api/pratiques?q=introuvable",
                             "last": "http://localhost/api/pratiques?q=introuvable"}


def test_an_unchanged_answer_is_a_304(testapp, publish):
    publish(intitule="Une première pratique")
    response = testapp.get("/api/pratiques")
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = testapp.get("/api/pratiques", headers={"If-None-Match": etag}, status=304)
    assert again.body == b"" and again.headers["ETag"] == etag
    # another page, another search, or new data: another answer
    assert testapp.get("/api/pratiques?par_page=5").headers["ETag"] != etag
    publish(intitule="Une autre pratique")
    changed = testapp.get("/api/pratiques", headers={"If-None-Match": etag}, status=200)
    assert changed.json["total"] == 2 and changed.headers["ETag"] != etag
    # the description too
    described = testapp.get("/api/openapi.json")
    testapp.get("/api/openapi.json", headers={"If-None-Match": described.headers["ETag"]},
                status=304)
    # a refusal is not cached
    assert "ETag" not in testapp.get("/api/pratiques?inconnu=1", status=400).headers


def test_the_page_shows_the_description_to_people(testapp, description):
    page = testapp.get("/api")
    assert page.html.find("h1").text == "L'API des pratiques inspirantes"
    assert page.html.find("a", href="http://localhost/api/openapi.json")
    parameters = [row.find("code").text for row in page.html.select("#table-parametres tbody tr")]
    search = description["paths"]["/api/pratiques"]["get"]
    assert parameters == [p["name"] for p in search["parameters"]]
    fields = [row.find("code").text for row in page.html.select("#table-champs tbody tr")]
    assert fields == list(PUBLIC_FIELDS)
    text = page.html.get_text(" ")
    assert "Link" in text and "If-None-Match" in text and "304" in text
    assert "Valeur inconnue pour « thematiques »" in text
    # each example is an address the API answers
    for link in page.html.select("#chercher li a"):
        assert testapp.get(link["href"]).json["page"] == 1
    # nothing from another site: the CSP allows none
    assert all(s["src"].startswith("http://localhost/static/")
               for s in page.html.find_all("script"))
