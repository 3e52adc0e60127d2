# ruff: noqa: E501  (the French lines of the Markdown report are data)
"""N realistic published practices, straight into one or several databases.

    .venv/bin/python bench/generate.py --target 100000=sqlite:////tmp/b/100k.sqlite \
        --target 10000=postgresql+psycopg2://recueil@127.0.0.1:5432/bench_10k [--results FILE]

Each target database is recreated (SQLite file removed, PostgreSQL database dropped), migrated
and loaded with the reference data, as `recueil initdb` does. The practices are those of
recueil/scripts/demo.py (its `_plan`: themed French texts, territories that follow the form's rules,
codes of the vocabularies), all with the status « publiee »; the first k practices are the
same in every target (same seed), so a 10k database is the beginning of the 100k one.

The rows are written with bulk inserts (SQLAlchemy core; COPY on PostgreSQL for the two big
tables, whose indexes and constraints are dropped and rebuilt around the load), including the
embedded inverted index `search_terms`: for each practice, exactly the rows that
`SqlSearch.index` writes (`sorted(set(tokens(searchable_text(p))))`, terms ≤ 100 characters).
To keep 100k practices within minutes, `tokens` is computed per whitespace-separated chunk with
a cache, which is exact under UAX #29 (a break always surrounds a space unless a combining or
format character follows; such a text falls back on `tokens` whole); one practice in
`--check-every` is compared with `tokens` of its whole text, and `--verify` practices per
database are re-indexed with `SqlSearch.index` itself and compared row for row.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import multiprocessing
import os
import random
import re
import sys
import time
import types
import unicodedata
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from recueil.migrations import analyze  # noqa: E402
from recueil.models import Practice, SearchTerm  # noqa: E402
from recueil.scripts import demo  # noqa: E402
from recueil.search import text  # noqa: E402
from recueil.search.documents import TEXT_FIELDS, searchable_text  # noqa: E402
from recueil.search.labels import LABELLED_FIELDS, code_labels  # noqa: E402

SOURCE = "bench"
NAMESPACE = uuid.UUID("0b6c2a52-8f0e-4c55-9d0b-6b3a4f1d2e10")
PUBLICATION_STEPS = list(demo.STEPS)
MULTI = ("types_intervention", "thematiques", "publics")

# -- exact, cached analysis ----------------------------------------------------------------------
_CHUNK_CACHE: dict[str, list[str]] = {}
_SPACES = re.compile(r"\s+")


def _safe_chunk_start(chunk: str) -> bool:
    """A chunk may be analysed alone unless it starts with what UAX #29 attaches to the
    character before (WB4: Extend, Format, ZWJ)."""
    return unicodedata.category(chunk[0]) not in ("Mn", "Me", "Mc", "Cf")


def fast_tokens(value: str) -> list[str]:
    """`text.tokens(value)`, computed per whitespace-separated chunk with a cache."""
    chunks = [c for c in _SPACES.split(value) if c]
    if not all(_safe_chunk_start(c) for c in chunks):
        return text.tokens(value)
    out = []
    for chunk in chunks:
        found = _CHUNK_CACHE.get(chunk)
        if found is None:
            found = text.tokens(chunk)
            if len(_CHUNK_CACHE) < 2_000_000:
                _CHUNK_CACHE[chunk] = found
        out.extend(found)
    return out


def index_terms(record) -> list[str]:
    """What SqlSearch.index writes for a published practice (its set of terms, sorted)."""
    text = searchable_text(record, _STATE["ctx"].code_labels)
    return sorted(t for t in set(fast_tokens(text)) if len(t) <= 100)


# -- building rows ---------------------------------------------------------------------------------
_STATE = {}


def _init_worker(ctx, seed, check_every):
    _STATE.update(ctx=ctx, seed=seed, check_every=check_every)


def practice_id(seed: int, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{seed}:{index}")


def _chunk_context(ctx, rng):
    """The demo's reference context with decks drawn by this chunk's generator."""
    ctx.decks = {
        key: {name: demo._Deck(deck.items, rng) for name, deck in decks.items()}
        for key, decks in ctx.decks.items()
    }
    return ctx


def build_chunk(spec):
    """Rows of practices [start, start + count): (practices, practice_terms, terms by id)."""
    start, count = spec
    started = time.process_time()
    seed = _STATE["seed"]
    rng = random.Random(seed * 1_000_003 + start)
    ctx = _chunk_context(_STATE["ctx"], rng)
    practices, codes, terms = [], [], []
    checked = 0
    for index in range(start, start + count):
        plan = demo._plan(ctx, rng, index, "publiee", {})
        history = plan["history"]
        path, times = history["path"], history["times"]
        pid = practice_id(seed, index)
        published = history["session"] + demo.PUBLICATION_DELAY
        row = {
            "id": pid,
            "reference": f"PI-{published.year}-{index + 1:06d}",
            "niveau": 1,
            "status": "publiee",
            "version": 1,
            "intitule": plan["intitule"],
            "nom_entite": plan["nom_entite"],
            "description": plan["description"],
            "date_mise_en_oeuvre": plan["date_mise_en_oeuvre"],
            "echelle": plan["echelle"],
            "types_intervention_autre": plan["types_intervention_autre"],
            "thematiques_autre": plan["thematiques_autre"],
            "publics_autre": plan["publics_autre"],
            "relais": plan["relais"],
            "relais_autre": plan["relais_autre"],
            "lieu": plan["territory"]["lieu"],
            "objectifs": plan["objectifs"],
            "moyens": plan["moyens"],
            "bilan": plan["bilan"],
            "budget_annuel": plan["budget_annuel"],
            "nombre_beneficiaires": plan["nombre_beneficiaires"],
            "coup_de_coeur": plan["coup_de_coeur"],
            "date_publication": published,
            "source": SOURCE,
            "source_id": f"{SOURCE}-{index + 1:06d}",
            "declarant_courriel": plan["declarant_courriel"],
            "accepte_conditions": True,
            "accord_hierarchie": True,
            "etapes_validees": PUBLICATION_STEPS,
            "saisie_en_cours": {},
            "created_at": times[0],
            "updated_at": times[-1],
            "submitted_at": times[path.index("soumise")],
        }
        for name in ("contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
                     "accord_nom", "accord_fonction", "accord_courriel"):
            row[name] = plan[name]
        practices.append(row)
        fields = {field: plan[field] for field in MULTI}
        fields["regions"] = plan["territory"]["regions"]
        fields["departements"] = plan["territory"]["departements"]
        for field, values in fields.items():
            for position, code in enumerate(dict.fromkeys(values)):
                codes.append((pid, field, code, position))
        record = types.SimpleNamespace(
            **{name: row.get(name) for name in TEXT_FIELDS}, reference=row["reference"],
            **{field: fields.get(field, ()) for field in LABELLED_FIELDS})
        found = index_terms(record)
        if _STATE["check_every"] and index % _STATE["check_every"] == 0:
            whole = searchable_text(record, _STATE["ctx"].code_labels)
            expected = sorted(t for t in set(text.tokens(whole)) if len(t) <= 100)
            if found != expected:
                raise AssertionError(f"analyse en cache ≠ tokens() pour la pratique {index}")
            checked += 1
        terms.append((pid, found))
    return start, practices, codes, terms, time.process_time() - started, checked


# -- writing rows ------------------------------------------------------------------------------------
class Target:
    def __init__(self, count: int, url: str):
        self.count = count
        self.url = url
        self.label = common.backend_label(url)
        self.is_pg = url.startswith("postgresql")
        self.engine = None
        self.seconds = 0.0
        self.rows = {"practices": 0, "practice_terms": 0, "search_terms": 0}

    def open(self):
        common.recreate_database(self.url)
        common.prepare_schema(self.url)
        self.engine = common.make_engine(self.url)
        started = time.perf_counter()
        with self.engine.begin() as connection:
            if self.is_pg:
                drop_constraints(connection)
            else:
                connection.execute(sa.text("DROP INDEX ix_search_terms_practice_id"))
        self.seconds += time.perf_counter() - started
        self.connection = self.engine.raw_connection()
        if not self.is_pg:
            cursor = self.connection.cursor()
            # this connection only: a bulk load does not need durability
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            # search_terms rows go first to an unindexed table of a side file, then into
            # search_terms in primary-key order (appends instead of random B-tree inserts)
            self.staging = sa.engine.make_url(self.url).database + ".chargement"
            Path(self.staging).unlink(missing_ok=True)
            cursor.execute("ATTACH DATABASE ? AS chargement", (self.staging,))
            cursor.execute("PRAGMA chargement.synchronous=OFF")
            cursor.execute("PRAGMA chargement.journal_mode=OFF")
            cursor.execute("CREATE TABLE chargement.search_terms (term VARCHAR(100), practice_id CHAR(32))")
            cursor.close()
            self.uuid_value = SearchTerm.__table__.c.practice_id.type.bind_processor(
                self.engine.dialect)

    def write(self, practices, codes, terms):
        started = time.perf_counter()
        first = self.rows["practices"] == 0
        if not self.is_pg:
            sa_connection = self.engine.connect()
            with sa_connection.begin():
                sa_connection.execute(sa.insert(Practice.__table__), practices)
            sa_connection.close()
        self.rows["practices"] += len(practices)
        self.rows["practice_terms"] += len(codes)
        self.rows["search_terms"] += sum(len(t) for _, t in terms)
        cursor = self.connection.cursor()
        if self.is_pg:
            columns = list(practices[0])
            buffer = io.StringIO()
            buffer.writelines("\t".join(_copy_cell(row[c]) for c in columns) + "\n" for row in practices)
            buffer.seek(0)
            cursor.copy_expert(f"COPY practices ({', '.join(columns)}) FROM STDIN", buffer)
            buffer = io.StringIO()
            buffer.writelines(f"{pid}\t{field}\t{code}\t{position}\n" for pid, field, code, position in codes)
            buffer.seek(0)
            cursor.copy_expert("COPY practice_terms (practice_id, field, code, position) FROM STDIN", buffer)
            buffer = io.StringIO()
            for pid, found in terms:
                value = str(pid)
                buffer.writelines(f"{term}\t{value}\n" for term in found)
            buffer.seek(0)
            cursor.copy_expert("COPY search_terms (term, practice_id) FROM STDIN", buffer)
        else:
            convert = self.uuid_value
            cursor.executemany(
                "INSERT INTO practice_terms (practice_id, field, code, position) VALUES (?, ?, ?, ?)",
                [(convert(pid), field, code, position) for pid, field, code, position in codes])
            rows = []
            for pid, found in terms:
                value = convert(pid)
                rows.extend((term, value) for term in found)
            cursor.executemany("INSERT INTO chargement.search_terms (term, practice_id) VALUES (?, ?)", rows)
        cursor.close()
        self.connection.commit()
        self.seconds += time.perf_counter() - started
        if first:
            self.check_roundtrip(practices[:20])

    def check_roundtrip(self, rows):
        """The rows read back through the ORM equal what was written (types included)."""
        with Session(self.engine) as session:
            for row in rows:
                practice = session.get(Practice, row["id"])
                for name, value in row.items():
                    if getattr(practice, name) != value:
                        raise AssertionError(f"{self.label} : {name} relu ≠ écrit ({value!r})")

    def close(self):
        started = time.perf_counter()
        if not self.is_pg:
            cursor = self.connection.cursor()
            cursor.execute("INSERT INTO main.search_terms (term, practice_id) SELECT term, practice_id "
                           "FROM chargement.search_terms ORDER BY term, practice_id")
            self.connection.commit()
            cursor.execute("DETACH DATABASE chargement")
            cursor.close()
            Path(self.staging).unlink()
        self.connection.close()
        with self.engine.begin() as connection:
            if self.is_pg:
                restore_constraints(connection)
            else:
                index = next(i for i in SearchTerm.__table__.indexes
                             if i.name == "ix_search_terms_practice_id")
                connection.execute(sa.schema.CreateIndex(index))
        if self.is_pg:
            # what autovacuum would do soon after such a load (statistics, visibility map)
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        else:
            # the planner's statistics, as `recueil initdb` leaves them after each upgrade
            analyze(self.engine)
        self.seconds += time.perf_counter() - started
        self.engine.dispose()

    def size(self) -> str:
        if self.is_pg:
            engine = sa.create_engine(self.url)
            with engine.connect() as connection:
                size = connection.scalar(sa.text("SELECT pg_database_size(current_database())"))
            engine.dispose()
        else:
            path = sa.engine.make_url(self.url).database
            size = sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))
        return f"{size / 1024 / 1024:.0f} Mio"


def _copy_cell(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif not isinstance(value, str):
        return str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def _big_table_constraints():
    table = SearchTerm.__table__
    index = next(i for i in table.indexes if i.name == "ix_search_terms_practice_id")
    foreign = next(iter(table.foreign_key_constraints))
    return table, index, foreign


def drop_constraints(connection):
    """Before a PostgreSQL bulk load: search_terms without its primary key, index and foreign
    key (rebuilt by restore_constraints with the migration's names and definitions)."""
    table, index, foreign = _big_table_constraints()
    connection.execute(sa.schema.DropConstraint(foreign))
    connection.execute(sa.schema.DropIndex(index))
    connection.execute(sa.schema.DropConstraint(table.primary_key))


def restore_constraints(connection):
    table, index, foreign = _big_table_constraints()
    connection.execute(sa.text("SET maintenance_work_mem = '1GB'"))
    connection.execute(sa.schema.AddConstraint(table.primary_key))
    connection.execute(sa.schema.CreateIndex(index))
    connection.execute(sa.schema.AddConstraint(foreign))


# -- checks ---------------------------------------------------------------------------------------------
def verify(url: str, sample: int, seed: int, count: int) -> int:
    """Re-index `sample` practices with SqlSearch.index itself and compare their rows."""
    from recueil.search.documents import solr_document
    from recueil.search.sql import SqlSearch

    engine = common.make_engine(url)
    rng = random.Random(seed)
    ids = [practice_id(seed, i) for i in rng.sample(range(count), min(sample, count))]
    with Session(engine) as session:
        def rows():
            query = sa.select(SearchTerm.practice_id, SearchTerm.term).where(SearchTerm.practice_id.in_(ids))
            return sorted(session.execute(query).all())

        before = rows()
        practices = list(session.scalars(sa.select(Practice).where(Practice.id.in_(ids))))
        assert len(practices) == len(ids), "pratiques manquantes"
        SqlSearch(session).index(practices)
        session.flush()
        after = rows()
        for practice in practices:
            solr_document(practice, "http://x")
        session.rollback()
    engine.dispose()
    if before != after:
        raise AssertionError(f"{url} : search_terms ≠ SqlSearch.index ({len(before)} ≠ {len(after)} lignes)")
    return len(before)


# -- main -------------------------------------------------------------------------------------------------
def reference_context(url: str):
    engine = common.make_engine(url)
    with Session(engine) as session:
        ctx = demo._Context(session, random.Random(0))
        # the labels of the codes, searched with the text as SqlSearch.index searches them
        ctx.code_labels = code_labels(session)
    engine.dispose()
    return ctx


def generate(targets: list[Target], seed: int, chunk: int, workers: int, check_every: int):
    total = max(t.count for t in targets)
    for target in targets:
        common.log(f"génération : préparation de {target.url} ({target.count} pratiques)")
        target.open()
    ctx = reference_context(targets[0].url)
    specs = [(start, min(chunk, total - start)) for start in range(0, total, chunk)]
    cpu = 0.0
    checked = 0
    done = 0
    started = time.perf_counter()
    window = max(2, 2 * workers)
    writers = concurrent.futures.ThreadPoolExecutor(len(targets))
    with writers, multiprocessing.get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(ctx, seed, check_every)) as pool:
        pending = [pool.apply_async(build_chunk, (spec,)) for spec in specs[:window]]
        following = window
        while pending:
            start, practices, codes, terms, seconds, n_checked = pending.pop(0).get()
            if following < len(specs):
                pending.append(pool.apply_async(build_chunk, (specs[following],)))
                following += 1
            cpu += seconds
            checked += n_checked
            writes = []
            for target in targets:
                keep = target.count - start
                if keep <= 0:
                    continue
                ids = {row["id"] for row in practices[:keep]}
                writes.append(writers.submit(
                    target.write, practices[:keep], [c for c in codes if c[0] in ids],
                    [t for t in terms if t[0] in ids]))
            for write in writes:
                write.result()
            done += len(practices)
            elapsed = time.perf_counter() - started
            common.log(f"\r  {done}/{total} pratiques, {elapsed:.0f} s", end="")
    common.log("")
    for target in targets:
        target.close()
    return time.perf_counter() - started, cpu, checked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", required=True, metavar="N=URL",
                        help="nombre de pratiques et base (répétable)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--check-every", type=int, default=50,
                        help="une pratique sur N comparée à tokens() (0 : jamais)")
    parser.add_argument("--verify", type=int, default=200,
                        help="pratiques par base ré-indexées par SqlSearch.index et comparées")
    parser.add_argument("--results", help="fichier Markdown où ajouter la section")
    args = parser.parse_args(argv)
    targets = []
    for item in args.target:
        count, url = item.split("=", 1)
        targets.append(Target(int(count), url))
    wall, cpu, checked = generate(targets, args.seed, args.chunk, args.workers, args.check_every)
    verified = {}
    for target in targets:
        verify_started = time.perf_counter()
        verified[target.url] = verify(target.url, args.verify, args.seed, target.count)
        common.log(f"vérifié {target.url} en {time.perf_counter() - verify_started:.1f} s")

    lines = [
        "### Génération des pratiques (`bench/generate.py`)",
        "",
        f"Paramètres : graine {args.seed}, lots de {args.chunk} pratiques, {args.workers} processus "
        f"de génération ; le processus principal écrit dans toutes les bases à la fois (un fil par "
        f"base), si bien que la durée d'écriture de chaque base inclut l'attente des autres "
        f"(processeur, GIL) et surestime sa durée isolée. "
        f"Toutes les pratiques sont « publiee ».",
        "",
        "| Base | Pratiques | practice_terms | search_terms | Écriture (s) | Débit d'écriture (pratiques/s) | Taille |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in targets:
        n = common.number
        lines.append(
            f"| {t.label} {n(t.count)} | {n(t.rows['practices'])} | {n(t.rows['practice_terms'])} | "
            f"{n(t.rows['search_terms'])} | {t.seconds:.1f} | {n(t.rows['practices'] / t.seconds)} | {t.size()} |")
    total = max(t.count for t in targets)
    lines += [
        "",
        f"- Durée totale (génération en parallèle de l'écriture dans toutes les bases) : **{wall:.0f} s** "
        f"pour {common.number(total)} pratiques ; génération seule : {cpu:.0f} s de CPU "
        f"({cpu / total * 1000:.2f} ms par pratique).",
        f"- Contrôles : {checked} pratiques comparées à `tokens()` du texte entier ; "
        + ", ".join(f"{common.backend_label(u)} {n} lignes identiques à `SqlSearch.index` "
                    f"({args.verify} pratiques)" for u, n in verified.items()) + ".",
    ]
    for t in targets:
        if t.count >= 100_000:
            minutes = (cpu / max(1, args.workers) + t.seconds) / 60
            lines.append(
                f"- Objectif « 100 000 pratiques en quelques minutes » ({t.label}) : génération "
                f"répartie ({cpu / max(1, args.workers):.0f} s) + écriture ({t.seconds:.0f} s) ≈ "
                f"{minutes:.1f} min — {common.verdict(minutes <= 5)} (seuil retenu : 5 min).")
    common.append(args.results, "\n".join(lines))


if __name__ == "__main__":
    main()
