"""The files served under /opendata/: streamed, typed, validated by ETag and Last-Modified."""
import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from frictionless import Resource, Schema, validate
from sqlalchemy import update

from opendata import metadata
from recueil.models import PUBLIC_FIELDS, Practice, VocabularyTerm
from tests.factories import make_practice

from .data import NEUTRALISED, PERSONAL, TRICKY, mixed_catalogue, tricky_practice

ATOM = "{http://www.w3.org/2005/Atom}"
FILES = {
    "/opendata/pratiques-inspirantes.csv": ("text/csv; charset=utf-8", "attachment"),
    "/opendata/pratiques-inspirantes.json": ("application/json", "attachment"),
    "/opendata/schema.json": ("application/json", "inline"),
    "/opendata/datapackage.json": ("application/json", "inline"),
}


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("path", FILES)
def test_each_file_has_its_type_name_and_validators(testapp, db, path):
    mixed_catalogue(db)
    response = testapp.get(path)
    content_type, disposition = FILES[path]
    assert response.headers["Content-Type"] == content_type
    filename = path.rsplit("/", 1)[1]
    assert response.headers["Content-Disposition"] == f'{disposition}; filename="{filename}"'
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert "public" in response.headers["Cache-Control"]


FEEDS = ("/opendata/catalogue.jsonld", "/opendata/nouveautes.atom")
CSV = "/opendata/pratiques-inspirantes.csv"


@pytest.mark.parametrize("path", [*FILES, *FEEDS])
def test_a_conditional_request_gets_304(testapp, db, path):
    mixed_catalogue(db)
    first = testapp.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert testapp.get(path, headers={"If-None-Match": etag}, status=304).body == b""
    assert testapp.get(path, headers={"If-Modified-Since": modified}, status=304).body == b""
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert testapp.get(path, headers={"If-Modified-Since": earlier}, status=200).body
    # If-None-Match decides when both are sent (RFC 9110)
    testapp.get(path, status=200,
                headers={"If-None-Match": '"autre"', "If-Modified-Since": modified})


def test_last_modified_is_the_newest_change_of_the_published_data(testapp, db):
    make_practice(db, updated_at=dt.datetime(2025, 3, 4, 5, 6, 7))
    make_practice(db, updated_at=dt.datetime(2024, 1, 1, 0, 0, 0))
    db.commit()
    response = testapp.get("/opendata/pratiques-inspirantes.csv")
    assert response.headers["Last-Modified"] == "Tue, 04 Mar 2025 05:06:07 GMT"


def test_the_validators_change_with_the_data(testapp, db):
    practice = make_practice(db)
    db.commit()
    path = "/opendata/pratiques-inspirantes.csv"
    before = testapp.get(path).headers["ETag"]
    assert testapp.get(path).headers["ETag"] == before  # stable while nothing changes

    make_practice(db)
    db.commit()
    after_publication = testapp.get(path, headers={"If-None-Match": before}, status=200)
    assert after_publication.headers["ETag"] != before

    # unpublishing leaves the count of codes and the newest publication as they were
    db.get(Practice, practice.id).status = "depubliee"
    db.commit()
    after_unpublication = testapp.get(path, status=200,
                                      headers={"If-None-Match": after_publication.headers["ETag"]})
    assert str(practice.id) not in after_unpublication.text


def test_a_label_edit_changes_the_json_etag(testapp, db):
    make_practice(db, thematiques=["education"])
    db.commit()
    path = "/opendata/pratiques-inspirantes.json"
    before = testapp.get(path)
    assert before.headers["ETag"].startswith('W/"')  # same data, a new generation date each time
    db.execute(update(VocabularyTerm).where(VocabularyTerm.vocabulary == "thematiques",
                                            VocabularyTerm.code == "education")
               .values(label="Éducation et scolarité"))
    db.commit()
    try:
        after = testapp.get(path, headers={"If-None-Match": before.headers["ETag"]}, status=200)
        assert after.json["pratiques"][0]["thematiques"][0]["libelle"] == "Éducation et scolarité"
    finally:
        db.execute(update(VocabularyTerm).where(VocabularyTerm.vocabulary == "thematiques",
                                                VocabularyTerm.code == "education")
                   .values(label="Éducation"))
        db.commit()


