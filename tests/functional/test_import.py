"""Import of the départements' initiatives and migration of published practices (spec §5):
the command, the administration page, the report, and what becomes of the practices."""
import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
import webtest

from opendata import cli as opendata_cli
from recueil.models import ImportBatch, Practice, ReferenceCounter, Transition, User
from recueil.scripts.cli import main as cli
from recueil.services.passwords import hash_password

from ..conftest import _clean
from ..factories import make_practice
from .test_personal_data import run_purge

PASSWORD = "une phrase de passe d'administration"
ADMIN = "admin@fep.example.fr"
MODERATOR = "moderatrice@fep.example.fr"
SOURCE = "Départements de France"
#: The columns in an order of their own: the file's order does not matter.
HEADER = [
    "source_id", "intitule", "echelle", "departements", "regions", "lieu", "nom_entite",
    "description", "date_mise_en_oeuvre", "types_intervention", "types_intervention_autre",
    "thematiques", "thematiques_autre", "publics", "publics_autre", "relais", "relais_autre",
    "objectifs", "moyens", "bilan", "budget_annuel", "nombre_beneficiaires", "niveau",
    "contact_nom", "contact_courriel", "accord_courriel",
    # assigned by the platform: present but empty
    "id", "reference", "url", "date_publication", "source", "coup_de_coeur",
]
TERRITORIES = (
    {"echelle": "nationale"},
    {"echelle": "regionale", "regions": "84|93"},
    {"echelle": "departementale", "departements": "69|2A"},
    {"echelle": "locale", "departements": "974", "lieu": "Saint-Denis"},
)


def initiative(n: int, **changes) -> dict:
    """A valid row of a partner's file."""
    row = {
        "source_id": f"CD-{n:03d}",
        "intitule": f"Initiative départementale n° {n}",
        "nom_entite": "Département du Rhône",
        "description": "Un accompagnement des familles « au plus près », le soir et l'été ; "
                       "avec l'école, la PMI et les centres sociaux.",
        "date_mise_en_oeuvre": "2021-09-01",
        "types_intervention": "aemo|autre",
        "types_intervention_autre": "Visites à domicile",
        "thematiques": "education|sante-mentale",
        "publics": "parents|enfants",
        "relais": "departement",
        "objectifs": "Prévenir les placements.",
        "moyens": "Deux éducatrices, 45 000 euros par an.",
        "bilan": "120 familles accompagnées ; 80 % sans placement.",
        "budget_annuel": "45000",
        "nombre_beneficiaires": str(100 + n),
        "contact_nom": "Claire Martin",
        "contact_courriel": f"contact{n}@rhone.example.fr",
        "accord_courriel": "dgas@rhone.example.fr",
        **TERRITORIES[n % 4],
    }
    row.update(changes)
    return row


def csv_file(rows: list[dict], header=HEADER, separator=",", encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


#: 53 rows: 50 valid ones and 3 errors, on the file's lines 12, 28 and 45
BAD = {
    11: {"intitule": "Un intitulé beaucoup trop long " + "x" * 70},
    27: {"thematiques": "education|jardinage"},
    44: {"date_mise_en_oeuvre": "2021-02-30"},
}
ERRORS = [
    (12, "intitule", "« Intitulé de la pratique » : 100 caractères au maximum ; le texte saisi "
                     "en compte 101, raccourcissez-le."),
    (28, "thematiques", "« Thématique » : « jardinage » ne fait pas partie des valeurs proposées."),
    (45, "date_mise_en_oeuvre", "« Date de mise en œuvre » : le 2021-02-30 n'existe pas ; "
                                "vérifiez le jour et le mois."),
]


def fifty_and_three() -> bytes:
    rows = []
    for k in range(1, 54):
        rows.append(initiative(k, **BAD.get(k, {})))
    return csv_file(rows)


@pytest.fixture
def ini(ini_file, engine):
    """An .ini of the tests' database for the commands; the database is emptied afterwards."""
    yield ini_file(**{"recueil.public_url": "https://pratiques.example.fr"})
    _clean(engine)


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def practices(engine) -> list[Practice]:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        found = list(session.scalars(sa.select(Practice).order_by(Practice.source_id)))
        for practice in found:
            practice.transitions  # noqa: B018 - loaded before the session closes
        return found


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(model))


# -- the command ------------------------------------------------------------------------------

def test_one_invalid_row_and_nothing_is_imported_every_error_is_listed(ini, tmp_path, engine,
                                                                       capsys):
    path = write(tmp_path, "initiatives-2026.csv", fifty_and_three())
    with pytest.raises(SystemExit) as refused:
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert "Rien n'a été importé : le fichier contient 3 erreur(s)" in str(refused.value)
    assert "--valides-seulement" in str(refused.value)
    assert "Encodage UTF-8, séparateur « , » (virgule) ; 53 ligne(s) de données" in out
    for line, column, message in ERRORS:
        assert f"  ligne {line}, colonne « {column} » : {message}" in out
    assert "Lignes valides : 50 (50 à créer, 0 à mettre à jour, 0 inchangée(s))." in out
    assert count(engine, Practice) == 0
    # the attempt is on record, with its file and report
    with engine.connect() as connection:
        batch = connection.execute(sa.select(ImportBatch)).one()
    assert (batch.status, batch.filename, batch.source, batch.created) == (
        "refuse", "initiatives-2026.csv", SOURCE, 0)
    assert len(batch.report["erreurs"]) == 3 and batch.content == fifty_and_three()


