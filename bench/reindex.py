# ruff: noqa: E501  (the French lines of the Markdown report are data)
"""Full reindex: the application's `reindex` vs the same documents sent straight to Solr.

    .venv/bin/python bench/reindex.py --db URL --solr CORE_URL [--results FILE] [--what-if]

1. « direct » : what a minimal reindexer must do — read the published practices from the
   database (the same batches of 500 and query as `reindex`), build each document with
   `solr_document`, POST them as JSON to /update (urllib, one request per batch, no commit),
   then /update?commit=true. Its rate is the reference. The time of the POSTs alone is given
   too, and the rate of sending pre-built batches (Solr's own ingestion).
2. « application » : `recueil.search.service.reindex(session_factory, settings, solr_factory)`
   with search.backend=solr, as `recueil reindex` runs it (Solr only: the embedded index is
   kept in step by every transaction). Its steps are timed by wrapping the SolrSearch methods
   in this process (no file is changed); the batches are sent by a thread of their own while
   the next ones are read, so the steps overlap.
3. with --what-if : `reindex(..., embedded=True)`, as `recueil reindex --embarque` runs it
   (Solr, then the embedded index, search_terms, rebuilt), to show what that choice costs;
   stopped after --limit seconds too.

Solr is emptied before each run; it holds every published practice at the end.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from recueil.models import Practice, get_session_factory  # noqa: E402
from recueil.search import service  # noqa: E402
from recueil.search.documents import is_public, solr_document  # noqa: E402
from recueil.search.solr import SolrSearch  # noqa: E402
from recueil.search.sql import SqlSearch  # noqa: E402


def url_for(practice) -> str:
    return f"{common.PUBLIC_URL}/pratiques/{practice.id}"


def clear(solr: str) -> None:
    common.solr_post(f"{solr}/update?commit=true", json.dumps({"delete": {"query": "*:*"}}).encode())


def _batches(session, batch: int):
    """The published practices' documents, in the batches and by the query of `reindex`."""
    ids = list(session.scalars(sa.select(Practice.id).order_by(Practice.id)))
    for start in range(0, len(ids), batch):
        practices = session.scalars(sa.select(Practice).where(Practice.id.in_(ids[start:start + batch])))
        documents = [solr_document(p, url_for(p)) for p in practices if is_public(p)]
        yield json.dumps(documents).encode()
        session.expunge_all()


def warm_up(db: str, solr: str, batch: int, batches: int = 10) -> None:
    """Some batches sent and thrown away, so that the first timed run does not pay for a
    cold JVM."""
    engine = common.make_engine(db)
    with Session(engine) as session:
        for n, body in enumerate(_batches(session, batch)):
            if n >= batches:
                break
            common.solr_post(f"{solr}/update", body)
    engine.dispose()
    clear(solr)


def direct(db: str, solr: str, batch: int, keep: int = 20) -> dict:
    """Read, build and POST, as reindex does, without the application's layers."""
    clear(solr)
    engine = common.make_engine(db)
    posting = 0.0
    kept = []
    started = time.perf_counter()
    with Session(engine) as session:
        for body in _batches(session, batch):
            if len(kept) < keep:
                kept.append(body)
            t0 = time.perf_counter()
            common.solr_post(f"{solr}/update", body)
            posting += time.perf_counter() - t0
        t0 = time.perf_counter()
        common.solr_post(f"{solr}/update?commit=true", b"[]")
        posting += time.perf_counter() - t0
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "posting": posting, "count": common.solr_count(solr), "kept": kept}


def ingest(solr: str, bodies: list[bytes]) -> dict:
    """Solr's ingestion alone: batches already built, sent one after the other, then commit."""
    clear(solr)
    t0 = time.perf_counter()
    for body in bodies:
        common.solr_post(f"{solr}/update", body)
    common.solr_post(f"{solr}/update?commit=true", b"[]")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "documents": common.solr_count(solr),
            "bytes": sum(len(b) for b in bodies)}


class Interrupted(Exception):
    """The time limit of a run was reached (its rate so far is kept)."""