def test_the_served_csv_validates_against_the_served_schema(testapp, db, tmp_path):
    mixed_catalogue(db)
    (tmp_path / "pratiques.csv").write_bytes(testapp.get(CSV).body)
    schema = Schema.from_descriptor(testapp.get("/opendata/schema.json").json)
    report = validate(Resource(path="pratiques.csv", basepath=str(tmp_path), schema=schema))
    assert report.valid, [e.note for task in report.tasks for e in task.errors]


def test_only_published_practices_are_served(testapp, db):
    published = {str(p.id) for p in mixed_catalogue(db)}
    assert {row["id"] for row in rows(testapp.get(CSV))} == published
    document = testapp.get("/opendata/pratiques-inspirantes.json").json
    assert {record["id"] for record in document["pratiques"]} == published
    feed = ET.fromstring(testapp.get("/opendata/nouveautes.atom").body)
    assert {e.find(f"{ATOM}id").text.removeprefix("urn:uuid:")
            for e in feed.iter(f"{ATOM}entry")} == published
    for path in (*FILES, "/opendata/nouveautes.atom", "/opendata/catalogue.jsonld"):
        body = testapp.get(path).text
        assert "Jamais publiée" not in body
        for value in PERSONAL.values():
            assert value not in body, (path, value)


def test_the_served_files_round_trip_formula_like_text(testapp, db):
    tricky_practice(db)
    db.commit()
    (row,) = rows(testapp.get("/opendata/pratiques-inspirantes.csv"))
    assert list(row) == list(PUBLIC_FIELDS)
    (record,) = testapp.get("/opendata/pratiques-inspirantes.json").json["pratiques"]
    for name, value in TRICKY.items():
        assert row[name] == NEUTRALISED.get(name, value)
        assert record[name] == value


def test_the_json_says_its_schema_version_and_generation_date(testapp, db):
    make_practice(db)
    db.commit()
    document = testapp.get("/opendata/pratiques-inspirantes.json").json
    assert document["version_schema"] == metadata.SCHEMA_VERSION
    assert document["date_generation"] == "2026-11-23T09:30:00Z"  # the test clock
    assert document["nombre_pratiques"] == 1


def test_the_datapackage_points_to_the_served_files(testapp):
    package = testapp.get("/opendata/datapackage.json").json
    paths = {r["path"] for r in package["resources"]}
    # relative: they resolve beside /opendata/datapackage.json
    assert paths == {"pratiques-inspirantes.csv", "pratiques-inspirantes.json"}
    for path in paths:
        testapp.get(f"/opendata/{path}", status=200)
    testapp.get("/opendata/" + package["resources"][0]["schema"], status=200)


def test_the_csv_is_streamed_from_a_connection_opened_on_demand(wsgi_app, db, monkeypatch):
    import opendata.records

    for _ in range(5):
        make_practice(db)
    db.commit()
    monkeypatch.setattr(opendata.records, "BATCH", 2)
    pool = wsgi_app.registry["db_engine"].pool
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/opendata/pratiques-inspirantes.csv",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "192.0.2.10", "wsgi.input": io.BytesIO()}
    started = []
    app_iter = wsgi_app(environ, lambda status, headers, _exc_info=None: started.append(status))
    assert started == ["200 OK"]
    assert not isinstance(app_iter, (list, tuple))
    idle = pool.checkedout()
    pieces = iter(app_iter)
    header = next(pieces)
    assert header.startswith(b"id,reference,niveau,")
    assert pool.checkedout() == idle + 1  # the stream's own connection, open while it is read
    chunks = list(pieces)
    app_iter.close()
    assert pool.checkedout() == idle
    assert [chunk.count(b"\r\n") for chunk in chunks if chunk] == [2, 2, 1]