def test_the_valid_rows_only_then_again_creates_nothing_new(ini, tmp_path, engine, capsys):
    path = write(tmp_path, "initiatives.csv", fifty_and_three())
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--valides-seulement"]) == 0
    out, err = capsys.readouterr()
    assert ("Import terminé : 50 pratique(s) créée(s), 0 mise(s) à jour, 0 inchangée(s) ; "
            "3 ligne(s) en erreur laissée(s) de côté. Les pratiques créées attendent la "
            "modération (état « Soumise »).") in out
    assert "50/50 (100 %)" in err  # the progress bar
    imported = practices(engine)
    assert len(imported) == 50
    assert {p.status for p in imported} == {"soumise"}
    assert {p.source for p in imported} == {SOURCE}
    assert not {"CD-011", "CD-027", "CD-044"} & {p.source_id for p in imported}
    first = next(p for p in imported if p.source_id == "CD-001")
    assert first.reference.startswith("PI-") and first.submitted_at is not None
    assert (first.echelle, first.departements, first.regions, first.lieu) == (
        "regionale", [], ["84", "93"], None)
    assert first.types_intervention == ["aemo", "autre"]
    assert first.types_intervention_autre == "Visites à domicile"
    assert first.contact_courriel == "contact1@rhone.example.fr"
    # the holder follows it: moderation's requests for complements are sent to them
    assert first.declarant_courriel == "contact1@rhone.example.fr"
    departemental = next(p for p in imported if p.source_id == "CD-002")
    # the régions of the départements are derived, as the form does
    assert departemental.departements == ["69", "2A"] and departemental.regions == ["84", "94"]
    (step,) = first.transitions
    assert (step.from_status, step.to_status, step.actor) == ("brouillon", "soumise",
                                                              "ligne de commande")
    assert step.comment == (f"Importée depuis « initiatives.csv » (source : {SOURCE}, "
                            "identifiant CD-001)")

    # the same file again: nothing new, nothing changed
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--valides-seulement",
                "--silencieux"]) == 0
    out = capsys.readouterr().out
    assert "Import terminé : 0 pratique(s) créée(s), 0 mise(s) à jour, 50 inchangée(s)" in out
    assert count(engine, Practice) == 50

    # the partner corrected its file: the three rows are created, one row is updated
    rows = [initiative(k) for k in range(1, 54)]
    rows[0]["bilan"] = "130 familles accompagnées en 2025."
    path = write(tmp_path, "initiatives-corrige.csv", csv_file(rows))
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"]) == 0
    out = capsys.readouterr().out
    assert "Lignes valides : 53 (3 à créer, 1 à mettre à jour, 49 inchangée(s))." in out
    assert "Import terminé : 3 pratique(s) créée(s), 1 mise(s) à jour, 49 inchangée(s)" in out
    updated = next(p for p in practices(engine) if p.source_id == "CD-001")
    assert updated.bilan == "130 familles accompagnées en 2025."
    assert updated.reference == first.reference
    assert updated.transitions[-1].comment == (
        "Mise à jour par l'import de « initiatives-corrige.csv » : bilan.")
    assert count(engine, Practice) == 53
    with engine.connect() as connection:
        outcomes = connection.execute(
            sa.select(ImportBatch.status, ImportBatch.created, ImportBatch.updated,
                      ImportBatch.unchanged, ImportBatch.skipped, ImportBatch.valides_seulement)
            .order_by(ImportBatch.id)).all()
    assert outcomes == [("importe", 50, 0, 0, 3, True), ("importe", 0, 0, 50, 3, True),
                        ("importe", 3, 1, 49, 0, False)]


def test_a_practice_past_moderation_is_not_changed_by_a_new_import(ini, tmp_path, engine,
                                                                   wsgi_app, capsys):
    with wsgi_app.registry["dbsession_factory"]() as session:
        make_practice(session, status="recevable", source=SOURCE,
                      source_id="CD-001").reference = "PI-2025-0001"
        session.commit()
    path = write(tmp_path, "a.csv", csv_file([initiative(1), initiative(2)]))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 2 : La pratique PI-2025-0001 issue de cette ligne est déjà « Recevable » : "
            "un import ne la modifie plus") in out
    assert count(engine, Practice) == 1


def test_dry_run_checks_and_writes_nothing(ini, tmp_path, engine, capsys):
    path = write(tmp_path, "a.csv", csv_file([initiative(k) for k in range(1, 5)]))
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--dry-run",
                "--silencieux"]) == 0
    out = capsys.readouterr().out
    assert "Lignes valides : 4 (4 à créer, 0 à mettre à jour, 0 inchangée(s))." in out
    assert "Simulation (--dry-run) : rien n'est importé." in out
    assert count(engine, Practice) == 0 and count(engine, ImportBatch) == 0


