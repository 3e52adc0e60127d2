"""Open-data export on PostgreSQL: CSV throughput beside COPY, and memory from 1k to 100k.

    .venv/bin/python bench/opendata_export.py [--pg URL] [--n 100000] [--results bench/RESULTS.md]

Without --pg (or BENCH_PG_URL), a throwaway cluster is started with tools/pg.sh and stopped at
the end. Two databases are filled by bench/generate.py (the same realistic published
practices; the small one is the beginning of the big one); `--reuse` keeps them when they
already hold the right number of practices. BENCH_OPENDATA_N scales the big one down.

Measured, side by side on the same database and the same client machine:
- PostgreSQL's own ``COPY (SELECT …) TO STDOUT WITH CSV HEADER`` of the same 28 columns in
  the same order (codes aggregated with string_agg, the url concatenated, booleans as
  true/false), read by psycopg2 into a sink that only counts bytes;
- the application's export (opendata.records.batches + opendata.formats.CsvEncoder, encoded
  to UTF-8) into the same kind of sink.
Both are run `--repeat` times, alternately; the medians are compared. Goal: at least one
third of COPY's rows per second.

Memory: in a fresh process per database, the peak of Python allocations (tracemalloc) and
the growth of the resident set (its peak, VmHWM, minus its size before) while
exporting the CSV; the growth from the small to the big database must stay under 50 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402

ROOT = common.ROOT
LIMIT_MB = 50
RATIO = 1 / 3


class Sink:
    """Counts what is written to it; keeps nothing (neither side pays for storage)."""

    def __init__(self):
        self.bytes = 0

    def write(self, data) -> int:
        self.bytes += len(data)
        return len(data)


# -- the two exports -------------------------------------------------------------------------------
def links_for_bench():
    from opendata.links import Links

    base = common.PUBLIC_URL
    return Links(home=base + "/", page=f"{base}/opendata",
                 csv=f"{base}/opendata/pratiques-inspirantes.csv",
                 json=f"{base}/opendata/pratiques-inspirantes.json",
                 schema=f"{base}/opendata/schema.json",
                 datapackage=f"{base}/opendata/datapackage.json",
                 catalogue=f"{base}/opendata/catalogue.jsonld",
                 atom=f"{base}/opendata/nouveautes.atom",
                 newest=f"{base}/pratiques?tri=publication",
                 practice_prefix=f"{base}/pratiques/")


def copy_sql(prefix: str, with_codes: bool = True) -> str:
    """COPY of the same columns, in the same order, as the CSV (codes aggregated per field)."""
    from recueil.models.columns import COLUMNS, MULTI_VALUED

    select = []
    for name in COLUMNS:
        if name in MULTI_VALUED:
            select.append(f"c.{name}" if with_codes else f"NULL AS {name}")
        elif name == "url":
            select.append(f"'{prefix}' || p.id::text AS url")
        elif name == "coup_de_coeur":
            select.append("CASE WHEN p.coup_de_coeur THEN 'true' ELSE 'false' END AS coup_de_coeur")
        else:
            select.append(f"p.{name}")
    codes = ",\n".join(
        f"string_agg(code, '|' ORDER BY position) FILTER (WHERE field = '{name}') AS {name}"
        for name in MULTI_VALUED)
    join = (f"LEFT JOIN (SELECT practice_id, {codes} FROM practice_terms GROUP BY practice_id) c "
            "ON c.practice_id = p.id" if with_codes else "")
    return (f"COPY (SELECT {', '.join(select)} FROM practices p {join} "
            "WHERE p.status = 'publiee' ORDER BY p.date_publication, p.id) "
            "TO STDOUT WITH (FORMAT csv, HEADER true)")


def run_copy(engine, sql: str) -> tuple[float, int]:
    sink = Sink()
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        cursor.copy_expert(sql, sink)
        seconds = time.perf_counter() - started
        cursor.close()
        connection.rollback()
    finally:
        connection.close()
    return seconds, sink.bytes


def run_export(engine, links) -> tuple[float, int, int]:
    from opendata.formats import CsvEncoder, chunks
    from opendata.records import batches

    sink = Sink()
    started = time.perf_counter()
    with engine.connect() as connection:
        encoder = CsvEncoder(links)
        for text in chunks(encoder, batches(connection)):
            sink.write(text.encode("utf-8"))
    return time.perf_counter() - started, sink.bytes, encoder.count


def _status_mb(key: str) -> float:
    """VmRSS (resident now) or VmHWM (resident at most) of this process, in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