def test_a_client_leaving_half_way_releases_the_connection(wsgi_app, db, monkeypatch):
    import opendata.records

    for _ in range(3):
        make_practice(db)
    db.commit()
    monkeypatch.setattr(opendata.records, "BATCH", 1)
    pool = wsgi_app.registry["db_engine"].pool
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/opendata/pratiques-inspirantes.json",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "192.0.2.10", "wsgi.input": io.BytesIO()}
    idle = pool.checkedout()
    app_iter = wsgi_app(environ, lambda *args: None)
    pieces = iter(app_iter)
    next(pieces), next(pieces), next(pieces)
    app_iter.close()
    assert pool.checkedout() == idle


def test_head_sends_the_headers_without_reading_the_data(testapp, db):
    make_practice(db)
    db.commit()
    response = testapp.head("/opendata/pratiques-inspirantes.csv")
    assert response.body == b"" and response.headers["ETag"]


def test_the_dcat_catalogue_describes_the_dataset_and_its_distributions(testapp, db):
    make_practice(db)
    db.commit()
    response = testapp.get("/opendata/catalogue.jsonld")
    assert response.headers["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.body)
    assert catalogue["@type"] == "dcat:Catalog"
    (dataset,) = catalogue["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset"
    assert dataset["dct:identifier"] and dataset["dct:title"] and dataset["dct:description"]
    assert dataset["dct:license"]["@id"] == metadata.LICENCE["path"]
    assert dataset["dct:conformsTo"]["@id"] == "http://localhost/opendata/schema.json"
    urls = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
    assert urls == {f"http://localhost/opendata/{name}" for name in (
        "pratiques-inspirantes.csv", "pratiques-inspirantes.json", "schema.json",
        "datapackage.json")}
    for distribution in dataset["dcat:distribution"]:
        assert distribution["dcat:accessURL"] and distribution["dct:format"]
        testapp.get(distribution["dcat:downloadURL"]["@id"].removeprefix("http://localhost"))


def test_the_atom_feed_lists_the_fifty_newest_publications(testapp, db):
    for day in range(55):
        make_practice(db, date_publication=dt.date(2025, 1, 1) + dt.timedelta(days=day),
                      intitule=f"Publiée le jour {day}",
                      description="Ligne 1\x0bcontrôle & <balise>")
    db.commit()
    response = testapp.get("/opendata/nouveautes.atom")
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.body)
    assert feed.tag == f"{ATOM}feed"
    entries = list(feed.iter(f"{ATOM}entry"))
    assert len(entries) == 50
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0] == "Publiée le jour 54" and titles[-1] == "Publiée le jour 5"
    first = entries[0]
    assert first.find(f"{ATOM}published").text == "2025-02-24T00:00:00Z"
    assert first.find(f"{ATOM}link").get("href").startswith("http://localhost/pratiques/")
    assert first.find(f"{ATOM}summary").text == "Ligne 1contrôle & <balise>"
    assert first.find(f"{ATOM}category").get("term") == "education"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/opendata/nouveautes.atom"


def test_the_page_explains_the_fields_and_links_the_files(testapp, db):
    mixed_catalogue(db)
    page = testapp.get("/opendata")
    assert "<h1>Données ouvertes</h1>" in page.text
    assert "2 pratiques publiées" in page.text
    assert "Licence Ouverte 2.0" in page.text
    cards = page.html.select(".fr-card--download a[download]")
    assert [a["href"] for a in cards] == [
        "http://localhost/opendata/pratiques-inspirantes.csv",
        "http://localhost/opendata/pratiques-inspirantes.json",
        "http://localhost/opendata/schema.json",
        "http://localhost/opendata/datapackage.json",
    ]
    table = page.html.select("#table-champs tbody tr")
    documented = [row.select_one("th code").text for row in table]
    assert documented == list(PUBLIC_FIELDS)
    assert "apostrophe" in page.text
    assert page.html.select_one("#codes-thematiques") is not None
    assert "Santé mentale" in page.text
    for value in PERSONAL.values():
        assert value not in page.text


def test_only_reading_is_allowed(testapp):
    testapp.post("/opendata/pratiques-inspirantes.csv", status=404)


def test_every_page_links_the_open_data_from_its_footer(testapp):
    footer = testapp.get("/").html.select_one("#pied-de-page")
    link = footer.find("a", string="Données ouvertes")
    assert link["href"] == "http://localhost/opendata"