def test_rows_need_a_source_and_the_partners_identifier(ini, tmp_path, engine, capsys):
    rows = [initiative(1), initiative(2, source_id=""), initiative(3, source_id="CD-001")]
    path = write(tmp_path, "a.csv", csv_file(rows))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--silencieux"])
    out = capsys.readouterr().out
    assert "ligne 2, colonne « source » : « source » : indiquez d'où vient la pratique" in out
    assert "ligne 3, colonne « source_id » : « source_id » est obligatoire" in out

    path = write(tmp_path, "b.csv", csv_file(rows))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 4, colonne « source_id » : « source_id » : la ligne 2 a déjà la même source "
            "et le même source_id ; une pratique ne figure qu'une fois dans le fichier.") in out
    assert count(engine, Practice) == 0


def test_header_problems_are_reported_on_line_one(ini, tmp_path, engine, capsys):
    header = [name for name in HEADER if name != "nom_entite"] + ["thematique", "remarque"]
    rows = [dict(initiative(1), thematique="x", remarque="interne")]
    path = write(tmp_path, "a.csv", csv_file(rows, header=header))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 1, colonne « nom_entite » : « nom_entite » : cette colonne obligatoire manque "
            "dans l'en-tête.") in out
    assert ("ligne 1, colonne « thematique » : Colonne inconnue « thematique » : elle ne serait "
            "pas importée. Vouliez-vous dire « thematiques » ?") in out
    assert "ligne 1, colonne « remarque » : Colonne inconnue « remarque »" in out
    assert "ligne 2" not in out  # the missing column is said once, not on every line

    header = [name for name in HEADER if name != "source_id"]
    path = write(tmp_path, "b.csv", csv_file([initiative(1), initiative(2)], header=header))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert ("  ligne 1, colonne « source_id » : « source_id » est obligatoire : l'identifiant de "
            "la pratique chez la source permet à un nouvel import de la mettre à jour") in out
    assert "ligne 2" not in out and "lignes en erreur : 2" in out


def test_cells_the_form_would_not_ask_are_refused_not_lost(ini, tmp_path, capsys):
    rows = [
        initiative(4, lieu="Lyon"),  # nationale
        initiative(5, departements="69"),  # régionale
        initiative(6, regions="11"),  # départementale in 69 and 2A: not Île-de-France
        initiative(7, types_intervention="aemo"),  # a precision without « autre »
        initiative(10, regions="84|94"),  # départementale: its own régions, as exported
    ]
    path = write(tmp_path, "a.csv", csv_file(rows))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    out = capsys.readouterr().out
    assert "ligne 2, colonne « lieu » : « lieu » : une action à l'échelle « nationale »" in out
    assert "ligne 3, colonne « departements » : « departements » : une action à l'échelle " \
           "« regionale » n'a pas de departements" in out
    assert ("ligne 4, colonne « regions » : « regions » : les régions d'une action "
            "départementale sont celles de ses départements (84, 94)") in out
    assert ("ligne 5, colonne « types_intervention_autre » : « types_intervention_autre » : "
            "cette précision ne vaut que si « autre » figure dans types_intervention") in out
    assert "ligne 6" not in out
    assert "Lignes valides : 1 " in out


@pytest.mark.parametrize("encoding, separator, bom, said", [
    ("utf-8", ";", True, "Encodage UTF-8 avec BOM, séparateur « ; » (point-virgule)"),
    ("cp1252", ";", False, "Encodage Windows-1252, séparateur « ; » (point-virgule)"),
    ("cp1252", ",", False, "Encodage Windows-1252, séparateur « , » (virgule)"),
    ("utf-8", ",", False, "Encodage UTF-8, séparateur « , » (virgule)"),
])
def test_encodings_and_separators_of_real_files(ini, tmp_path, engine, capsys, encoding,
                                                separator, bom, said):
    rows = [initiative(1, intitule="Éducation à l'égalité filles-garçons, « dès l'école »",
                       lieu="", nom_entite="Conseil départemental de l'Hérault ; DEF")]
    data = csv_file(rows, separator=separator, encoding=encoding)
    path = write(tmp_path, "a.csv", (b"\xef\xbb\xbf" if bom else b"") + data)
    assert cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"]) == 0
    assert said in capsys.readouterr().out
    (practice,) = practices(engine)
    assert practice.intitule == "Éducation à l'égalité filles-garçons, « dès l'école »"
    assert practice.nom_entite == "Conseil départemental de l'Hérault ; DEF"
    assert practice.types_intervention_autre == "Visites à domicile"