def reset_peak() -> None:
    """Make VmHWM the current RSS (Linux ≥ 4.0); ru_maxrss would not do: it survives execve
    and would report the parent's peak."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def measure_memory(url: str, mode: str) -> dict:
    """In this (fresh) process: the memory one CSV export takes, by tracemalloc or by RSS."""
    engine = common.make_engine(url)
    links = links_for_bench()
    with engine.connect() as connection:  # warm up: imports, connection pool, type caches
        connection.exec_driver_sql("SELECT 1")
    import opendata.formats  # noqa: F401

    if mode == "tracemalloc":
        tracemalloc.start()
        seconds, size, count = run_export(engine, links)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result = {"peak_mb": peak / 1024 / 1024}
    else:
        reset_peak()
        before = _status_mb("VmRSS")
        seconds, size, count = run_export(engine, links)
        peak = _status_mb("VmHWM")
        result = {"rss_before_mb": before, "peak_rss_mb": peak, "growth_mb": peak - before}
    engine.dispose()
    result.update(rows=count, bytes=size, seconds=seconds)
    return result


def memory_in_subprocess(url: str, mode: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--mesure", mode, url], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- databases -----------------------------------------------------------------------------------
def prepare(urls: dict[int, str], reuse: bool) -> str:
    import generate

    if reuse:
        try:
            if all(common.count_published(url) == n for n, url in urls.items()):
                return "bases déjà remplies par bench/generate.py, réutilisées (--reuse)"
        except Exception:  # noqa: BLE001 - missing database: generate it
            pass
    targets = [generate.Target(n, url) for n, url in sorted(urls.items())]
    wall, _, _ = generate.generate(targets, seed=2026, chunk=1000,
                                   workers=os.cpu_count() or 2, check_every=0)
    return f"générées par bench/generate.py en {wall:.0f} s"


def validate_small(url: str) -> str:
    """The small export, all four files, validated by frictionless (as in the tests)."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from opendata.export import write_files
    from opendata.vocabularies import Vocabularies

    try:
        from frictionless import validate
    except ImportError:
        return "frictionless absent : validation non faite"
    engine = common.make_engine(url)
    with Session(engine) as session:
        vocabularies = Vocabularies.load(session)
    with tempfile.TemporaryDirectory() as folder:
        export = write_files(engine, folder, links_for_bench(), vocabularies, dt.datetime.now())
        report = validate(str(Path(folder) / "datapackage.json"))
    engine.dispose()
    errors = [e.note for task in report.tasks for e in task.errors][:3]
    verdict = "valide" if report.valid else f"INVALIDE ({errors})"
    return f"{export.count} pratiques, datapackage {verdict} (frictionless)"


def conditional_ms(url: str, repeat: int = 5) -> tuple[float, float]:
    """Through the WSGI application: a HEAD of the CSV, then GETs with its ETag (304)."""
    from webob import Request

    app = common.make_app(url)
    path = "/opendata/pratiques-inspirantes.csv"
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        etag = Request.blank(path, method="HEAD").get_response(app).headers["ETag"]
        timings.append(time.perf_counter() - started)
    head = statistics.median(timings)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = Request.blank(path, headers={"If-None-Match": etag}).get_response(app)
        timings.append(time.perf_counter() - started)
        assert response.status_int == 304, response.status
    app.registry["db_engine"].dispose()
    return head * 1000, statistics.median(timings) * 1000


