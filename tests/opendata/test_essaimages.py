"""The open-data files carry how far each practice spread: `nombre_essaimages` in the CSV,
the JSON and the Table Schema, and in the JSON the list of the published accounts
(structure, département, date), never their authors' addresses."""
import csv
import datetime as dt
import io

from frictionless import Resource, Schema, validate

from recueil.models import Essaimage
from recueil.models.columns import COLUMNS, DOCUMENTATION
from tests.factories import make_practice

AUTHOR = "equipe.secrete@departement-lot.example.fr"


def add_accounts(db, practice, *accounts):
    for structure, departement, status, decided_at in accounts:
        db.add(Essaimage(practice_id=practice.id, structure=structure, departement=departement,
                         recit=f"Le récit secret de {structure}.", courriel=AUTHOR,
                         status=status, created_at=dt.datetime(2026, 1, 1),
                         decided_at=decided_at, decided_by="moderatrice@fep.example.fr"))


def spread_catalogue(db):
    taken = make_practice(db, intitule="Le lien avec l'école", nombre_essaimages=2)
    never = make_practice(db, intitule="Le café des parents")
    add_accounts(db, taken,
                 # published at 23:30 UTC on 31 May: already 1 June in France
                 ("Association girondine", "33", "publie", dt.datetime(2026, 5, 31, 23, 30)),
                 ("Service ASE du Lot", "46", "publie", dt.datetime(2026, 3, 2, 10, 0)),
                 ("Cabinet privé", "75", "refuse", dt.datetime(2026, 3, 3, 10, 0)),
                 ("Une équipe en attente", "2A", "a_moderer", None))
    db.commit()
    return taken, never


def test_the_column_is_documented_in_french(testapp):
    column = DOCUMENTATION["nombre_essaimages"]
    assert "nombre_essaimages" in COLUMNS
    schema = testapp.get("/opendata/schema.json").json
    field = next(f for f in schema["fields"] if f["name"] == "nombre_essaimages")
    assert field["type"] == "integer" and field["constraints"] == {"required": True, "minimum": 0}
    assert field["title"] == "Nombre d'essaimages" == column.title
    assert field["description"].startswith("Nombre d'équipes qui ont fait savoir")
    assert "structure, département, date" in field["description"]
    package = testapp.get("/opendata/datapackage.json").json
    json_resource = next(r for r in package["resources"] if r["format"] == "json")
    assert "« essaimages »" in json_resource["description"]


def test_the_csv_counts_and_validates(testapp, db):
    taken, never = spread_catalogue(db)
    body = testapp.get("/opendata/pratiques-inspirantes.csv").text
    rows = {row["intitule"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["Le lien avec l'école"]["nombre_essaimages"] == "2"
    assert rows["Le café des parents"]["nombre_essaimages"] == "0"
    assert AUTHOR not in body and "récit secret" not in body
    schema = Schema.from_descriptor(testapp.get("/opendata/schema.json").json)
    report = validate(Resource(data=body.encode(), format="csv", schema=schema))
    assert report.valid, [(e.type, e.note) for t in report.tasks for e in t.errors]


def test_the_json_lists_the_published_accounts_without_addresses(testapp, db):
    spread_catalogue(db)
    answer = testapp.get("/opendata/pratiques-inspirantes.json")
    records = {r["intitule"]: r for r in answer.json["pratiques"]}
    taken = records["Le lien avec l'école"]
    assert taken["nombre_essaimages"] == 2
    assert taken["essaimages"] == [
        {"structure": "Service ASE du Lot",
         "departement": {"code": "46", "libelle": "Lot"}, "date": "2026-03-02"},
        {"structure": "Association girondine",
         "departement": {"code": "33", "libelle": "Gironde"}, "date": "2026-06-01"},
    ]
    assert records["Le café des parents"]["essaimages"] == []
    for secret in (AUTHOR, "récit secret", "Cabinet privé", "Une équipe en attente"):
        assert secret not in answer.text, secret


def test_a_published_account_changes_the_files_validators(testapp, db):
    taken, _ = spread_catalogue(db)
    before = testapp.get("/opendata/pratiques-inspirantes.csv").headers["ETag"]
    practice = db.get(type(taken), taken.id)
    practice.nombre_essaimages = 3  # what publishing a third account does
    db.commit()
    after = testapp.get("/opendata/pratiques-inspirantes.csv", headers={"If-None-Match": before})
    assert after.status_int == 200 and after.headers["ETag"] != before