@pytest.mark.parametrize("data, said", [
    (b"", "Le fichier est vide : il ne contient aucune ligne."),
    ("intitule;echelle\nA;nationale\n".encode("utf-16"), "Le fichier est encodé en UTF-16"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "Le fichier n'est pas un CSV mais un classeur"),
    (b"intitule\tnom_entite\tdescription\nA\tB\tC\n", "Le fichier est séparé par des tabulations"),
    ("Parrainage de proximité,Association,Une description\n".encode(),
     "La première ligne ne nomme aucune colonne connue"),
    (b"intitule,nom_entite\n", "Le fichier ne contient que sa ligne d'en-tête"),
    (b"intitule,intitule\nA,B\n",
     "L'en-tête nomme deux fois la même colonne : « intitule »"),
])
def test_unreadable_files_are_refused_clearly(ini, tmp_path, engine, capsys, data, said):
    path = write(tmp_path, "a.csv", data)
    with pytest.raises(SystemExit) as refused:
        cli(["--config", ini, "import", path, "--source", SOURCE, "--silencieux"])
    assert str(refused.value) == "Rien n'a été importé : le fichier est refusé."
    assert f"Fichier refusé : {said}" in capsys.readouterr().out
    assert count(engine, Practice) == 0


def test_the_command_is_installed_and_refuses_a_missing_file(ini, tmp_path):
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "recueil"]
    assert script.value == "recueil.scripts.cli:main"
    with pytest.raises(SystemExit, match="Impossible de lire"):
        cli(["--config", ini, "import", str(tmp_path / "absent.csv")])


# -- migration: published directly, identifiers kept -----------------------------------------

def published_catalogue(session):
    """Published practices as varied as the open data gets, each valid for the form."""
    catalogue = [
        make_practice(session, intitule="=SUM(A1) : un intitulé qui ressemble à une formule",
                      nom_entite="+33 : une entité au nom étrange",
                      description='Sur deux lignes,\navec des "guillemets", des « chevrons » '
                                  "et une virgule.",
                      echelle="departementale", departements=["2A", "974"], regions=["04", "94"],
                      types_intervention=["aemo", "autre"], types_intervention_autre="Parrainage",
                      thematiques=["sante-mentale", "education"], publics=["adolescents", "mna"],
                      relais="autre", relais_autre="Une fondation", budget_annuel=45000,
                      nombre_beneficiaires=0, coup_de_coeur=True,
                      date_mise_en_oeuvre=dt.date(2019, 9, 1)),
        make_practice(session, echelle="locale", departements=["69"], regions=["84"],
                      lieu="Villeurbanne", thematiques=["autre"], thematiques_autre="Sport",
                      publics=["tous-publics", "autre"], publics_autre="Grands-parents"),
        make_practice(session, echelle="regionale", regions=["11", "28"], source="ONPE"),
        make_practice(session),
        # an ONPE fiche in full: its sections and follow-up are columns of the open data
        make_practice(session, niveau=2, declarant_courriel=None,
                      contact_courriel=None, accord_courriel=None, bilan=None,
                      echelle="departementale", departements=["59"], regions=["32"],
                      cles_reussite="-10 % de placements : un partenariat solide avec l'école.",
                      resultats_attendus="Moins de placements en urgence,\net plus courts.",
                      difficultes='Le "turn-over" des équipes.',
                      evaluation_references="Évaluation externe de 2022.",
                      co_auteurs="CNAPE\nDépartement du Nord",
                      date_revision=dt.date(2023, 6, 30)),
    ]
    catalogue[-1].reference = "FD-2024-0003"
    session.flush()
    return catalogue


def test_export_then_import_as_published_gives_the_same_open_data(ini, tmp_path, engine,
                                                                  wsgi_app, capsys, testapp):
    with wsgi_app.registry["dbsession_factory"]() as session:
        published = published_catalogue(session)
        make_practice(session, status="soumise", intitule="Pas encore publiée")
        session.commit()
        ids = [p.id for p in published]
    assert opendata_cli.main(["--config", ini, "export", str(tmp_path / "avant")]) == 0
    exported = (tmp_path / "avant" / "pratiques-inspirantes.csv").read_bytes()
    _clean(engine)

    csv_path = str(tmp_path / "avant" / "pratiques-inspirantes.csv")
    assert cli(["--config", ini, "import", csv_path, "--publier", "--silencieux"]) == 0
    out = capsys.readouterr().out
    assert ("Import terminé : 5 pratique(s) créée(s), 0 mise(s) à jour, 0 inchangée(s). "
            "Les pratiques créées sont publiées.") in out
    assert opendata_cli.main(["--config", ini, "export", str(tmp_path / "apres")]) == 0
    again = (tmp_path / "apres" / "pratiques-inspirantes.csv").read_bytes()
    assert again.decode().splitlines() == exported.decode().splitlines()
    assert again == exported
    assert "cles_reussite" in exported.decode().splitlines()[0]
    assert '"-10 % de placements' not in exported.decode()  # neutralised, then read back
    fiche = {p.niveau: p for p in practices(engine)}[2]
    assert (fiche.cles_reussite, fiche.co_auteurs_list, fiche.date_revision) == (
        "-10 % de placements : un partenariat solide avec l'école.",
        ["CNAPE", "Département du Nord"], dt.date(2023, 6, 30))

    # online at their old addresses, with their history saying how they came
    for practice_id in ids:
        testapp.get(f"/pratiques/{practice_id}", status=200)
    assert testapp.get("/api/pratiques").json["total"] == 5
    migrated = {p.id: p for p in practices(engine)}
    (step,) = migrated[ids[0]].transitions
    assert (step.from_status, step.to_status) == ("brouillon", "publiee")
    assert step.comment == "Importée comme déjà publiée depuis « pratiques-inspirantes.csv »"
    assert migrated[ids[2]].transitions[0].comment.endswith("(source : ONPE)")

    # the counter of references moved past the numbers kept: no reference is given twice
    numbers = [int(p.reference.rsplit("-", 1)[1]) for p in migrated.values() if p.niveau == 1]
    with engine.connect() as connection:
        last = connection.scalar(sa.select(ReferenceCounter.last).where(
            ReferenceCounter.year == 2024, ReferenceCounter.prefix == "PI"))
    assert last == max(numbers)

    # the same file again: nothing new
    assert cli(["--config", ini, "import", csv_path, "--publier", "--silencieux"]) == 0
    assert ("Import terminé : 0 pratique(s) créée(s), 0 mise(s) à jour, 5 inchangée(s)"
            in capsys.readouterr().out)
    assert count(engine, Practice) == 5