def full_export_seconds(url: str) -> tuple[float, dict]:
    """The whole `opendata export` (CSV + JSON + schema + datapackage) of the big database."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from opendata.export import write_files
    from opendata.vocabularies import Vocabularies

    engine = common.make_engine(url)
    with Session(engine) as session:
        vocabularies = Vocabularies.load(session)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        export = write_files(engine, folder, links_for_bench(), vocabularies, dt.datetime.now())
        seconds = time.perf_counter() - started
        sizes = {w.kind.filename: w.size for w in export.files}
    engine.dispose()
    return seconds, sizes


# -- main -----------------------------------------------------------------------------------------
def start_postgresql() -> tuple[str, str]:
    folder = tempfile.mkdtemp(prefix="bench-pg-")
    subprocess.run([str(ROOT / "tools" / "pg.sh"), "start", folder], check=True)
    return (Path(folder) / "url").read_text().strip(), folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", ""),
                        help="serveur PostgreSQL (sinon un cluster jetable)")
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_OPENDATA_N", 100_000)))
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="garder des bases déjà remplies")
    parser.add_argument("--results", default=str(common.RESULTS))
    parser.add_argument("--mesure", nargs=2, metavar=("MODE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mesure:
        print(json.dumps(measure_memory(args.mesure[1], args.mesure[0])))
        return

    cluster = None
    base = args.pg
    if not base:
        base, cluster = start_postgresql()
    try:
        report(args, base)
    finally:
        if cluster:
            subprocess.run([str(ROOT / "tools" / "pg.sh"), "stop", cluster], check=False)


def report(args, base: str) -> None:
    from opendata.cli import size_label

    urls = {args.small: common.database_url(base, f"bench_opendata_{args.small}"),
            args.n: common.database_url(base, f"bench_opendata_{args.n}")}
    common.log(f"préparation des bases ({args.small} et {args.n} pratiques)…")
    prepared = prepare(urls, args.reuse)
    big = urls[args.n]
    engine = common.make_engine(big)
    links = links_for_bench()
    sql = copy_sql(links.practice_prefix)
    sql_plain = copy_sql(links.practice_prefix, with_codes=False)

    copies, exports, plains = [], [], []
    for turn in range(args.repeat):
        common.log(f"tour {turn + 1}/{args.repeat} : COPY…")
        copies.append(run_copy(engine, sql))
        common.log(f"tour {turn + 1}/{args.repeat} : export de l'application…")
        exports.append(run_export(engine, links))
        plains.append(run_copy(engine, sql_plain))
    engine.dispose()
    n = exports[0][2]
    copy_s = statistics.median(s for s, _ in copies)
    export_s = statistics.median(s for s, _, _ in exports)
    plain_s = statistics.median(s for s, _ in plains)
    copy_rate, export_rate, plain_rate = n / copy_s, n / export_s, n / plain_s
    ratio = export_rate / copy_rate

    common.log("mémoire (processus séparés)…")
    memory = {(size, mode): memory_in_subprocess(url, mode)
              for size, url in sorted(urls.items()) for mode in ("tracemalloc", "rss")}
    traced = (memory[(args.n, "tracemalloc")]["peak_mb"]
              - memory[(args.small, "tracemalloc")]["peak_mb"])
    rss = memory[(args.n, "rss")]["growth_mb"] - memory[(args.small, "rss")]["growth_mb"]
    common.log("validation du petit export et export complet du grand…")
    validated = validate_small(urls[args.small])
    full_s, sizes = full_export_seconds(big)
    head_ms, not_modified_ms = conditional_ms(big)

    num = common.number
    mb = lambda b: f"{b / 1024 / 1024:.1f}"  # noqa: E731
    lines = [
        "## Export des données ouvertes",
        "",
        f"Passage du {common.now_label()} — `bench/opendata_export.py` "
        f"(BENCH_OPENDATA_N={args.n}, {args.repeat} tours alternés, médianes).",
        "",
        *common.machine_lines(),
        f"- PostgreSQL {common.postgresql_version(base)} (`tools/pg.sh` : fsync=off, "
        "synchronous_commit=off, réglages par défaut sinon), même machine que le client",
        f"- Charge de la machine au début (loadavg 1/5/15 min) : {common.load_average()}",
        f"- Bases : {num(args.small)} et {num(args.n)} pratiques publiées, {prepared}.",
        "",
        f"| Production du CSV ({num(n)} pratiques publiées) | Durée (s) | Lignes/s | Taille (Mo) |",
        "|---|---:|---:|---:|",
        f"| `COPY (SELECT …) TO STDOUT WITH CSV`, mêmes 28 colonnes (codes par string_agg) | "
        f"{copy_s:.2f} | {num(copy_rate)} | {mb(copies[0][1])} |",
        f"| Export de l'application (curseur serveur, lots de 1 000, codes par lot) | "
        f"{export_s:.2f} | {num(export_rate)} | {mb(exports[0][1])} |",
        f"| Pour mémoire : `COPY` des seules colonnes de `practices` (sans les codes) | "
        f"{plain_s:.2f} | {num(plain_rate)} | {mb(plains[0][1])} |",
        "",
        f"- Débit de l'export / débit de `COPY` des mêmes colonnes : **{ratio:.2f}** "
        f"(objectif ≥ 0,33) — {common.verdict(ratio >= RATIO)}. "
        f"Face au `COPY` sans les codes : {export_rate / plain_rate:.2f}.",
        f"- Tours (s) : COPY {', '.join(f'{s:.2f}' for s, _ in copies)} ; "
        f"export {', '.join(f'{s:.2f}' for s, _, _ in exports)}. Les tailles diffèrent par la "
        "neutralisation des textes, que `COPY` ne fait pas.",
        "",
        "| Mémoire d'un export CSV (processus neuf) | "
        f"{num(args.small)} pratiques | {num(args.n)} pratiques | Croissance |",
        "|---|---:|---:|---:|",
        f"| Pic des allocations Python (tracemalloc, Mo) | "
        f"{memory[(args.small, 'tracemalloc')]['peak_mb']:.1f} | "
        f"{memory[(args.n, 'tracemalloc')]['peak_mb']:.1f} | {traced:+.1f} |",
        f"| Mémoire résidente gagnée pendant l'export (pic VmHWM − VmRSS avant, Mo) | "
        f"{memory[(args.small, 'rss')]['growth_mb']:.1f} | "
        f"{memory[(args.n, 'rss')]['growth_mb']:.1f} | {rss:+.1f} |",
        "",
        f"- Croissance de {num(args.small)} à {num(args.n)} pratiques : {traced:+.1f} Mo "
        f"(tracemalloc), {rss:+.1f} Mo (RSS) ; objectif < {LIMIT_MB} Mo — "
        f"{common.verdict(max(traced, rss) < LIMIT_MB)}.",
        f"- Contrôle : export complet du petit jeu ({validated}).",
        f"- Requête conditionnelle sur {num(n)} pratiques (application WSGI, sans serveur) : "
        f"HEAD du CSV {head_ms:.0f} ms, GET avec If-None-Match → 304 en {not_modified_ms:.0f} ms "
        "(médianes de 5 ; les agrégats de `data_state`, sans lire une ligne du CSV).",
        f"- Pour mémoire, `opendata export` complet du grand jeu (CSV + JSON + schéma + "
        f"datapackage, une seule lecture de la base) : {full_s:.1f} s ; "
        + ", ".join(f"{name} {size_label(size)}" for name, size in sizes.items()) + ".",
    ]
    common.append(args.results, "\n".join(lines))


if __name__ == "__main__":
    main()
