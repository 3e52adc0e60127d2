# ruff: noqa: E501  (the French lines of the Markdown report are data)
"""Search latency: /api/pratiques on Solr vs the raw Solr query, and the SQL backend's p95.

    .venv/bin/python bench/search_latency.py api --db URL [--db URL2] --solr CORE_URL [--samples 60]
    .venv/bin/python bench/search_latency.py sql --db URL [--db URL2] [--samples 30]

`api`: the application runs in a real waitress server (its own process, 127.0.0.1, default
4 threads, search.backend=solr); each sample of /api/pratiques is timed from the client, on a
kept-alive HTTP/1.1 connection, until its whole body is read. Beside it, on another kept-alive
connection, the raw Solr request: the very parameters `SolrSearch.params` builds for the same
search (q, fq with {!tag}, sort, rows, and the stored fields the API's records are built
from), sent to the application's request handler (/recherche: every facet, the form of the
answer) as pysolr sends them (GET, a form past 1 024 characters). Samples alternate API / Solr
(order swapped every round) after a warm-up; several queries, each a text query with two facet
filters, every facet counted. Then, in the same way, each of the stack's four floors against
raw Solr: an application that only asks Solr the same search through the application's client
and sends its answer back (a bare WSGI application with the client's session alone, or with
pysolr; a Pyramid application of one route; the whole Pyramid application with a view that
only searches); what no application on this stack goes below. The Solr core must hold the
database's published practices (indexed if not).

`sql`: `SqlSearch.search` (the embedded backend: count, page and every facet's counts) on a
mix of realistic requests, each in a fresh session like a web request, interleaved; then the
first search of words never searched, and the first search after a change committed by another
transaction (the process's cache of bitmaps rebuilt).
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from webob.multidict import MultiDict  # noqa: E402

#: text query + two facet filters (all facets are always counted)
API_QUERIES = [
    ("accompagnement des parents", [("thematiques", "liens-parents-enfants"), ("echelle", "departementale")]),
    ("harcèlement scolaire", [("publics", "adolescents"), ("regions", "84")]),
    ("visites médiatisées", [("types_intervention", "placement-familial"), ("relais", "association")]),
    ("santé mentale", [("thematiques", "sante-mentale"), ("departements", "59")]),
    ("violences conjugales", [("publics", "enfants"), ("coup_de_coeur", "true")]),
]

#: the embedded backend's mix: (category, parameters)
SQL_QUERIES = [
    ("vide", []),
    ("vide", [("page", "3")]),
    ("texte", [("q", "parents")]),
    ("texte", [("q", "harcèlement scolaire")]),
    ("texte", [("q", "l'accueil d'urgence des adolescents")]),
    ("facettes", [("thematiques", "education")]),
    ("facettes", [("thematiques", "education"), ("thematiques", "sante-mentale"), ("echelle", "locale")]),
    ("facettes", [("regions", "11"), ("publics", "adolescents"), ("tri", "anciennete")]),
    ("texte+facettes", [("q", "accompagnement"), ("thematiques", "liens-parents-enfants"), ("departements", "59")]),
    ("texte+facettes", [("q", "visites médiatisées"), ("relais", "association"), ("echelle", "departementale")]),
    ("années", [("annee_min", "2018"), ("annee_max", "2022")]),
    ("années", [("q", "parentalité"), ("annee_min", "2015"), ("thematiques", "liens-parents-enfants")]),
]


# -- HTTP ----------------------------------------------------------------------------------------------
class Client:
    """One kept-alive HTTP/1.1 connection; times a request until its whole body is read."""

    def __init__(self, base: str):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.prefix = parsed.path.rstrip("/")
        self.connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.connection.request(method, self.prefix + path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                data = response.read()
                seconds = time.perf_counter() - started
                #: when the request left, and the answer's headers (the server's own timings)
                self.last_started, self.last_headers = started, response.headers
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status} pour {path[:200]} : {data[:500]!r}")
                return data, seconds
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()


#: pysolr sends a search as a GET below this length of its encoded parameters, as a form
#: beyond (pysolr.Solr._select)
PYSOLR_GET_LIMIT = 1024


def solr_request(params: dict) -> tuple[str, str, bytes | None, dict]:
    """(method, path, body, headers) of a search as the application sends SolrSearch.params
    through pysolr, to its request handler (GET, a form past PYSOLR_GET_LIMIT characters)."""
    params = dict(params)
    handler = params.pop("search_handler")
    encoded = urllib.parse.urlencode(params, doseq=True)
    if len(encoded) < PYSOLR_GET_LIMIT:
        return "GET", f"/{handler}/?{encoded}", None, {}
    return "POST", f"/{handler}/", encoded.encode(), {
        "Content-type": "application/x-www-form-urlencoded; charset=utf-8"}


# -- the application server ------------------------------------------------------------------------
def serve(args):
    """(subprocess) the application in waitress, or with --floor the stack's floor
    (floor_app), on a free port printed on stdout."""
    import logging

    import waitress

    logging.basicConfig(level=logging.WARNING)
    if args.floor == "pyramid":
        # the application itself, with one more route: FLOOR_ROUTE (includeme below)
        app = common.make_app(args.db[0], backend="solr", solr_url=args.solr,
                              **{"pyramid.includes": "search_latency"})
    elif args.floor:
        app = floor_app(args.db[0], args.solr, args.floor)
    else:
        app = timed(common.make_app(args.db[0], backend="solr", solr_url=args.solr))
    server = waitress.create_server(app, host="127.0.0.1", port=0)
    print(server.effective_port, flush=True)
    server.run()


#: the floors of the stack: what the least application on it costs, beside the API, the
#: lowest first
FLOORS = {
    "session": "waitress et la session du client (urllib3), réponse de Solr telle quelle",
    "pysolr": "waitress et pysolr, réponse de Solr décodée puis réécrite",
    "pyramid-nu": "Pyramid seul (une route, aucun tween ni intergiciel), la même vue par pysolr",
    "pyramid": "l'application Pyramid entière (intergiciels, tweens, permission), une vue qui "
               "ne fait que cette recherche par pysolr",
}
#: where the Pyramid floor answers, in the bench's server only
FLOOR_ROUTE = "/banc/plancher"


def searched_through_pysolr(backend, state) -> bytes:
    """(server process) What every floor's view does: the API's search for `state` asked of
    Solr through the application's client (pysolr), Solr's answer written again by orjson."""
    import orjson

    from recueil.search.documents import RECORD_FIELDS

    params = backend.params(state, RECORD_FIELDS)
    return orjson.dumps(backend.client.search(params.pop("q"), **params).raw_response)


def includeme(config):
    """(bench server, --floor pyramid) FLOOR_ROUTE in the application: behind the same
    middlewares, tweens and permission as the API, a view that only reads the request, asks
    Solr the API's search through the application's client and writes back Solr's answer."""
    from pyramid.response import Response

    from recueil.search.query import parse
    from recueil.security import Permissions
    from recueil.views.facets import allowed_codes

    def floor_view(request):
        state = parse(request.GET, allowed_codes(request.references), strict=True)
        return Response(body=searched_through_pysolr(request.search.backend, state),
                        content_type="application/json")

    config.add_route("banc.plancher", FLOOR_ROUTE)
    config.add_view(floor_view, route_name="banc.plancher", request_method="GET",
                    permission=Permissions.VIEW)


