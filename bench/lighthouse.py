"""Lighthouse's four scores, on mobile settings, for the pages most people open first.

Lighthouse 12.2.3 (npm, installed by tools/run-bench.sh in var/bench-node) drives Debian's
Chromium against the application in a real waitress server on the 10,000-practice base:
the home page, the catalogue, a practice's page and the first step of the declaration (for a
signed-in declarant). Goal: at least 95 in performance, accessibility, best practices and SEO.

    python bench/lighthouse.py --db sqlite:////tmp/pratiques-10000.sqlite --lighthouse PATH
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import common
import pages
import requests

CATEGORIES = {"performance": "Performance", "accessibility": "Accessibilité",
              "best-practices": "Bonnes pratiques", "seo": "Référencement"}
GOAL = 95
DECLARANT = "banc.lighthouse@association.example.org"


def first_step(url: str, db: str) -> tuple[str, str]:
    """The first step of a new declaration, and the cookie of its declarant's session."""
    from sqlalchemy.orm import Session

    from recueil.clock import SystemClock
    from recueil.services import access

    engine = common.make_engine(db)
    with Session(engine) as session:
        token = access.issue(session, SystemClock(), "banc-d-essai", DECLARANT, 14)
        session.commit()
    engine.dispose()
    client = requests.Session()
    space = client.get(f"{url}/acces/{token}", timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', space.text).group(1)
    step = client.post(f"{url}/mon-espace/nouvelle", data={"csrf_token": csrf}, timeout=30)
    if "/etape/" not in step.url:
        raise RuntimeError(f"pas d'étape 1 : {step.url}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
    return step.url, cookie


def scores(lighthouse: str, page_url: str, cookie: str | None, kept: str | None = None) -> dict:
    """The page's scores; its whole report is kept at `kept` if given."""
    with tempfile.TemporaryDirectory() as folder:
        report = kept or os.path.join(folder, "rapport.json")
        command = [
            lighthouse, page_url, "--quiet", "--output=json", f"--output-path={report}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": os.environ.get("RECUEIL_CHROMIUM", "/usr/bin/chromium")}
        subprocess.run(command, check=True, env=env, timeout=300)
        with open(report, encoding="utf-8") as answer:
            data = json.load(answer)
    categories, audits = data["categories"], data["audits"]
    result = {key: round(categories[key]["score"] * 100) for key in CATEGORIES}
    # what cost points, for whoever reads the results
    result["lost"] = sorted({
        audits[ref["id"]]["title"] for key in CATEGORIES for ref in categories[key]["auditRefs"]
        if ref["weight"] and (audits[ref["id"]]["score"] or 0) < 0.9
        and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric")})
    return result


def run(args) -> str:
    paths = pages.prepare(args.db)
    with tempfile.TemporaryDirectory() as cache:
        process = subprocess.Popen(
            [sys.executable, "-W", "ignore", pages.__file__, "serve", "--db", args.db,
             "--template-cache", cache], stdout=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{int(process.stdout.readline())}"
            step_url, cookie = first_step(url, args.db)
            targets = {
                "Accueil": (url + "/", None),
                "Catalogue": (url + "/pratiques", None),
                "Fiche d'une pratique": (url + paths["Fiche d'une pratique"], None),
                "Étape 1 de la déclaration": (step_url, cookie),
            }
            if args.reports:
                os.makedirs(args.reports, exist_ok=True)
            results = {
                name: scores(args.lighthouse, page, cookie, args.reports and os.path.join(
                    args.reports, re.sub(r"\W+", "-", name.lower()).strip("-") + ".json"))
                for name, (page, cookie) in targets.items()}
        finally:
            process.terminate()
            process.wait(15)
    lines = [
        "### Lighthouse (mobile)",
        "",
        f"Lighthouse {args.version}, réglages mobiles par défaut (écran de téléphone, réseau et "
        "processeur ralentis par simulation), Chromium de Debian ; "
        f"{common.backend_label(args.db)}, "
        f"{common.count_published(args.db)} pratiques publiées ; charge de la machine : "
        f"{common.load_average()}.",
        "",
        "| Page | " + " | ".join(CATEGORIES.values()) + " | objectif ≥ 95 partout |",
        "|---|" + "---:|" * len(CATEGORIES) + "---|",
    ]
    all_ok = True
    for name, result in results.items():
        ok = all(result[key] >= GOAL for key in CATEGORIES)
        all_ok &= ok
        lines.append(f"| {name} | " + " | ".join(str(result[k]) for k in CATEGORIES)
                     + f" | {common.verdict(ok)} |")
    lines += ["", f"Toutes les pages à 95 ou plus : {common.verdict(all_ok)}.", ""]
    for name, result in results.items():
        if result["lost"]:
            lines.append(f"- {name}, points perdus : " + " ; ".join(result["lost"]) + ".")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--lighthouse", required=True, help="the lighthouse command")
    parser.add_argument("--version", default="12.2.3")
    parser.add_argument("--results")
    parser.add_argument("--reports", help="a folder where Lighthouse's JSON reports are kept")
    args = parser.parse_args()
    text = run(args)
    print(text)
    common.append(args.results, text)


if __name__ == "__main__":
    main()
