"""``opendata publish``, against a local HTTP server speaking data.gouv.fr's API."""
import json

import pytest

from opendata import cli
from opendata.datagouv import API_KEY_VARIABLE

from .data import PERSONAL, mixed_catalogue

ORDER = ["ressource-schema", "ressource-csv", "ressource-json", "ressource-datapackage"]
FILENAMES = {
    "ressource-schema": ("schema.json", "application/json"),
    "ressource-csv": ("pratiques-inspirantes.csv", "text/csv"),
    "ressource-json": ("pratiques-inspirantes.json", "application/json"),
    "ressource-datapackage": ("datapackage.json", "application/json"),
}


@pytest.fixture
def publish(db, ini_file, datagouv, monkeypatch, capsys):
    """Run the command; returns (exit message or 0, stdout)."""
    mixed_catalogue(db)
    monkeypatch.setenv(API_KEY_VARIABLE, datagouv.key)

    def run(*options, **settings):
        ini = ini_file(**datagouv.settings(**settings))
        try:
            code = cli.main(["--config", ini, "publish", *options])
        except SystemExit as stop:
            code = stop.code
        return code, capsys.readouterr().out
    return run


def posts(datagouv) -> list:
    return [path for method, path, _ in datagouv.requests if method == "POST"]


def test_publish_replaces_each_resource_file(publish, datagouv, testapp):
    code, out = publish()
    assert code == 0
    assert [rid for rid, _, _ in datagouv.uploads] == ORDER
    for rid, parts, headers in datagouv.uploads:
        assert headers["X-API-KEY"] == datagouv.key
        assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert list(parts) == ["file"]
        filename, media_type, _ = parts["file"]
        assert (filename, media_type) == FILENAMES[rid]
    sent = {rid: parts["file"][2] for rid, parts, _ in datagouv.uploads}
    # the same CSV and schema as the application serves
    assert sent["ressource-csv"] == testapp.get("/opendata/pratiques-inspirantes.csv").body
    assert sent["ressource-schema"] == testapp.get("/opendata/schema.json").body
    document = json.loads(sent["ressource-json"])
    assert len(document["pratiques"]) == 2
    for content in sent.values():
        for value in PERSONAL.values():
            assert value.encode() not in content
    # on data.gouv.fr, the package points to each resource's permanent link
    package = json.loads(sent["ressource-datapackage"])
    paths = {r["name"]: r["path"] for r in package["resources"]}
    assert paths == {
        "pratiques-inspirantes-csv": "https://www.data.gouv.fr/fr/datasets/r/ressource-csv",
        "pratiques-inspirantes-json": "https://www.data.gouv.fr/fr/datasets/r/ressource-json",
    }
    assert package["resources"][0]["schema"] == "https://www.data.gouv.fr/fr/datasets/r/ressource-schema"
    assert package["resources"][0]["bytes"] == len(sent["ressource-csv"])
    assert "Clé d'API acceptée (Camille Martin)" in out
    assert "Publication terminée" in out and "liens permanents ne changent pas" in out


def test_everything_is_checked_before_the_first_upload(publish, datagouv):
    publish()
    calls = [(method, path) for method, path, _ in datagouv.requests]
    first_post = next(i for i, (method, _) in enumerate(calls) if method == "POST")
    assert calls[:first_post] == [("GET", "/api/1/me/"),
                                  ("GET", f"/api/1/datasets/{datagouv.dataset_id}/")]


def test_dry_run_checks_and_sends_nothing(publish, datagouv):
    code, out = publish("--dry-run")
    assert code == 0
    assert posts(datagouv) == []
    assert "Simulation (--dry-run) : rien n'est envoyé" in out
    assert "pratiques-inspirantes.csv → ressource ressource-csv (« Fichier csv »)" in out


