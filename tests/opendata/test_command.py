"""``opendata --config INI export DIR``: four files, written atomically, and a French summary."""
import json
import os

import pytest

from opendata import cli, formats
from tests.factories import make_practice

from .data import mixed_catalogue

NAMES = {"pratiques-inspirantes.csv", "pratiques-inspirantes.json", "schema.json",
         "datapackage.json"}


def test_export_writes_the_four_files_and_says_so(db, ini_file, tmp_path, capsys):
    mixed_catalogue(db)
    folder = tmp_path / "donnees"
    assert cli.main(["--config", ini_file(), "export", str(folder)]) == 0
    assert {p.name for p in folder.iterdir()} == NAMES
    out = capsys.readouterr().out
    assert f"2 pratique(s) publiée(s) exportée(s) dans {folder}" in out
    assert "pratiques-inspirantes.csv" in out and "Ko" in out
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["bytes"] == (folder / "pratiques-inspirantes.csv").stat().st_size
    assert oct((folder / "pratiques-inspirantes.csv").stat().st_mode & 0o777) == "0o644"


def test_the_exported_csv_is_the_served_one(db, ini_file, tmp_path, testapp):
    mixed_catalogue(db)
    cli.main(["--config", ini_file(), "export", str(tmp_path)])
    served = testapp.get("/opendata/pratiques-inspirantes.csv").body
    assert (tmp_path / "pratiques-inspirantes.csv").read_bytes() == served
    assert (tmp_path / "schema.json").read_bytes() == testapp.get("/opendata/schema.json").body


def test_a_failed_export_leaves_the_previous_files_untouched(db, ini_file, tmp_path, monkeypatch):
    make_practice(db)
    db.commit()
    for name in NAMES:
        (tmp_path / name).write_text(f"ancienne version de {name}", encoding="utf-8")

    def broken(self, batch):
        raise OSError("disque plein")

    monkeypatch.setattr(formats.JsonEncoder, "batch", broken)
    with pytest.raises(OSError, match="disque plein"):
        cli.main(["--config", ini_file(), "export", str(tmp_path)])
    # no temporary file left
    assert sorted(os.listdir(tmp_path)) == sorted([*NAMES, "test.ini"])
    for name in NAMES:
        assert (tmp_path / name).read_text(encoding="utf-8") == f"ancienne version de {name}"


def test_no_half_written_file_is_ever_visible(db, ini_file, tmp_path, monkeypatch):
    for _ in range(3):
        make_practice(db)
    db.commit()
    (tmp_path / "pratiques-inspirantes.csv").write_text("ancienne version", encoding="utf-8")
    seen = []
    original = formats.CsvEncoder.batch

    def watching(self, batch):
        # while rows are being written, the visible file is still the old one
        seen.append((tmp_path / "pratiques-inspirantes.csv").read_text(encoding="utf-8"))
        return original(self, batch)

    monkeypatch.setattr(formats.CsvEncoder, "batch", watching)
    monkeypatch.setattr("opendata.records.BATCH", 1)
    cli.main(["--config", ini_file(), "export", str(tmp_path)])
    assert seen == ["ancienne version"] * 3
    assert (tmp_path / "pratiques-inspirantes.csv").read_bytes().count(b"\r\n") == 4


def test_export_refuses_to_run_without_the_public_address(db, ini_file, tmp_path):
    with pytest.raises(SystemExit, match="recueil.public_url"):
        ini = ini_file(**{"recueil.public_url": ""})
        cli.main(["--config", ini, "export", str(tmp_path / "x")])
    assert not (tmp_path / "x").exists()


def test_the_console_script_is_installed():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "opendata"]
    assert script.value == "opendata.cli:main"
