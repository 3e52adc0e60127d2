# ruff: noqa: E501  (the French lines of the Markdown report are data)
"""Throughput under load: Locust (headless, library mode) against the application and, beside
it, the same mix of searches sent straight to Solr.

    .venv/bin/python bench/load.py run --db URL --solr CORE_URL [--clients 8,32,128] [--requests 2000]

A bounded number of requests per level of concurrency (8, 32, 128 clients that never pause),
half to /api/pratiques and half to /pratiques, over a mix of realistic searches (empty, text,
facets, text + facets, years, later pages, sorts). For each level: requests per second,
p50, p95, p99 and errors, for
  (a) one application process (waitress, 8 threads) on one Solr core, and
  (b) two application processes on a 2-node SolrCloud, when `tools/solr/solr_server.py cloud`
      exists (otherwise written down as not measured),
and beside each, the Solr requests these searches make (`SolrSearch.params`, as pysolr sends
them), sent straight to Solr by the same Locust clients. Locust runs in a process of its own
(gevent patches the standard library there), on the same machine: it takes its share of the
two cores, as does Solr.
"""
from __future__ import annotations

import argparse
import configparser
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from search_latency import API_QUERIES, SQL_QUERIES, ensure_indexed, parse_all, solr_request  # noqa: E402

#: the catalogue's searches as people make them: many without words, with one or two facets
MIX = [params for _, params in SQL_QUERIES] + [
    [("q", q), *filters] for q, filters in API_QUERIES
] + [
    [("thematiques", "sante-mentale"), ("page", "2")],
    [("q", "famille"), ("tri", "publication")],
    [("departements", "13")],
    [("q", "prévention"), ("echelle", "locale"), ("page", "4")],
]
#: the WSGI server's settings of production.ini ([server:main]: threads, connections), so
#: that the processes measured are served as in production
PRODUCTION_INI = Path(__file__).resolve().parent.parent / "production.ini"
SERVER_SETTINGS = ("threads", "connection_limit")


def server_settings() -> dict[str, int]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PRODUCTION_INI, encoding="utf-8")
    return {name: parser.getint("server:main", name) for name in SERVER_SETTINGS}


SOLR_SERVER = Path(__file__).resolve().parent.parent / "tools" / "solr" / "solr_server.py"


# -- the Locust side (its own process: gevent patches the standard library) ----------------------
def swarm(args) -> None:
    """(subprocess) `--requests` requests from `--clients` Locust users, then the statistics
    as one line of JSON."""
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment
    from locust.exception import StopUser

    plan = json.loads(Path(args.plan).read_text("utf-8"))
    targets, requests = plan["targets"], plan["requests"]
    budget = itertools.count()
    done = []

    def make_user(number: int, base: str) -> type:
        class Visitor(FastHttpUser):
            host = base
            wait_time = constant(0)
            network_timeout = 60.0
            connection_timeout = 60.0

            @task
            def ask(self):
                number = next(budget)
                if number >= args.requests:
                    raise StopUser()
                kind, method, path, body = requests[number % len(requests)]
                headers = {"Content-type": "application/x-www-form-urlencoded"} if body else None
                with self.client.request(method, path, data=body, headers=headers, name=kind,
                                         catch_response=True) as response:
                    if response.status_code != 200:
                        response.failure(f"HTTP {response.status_code}")
                done.append(1)

        # Locust wants a name of its own for each class of users: one per target
        Visitor.__name__ = Visitor.__qualname__ = f"Visitor{number}"
        return Visitor

    users = [make_user(number, base) for number, base in enumerate(targets)]
    environment = Environment(user_classes=users)
    runner = environment.create_local_runner()
    started = time.perf_counter()
    runner.start(args.clients, spawn_rate=args.clients)
    while len(done) < args.requests and time.perf_counter() - started < args.timeout:
        gevent.sleep(0.05)
    seconds = time.perf_counter() - started
    runner.quit()
    total = environment.stats.total
    result = {
        "requests": total.num_requests, "errors": total.num_failures, "seconds": seconds,
        "rps": total.num_requests / seconds if seconds else 0.0,
        "p50": total.get_response_time_percentile(0.50),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "errors_seen": {f"{v.method} {v.name} : {v.error}": v.occurrences
                        for v in environment.stats.errors.values()},
    }
    print(json.dumps(result), flush=True)