def floor_app(db: str, solr: str, through: str):
    """(server process) The least an application on this stack can do for a search of the
    API: a bare WSGI application in waitress that reads the query string into a
    SearchRequest, asks Solr the application's own parameters through the application's own
    client (SolrSearch: pysolr on its session), and writes back what Solr said. No records or
    facets of ours, and but for `pyramid-nu` no Pyramid.

    `through="pysolr"`: pysolr's search, its answer decoded (as the application's) and written
    again by orjson; `through="session"`: the client's session alone, Solr's bytes as they
    came (what pysolr and the decoding cost is the difference); `through="pyramid-nu"`: the
    pysolr floor as a view of a Pyramid application of one route, with no tween, middleware
    or security policy (what Pyramid itself costs, apart from the application's shell)."""
    from pyramid.config import Configurator
    from pyramid.response import Response

    from recueil.search.documents import RECORD_FIELDS
    from recueil.search.query import parse
    from recueil.search.solr import SolrSearch

    backend = SolrSearch(solr)
    codes = allowed_codes(db)

    def through_pysolr(query: MultiDict) -> bytes:
        return searched_through_pysolr(backend, parse(query, codes, strict=True))

    if through == "pyramid-nu":
        def view(request):
            return Response(body=through_pysolr(request.GET), content_type="application/json")

        with Configurator() as config:
            config.add_route("plancher", "/*chemin")
            config.add_view(view, route_name="plancher", request_method="GET")
        return config.make_wsgi_app()

    def application(environ, start_response):
        query = MultiDict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
        if through == "pysolr":
            body = through_pysolr(query)
        else:
            method, path, data, headers = solr_request(
                backend.params(parse(query, codes, strict=True), RECORD_FIELDS))
            body = backend.session.request(method, solr + path, data=data, headers=headers,
                                           timeout=backend.timeout).content
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return application


