"""Every kind of page, in a freshly started process and then warm, at 10,000 practices.

The application runs in a real waitress server (its own process, 127.0.0.1) on the embedded
search backend. Each start is a new process: the first one with an empty template cache (the
first start after a release), the next ones reading it. For each page: the time of its very
first request in the process, then the median and 95th percentile of the next ones.
Goal: every page under 100 ms at the 95th percentile, the first request included.

    python bench/pages.py --db sqlite:////tmp/pratiques-10000.sqlite [--starts 3] [--samples 40]
"""
import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time

import common
import requests
import sqlalchemy as sa

PASSWORD = "banc d'essai des pages"
EMAIL = "banc.pages@example.fr"
ROLES = ("moderateur", "comite", "secretariat", "administrateur")
GOAL_MS = 100


def prepare(db: str) -> dict:
    """A staff account with every role, and practices waiting in moderation; the paths."""
    from sqlalchemy.orm import Session

    from recueil.models import Practice, User
    from recueil.services.passwords import hash_password

    engine = common.make_engine(db)
    with Session(engine) as session:
        user = session.scalar(sa.select(User).where(User.email == EMAIL))
        if user is None:
            user = User(email=EMAIL, password_hash=hash_password(PASSWORD))
            for role in ROLES:
                user.add_role(role)
            session.add(user)
        waiting = session.scalars(sa.select(Practice).where(Practice.status == "en_moderation")
                                  .limit(1)).first()
        if waiting is None:
            ids = session.scalars(sa.select(Practice.id).where(Practice.status == "publiee")
                                  .order_by(Practice.id).limit(60)).all()
            session.execute(sa.update(Practice).where(Practice.id.in_(ids))
                            .values(status="en_moderation"))
            waiting = session.get(Practice, ids[0])
        published = session.scalars(sa.select(Practice).where(Practice.status == "publiee")
                                    .limit(1)).first()
        paths = {
            "Accueil": "/",
            "Catalogue": "/pratiques",
            "Catalogue, recherche et filtres": "/pratiques?q=accueil&thematiques=education",
            "Fiche d'une pratique": f"/pratiques/{published.id}",
            "API": "/api/pratiques?q=famille",
            "Carte": "/carte",
            "Statistiques": "/statistiques",
            "Données ouvertes": "/opendata",
            "Déclarer": "/declarer",
            "Connexion": "/connexion",
            "Gestion": "/gestion",
            "File de modération": "/gestion/moderation",
            "Examen d'une déclaration": f"/gestion/moderation/{waiting.id}",
            "Comité": "/gestion/comite",
            "Administration": "/gestion/admin",
            "Comptes": "/gestion/admin/comptes",
        }
        session.commit()
    engine.dispose()
    return paths


def serve(args):
    """(subprocess) the application in waitress, on a free port printed on stdout."""
    import logging

    import waitress

    logging.basicConfig(level=logging.WARNING)
    with socket.socket() as probe:  # a free port, known before the application is built:
        probe.bind(("127.0.0.1", 0))  # its redirections lead to the public address
        port = probe.getsockname()[1]
    settings = common.app_settings(args.db)
    settings["recueil.template_cache"] = args.template_cache
    settings["recueil.public_url"] = f"http://127.0.0.1:{port}"
    from recueil import main

    app = main({}, **settings)
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    print(server.effective_port, flush=True)
    server.run()


def signed_in(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/connexion", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(url + "/connexion", timeout=30, allow_redirects=False, data={
        "csrf_token": token, "courriel": EMAIL, "mot_de_passe": PASSWORD,
        "connexion": "connexion"})
    if answer.status_code != 302:
        raise RuntimeError(f"connexion refusée ({answer.status_code})")
    return session


def one_start(db: str, cache: str, paths: dict, samples: int) -> tuple[float, dict]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-W", "ignore", __file__, "serve", "--db", db,
         "--template-cache", cache], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if not line.strip():
            raise RuntimeError("le serveur de l'application n'a pas démarré")
        ready = time.perf_counter() - started
        url = f"http://127.0.0.1:{int(line)}"
        anonymous, staff = requests.Session(), None
        times = {}
        for name, path in paths.items():
            client = anonymous
            if path.startswith("/gestion"):
                staff = staff or signed_in(url)
                client = staff
            first = None
            measured = []
            for i in range(samples + 1):
                t0 = time.perf_counter()
                response = client.get(url + path, timeout=30)
                elapsed = time.perf_counter() - t0
                if response.status_code != 200:
                    raise RuntimeError(f"{path} : {response.status_code}")
                if i == 0:
                    first = elapsed
                else:
                    measured.append(elapsed)
            times[name] = (first, measured)
        return ready, times
    finally:
        process.terminate()
        process.wait(15)


def run(args) -> str:
    paths = prepare(args.db)
    firsts = {name: [] for name in paths}
    warm = {name: [] for name in paths}
    readies = []
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(args.starts):
            ready, times = one_start(args.db, cache, paths, args.samples)
            readies.append(ready)
            for name, (first, measured) in times.items():
                firsts[name].append(first)
                warm[name].extend(measured)
    published = common.count_published(args.db)
    lines = [
        "### Pages, premier appel et à chaud",
        "",
        f"{common.backend_label(args.db)}, {published} pratiques publiées, moteur embarqué ; "
        f"serveur waitress réel (processus séparé, 4 fils), {args.starts} démarrages (le premier "
        f"sans gabarits compilés en cache), {args.samples} appels à chaud par page et par "
        f"démarrage ; charge de la machine : {common.load_average()}.",
        f"Prêt à servir (préchauffage compris) : {', '.join(common.ms(r) for r in readies)}.",
        "",
        "| Page | 1er appel (pire des démarrages) | médiane à chaud | p95 à chaud "
        "| objectif < 100 ms |",
        "|---|---:|---:|---:|---|",
    ]
    ok_all = True
    for name in paths:
        worst_first = max(firsts[name])
        stats = common.summary(warm[name])
        ok = worst_first * 1000 < GOAL_MS and stats["p95"] * 1000 < GOAL_MS
        ok_all &= ok
        lines.append(f"| {name} | {common.ms(worst_first)} | {common.ms(stats['median'])} | "
                     f"{common.ms(stats['p95'])} | {common.verdict(ok)} |")
    lines += ["", "Toutes les pages sous 100 ms, premier appel compris : "
              f"{common.verdict(ok_all)}.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    server = sub.add_parser("serve")
    server.add_argument("--db", required=True)
    server.add_argument("--template-cache", required=True)
    parser.add_argument("--db")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--results")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
        return
    text = run(args)
    print(text)
    common.append(args.results, text)


if __name__ == "__main__":
    main()
