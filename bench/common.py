# ruff: noqa: E501  (the French lines of the Markdown report are data)
"""What the benchmarks share: databases, the application, timing statistics, the report.

Plain Python (never collected by pytest: the files of bench/ are not named test_*).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import sqlite3
import statistics
import sys
import urllib.request
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PUBLIC_URL = "http://recueil.bench"

# never a proxy for the local Solr
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# -- databases --------------------------------------------------------------------------------
def database_url(base: str, name: str) -> str:
    """The URL of database `name`: a file next to `base` for SQLite, a database of the same
    server for PostgreSQL."""
    url = sa.engine.make_url(base)
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database).parent if url.database else Path("/tmp")
        return f"sqlite:///{folder / (name + '.sqlite')}"
    return url.set(database=name).render_as_string(hide_password=False)


def recreate_database(url: str) -> None:
    """An empty database at `url` (the SQLite file removed, the PostgreSQL database dropped)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare_schema(url: str) -> None:
    """Migrations and reference data, as `recueil initdb` does."""
    from sqlalchemy.orm import Session

    from recueil.migrations import upgrade
    from recueil.services.references import load_reference_data

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
    engine.dispose()


def make_engine(url: str, **kwargs):
    """An engine configured as the application's (SQLite pragmas included)."""
    from recueil.models import get_engine

    settings = {"sqlalchemy.url": url}
    settings.update({f"sqlalchemy.{k}": v for k, v in kwargs.items()})
    return get_engine(settings)


def count_published(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        n = connection.scalar(sa.text("SELECT count(*) FROM practices WHERE status = 'publiee'"))
    engine.dispose()
    return n


def backend_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


# -- the application ----------------------------------------------------------------------------
def app_settings(url: str, backend: str = "sql", solr_url: str = "") -> dict:
    settings = {
        "sqlalchemy.url": url,
        "recueil.secret": "banc-d-essai",
        "search.backend": backend,
        "recueil.public_url": PUBLIC_URL,
        "retry.attempts": "1",
        "mail.host": "127.0.0.1",
        "mail.port": "1",
    }
    if solr_url:
        settings["solr.url"] = solr_url
    return settings


def make_app(url: str, backend: str = "sql", solr_url: str = "", **extra: str):
    """The application on this database; `extra`: more settings (e.g. pyramid.includes)."""
    from recueil import main

    return main({}, **app_settings(url, backend, solr_url), **extra)


# -- Solr ------------------------------------------------------------------------------------------
def solr_json(url: str, timeout: float = 60.0) -> dict:
    with OPENER.open(url, timeout=timeout) as response:
        return json.loads(response.read())


def solr_post(url: str, body: bytes, timeout: float = 600.0) -> dict:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with OPENER.open(request, timeout=timeout) as response:
        return json.loads(response.read())


def solr_count(core_url: str) -> int:
    return solr_json(f"{core_url}/select?q=*:*&rows=0&wt=json")["response"]["numFound"]


def solr_version(core_url: str) -> str:
    base = core_url.rsplit("/", 1)[0]
    try:
        info = solr_json(f"{base}/admin/info/system?wt=json", timeout=10)
        return f"{info['lucene']['solr-spec-version']} (Lucene {info['lucene']['lucene-spec-version']})"
    except Exception:  # noqa: BLE001 - only a label
        return "?"


# -- statistics ------------------------------------------------------------------------------------
def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values) -> dict:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


def number(value) -> str:
    """12 345 (French thousands separator)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# -- machine and versions --------------------------------------------------------------------------
def memory_gib() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def postgresql_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SHOW server_version"))
    except Exception:  # noqa: BLE001 - only a label
        return "?"
    finally:
        engine.dispose()


def machine_lines() -> list[str]:
    return [
        f"- Machine : {os.cpu_count()} cœurs (`nproc`), {memory_gib():.1f} Gio de RAM, {cpu_model()}",
        f"- Système : {platform.platform()}",
        f"- Python {platform.python_version()}, SQLAlchemy {version('SQLAlchemy')}, "
        f"Pyramid {version('pyramid')}, pysolr {version('pysolr')}, psycopg2 {version('psycopg2-binary')}, "
        f"WebTest {version('WebTest')}, waitress {version('waitress')}, SQLite {sqlite3.sqlite_version}",
    ]


def now_label() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def append(path: str | os.PathLike | None, text: str) -> None:
    """Append a section of the report (stdout too)."""
    print(text, flush=True)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text.rstrip("\n") + "\n\n")


def verdict(ok: bool) -> str:
    return "**atteint**" if ok else "**non atteint**"


def log(*args, **kwargs) -> None:
    print(*args, file=sys.stderr, flush=True, **kwargs)


def header(solr: str = "", pg: str = "", n: int = 0, small: int = 0) -> str:
    """The heading of one run of `make bench`: date, machine, versions, parameters."""
    lines = [f"## Passage du {now_label()}", ""]
    lines += machine_lines()
    services = []
    if solr:
        services.append(f"Solr {solr_version(solr)} (`tools/solr/solr_server.py serve`, JVM `{solr_jvm_options()}`)")
    if pg:
        services.append(f"PostgreSQL {postgresql_version(pg)} (`tools/pg.sh` : fsync=off, "
                        "synchronous_commit=off, réglages par défaut sinon)")
    if services:
        lines.append("- Services : " + " ; ".join(services))
    lines.append(f"- Charge de la machine au début (loadavg 1/5/15 min) : {load_average()}")
    if n:
        lines.append(f"- Paramètres : BENCH_N={n} (grandes bases), {small} pratiques pour le moteur SQL")
    return "\n".join(lines)


def solr_jvm_options() -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("solr_server", ROOT / "tools" / "solr" / "solr_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return " ".join(module.JVM_OPTS)


def load_average() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="en-tête d'un passage de make bench")
    parser.add_argument("--solr", default="")
    parser.add_argument("--pg", default="")
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--small", type=int, default=0)
    args = parser.parse_args()
    print(header(args.solr, args.pg, args.n, args.small))