def test_a_migration_refuses_identifiers_that_belong_to_others(ini, tmp_path, engine, wsgi_app,
                                                               capsys):
    with wsgi_app.registry["dbsession_factory"]() as session:
        other = make_practice(session, status="soumise")
        other.reference = "PI-2023-0007"
        session.commit()
    rows = [
        initiative(1, reference="PI-2023-0007", date_publication="2023-05-02"),
        initiative(2, id="pas-un-uuid", coup_de_coeur="oui"),
        initiative(3, id=str(other.id), source_id=""),
        initiative(5, reference="FD-2023-0001"),
    ]
    path = write(tmp_path, "a.csv", csv_file(rows))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", "ONPE", "--publier", "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 2, colonne « reference » : « reference » : PI-2023-0007 est déjà la "
            "référence d'une autre pratique.") in out
    assert "ligne 3, colonne « id » : « Identifiant » : « pas-un-uuid » n'est pas un " \
           "identifiant UUID" in out
    assert ("ligne 3, colonne « coup_de_coeur » : « Coup de cœur » : écrivez true ou false "
            "(la cellule contient « oui »).") in out
    assert ("ligne 4 : La pratique PI-2023-0007 est « Soumise » : un import ne la republie "
            "pas") in out
    assert ("ligne 5, colonne « reference » : « Référence » : une pratique inspirante a une "
            "référence PI-AAAA-NNNN") in out
    assert count(engine, Practice) == 1


FICHE_HEADER = HEADER + ["cles_reussite", "resultats_attendus", "difficultes", "co_auteurs",
                         "date_revision"]


def fiche(n: int, **changes) -> dict:
    """A row of an ONPE fiche dispositif (level 2), as a migration file has it."""
    row = {
        "niveau": "2", "source_id": f"ONPE-{n}", "reference": f"FD-2020-{n:04d}",
        "date_publication": "2020-03-02",
        "intitule": f"Fiche dispositif n° {n} : l'accueil de jour",
        "nom_entite": "Observatoire national de la protection de l'enfance",
        "co_auteurs": "CNAPE\nDépartement du Nord",
        "description": "Un accueil de jour pour les enfants et leurs parents.",
        "date_mise_en_oeuvre": "2015-01-01", "echelle": "departementale",
        "departements": "59", "regions": "32",
        "types_intervention": "accueil-jour", "thematiques": "education",
        "publics": "enfants|parents", "relais": "departement",
        "objectifs": "Éviter les placements.", "moyens": "Une équipe pluridisciplinaire.",
        "cles_reussite": "Un partenariat solide avec l'école.",
        "resultats_attendus": "Moins de placements en urgence.",
        "date_revision": "2027-01-01",
    }
    row.update(changes)
    return row


def test_fiches_of_level_two_are_migrated_as_published(ini, tmp_path, engine, capsys, testapp):
    rows = [fiche(1), fiche(2, bilan="Un bilan", contact_courriel="x@onpe.example.fr"),
            fiche(3, niveau="3"), initiative(5, cles_reussite="Le partenariat")]
    path = write(tmp_path, "fiches.csv", csv_file(rows, header=FICHE_HEADER))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", "ONPE", "--silencieux"])
    out = capsys.readouterr().out
    assert ("ligne 2, colonne « niveau » : « niveau » : une fiche dispositif de l'ONPE "
            "(niveau 2) s'importe comme déjà publiée (option --publier") in out

    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", "ONPE", "--publier", "--silencieux"])
    out = capsys.readouterr().out
    # a fiche's co-authors are on two lines: each fiche takes two lines of the file
    assert ("ligne 4, colonne « bilan » : « bilan » : cette colonne ne s'applique pas à une "
            "fiche dispositif de l'ONPE (niveau 2) ; videz la cellule.") in out
    assert "ligne 4, colonne « contact_courriel » : « contact_courriel » : cette colonne" in out
    assert ("ligne 6, colonne « niveau » : « Niveau » : écrivez 1 (pratique inspirante) ou 2 "
            "(fiche dispositif de l'ONPE), ou laissez la cellule vide (1).\n  ligne 8") in out
    assert ("ligne 8, colonne « cles_reussite » : « cles_reussite » : cette colonne ne "
            "s'applique pas à une pratique inspirante (niveau 1) ; videz la cellule.") in out
    assert "ligne 2" not in out
    assert count(engine, Practice) == 0

    path = write(tmp_path, "fiches.csv", csv_file([fiche(1)], header=FICHE_HEADER))
    assert cli(["--config", ini, "import", path, "--source", "ONPE", "--publier",
                "--silencieux"]) == 0
    (migrated,) = practices(engine)
    assert (migrated.niveau, migrated.status, migrated.reference, migrated.date_publication) == (
        2, "publiee", "FD-2020-0001", dt.date(2020, 3, 2))
    assert (migrated.departements, migrated.regions) == (["59"], ["32"])
    assert migrated.cles_reussite == "Un partenariat solide avec l'école."
    assert migrated.co_auteurs_list == ["CNAPE", "Département du Nord"]
    assert migrated.date_revision == dt.date(2027, 1, 1) and migrated.contact_courriel is None
    (step,) = migrated.transitions
    assert (step.from_status, step.to_status) == ("brouillon", "publiee")
    assert step.comment == ("Importée comme déjà publiée depuis « fiches.csv » (source : ONPE, "
                            "identifiant ONPE-1)")
    assert "Un partenariat solide avec l'école." in testapp.get(f"/pratiques/{migrated.id}")


