"""The backup and restore of the README, drilled: a filled database is saved with the tools the
README names (pg_dump and pg_restore of the Debian packages on PostgreSQL, SQLite's backup API),
restored into an empty database, and gives back every row and byte-identical open-data files."""
import datetime as dt
import glob
import hashlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from opendata.export import write_files
from opendata.links import Links
from opendata.vocabularies import Vocabularies
from recueil.models import Attachment, Practice
from recueil.models.meta import Base
from recueil.scripts.demo import create_demo

from ..conftest import _clean

GENERATED = dt.datetime(2026, 11, 23, 9, 30)
EVERY_BYTE = b"%PDF-1.4\n" + bytes(range(256)) * 4


def postgresql_tool(name: str) -> str:
    """The newest Debian PostgreSQL's `name`: pg_dump reads servers of its version and older."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda path: int(Path(path).parts[-3]))
    if not found:
        pytest.fail(f"{name} introuvable : « make test » installe le paquet Debian postgresql.")
    return found[-1]


def libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """The URI and environment that pg_dump and pg_restore take for a SQLAlchemy URL."""
    environ = dict(os.environ)
    if url.password:
        environ["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environ


def first_practice(session: Session) -> Practice:
    return session.scalars(sa.select(Practice).order_by(Practice.source_id).limit(1)).one()


def attachment() -> Attachment:
    return Attachment(filename="bilan.pdf", media_type="application/pdf", size=len(EVERY_BYTE),
                      sha256=hashlib.sha256(EVERY_BYTE).hexdigest(), content=EVERY_BYTE)


@pytest.fixture
def filled(wsgi_app, engine):
    """The demonstration data, committed in the application's database."""
    with wsgi_app.registry["dbsession_factory"]() as session:
        create_demo(session, count=40)
        # attachments live in the database, not on disk: the backup must carry their bytes
        practice = first_practice(session)
        practice.attachments.append(attachment())
        session.commit()
    yield
    _clean(engine)


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A second database, empty, on the same server (or beside the SQLite file)."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield url.set(database=str(tmp_path / "restauree.sqlite"))
        return
    name = f"recueil_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def back_up_and_restore(source: sa.engine.URL, target: sa.engine.URL, folder: Path) -> None:
    """What the README's « Sauvegarde et restauration » tells the operator to run."""
    if source.get_backend_name() == "sqlite":
        backup = folder / "recueil.sqlite.sauvegarde"
        with sqlite3.connect(source.database) as live, sqlite3.connect(backup) as saved:
            live.backup(saved)
        with sqlite3.connect(backup) as saved, sqlite3.connect(target.database) as restored:
            saved.backup(restored)
        return
    dump = folder / "recueil.dump"
    uri, environ = libpq(source)
    subprocess.run([postgresql_tool("pg_dump"), "--format=custom", f"--file={dump}", uri],
                   env=environ, check=True, capture_output=True)
    uri, environ = libpq(target)
    subprocess.run([postgresql_tool("pg_restore"), "--no-owner", "--exit-on-error",
                    f"--dbname={uri}", str(dump)],
                   env=environ, check=True, capture_output=True)


def every_row(engine: sa.Engine) -> dict:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(table).order_by(*table.primary_key.columns)
            ).all()
            for table in Base.metadata.sorted_tables
        }


def open_data(engine: sa.Engine, folder: Path, links: Links) -> dict:
    """The export's files, read from `engine` alone (the vocabularies too)."""
    with Session(engine) as session:
        vocabularies = Vocabularies.load(session)
    export = write_files(engine, folder, links, vocabularies, GENERATED)
    return {item.path.name: item.path.read_bytes() for item in export.files}


def test_a_restored_backup_gives_the_same_data_and_open_data_files(
        filled, database_url, empty_database, wsgi_app, links, tmp_path):
    source = wsgi_app.registry["db_engine"]
    before = open_data(source, tmp_path / "avant", links)
    assert before["pratiques-inspirantes.csv"].count(b"\n") > 10  # the demo's published ones
    rows = every_row(source)
    assert len(rows["practices"]) > 40 and rows["transitions"]
    assert [row.content for row in rows["attachments"]] == [EVERY_BYTE]

    back_up_and_restore(sa.engine.make_url(database_url), empty_database, tmp_path)

    restored = sa.create_engine(empty_database)
    try:
        assert every_row(restored) == rows
        after = open_data(restored, tmp_path / "apres", links)
        assert after.keys() == before.keys() == {
            "pratiques-inspirantes.csv", "pratiques-inspirantes.json", "schema.json",
            "datapackage.json"}
        for name, content in before.items():
            assert after[name] == content, name
        # the restored database takes new rows: its sequences came back too
        with Session(restored) as session:
            practice = first_practice(session)
            practice.attachments.append(attachment())
            session.commit()
            assert len(first_practice(session).attachments) == 2
    finally:
        restored.dispose()