#: the header where the bench's server writes when the application started and ended, and
#: how long its call to Solr took (perf_counter seconds: CLOCK_MONOTONIC, the same clock in
#: every process of the machine, so the client can place them in its own measure)
TIMING_HEADER = "X-Banc-Temps"


def timed(app):
    """(server process) `app` writing its own timings in TIMING_HEADER: its start and end, and
    the time of its call to Solr (SearchService.search: pysolr, its session, the decoding)."""
    import threading

    from recueil.search.service import SearchService

    search = SearchService.search
    spent = threading.local()

    def timed_search(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return search(self, *args, **kwargs)
        finally:
            spent.solr = time.perf_counter() - started

    SearchService.search = timed_search

    def application(environ, start_response):
        started = time.perf_counter()
        spent.solr = 0.0
        answer = {}

        def keep(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        body = b"".join(app(environ, keep))
        ended = time.perf_counter()
        start_response(answer["status"], [
            *answer["headers"], (TIMING_HEADER, f"{started!r} {ended!r} {spent.solr!r}")])
        return [body]

    return application


class AppServer:
    def __init__(self, db: str, solr: str, floor: str | None = None):
        self.process = subprocess.Popen(
            [sys.executable, "-W", "ignore", __file__, "serve", "--db", db, "--solr", solr,
             *(["--floor", floor] if floor else [])],
            stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.strip():
            raise RuntimeError("le serveur de l'application n'a pas démarré")
        self.url = f"http://127.0.0.1:{int(line)}"

    def stop(self):
        self.process.terminate()
        self.process.wait(15)


# -- making sure Solr holds the database -------------------------------------------------------------
def ensure_indexed(db: str, solr: str) -> int:
    """The database's published practices in Solr (sent directly if the counts differ)."""
    published = common.count_published(db)
    if common.solr_count(solr) != published:
        import reindex

        common.log(f"Solr : {common.solr_count(solr)} documents, la base {published} : indexation…")
        reindex.direct(db, solr, 500, keep=0)
    return published


def allowed_codes(db: str) -> dict[str, set[str]]:
    """The codes each facet accepts, from the database's vocabularies."""
    from sqlalchemy.orm import Session

    from recueil.services.references import References
    from recueil.views.facets import allowed_codes

    engine = common.make_engine(db)
    with Session(engine) as session:
        codes = allowed_codes(References(session))
    engine.dispose()
    return codes


def parse_all(db: str, queries) -> list:
    """SearchRequests of the queries, validated against the database's vocabularies."""
    from recueil.search.query import parse

    codes = allowed_codes(db)
    return [parse(MultiDict(params), codes, strict=True) for params in queries]


# -- API vs raw Solr --------------------------------------------------------------------------------
def api_vs_solr(db: str, solr: str, samples: int, warmup: int, floors: bool = True) -> dict:
    """The API and the raw request in turn (order swapped every round); with `floors`, then
    each of the stack's floors (floor_app) and the raw request in turn, in the same way, one
    server at a time as for the API."""
    from recueil.search.documents import RECORD_FIELDS
    from recueil.search.solr import SolrSearch

    published = ensure_indexed(db, solr)
    params_list = [[("q", q), *filters] for q, filters in API_QUERIES]
    requests = parse_all(db, params_list)
    builder = SolrSearch(solr)
    raw = [solr_request(builder.params(r, RECORD_FIELDS)) for r in requests]
    queries = [urllib.parse.urlencode(params) for params in params_list]
    #: the API's requests split by the server's timings; "solr brut" is the raw request of
    #: the same round, for comparison with the application's own call
    split = {"avant l'application": [], "appel de l'application à Solr": [],
             "pour mémoire, Solr brut au même tour": [], "travail propre de l'application": [],
             "après l'application": []}
    totals = {}

    def alternate(side: str) -> dict:
        """{query: {side: seconds, "solr": seconds}} of `side`'s server and raw Solr in turn."""
        server = AppServer(db, solr, floor=None if side == "api" else side)
        client, solr_client = Client(server.url), Client(solr)
        path = {"api": "/api/pratiques", "pyramid": FLOOR_ROUTE}.get(side, "/")
        times = {i: {side: [], "solr": []} for i in range(len(params_list))}

        def own_call(i):
            return client.request("GET", f"{path}?{queries[i]}")

        def solr_call(i):
            return solr_client.request(*raw[i])

        try:
            for i in range(len(params_list)):  # the same totals on both sides
                answer = json.loads(own_call(i)[0])
                total = answer["total"] if side == "api" else answer["response"]["numFound"]
                solr_total = json.loads(solr_call(i)[0])["response"]["numFound"]
                if total != solr_total or totals.setdefault(i, total) != total:
                    raise AssertionError(f"requête {i} : {side} {total} ≠ Solr {solr_total}")
            for _ in range(warmup):
                for i in range(len(params_list)):
                    own_call(i)
                    solr_call(i)
            for round_ in range(samples):
                for i in range(len(params_list)):
                    pair = ((side, own_call), ("solr", solr_call))
                    for name, call in (pair if round_ % 2 == 0 else pair[::-1]):
                        times[i][name].append(call(i)[1])
                    if side != "api":
                        continue
                    started, ended, solr_seconds = map(
                        float, client.last_headers[TIMING_HEADER].split())
                    sent = client.last_started
                    for name, seconds in zip(split, (
                            started - sent, solr_seconds, times[i]["solr"][-1],
                            ended - started - solr_seconds, sent + times[i]["api"][-1] - ended),
                            strict=True):
                        split[name].append(seconds)
        finally:
            client.close()
            solr_client.close()
            server.stop()
        return times

    times = alternate("api")
    floor_times = {side: alternate(side) for side in FLOORS} if floors else {}
    return {"published": published, "times": times, "totals": totals, "params": params_list,
            "raw": raw, "floors": floor_times,
            "split": {name: common.summary(values)["median"] for name, values in split.items()}}


def breakdown(db: str, solr: str, rounds: int = 30) -> dict:
    """In-process: where the API's time goes (the view's steps, as the view runs them)."""
    import orjson

    from recueil.search.documents import RECORD_FIELDS, record_from_document
    from recueil.search.query import FACETS
    from recueil.services import catalogue
    from recueil.services.references import References
    from recueil.views.facets import facet_values

    app = common.make_app(db, backend="solr", solr_url=solr)
    client = app.registry["solr_factory"]()
    cache = app.registry["references_cache"]
    params_list = [[("q", q), *filters] for q, filters in API_QUERIES]
    requests = parse_all(db, params_list)
    raw = [solr_request(client.params(r, RECORD_FIELDS)) for r in requests]
    reference = Client(solr)
    session = client.session

    def through_session(method, path, body, headers):
        """The same request through the client's session alone (urllib3, no pysolr)."""
        return session.request(method, solr + path, data=body, headers=headers,
                               timeout=client.timeout).content

    steps = {"solr (client de l'application : pysolr, sa session sur urllib3, réponse décodée)": [],
             "pour mémoire, la même requête par la session seule (urllib3, corps lu)": [],
             "pour mémoire, la même requête brute (http.client, corps lu)": [],
             "références (cache du processus)": [],
             "enregistrements (gardés sérialisés, comme l'API)": [],
             "facettes": [], "json (orjson)": [],
             "pour mémoire, enregistrements construits à chaque fois": []}
    for round_ in range(rounds):
        for state, request in zip(requests, raw, strict=True):
            # the three ways to Solr one after the other, in an order that turns each round
            ways = [lambda s=state: client.search(s, RECORD_FIELDS),
                    lambda r=request: through_session(*r),
                    lambda r=request: reference.request(*r)]
            spent = [0.0, 0.0, 0.0]
            for k in sorted(range(3), key=lambda k: (k + round_) % 3):
                started = time.perf_counter()
                answer = ways[k]()
                spent[k] = time.perf_counter() - started
                if k == 0:
                    result = answer
            t1 = time.perf_counter()
            references = References(data=cache.get())
            t2 = time.perf_counter()
            records = catalogue.public_records(None, result, lambda i: f"http://x/pratiques/{i}",
                                               references)
            t3 = time.perf_counter()
            facets = {name: facet_values(references, name, result.facets.get(name, {}),
                                         state.values(name) if name != "annee" else ())
                      for name in FACETS}
            t4 = time.perf_counter()
            orjson.dumps({"total": result.total, "resultats": records, "facettes": facets})
            t5 = time.perf_counter()
            [record_from_document(d, f"http://x/pratiques/{d['id']}", references)
             for d in result.documents]
            t6 = time.perf_counter()
            for name, seconds in zip(steps, (spent[0], spent[1], spent[2], t2 - t1, t3 - t2, t4 - t3,
                                             t5 - t4, t6 - t5), strict=True):
                steps[name].append(seconds)
    reference.close()
    app.registry["db_engine"].dispose()
    return {name: common.summary(values)["median"] for name, values in steps.items()}


def api_what_if(db: str, solr: str, rounds: int) -> dict:
    """In-process (webtest, no HTTP): the API's median, and without each of its shortcuts
    (applied by patching, in this process), the same answers checked."""
    import contextlib

    import requests
    import webtest

    from recueil.search.service import SearchService
    from recueil.services import catalogue

    app = common.make_app(db, backend="solr", solr_url=solr)
    test = webtest.TestApp(app)
    cache = app.registry["references_cache"]
    paths = ["/api/pratiques?" + urllib.parse.urlencode([("q", q), *f]) for q, f in API_QUERIES]
    search = SearchService.search

    def without_documents(self, request, fields=None):
        return search(self, request)

    kept = catalogue.RECORD_CACHE_SIZE
    pysolr_client = app.registry["solr_factory"]().client
    own_session = pysolr_client.session
    # the client's session before recueil/search/transport.py: requests, set as it was
    requests_session = requests.Session()
    requests_session.trust_env = False
    requests_session.headers["Accept-Encoding"] = "identity"

    @contextlib.contextmanager
    def patched(from_database: bool, references_each_time: bool, built_each_time: bool,
                through_requests: bool = False):
        max_age = cache.max_age
        if from_database:
            SearchService.search = without_documents
        if references_each_time:
            cache.max_age = 0
        if built_each_time:
            catalogue.RECORD_CACHE_SIZE = 0
        if through_requests:
            pysolr_client.session = requests_session
        try:
            yield
        finally:
            SearchService.search, cache.max_age = search, max_age
            catalogue.RECORD_CACHE_SIZE = kept
            pysolr_client.session = own_session

    variants = {
        "actuel": (False, False, False),
        "enregistrements lus dans la base": (True, False, False),
        "références lues à chaque requête": (False, True, False),
        "enregistrements reconstruits à chaque requête": (False, False, True),
        "client Solr sur une session requests": (False, False, False, True),
    }
    reference = {}
    for name, flags in variants.items():
        with patched(*flags):
            for path in paths:
                answer = test.get(path).body
                if path in reference and answer != reference[path]:
                    raise AssertionError(f"{name} : réponse différente pour {path}")
                reference.setdefault(path, answer)
    times = {name: [] for name in variants}
    for round_ in range(rounds + 3):
        for path in paths:
            for name, flags in variants.items():
                with patched(*flags):
                    started = time.perf_counter()
                    test.get(path)
                    seconds = time.perf_counter() - started
                if round_ >= 3:
                    times[name].append(seconds)
    app.registry["db_engine"].dispose()
    return {name: common.summary(values) for name, values in times.items()}


def run_api(args) -> None:
    lines = [
        "### Latence de `/api/pratiques` (Solr) et de la requête Solr brute (`bench/search_latency.py api`)",
        "",
        f"Serveur waitress réel (processus séparé, 127.0.0.1, 4 fils), client `http.client` en connexion "
        f"persistante ; requête Solr brute sur le même cœur, au même gestionnaire "
        f"(`/recherche-enregistrements`, qui renvoie les champs stockés dont l'API fait ses "
        f"enregistrements), avec les paramètres de `SolrSearch.params`, envoyée comme pysolr l'envoie. "
        f"Alternance API/Solr (ordre inversé à chaque tour), {args.warmup} tours de chauffe, "
        f"**{args.samples} mesures par requête et par côté**. Chaque requête : un texte, deux filtres "
        f"de facettes, toutes les facettes comptées, 20 résultats.",
    ]
    for db in args.db:
        label = common.backend_label(db)
        result = api_vs_solr(db, args.solr, args.samples, args.warmup)
        times = result["times"]
        lines += [
            "",
            f"**Base {label}, {common.number(result['published'])} pratiques publiées, "
            f"Solr {common.solr_version(args.solr)}**",
            "",
            "| Requête | Résultats | API médiane (ms) | API p95 | Solr brut médiane (ms) | Solr p95 | Rapport des médianes |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        all_api, all_solr = [], []
        for i, params in enumerate(result["params"]):
            api, solr = common.summary(times[i]["api"]), common.summary(times[i]["solr"])
            all_api += times[i]["api"]
            all_solr += times[i]["solr"]
            label_q = "&".join(f"{k}={v}" for k, v in params)
            lines.append(
                f"| `{label_q}` | {result['totals'][i]} | {common.ms(api['median'])} | {common.ms(api['p95'])} | "
                f"{common.ms(solr['median'])} | {common.ms(solr['p95'])} | {api['median'] / solr['median']:.2f} |")
        api, solr = common.summary(all_api), common.summary(all_solr)
        ratio = api["median"] / solr["median"]
        lines.append(
            f"| **toutes ({api['n']} + {solr['n']} mesures)** | | **{common.ms(api['median'])}** | "
            f"{common.ms(api['p95'])} | **{common.ms(solr['median'])}** | {common.ms(solr['p95'])} | **{ratio:.2f}** |")
        lines += [
            "",
            f"- Objectif « médiane API ≤ 1,5 × médiane Solr brute » : {ratio:.2f} × — "
            f"{common.verdict(ratio <= 1.5)} ; écart absolu des médianes "
            f"{common.ms(api['median'] - solr['median'])} ms.",
        ]
        if result["floors"]:
            lines += floor_lines(result["floors"], api["median"], solr["median"])
        lines.append(
            "- Où passe le temps d'une requête de l'API, d'après les horloges du serveur et du "
            "client (médianes) : " + ", ".join(f"{name} {s * 1000:.2f} ms"
                                               for name, s in result["split"].items())
            + ". Avant : la requête écrite par le client, lue par waitress, passée à un de ses "
            "fils ; après : la réponse écrite par waitress, lue par le client ; travail propre : "
            "Pyramid (routage, tweens, permission) et la vue (paramètres, enregistrements, "
            "facettes, JSON, ETag).")
        if args.what_if:
            found = api_what_if(db, args.solr, args.what_if)
            base = found["actuel"]["median"]
            lines.append(
                "- Pistes mesurées dans le processus (webtest, sans HTTP, mêmes réponses vérifiées, "
                f"{args.what_if} tours alternés) : médiane de l'API "
                + ", ".join(f"{name} {common.ms(s['median'])} ms"
                            + ("" if name == "actuel" else f" ({(s['median'] - base) * 1000:+.1f} ms)")
                            for name, s in found.items())
                + f" ; Solr brut {common.ms(solr['median'])} ms.")
        if args.breakdown:
            steps = breakdown(db, args.solr, args.breakdown)
            lines.append(
                "- Où passe le temps de l'API (médianes par étape, dans le processus, hors HTTP et "
                "Pyramid) : " + ", ".join(f"{name} {s * 1000:.2f} ms" for name, s in steps.items()) + ".")
    common.append(args.results, "\n".join(lines))


def floor_lines(floors: dict, api_median: float, solr_median: float) -> list[str]:
    """The floors of the stack, each against the raw requests of its own pass, and what the
    goal leaves to the API's own view above the Pyramid floor (distances in multiples of raw
    Solr, so that passes on a Solr a little faster or slower compare)."""
    ratios = {}
    lines = [
        "",
        "Planchers de la pile : la même recherche par une application qui ne fait qu'elle "
        "(lire la requête, poser à Solr les paramètres de l'application par son propre client, "
        "renvoyer ce que Solr a répondu ; ni enregistrements, ni facettes), dans waitress comme "
        "l'API, chacune en alternance avec Solr brut comme l'API, l'une après l'autre :",
        "",
        "| Côté | médiane (ms) | p95 (ms) | Solr brut du même passage (ms) | rapport des médianes |",
        "|---|---:|---:|---:|---:|",
    ]
    for side, label in FLOORS.items():
        own = common.summary([t for per_query in floors[side].values() for t in per_query[side]])
        raw = common.summary([t for per_query in floors[side].values()
                              for t in per_query["solr"]])
        ratios[side] = own["median"] / raw["median"]
        lines.append(f"| plancher : {label} | {common.ms(own['median'])} | "
                     f"{common.ms(own['p95'])} | {common.ms(raw['median'])} | "
                     f"{ratios[side]:.2f} |")
    api_ratio = api_median / solr_median
    lines += [
        "",
        f"- En multiples de Solr brut, au-delà de la session seule : pysolr et le décodage "
        f"{ratios['pysolr'] - ratios['session']:+.2f}, puis Pyramid lui-même "
        f"{ratios['pyramid-nu'] - ratios['pysolr']:+.2f}, puis l'enveloppe de l'application "
        f"(intergiciels, tweens, politique de sécurité, propriétés de la requête) "
        f"{ratios['pyramid'] - ratios['pyramid-nu']:+.2f}, puis le travail de la vue de l'API "
        f"(enregistrements, facettes, JSON, ETag, liens) {api_ratio - ratios['pyramid']:+.2f}.",
    ]
    for label, side in (("la session seule", "session"), ("pysolr", "pysolr"),
                        ("Pyramid seul", "pyramid-nu"), ("de l'application Pyramid", "pyramid")):
        if ratios[side] >= 1.5:
            lines.append(
                f"- Le plancher {label} est déjà à {ratios[side]:.2f} × Solr brut : à cette "
                f"vitesse de Solr, aucune application qui passe par lui n'atteint 1,5 ×.")
            break
    else:
        lines.append(f"- Ce que l'objectif de 1,5 × laisse à la vue de l'API au-dessus du "
                     f"plancher Pyramid : {1.5 - ratios['pyramid']:.2f} × Solr brut ; elle en "
                     f"prend {api_ratio - ratios['pyramid']:.2f}.")
    return lines


# -- the embedded backend ------------------------------------------------------------------------------
def _unsearched_words(engine, count: int, seen: set[str]) -> list[str]:
    """`count` words of the index, the most frequent first (the longest lists of practices),
    each giving one term that no search has asked for yet."""
    from sqlalchemy import func, select

    from recueil.models import SearchTerm
    from recueil.search.text import query_terms

    with engine.connect() as connection:
        terms = connection.execute(
            select(SearchTerm.term).group_by(SearchTerm.term)
            .order_by(func.count().desc(), SearchTerm.term).limit(count * 4)
        ).scalars().all()
    seen = set(seen)
    words = []
    for term in terms:
        analysed = query_terms(term)
        if len(analysed) == 1 and analysed[0] not in seen:
            seen.add(analysed[0])
            words.append(term)
            if len(words) == count:
                break
    return words


def sql_latency(db: str, samples: int, warmup: int) -> dict:
    """SqlSearch.search on the mix (cache built), then a word never searched, then the first
    search after a change made by another transaction (cache rebuilt)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from recueil.models import Practice
    from recueil.search.query import SearchRequest
    from recueil.search.sql import SqlSearch

    requests = parse_all(db, [params for _, params in SQL_QUERIES])
    engine = common.make_engine(db)
    with Session(engine) as session:
        totals = [SqlSearch(session).search(r).total for r in requests]
    times = [[] for _ in SQL_QUERIES]
    rng = random.Random(7)
    order = list(range(len(requests)))
    for round_ in range(warmup + samples):
        rng.shuffle(order)
        for i in order:
            with Session(engine) as session:
                started = time.perf_counter()
                SqlSearch(session).search(requests[i])
                seconds = time.perf_counter() - started
            if round_ >= warmup:
                times[i].append(seconds)

    words = _unsearched_words(engine, samples, {t for r in requests for t in r.terms})
    new_word = []
    for word in words:
        with Session(engine) as session:
            started = time.perf_counter()
            SqlSearch(session).search(SearchRequest(q=word))
            new_word.append(time.perf_counter() - started)

    # a change committed elsewhere (a published practice indexed again, a different one each
    # time), then the empty search: the process patches its bitmaps
    with Session(engine) as session:
        changes = list(session.scalars(
            select(Practice.id).where(Practice.status == "publiee").limit(samples)))
    after_change = []
    for changed in itertools.islice(itertools.cycle(changes), samples):
        with Session(engine) as session:
            SqlSearch(session).index([session.get(Practice, changed)])
            session.commit()
        with Session(engine) as session:
            started = time.perf_counter()
            SqlSearch(session).search(requests[0])
            after_change.append(time.perf_counter() - started)
    engine.dispose()
    return {"times": times, "totals": totals, "published": common.count_published(db),
            "new_word": new_word, "words": words, "after_change": after_change}


def run_sql(args) -> None:
    lines = [
        "### Moteur SQL embarqué : latence de `SqlSearch.search` (`bench/search_latency.py sql`)",
        "",
        f"Dans le processus, une session par recherche (comme une requête web), total + page de 20 + "
        f"toutes les facettes, sur le cache de bitmaps du processus (reconstruit quand la base "
        f"signale un changement de l'index) ; {len(SQL_QUERIES)} requêtes mélangées dans un ordre "
        f"aléatoire à chaque tour, {args.warmup} tour(s) de chauffe puis **{args.samples} mesures "
        f"par requête**. Puis, hors du mélange : la première recherche d'un mot jamais cherché "
        f"({args.samples} mots différents, les plus fréquents de l'index : une requête pour ses "
        f"pratiques), et la première recherche après une modification validée par une autre "
        f"transaction (une pratique publiée réindexée, une autre à chaque fois : le cache est mis à "
        f"jour par les pratiques modifiées, sans tout reconstruire), "
        f"{args.samples} fois.",
    ]
    for db in args.db:
        label = common.backend_label(db)
        version = f" {common.postgresql_version(db)}" if label == "PostgreSQL" else ""
        result = sql_latency(db, args.samples, args.warmup)
        lines += [
            "",
            f"**{label}{version}, {common.number(result['published'])} pratiques publiées**",
            "",
            "| Catégorie | Paramètres | Résultats | médiane (ms) | p95 (ms) | max (ms) |",
            "|---|---|---:|---:|---:|---:|",
        ]
        everything = []
        for i, ((category, params), total) in enumerate(zip(SQL_QUERIES, result["totals"], strict=True)):
            s = common.summary(result["times"][i])
            everything += result["times"][i]
            shown = "&".join(f"{k}={v}" for k, v in params) or "(aucun)"
            lines.append(f"| {category} | `{shown}` | {total} | {common.ms(s['median'])} | "
                         f"{common.ms(s['p95'])} | {common.ms(s['max'])} |")
        s = common.summary(everything)
        lines.append(f"| **toutes** | {s['n']} mesures | | **{common.ms(s['median'])}** | "
                     f"**{common.ms(s['p95'])}** | {common.ms(s['max'])} |")
        if result["new_word"]:
            w = common.summary(result["new_word"])
            examples = ", ".join(f"`{word}`" for word in result["words"][:3])
            lines.append(f"| mot jamais cherché | `q=` {examples}… ({w['n']} mots) | | "
                         f"{common.ms(w['median'])} | {common.ms(w['p95'])} | {common.ms(w['max'])} |")
        c = common.summary(result["after_change"])
        lines.append(f"| après une modification (cache mis à jour) | `(aucun)` | {result['totals'][0]} | "
                     f"{common.ms(c['median'])} | {common.ms(c['p95'])} | {common.ms(c['max'])} |")
        lines += ["", f"- Objectif « p95 < 50 ms » ({label}, mélange de requêtes) : {common.ms(s['p95'])} ms — "
                      f"{common.verdict(s['p95'] < 0.050)}."]
        goal = 0.100 if result["published"] <= 10_000 else 0.300
        lines.append(f"- Objectif « première recherche après une modification < {goal * 1000:.0f} ms » "
                     f"({common.number(result['published'])} pratiques ; une fois par processus et par "
                     f"modification) : médiane {common.ms(c['median'])} ms, p95 {common.ms(c['p95'])} ms — "
                     f"{common.verdict(c['median'] < goal)}.")
    common.append(args.results, "\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api")
    api.add_argument("--db", action="append", required=True)
    api.add_argument("--solr", required=True)
    api.add_argument("--samples", type=int, default=60)
    api.add_argument("--warmup", type=int, default=10)
    api.add_argument("--breakdown", type=int, default=20, help="tours de la décomposition (0 : aucune)")
    api.add_argument("--what-if", type=int, default=20,
                     help="tours des pistes mesurées dans le processus (0 : aucune)")
    api.add_argument("--results")
    sql = sub.add_parser("sql")
    sql.add_argument("--db", action="append", required=True)
    sql.add_argument("--samples", type=int, default=30)
    sql.add_argument("--warmup", type=int, default=3)
    sql.add_argument("--results")
    srv = sub.add_parser("serve")
    srv.add_argument("--db", action="append", required=True)
    srv.add_argument("--solr", required=True)
    srv.add_argument("--floor", choices=sorted(FLOORS))
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    {"api": run_api, "sql": run_sql, "serve": serve}[args.command](args)


if __name__ == "__main__":
    main()