def test_cells_a_fiche_would_not_keep_are_refused_not_lost(ini, tmp_path, engine, capsys):
    """A fiche's row follows a practice's rule: a cell its other answers make irrelevant is
    refused, not dropped without a word."""
    rows = [
        fiche(1, thematiques_autre="Le sport"),  # a precision without « autre »
        fiche(2, echelle="regionale", regions="32", departements="59"),
        fiche(3, lieu="Lille"),  # départementale
        fiche(4, regions="32|11"),  # the Nord (59) is not in Île-de-France (11)
        fiche(5, echelle="nationale", departements="", regions=""),
    ]
    path = write(tmp_path, "fiches.csv", csv_file(rows, header=FICHE_HEADER))
    with pytest.raises(SystemExit):
        cli(["--config", ini, "import", path, "--source", "ONPE", "--publier", "--silencieux"])
    out = capsys.readouterr().out
    # a fiche's co-authors are on two lines: each fiche takes two lines of the file
    assert ("ligne 2, colonne « thematiques_autre » : « thematiques_autre » : cette précision "
            "ne vaut que si « autre » figure dans thematiques ; ajoutez-le ou videz la "
            "cellule.") in out
    assert ("ligne 4, colonne « departements » : « departements » : une action à l'échelle "
            "« regionale » n'a pas de departements ; videz la cellule ou corrigez "
            "l'échelle.") in out
    assert ("ligne 6, colonne « lieu » : « lieu » : une action à l'échelle « departementale » "
            "n'a pas de lieu") in out
    assert ("ligne 8, colonne « regions » : « regions » : les régions d'une action "
            "départementale sont celles de ses départements (32) ; videz la cellule ou "
            "corrigez les départements.") in out
    assert "ligne 10" not in out and "Lignes valides : 1 " in out
    assert count(engine, Practice) == 0


# -- the administration page ------------------------------------------------------------------