class Timings:
    """Wraps methods to add up the time spent in them."""

    def __init__(self):
        self.seconds = {}
        self.saved = []

    def wrap(self, owner, name, label, replacement=None):
        original = getattr(owner, name)
        self.saved.append((owner, name, original))
        target = replacement or original

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, timed)

    def restore(self):
        for owner, name, original in reversed(self.saved):
            setattr(owner, name, original)
        self.saved.clear()


def application(db: str, solr: str, embedded: bool = False, limit: float = 0) -> dict:
    """`reindex` as `recueil reindex` runs it (with `embedded`: `reindex --embarque`); stopped
    after `limit` seconds if given (from its progress callback: the rate so far is then the
    measure, counted in practices Solr took, then in practices of the embedded index)."""
    clear(solr)
    engine = common.make_engine(db)
    session_factory = get_session_factory(engine)
    client = SolrSearch(solr, url_for=url_for)  # as the application builds it
    timings = Timings()
    timings.wrap(SqlSearch, "index", "index embarqué (SqlSearch.index)")
    timings.wrap(SqlSearch, "clear", "vidage de l'index embarqué")
    timings.wrap(SolrSearch, "update", "Solr : envoi des lots (fil d'envoi, pendant la lecture des suivants)")
    timings.wrap(SolrSearch, "commit", "Solr : commit final")
    timings.wrap(SolrSearch, "clear", "Solr : vidage (sans commit)")
    state = {"done": 0, "total": 0, "at": 0.0, "logged": 0.0, "label": ""}

    def progress(done, total, label=""):
        now = time.perf_counter()
        if label != state["label"]:  # a second pass (the embedded index) counts from 0 again
            state["label"], state["base"] = label, state["done"]
        state.update(done=state.get("base", 0) + done, total=total, at=now - started)
        if now - state["logged"] > 15 or done >= total:
            state["logged"] = now
            common.log(f"  reindex ({label}) : {done}/{total} ({now - started:.0f} s)")
        if limit and now - started > limit and done < total:
            raise Interrupted()

    started = time.perf_counter()
    interrupted = False
    try:
        service.reindex(session_factory, {"search.backend": "solr"}, lambda: client, progress,
                        embedded=embedded)
        seconds = time.perf_counter() - started
    except Interrupted:
        interrupted = True
        seconds = state["at"]
    finally:
        timings.restore()
    engine.dispose()
    return {"seconds": seconds, "done": state["done"], "total": state["total"],
            "interrupted": interrupted, "count": common.solr_count(solr), "steps": timings.seconds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--solr", required=True)
    parser.add_argument("--batch", type=int, default=service.BATCH)
    parser.add_argument("--limit", type=float, default=0,
                        help="arrêter `reindex` après ce nombre de secondes (débit mesuré jusque-là)")
    parser.add_argument("--what-if", action="store_true",
                        help="aussi reindex --embarque (Solr puis l'index de la base), dans la même limite")
    parser.add_argument("--results")
    args = parser.parse_args(argv)
    published = common.count_published(args.db)
    label = common.backend_label(args.db)

    common.log("reindex : chauffe de Solr…")
    warm_up(args.db, args.solr, args.batch)
    common.log(f"reindex : envoi direct de {published} documents…")
    d = direct(args.db, args.solr, args.batch)
    common.log(f"  direct : {d['seconds']:.1f} s")
    if d["count"] != published:
        raise AssertionError(f"direct : {d['count']} documents dans Solr pour {published} pratiques")
    i = ingest(args.solr, d.pop("kept"))
    common.log(f"  ingestion seule : {i['documents']} documents en {i['seconds']:.1f} s")
    common.log("reindex : recueil.search.service.reindex…")
    a = application(args.db, args.solr, limit=args.limit)
    common.log(f"  application : {a['done']} pratiques en {a['seconds']:.1f} s")
    if not a["interrupted"] and a["count"] != published:
        raise AssertionError(f"reindex : {a['count']} documents dans Solr pour {published} pratiques")
    w = None
    if args.what_if:
        common.log("reindex : avec l'index embarqué (--embarque)…")
        w = application(args.db, args.solr, embedded=True, limit=args.limit)
        common.log(f"  avec l'index embarqué : {w['seconds']:.1f} s")
    if common.solr_count(args.solr) != published:  # the next benchmarks need every document
        common.log("reindex : remplissage de Solr (non mesuré)…")
        direct(args.db, args.solr, args.batch, keep=0)

    rate_direct = published / d["seconds"]
    rate_app = a["done"] / a["seconds"]
    ratio = rate_app / rate_direct
    n = common.number
    if a["interrupted"]:
        app_label = (f"application : `reindex(...)` (search.backend=solr), **arrêtée** après "
                     f"{n(a['done'])} pratiques (limite {args.limit:.0f} s)")
    else:
        app_label = "application : `reindex(...)` (search.backend=solr)"
    lines = [
        "### Réindexation complète (`bench/reindex.py`)",
        "",
        f"Base {label} de {n(published)} pratiques publiées, Solr {common.solr_version(args.solr)}, "
        f"lots de {args.batch} pour le direct, de {service.SOLR_BATCH} pour l'application (lus, construits "
        f"et envoyés par lots, l'envoi d'un lot pendant la lecture du suivant) ; Solr chauffé (10 lots) "
        f"puis vidé avant chaque passage.",
        "",
        "| Passage | Pratiques | Durée (s) | Débit (documents/s) | Rapport au direct |",
        "|---|---:|---:|---:|---:|",
        f"| direct : lecture + `solr_document` + POST JSON `/update` (urllib) + commit | {n(published)} | "
        f"{d['seconds']:.1f} | {n(rate_direct)} | 1.00 |",
        f"| {app_label} | {n(a['done'])} | {a['seconds']:.1f} | {n(rate_app)} | **{ratio:.2f}** |",
    ]
    if w:
        if w["interrupted"]:
            lines.append(
                f"| pour mémoire, `reindex(..., embedded=True)` (`recueil reindex --embarque` : Solr puis "
                f"l'index de la base), **arrêtée** après {w['seconds']:.0f} s (limite {args.limit:.0f} s), "
                f"{n(w['done'])} pratiques traitées sur {n(published)} × 2 passages | | | | |")
        else:
            lines.append(
                f"| pour mémoire, `reindex(..., embedded=True)` (`recueil reindex --embarque` : Solr puis "
                f"l'index de la base) | {n(published)} | {w['seconds']:.1f} | {n(published / w['seconds'])} | "
                f"{published / w['seconds'] / rate_direct:.2f} |")
    if a["interrupted"]:
        lines += ["", f"Réindexation complète estimée à ce débit : {published / rate_app:.0f} s "
                      f"(≈ {published / rate_app / 60:.1f} min)."]
    lines += [
        "",
        f"- Direct : dont {d['posting']:.1f} s d'envoi à Solr (POST + commit). Ingestion de Solr seule "
        f"(les {n(i['documents'])} premiers documents, lots déjà construits, {i['bytes'] / 1e6:.0f} Mo de JSON) : "
        f"{i['seconds']:.1f} s, soit {n(i['documents'] / i['seconds'])} documents/s.",
        "- Application, par étape (l'envoi chevauche la lecture et la construction des documents) : "
        + ", ".join(f"{name} {s:.1f} s" for name, s in sorted(a["steps"].items(), key=lambda kv: -kv[1])
                    if s >= 0.05) + ".",
        f"- Objectif « débit de reindex ≥ 0,7 × débit direct » : {ratio:.2f} × — {common.verdict(ratio >= 0.7)}.",
    ]
    if w and w["interrupted"]:
        lines.append("- La réindexation `--embarque` arrêtée laisse l'index embarqué de cette base "
                     "incomplet (base jetable) ; Solr a été rempli ensuite.")
    common.append(args.results, "\n".join(lines))


if __name__ == "__main__":
    main()