def test_dry_run_works_without_a_key(publish, datagouv, monkeypatch):
    monkeypatch.delenv(API_KEY_VARIABLE)
    code, _ = publish("--dry-run")
    assert code == 0
    assert [path for _, path, _ in datagouv.requests] == [f"/api/1/datasets/{datagouv.dataset_id}/"]


def test_a_missing_key_publishes_nothing(publish, datagouv, monkeypatch):
    monkeypatch.delenv(API_KEY_VARIABLE)
    code, _ = publish()
    assert "Clé d'API absente" in code and API_KEY_VARIABLE in code
    assert datagouv.requests == []


def test_a_refused_key_is_said_clearly(publish, datagouv, monkeypatch):
    monkeypatch.setenv(API_KEY_VARIABLE, "mauvaise-cle")
    code, _ = publish()
    assert code.startswith("La clé d'API est refusée par data.gouv.fr")
    assert "HTTP 401" in code and API_KEY_VARIABLE in code and "Rien n'a été publié" in code
    assert posts(datagouv) == []


def test_a_key_without_rights_on_the_dataset_replaces_nothing(publish, datagouv):
    datagouv.forbidden = True
    code, _ = publish()
    assert "Échec de l'envoi de schema.json (clé d'API refusée (HTTP 403)" in code
    assert "Aucun fichier n'a été remplacé" in code
    assert datagouv.uploads == []


def test_an_unknown_dataset_is_said_clearly(publish, datagouv):
    code, _ = publish(**{"datagouv.dataset_id": "jeu-inconnu"})
    assert code.startswith("Le jeu de données « jeu-inconnu » est introuvable")
    assert "HTTP 404" in code and "datagouv.dataset_id" in code
    assert posts(datagouv) == []


def test_an_unknown_resource_publishes_nothing(publish, datagouv):
    code, _ = publish(**{"datagouv.resource_ids.json": "ressource-disparue"})
    assert "ressource-disparue (datagouv.resource_ids.json)" in code
    assert "Rien n'a été publié" in code
    assert posts(datagouv) == []


def test_missing_settings_are_named(publish, datagouv):
    code, _ = publish(**{"datagouv.resource_ids.schema": "", "datagouv.dataset_id": ""})
    assert "datagouv.dataset_id" in code and "datagouv.resource_ids.schema" in code
    assert datagouv.requests == []


def test_a_network_failure_publishes_nothing(publish, datagouv, closed_port):
    code, _ = publish(**{"datagouv.url": f"http://127.0.0.1:{closed_port}/api/1"})
    assert f"data.gouv.fr (http://127.0.0.1:{closed_port}/api/1) est injoignable" in code
    assert "Rien n'a été publié" in code
    assert datagouv.requests == []


def test_a_failure_midway_says_which_files_were_replaced(publish, datagouv):
    datagouv.fail["ressource-json"] = 500
    code, out = publish()
    assert [rid for rid, _, _ in datagouv.uploads] == ["ressource-schema", "ressource-csv"]
    assert code.splitlines() == [
        "Échec de l'envoi de pratiques-inspirantes.json (HTTP 500 : Erreur interne du serveur).",
        "Déjà remplacés sur data.gouv.fr : schema.json, pratiques-inspirantes.csv.",
        "Non remplacés (l'ancienne version reste en ligne) : pratiques-inspirantes.json, "
        "datapackage.json.",
        "Relancez la publication une fois le problème réglé : elle remplace les quatre fichiers.",
    ]
    assert "Remplacé : pratiques-inspirantes.csv → ressource ressource-csv" in out


def test_a_connection_dropped_midway_is_reported_too(publish, datagouv):
    datagouv.fail["ressource-csv"] = 0
    code, _ = publish()
    assert code.startswith(
        "Échec de l'envoi de pratiques-inspirantes.csv (data.gouv.fr injoignable")
    assert "Déjà remplacés sur data.gouv.fr : schema.json." in code
    assert ("Non remplacés (l'ancienne version reste en ligne) : pratiques-inspirantes.csv, "
            "pratiques-inspirantes.json, datapackage.json.") in code