@pytest.fixture
def admin(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        for email, role in ((ADMIN, "administrateur"), (MODERATOR, "moderateur")):
            user = User(email=email, password_hash=hash_password(PASSWORD))
            user.add_role(role)
            session.add(user)
        session.commit()
    form = testapp.get("/connexion").forms["connexion"]
    form["courriel"] = ADMIN
    form["mot_de_passe"] = PASSWORD
    form.submit().follow()
    return testapp


def upload(app, data: bytes, filename="initiatives.csv", source=SOURCE, publier=False):
    form = app.get("/gestion/admin/imports").forms["import"]
    form["fichier"] = webtest.Upload(filename, data, "text/csv")
    form["source"] = source
    form["publier"] = publier
    return form.submit("deposer")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def table(page, table_id: str) -> list[list[str]]:
    return [[text(cell) for cell in row.find_all("td")]
            for row in page.html.find(id=table_id).find("tbody").find_all("tr")]


def test_upload_report_then_confirm_the_valid_rows(admin, engine):
    home = admin.get("/gestion/admin")
    assert home.html.find("a", string="Importer des pratiques")["href"].endswith(
        "/gestion/admin/imports")
    report = upload(admin, fifty_and_three()).follow()
    assert report.html.find(id="etat-import").get_text() == "En attente de confirmation"
    assert table(report, "erreurs") == [[str(line), column, message]
                                        for line, column, message in ERRORS]
    summary = text(report.html.find(id="resume"))
    assert "Encodage : UTF-8 ; séparateur : virgule." in summary
    assert "Lignes valides : 50 — 50 à créer, 0 à mettre à jour, 0 inchangée(s)" in summary
    assert "Rien n'est importé tant que le fichier contient des erreurs" in report
    assert count(engine, Practice) == 0  # nothing before the confirmation
    confirmation = report.forms["confirmation"]
    assert "toutes" not in [f.value for f in confirmation.fields.get("lignes", [])]

    done = confirmation.submit("lignes", value="valides").follow()
    assert ("Import terminé : 50 pratique(s) créée(s), 0 mise(s) à jour, 0 inchangée(s) ; "
            "3 ligne(s) en erreur laissée(s) de côté.") in done
    assert done.html.find(id="etat-import").get_text() == "Importé"
    assert "confirmation" not in done.forms
    imported = practices(engine)
    assert len(imported) == 50 and {p.status for p in imported} == {"soumise"}
    assert imported[0].transitions[0].actor == ADMIN

    # a second click on the same confirmation imports nothing twice
    again = confirmation.submit("lignes", value="valides").follow()
    assert "Cet import est déjà terminé : rien n'a été refait." in again
    assert count(engine, Practice) == 50

    # the moderators find them in their queue, by source
    moderator = webtest.TestApp(admin.app, extra_environ={"REMOTE_ADDR": "192.0.2.12"})
    form = moderator.get("/connexion").forms["connexion"]
    form["courriel"], form["mot_de_passe"] = MODERATOR, PASSWORD
    form.submit()
    queue = moderator.get("/gestion/moderation", {"source": SOURCE})
    assert "Initiative départementale n° 1" in queue

    # the same file once more: nothing to create
    report = upload(admin, fifty_and_three()).follow()
    summary = text(report.html.find(id="resume"))
    assert "— 0 à créer, 0 à mettre à jour, 50 inchangée(s)" in summary
    listing = admin.get("/gestion/admin/imports")
    assert [row[1:4] for row in table(listing, "imports")] == [
        ["initiatives.csv", ADMIN, "En attente de confirmation"],
        ["initiatives.csv", ADMIN, "Importé"],
    ]


def test_a_valid_file_is_imported_whole_and_can_be_published(admin, engine):
    rows = [initiative(k, reference=f"PI-2019-{k:04d}", date_publication="2019-06-0" + str(k),
                       coup_de_coeur="true" if k == 1 else "false") for k in range(1, 4)]
    report = upload(admin, csv_file(rows, separator=";", encoding="cp1252"),
                    source="ONPE", publier=True).follow()
    summary = text(report.html.find(id="resume"))
    assert "Encodage : Windows-1252 ; séparateur : point-virgule." in summary
    assert "publiées directement" in summary
    assert "Le fichier est valide" in report
    report.forms["confirmation"].submit("lignes", value="toutes").follow()
    imported = practices(engine)
    assert [(p.status, p.reference, p.date_publication, p.coup_de_coeur) for p in imported] == [
        ("publiee", "PI-2019-0001", dt.date(2019, 6, 1), True),
        ("publiee", "PI-2019-0002", dt.date(2019, 6, 2), False),
        ("publiee", "PI-2019-0003", dt.date(2019, 6, 3), False),
    ]
    admin.get(f"/pratiques/{imported[0].id}", status=200)


def test_an_abandoned_import_keeps_its_record_imports_nothing_and_erases_its_file(admin, engine):
    data = csv_file([initiative(1)])
    report = upload(admin, data).follow()
    done = report.forms["confirmation"].submit("abandonner").follow()
    assert "Import abandonné : rien n'a été importé, et le fichier est effacé." in done
    assert done.html.find(id="etat-import").get_text() == "Abandonné"
    # nothing will import the file now, and it holds the contact persons of a partner's
    # practices: it goes at once, as when the purge abandons an import
    erased = text(done.html.find(id="fichier-efface"))
    assert "Le fichier a été effacé le" in erased
    assert "l'import a été abandonné : rien ne l'importera plus." in erased
    assert "durée de conservation" not in erased
    assert count(engine, Practice) == 0
    assert batch_files(engine) == [("abandonne", len(data), b"")]


def batch_files(engine) -> list[tuple[str, int, bytes]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(ImportBatch.status, ImportBatch.size, ImportBatch.content)
            .order_by(ImportBatch.id))]


def test_the_purge_erases_the_files_and_keeps_the_record(admin, engine, wsgi_app, clock):
    imported_data, waiting_data = csv_file([initiative(1)]), csv_file([initiative(2)])
    imported = upload(admin, imported_data).follow()
    imported.forms["confirmation"].submit("lignes", value="toutes").follow()
    waiting = upload(admin, waiting_data).follow()  # neither confirmed nor abandoned
    summary = text(imported.html.find(id="resume"))

    clock.advance(days=183)  # a little more than six months: as long as a draft may wait
    done = run_purge(wsgi_app)
    assert (done.import_files, done.imports_abandoned) == (1, 1)
    assert batch_files(engine) == [("importe", len(imported_data), imported_data),
                                   ("abandonne", len(waiting_data), b"")]
    page = admin.get(waiting.request.path)
    assert page.html.find(id="etat-import").get_text() == "Abandonné"
    assert "confirmation" not in page.forms
    assert "Le fichier a été effacé le" in text(page.html.find(id="fichier-efface"))
    assert admin.get(imported.request.path).html.find(id="fichier-efface") is None

    clock.advance(days=183)  # a year after the import: its file goes, its report stays
    done = run_purge(wsgi_app)
    assert (done.import_files, done.imports_abandoned) == (1, 0)
    assert batch_files(engine) == [("importe", len(imported_data), b""),
                                   ("abandonne", len(waiting_data), b"")]
    page = admin.get(imported.request.path)
    assert page.html.find(id="etat-import").get_text() == "Importé"
    assert text(page.html.find(id="resume")) == summary
    assert "durée de conservation est écoulée" in text(page.html.find(id="fichier-efface"))
    assert count(engine, Practice) == 1  # what the file brought in is not touched
    assert run_purge(wsgi_app).import_files == 0