def run_swarm(targets: list[str], requests: list, clients: int, count: int,
              timeout: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan:
        json.dump({"targets": targets, "requests": requests}, plan)
    try:
        done = subprocess.run(
            [sys.executable, "-W", "ignore", __file__, "swarm", "--plan", plan.name,
             "--clients", str(clients), "--requests", str(count), "--timeout", str(timeout)],
            check=False, capture_output=True, text=True, timeout=timeout + 120)
    finally:
        os.unlink(plan.name)
    if done.returncode != 0:
        raise RuntimeError(f"Locust s'est arrêté (code {done.returncode}) :\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- what is asked ------------------------------------------------------------------------------
def plan(db: str, rng: random.Random, count: int = 200) -> tuple[list, list]:
    """(application requests, the Solr requests they make): half API, half pages."""
    from recueil.search.documents import CARD_FIELDS, RECORD_FIELDS
    from recueil.search.solr import SolrSearch

    searches = parse_all(db, MIX)
    solr = SolrSearch("http://127.0.0.1:1/solr/pratiques")
    app, raw = [], []
    for number in range(count):
        index = rng.randrange(len(MIX))
        api = number % 2 == 0
        path = ("/api/pratiques" if api else "/pratiques") + "?" + urllib.parse.urlencode(MIX[index])
        app.append(("api" if api else "page", "GET", path, None))
        params = solr.params(searches[index], RECORD_FIELDS if api else CARD_FIELDS)
        method, solr_path, body, _ = solr_request(params)
        raw.append(("solr " + ("api" if api else "page"), method, solr_path,
                    body.decode() if body else None))
    return app, raw


# -- servers ------------------------------------------------------------------------------------
def serve(args) -> None:
    """(subprocess) the application in waitress on a free port, printed on stdout."""
    import logging

    import waitress

    logging.basicConfig(level=logging.WARNING)
    settings = common.app_settings(args.db, backend="solr", solr_url=args.solr or "")
    for item in args.setting or []:
        key, _, value = item.partition("=")
        settings[key] = value
    from recueil import main

    server = waitress.create_server(main({}, **settings), host="127.0.0.1", port=0,
                                    **server_settings())
    print(server.effective_port, flush=True)
    server.run()


def start_app(db: str, solr: str | None, settings: list[str] = ()) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-W", "ignore", __file__, "serve", "--db", db]
    if solr:
        command += ["--solr", solr]
    for item in settings:
        command += ["--setting", item]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.strip():
        raise RuntimeError("le serveur de l'application n'a pas démarré")
    return process, f"http://127.0.0.1:{int(line)}"


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def start_cloud(nodes: int = 2) -> tuple[subprocess.Popen, dict] | None:
    """`solr_server.py cloud --nodes N` when the tool has it: (process, its ready line)."""
    helped = subprocess.run([sys.executable, str(SOLR_SERVER), "--help"], capture_output=True,
                            text=True, check=False).stdout
    if "cloud" not in helped:
        return None
    process = subprocess.Popen([sys.executable, str(SOLR_SERVER), "cloud", "--nodes", str(nodes)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("SOLRCLOUD_READY"):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            return process, {"zk": fields["zk"], "nodes": fields["nodes"].split(",")}
    process.wait()
    raise RuntimeError("SolrCloud n'a pas démarré")


# -- the run ------------------------------------------------------------------------------------
def measure(label: str, app_targets: list[str], solr_targets: list[str], app_plan, raw_plan,
            levels: list[int], count: int, timeout: float) -> list[dict]:
    rows = []
    for clients in levels:
        # a short warm-up of each side (caches, JIT), not counted
        run_swarm(app_targets, app_plan, clients, min(count, 4 * clients), timeout)
        run_swarm(solr_targets, raw_plan, clients, min(count, 4 * clients), timeout)
        load_before = common.load_average()
        app = run_swarm(app_targets, app_plan, clients, count, timeout)
        raw = run_swarm(solr_targets, raw_plan, clients, count, timeout)
        rows.append({"label": label, "clients": clients, "app": app, "solr": raw,
                     "load": f"{load_before} → {common.load_average()}"})
        common.log(f"{label}, {clients} clients : application {app['rps']:.0f} req/s "
                   f"({app['errors']} erreurs), Solr {raw['rps']:.0f} req/s")
    return rows


def run(args) -> None:
    levels = [int(n) for n in args.clients.split(",")]
    rng = random.Random(2026)
    published = ensure_indexed(args.db, args.solr)
    app_plan, raw_plan = plan(args.db, rng)
    solr_base = args.solr.rsplit("/solr/", 1)[0]
    core_path = "/solr/" + args.solr.rsplit("/solr/", 1)[1]
    raw_single = [(k, m, core_path + p, b) for k, m, p, b in raw_plan]

    rows = []
    process, url = start_app(args.db, args.solr)
    try:
        rows += measure("(a) 1 processus, 1 Solr", [url], [solr_base], app_plan, raw_single,
                        levels, args.requests, args.timeout)
    finally:
        stop([process])

    cloud_note = None
    if args.cloud:
        cloud = None
        try:
            cloud = start_cloud(2)
        except (OSError, RuntimeError) as error:
            cloud_note = f"SolrCloud n'a pas démarré : {error}"
        if cloud is None and cloud_note is None:
            cloud_note = ("`tools/solr/solr_server.py cloud` n'existe pas encore dans cet arbre : "
                          "(b) non mesuré")
        if cloud is not None:
            cloud_process, ready = cloud
            started = []
            try:
                # the collection's documents, sent to one node: SolrCloud gives both replicas
                ensure_indexed(args.db, ready["nodes"][0] + "/pratiques")
                for _ in range(2):
                    started.append(start_app(args.db, None, [
                        f"solr.zk_hosts={ready['zk']}", "solr.collection=pratiques"]))
                nodes = [node.rsplit("/solr", 1)[0] for node in ready["nodes"]]
                rows += measure("(b) 2 processus, SolrCloud 2 nœuds", [u for _, u in started],
                                nodes, app_plan, raw_single, levels, args.requests, args.timeout)
            finally:
                stop([process for process, _ in started])
                cloud_process.send_signal(signal.SIGTERM)
                cloud_process.wait(120)
    write(args, rows, published, cloud_note)


def write(args, rows: list[dict], published: int, cloud_note: str | None) -> None:
    lines = [
        "### Débit sous charge (`bench/load.py`, Locust)",
        "",
        f"Base {common.backend_label(args.db)} de {common.number(published)} pratiques publiées. "
        f"Locust {common.version('locust')} (mode bibliothèque, sans interface, clients sans pause, "
        f"`FastHttpUser`), sur la même machine que l'application et Solr ; **{args.requests} requêtes "
        f"par niveau et par côté**, moitié `/api/pratiques`, moitié `/pratiques`, sur un mélange de "
        f"{len(MIX)} recherches (vides, texte, facettes, texte + facettes, années, pages suivantes, "
        f"tris) ; à côté, les requêtes Solr que font ces recherches (`SolrSearch.params`, comme pysolr "
        f"les envoie), envoyées directement à Solr par les mêmes clients. Chauffe de 4 requêtes par "
        f"client de chaque côté avant chaque niveau. Application : waitress réglé comme dans `production.ini` ({server_settings()['threads']} fils, {server_settings()['connection_limit']} connexions au plus) par "
        f"processus. Durées en ms.",
        "",
        "| Déploiement | Clients | App req/s | App p50 | p95 | p99 | Erreurs | Solr brut req/s | Solr p50 | p95 | p99 | Erreurs | App / Solr | Charge (avant → après) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    errors = 0
    ratios = []
    for row in rows:
        app, raw = row["app"], row["solr"]
        ratio = app["rps"] / raw["rps"] if raw["rps"] else 0.0
        ratios.append(ratio)
        errors += app["errors"] + raw["errors"]
        lines.append(
            f"| {row['label']} | {row['clients']} | {app['rps']:.0f} | {app['p50']:.0f} | "
            f"{app['p95']:.0f} | {app['p99']:.0f} | {app['errors']} | {raw['rps']:.0f} | "
            f"{raw['p50']:.0f} | {raw['p95']:.0f} | {raw['p99']:.0f} | {raw['errors']} | "
            f"{ratio:.2f} | {row['load']} |")
    lines.append("")
    if cloud_note:
        lines.append(f"- (b) 2 processus sur SolrCloud 2 nœuds : **non mesuré** — {cloud_note}.")
    elif not args.cloud:
        lines.append("- (b) 2 processus sur SolrCloud 2 nœuds : **non mesuré** dans ce profil court "
                     "(`make bench-load` le mesure).")
    lines.append(f"- Objectif « zéro erreur » : {errors} — {common.verdict(errors == 0)}.")
    if ratios:
        lines.append(f"- Objectif « débit de l'application ≥ la moitié de celui de Solr brut » : "
                     f"de {min(ratios):.2f} à {max(ratios):.2f} × — {common.verdict(min(ratios) >= 0.5)}.")
    for row in rows:
        seen = {**row["app"].get("errors_seen", {}), **row["solr"].get("errors_seen", {})}
        if seen:
            lines.append(f"- Erreurs vues ({row['label']}, {row['clients']} clients) : "
                         + "; ".join(f"{k} × {v}" for k, v in list(seen.items())[:3]))
    common.append(args.results, "\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--db", required=True)
    p_run.add_argument("--solr", required=True, help="URL du cœur, …/solr/pratiques")
    p_run.add_argument("--clients", default="8,32,128")
    p_run.add_argument("--requests", type=int, default=2000, help="requêtes par niveau et par côté")
    p_run.add_argument("--timeout", type=float, default=600.0, help="secondes au plus par passage")
    p_run.add_argument("--cloud", action="store_true", help="mesurer aussi (b), sur SolrCloud")
    p_run.add_argument("--results")
    p_swarm = sub.add_parser("swarm")
    p_swarm.add_argument("--plan", required=True)
    p_swarm.add_argument("--clients", type=int, required=True)
    p_swarm.add_argument("--requests", type=int, required=True)
    p_swarm.add_argument("--timeout", type=float, default=600.0)
    p_serve = sub.add_parser("serve")
    p_serve.add_argument("--db", required=True)
    p_serve.add_argument("--solr")
    p_serve.add_argument("--setting", action="append")
    args = parser.parse_args(argv)
    {"run": run, "swarm": swarm, "serve": serve}[args.command](args)


if __name__ == "__main__":
    main()
