"""The four files as `write_files` produces them: columns, validity, content, round trips."""
import csv
import datetime as dt
import io
import json

import pytest
from frictionless import Resource, Schema, validate

from opendata import metadata
from opendata.export import write_files
from opendata.formats import csv_cells
from recueil.models import PERSONAL_FIELDS, PUBLIC_FIELDS, Practice
from recueil.models.columns import COLUMNS
from recueil.search.documents import public_record
from tests.factories import make_practice

from .data import NEUTRALISED, PERSONAL, TRICKY, mixed_catalogue, tricky_practice

GENERATED = dt.datetime(2026, 11, 23, 9, 30)


@pytest.fixture
def export(wsgi_app, db, links, vocabularies, tmp_path):
    def run(**kw):
        return write_files(wsgi_app.registry["db_engine"], tmp_path / "export", links,
                           vocabularies, GENERATED, **kw)
    return run


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_json(path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def report_errors(report) -> list:
    return [(error.type, error.note) for task in report.tasks for error in task.errors]


def test_the_columns_are_exactly_the_public_fields_in_their_order(db, export):
    mixed_catalogue(db)
    files = export().by_key()
    with open(files["csv"].path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == list(PUBLIC_FIELDS) == list(COLUMNS)
    records = read_json(files["json"].path)["pratiques"]
    schema = read_json(files["schema"].path)
    # a column outside the list, anywhere, fails here
    # then the list of the practice's essaimages, which the CSV counts only
    assert all(list(record) == [*PUBLIC_FIELDS, "essaimages"] for record in records)
    assert [field["name"] for field in schema["fields"]] == list(PUBLIC_FIELDS)
    assert not set(header) & set(PERSONAL_FIELDS)


def test_no_personal_data_reaches_any_file(db, export):
    mixed_catalogue(db)
    for written in export().files:
        text = written.path.read_text(encoding="utf-8")
        for value in PERSONAL.values():
            assert value not in text, (written.kind.filename, value)


def test_the_csv_validates_against_its_schema_and_the_package_validates(db, export):
    mixed_catalogue(db)
    # the longest title, neutralised: one character more than the column holds
    make_practice(db, intitule="=" + "x" * 99, lieu=None, source=None, budget_annuel=None)
    db.commit()
    files = export().by_key()
    folder = files["csv"].path.parent

    schema = Schema.from_descriptor(read_json(files["schema"].path))
    assert report_errors(Schema.validate_descriptor(read_json(files["schema"].path))) == []
    resource = Resource(path=files["csv"].path.name, basepath=str(folder), schema=schema)
    report = validate(resource)
    assert report.valid, report_errors(report)
    assert report.tasks[0].stats["rows"] == 3

    package = validate(str(files["datapackage"].path))
    assert package.valid, report_errors(package)


def test_the_schema_says_what_schema_data_gouv_fr_asks_for(db, export, vocabularies, links):
    schema = read_json(export().by_key()["schema"].path)
    for key in ("name", "title", "description", "homepage", "version", "contributors", "licenses",
                "fields", "primaryKey"):
        assert schema[key], key
    assert schema["version"] == metadata.SCHEMA_VERSION
    assert schema["licenses"] == [metadata.LICENCE] and metadata.LICENCE["name"] == "etalab-2.0"
    assert schema["homepage"] == links.page
    fields = {f["name"]: f for f in schema["fields"]}
    for field in fields.values():
        assert {"title", "description", "type", "format", "constraints", "example"} <= set(field)
    assert fields["echelle"]["constraints"]["enum"] == vocabularies.codes("echelle")
    assert "aemo" in fields["types_intervention"]["constraints"]["pattern"]
    assert len(vocabularies.codes("departements")) == 101
    assert "2A" in fields["departements"]["constraints"]["pattern"]
    assert fields["coup_de_coeur"]["trueValues"] == ["true"]
    assert fields["date_publication"]["format"] == "%Y-%m-%d"
    assert "apostrophe" in fields["intitule"]["description"]
    assert "apostrophe" in schema["description"]


def test_a_bad_cell_is_refused_by_the_schema(db, export, tmp_path):
    tricky_practice(db)
    db.commit()
    files = export().by_key()
    text = files["csv"].path.read_text(encoding="utf-8")
    bad = text.replace("sante-mentale|education", "sante-mentale|inconnue").replace(
        ",2019-09-01,", ",01/09/2019,")
    path = files["csv"].path.with_name("mauvais.csv")
    path.write_text(bad, encoding="utf-8")
    report = validate(Resource(path=path.name, basepath=str(path.parent),
                               schema=Schema.from_descriptor(read_json(files["schema"].path))))
    assert not report.valid
    assert {error for error, _ in report_errors(report)} == {"constraint-error", "type-error"}


def test_only_published_practices_are_exported(db, export):
    published = mixed_catalogue(db)
    export_ = export()
    files = export_.by_key()
    expected = {str(p.id) for p in published}
    assert export_.count == 2
    assert {row["id"] for row in read_csv(files["csv"].path)} == expected
    document = read_json(files["json"].path)
    assert {record["id"] for record in document["pratiques"]} == expected
    assert document["nombre_pratiques"] == 2
    assert "Jamais publiée" not in files["csv"].path.read_text(encoding="utf-8")


def test_formula_like_text_is_neutralised_in_the_csv_and_raw_in_the_json(db, export):
    practice = tricky_practice(db)
    db.commit()
    files = export().by_key()
    (row,) = read_csv(files["csv"].path)
    for name, value in TRICKY.items():
        assert row[name] == NEUTRALISED.get(name, value), name
    # the accents, emoji, quotes and line breaks come back intact
    assert row["description"] == TRICKY["description"]
    (record,) = read_json(files["json"].path)["pratiques"]
    for name, value in TRICKY.items():
        assert record[name] == value, name
    assert record["id"] == str(practice.id)


def test_csv_cells_dates_booleans_and_codes(db, export, links):
    practice = tricky_practice(db, date_publication=dt.date(2025, 2, 3))
    plain = make_practice(db, regions=[], departements=[], budget_annuel=None)
    db.commit()
    rows = {row["id"]: row for row in read_csv(export().by_key()["csv"].path)}
    row = rows[str(practice.id)]
    assert row["date_mise_en_oeuvre"] == "2019-09-01"
    assert row["date_publication"] == "2025-02-03"
    assert row["coup_de_coeur"] == "true"
    assert rows[str(plain.id)]["coup_de_coeur"] == "false"
    # codes in the practice's own order, joined by |
    assert row["thematiques"] == "sante-mentale|education"
    assert row["departements"] == "2A|974"
    assert row["budget_annuel"] == "45000" and row["nombre_beneficiaires"] == "0"
    assert rows[str(plain.id)]["budget_annuel"] == "" and rows[str(plain.id)]["regions"] == ""
    assert row["url"] == links.practice(practice.id) == f"http://localhost/pratiques/{practice.id}"


def test_the_csv_agrees_with_public_record(db, export, links):
    """The fast CSV path gives the cells of the one mapping, documents.public_record."""
    practices = [tricky_practice(db), make_practice(db, source="ONPE", lieu="Lyon")]
    db.commit()
    with open(export().by_key()["csv"].path, encoding="utf-8", newline="") as fh:
        rows = {row[0]: row for row in list(csv.reader(fh))[1:]}
    for practice in practices:
        fresh = db.get(Practice, practice.id)
        expected = csv_cells(public_record(fresh, links.practice(fresh.id)))
        assert rows[str(practice.id)] == expected


def test_the_json_names_its_schema_version_and_date_and_labels_each_code(db, export, links):
    tricky_practice(db)
    db.commit()
    document = read_json(export().by_key()["json"].path)
    assert document["version_schema"] == metadata.SCHEMA_VERSION
    assert document["date_generation"] == "2026-11-23T09:30:00Z"
    assert document["schema"] == links.schema
    assert document["licence"]["name"] == "etalab-2.0"
    (record,) = document["pratiques"]
    assert record["thematiques"] == [
        {"code": "sante-mentale", "libelle": "Santé mentale"},
        {"code": "education", "libelle": "Éducation"},
    ]
    assert record["departements"][0] == {"code": "2A", "libelle": "Corse-du-Sud"}
    assert record["echelle"] == {"code": "departementale", "libelle": "Départementale"}
    assert record["coup_de_coeur"] is True and record["budget_annuel"] == 45000
    assert record["date_mise_en_oeuvre"] == "2019-09-01"


def test_an_empty_catalogue_gives_valid_empty_files(db, export):
    files = export().by_key()
    assert read_csv(files["csv"].path) == []
    assert read_json(files["json"].path)["pratiques"] == []
    assert validate(str(files["datapackage"].path)).valid


def test_practices_are_read_by_batches(db, export, monkeypatch):
    import opendata.records

    for _ in range(5):
        make_practice(db)
    db.commit()
    seen = []
    original = opendata.records._codes

    def spy(connection, ids):
        seen.append(len(ids))
        return original(connection, ids)

    monkeypatch.setattr(opendata.records, "_codes", spy)
    result = export(batch_size=2)
    assert seen == [2, 2, 1]
    assert result.count == 5
    rows = read_csv(result.by_key()["csv"].path)
    assert [row["date_publication"] for row in rows] == sorted(r["date_publication"] for r in rows)
    assert all(row["thematiques"] == "education" for row in rows)


def test_the_datapackage_describes_both_files_with_size_and_hash(db, export):
    mixed_catalogue(db)
    files = export().by_key()
    package = read_json(files["datapackage"].path)
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == {metadata.CSV.filename, metadata.JSON.filename}
    csv_resource = resources[metadata.CSV.filename]
    assert csv_resource["schema"] == "schema.json"
    assert csv_resource["bytes"] == files["csv"].path.stat().st_size
    assert csv_resource["hash"] == "sha256:" + files["csv"].sha256
    assert package["licenses"][0]["name"] == "etalab-2.0"


def test_the_csv_is_written_as_the_csv_module_writes_it(db, export):
    """The hand-written quoting (formats.quote) gives csv.writer's bytes, RFC 4180."""
    tricky_practice(db)
    tricky_practice(db, intitule='Des "guillemets" seulement', nom_entite="Une, virgule",
                    lieu="Fin de ligne\n", objectifs=" espace au début", moyens="",
                    source="x\r")
    make_practice(db)
    db.commit()
    raw = export().by_key()["csv"].path.read_bytes()
    with io.StringIO(raw.decode("utf-8"), newline="") as text:
        parsed = list(csv.reader(text))
    rewritten = io.StringIO(newline="")
    csv.writer(rewritten, lineterminator="\r\n").writerows(parsed)
    assert rewritten.getvalue().encode("utf-8") == raw
    assert len(parsed) == 4 and all(len(row) == len(COLUMNS) for row in parsed)