def test_a_refused_file_and_a_missing_one_say_why(admin, engine):
    report = upload(admin, "intitule;lieu\n".encode("utf-16"), filename="export.csv").follow()
    assert "Fichier refusé" in report and "encodé en UTF-16" in report
    assert "confirmation" not in report.forms
    assert report.html.find(id="etat-import").get_text() == "Refusé"

    form = admin.get("/gestion/admin/imports").forms["import"]
    form["source"] = "Départements de France"
    failed = form.submit("deposer", status=400)
    assert "« Fichier CSV » est obligatoire : choisissez le fichier à importer." in failed
    assert failed.forms["import"]["source"].value == "Départements de France"
    assert count(engine, ImportBatch) == 1


def test_both_posts_need_the_csrf_token(admin, engine):
    response = admin.post("/gestion/admin/imports",
                          upload_files=[("fichier", "a.csv", csv_file([initiative(1)]))],
                          params={"source": SOURCE}, status=400)
    assert "Formulaire expiré" in response
    assert count(engine, ImportBatch) == 0

    report = upload(admin, csv_file([initiative(1)])).follow()
    admin.post(report.request.path, {"lignes": "toutes"}, status=400)
    admin.post(report.request.path, {"lignes": "toutes", "csrf_token": "faux"}, status=400)
    assert count(engine, Practice) == 0
    with engine.connect() as connection:
        assert connection.scalar(sa.select(ImportBatch.status)) == "en_attente"


def test_only_administrators_import(admin, wsgi_app, engine):
    report = upload(admin, csv_file([initiative(1)])).follow()
    path = report.request.path
    moderator = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.13"})
    form = moderator.get("/connexion").forms["connexion"]
    form["courriel"], form["mot_de_passe"] = MODERATOR, PASSWORD
    form.submit()
    moderator.get("/gestion/admin/imports", status=403)
    moderator.get(path, status=403)
    page = moderator.get("/gestion/mot-de-passe")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    moderator.post(path, {"csrf_token": token, "lignes": "toutes"}, status=403)
    anonymous = webtest.TestApp(wsgi_app)
    assert "/connexion" in anonymous.get(path, status=302).headers["Location"]
    assert count(engine, Practice) == 0
    admin.get("/gestion/admin/imports/999999", status=404)


def test_history_of_an_update_is_shown_to_moderators(admin, engine):
    upload(admin, csv_file([initiative(1)])).follow().forms["confirmation"].submit(
        "lignes", value="toutes")
    report = upload(admin, csv_file([initiative(1, intitule="Nouvel intitulé")]),
                    filename="v2.csv").follow()
    assert "0 à créer, 1 à mettre à jour, 0 inchangée(s)" in report
    report.forms["confirmation"].submit("lignes", value="toutes")
    (practice,) = practices(engine)
    assert practice.intitule == "Nouvel intitulé"
    assert [t.comment for t in practice.transitions][-1] == (
        "Mise à jour par l'import de « v2.csv » : intitule.")
    with engine.connect() as connection:
        steps = connection.execute(sa.select(Transition.from_status, Transition.to_status)
                                   .order_by(Transition.id)).all()
    assert steps == [("brouillon", "soumise"), ("soumise", "soumise")]


def test_the_confirmation_checks_the_file_again(admin, engine, wsgi_app):
    upload(admin, csv_file([initiative(1)])).follow().forms["confirmation"].submit(
        "lignes", value="toutes")
    report = upload(admin, csv_file([initiative(1, intitule="Nouvel intitulé")])).follow()
    assert "0 à créer, 1 à mettre à jour, 0 inchangée(s)" in report
    # meanwhile a moderator declared the practice admissible: it is no longer the partner's
    with wsgi_app.registry["dbsession_factory"]() as session:
        session.execute(sa.update(Practice).values(status="recevable"))
        session.commit()
    refused = report.forms["confirmation"].submit("lignes", value="toutes", status=409)
    assert "les pratiques ont changé depuis le rapport" in refused
    assert table(refused, "erreurs")[0][2].startswith("La pratique PI-")
    (practice,) = practices(engine)
    assert practice.intitule == "Initiative départementale n° 1"
    with engine.connect() as connection:
        assert connection.scalar(sa.select(ImportBatch.status).order_by(
            ImportBatch.id.desc()).limit(1)) == "en_attente"
    # posting « every row » for a file with errors imports nothing either
    report = upload(admin, fifty_and_three()).follow()
    refused = admin.post(report.request.path, {"csrf_token": report.forms["confirmation"][
        "csrf_token"].value, "lignes": "toutes"}, status=409)
    assert "Le fichier contient des erreurs : rien n'est importé" in refused
    assert count(engine, Practice) == 1
