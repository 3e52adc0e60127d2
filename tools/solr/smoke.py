"""End-to-end check of the local Solr: python tools/solr/smoke.py

Starts Solr (SolrServer), indexes 4 French practices by a JSON POST to /update, then
checks the French analysis, the multi-select facets ({!tag}/{!ex}), sorting and the
similar practices (/mlt). Exits with an error at the first failure.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solr_server import SolrServer  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

DOCS = [
    {
        "id": "p1", "reference": "PR-0001", "niveau": 2,
        "intitule": "Soutien scolaire à l'École des parents",
        "intitule_tri": "soutien scolaire a l'ecole des parents",
        "nom_entite": "Association Les Petits Pas",
        "description": "Accompagnement des familles dans la scolarité de l'enfant : "
                       "aide aux devoirs et rencontres avec l'équipe éducative.",
        "objectifs": "Prévenir le décrochage scolaire.",
        "lieu": "Rennes",
        "thematiques": ["Scolarité", "Parentalité"], "publics": ["Enfants", "Parents"],
        "types_intervention": ["Accompagnement"], "regions": ["Bretagne"],
        "departements": ["35"], "echelle": "Départementale", "annee": 2021,
        "date_mise_en_oeuvre": "2021-09-01T00:00:00Z", "coup_de_coeur": True,
        "budget_annuel": 45000, "nombre_beneficiaires": 120,
        "url": "https://exemple.org/pratiques/p1", "source": "saisie",
    },
    {
        "id": "p2", "reference": "PR-0002", "niveau": 1,
        "intitule": "Ateliers philosophiques dans les écoles primaires",
        "intitule_tri": "ateliers philosophiques dans les ecoles primaires",
        "nom_entite": "Collectif Penser Ensemble",
        "description": "Des ateliers de parole hebdomadaires dans les écoles, actions "
                       "educatives autour du respect et de la scolarité.",
        "thematiques": ["Scolarité", "Citoyenneté"], "publics": ["Enfants"],
        "types_intervention": ["Prévention"], "regions": ["Occitanie"],
        "departements": ["31", "34"], "echelle": "Régionale", "annee": 2019,
        "thematiques_autre": "philosophie pour enfants",
    },
    {
        "id": "p3", "reference": "PR-0003", "niveau": 3,
        "intitule": "Accueil des enfants placés en famille d'accueil",
        "intitule_tri": "accueil des enfants places en famille d'accueil",
        "nom_entite": "Département de l'Hérault",
        "description": "Un dispositif d'accueil familial renforcé pour les enfants "
                       "confiés à l'aide sociale à l'enfance.",
        "moyens": "Deux assistants familiaux formés, un psychologue.",
        "thematiques": ["Placement"], "publics": ["Enfants", "Assistants familiaux"],
        "types_intervention": ["Accueil"], "regions": ["Occitanie"],
        "departements": ["34"], "echelle": "Départementale", "annee": 2022,
    },
    {
        "id": "p4", "reference": "PR-0004", "niveau": 1,
        "intitule": "Insertion professionnelle des jeunes majeurs",
        "intitule_tri": "insertion professionnelle des jeunes majeurs",
        "nom_entite": "Mission locale du Nord",
        "description": "Parcours vers l'emploi et le logement pour les jeunes sortant "
                       "de protection.",
        "bilan": "Soixante jeunes accompagnés vers un contrat.",
        "thematiques": ["Insertion"], "publics": ["Jeunes majeurs"],
        "types_intervention": ["Accompagnement"], "regions": ["Hauts-de-France"],
        "departements": ["59"], "echelle": "Locale", "annee": 2020,
        "relais": "Mission locale", "relais_autre": "partenariat avec les employeurs",
    },
]


def get(url: str, params: list[tuple[str, str]]) -> dict:
    query = urllib.parse.urlencode(params + [("wt", "json")])
    with OPENER.open(f"{url}?{query}", timeout=10) as resp:
        return json.load(resp)


def post_json(url: str, payload) -> dict:
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                 headers={"Content-Type": "application/json"})
    with OPENER.open(req, timeout=30) as resp:
        return json.load(resp)


def ids(resp: dict) -> set[str]:
    return {d["id"] for d in resp["response"]["docs"]}


def facet(resp: dict, field: str) -> dict[str, int]:
    flat = resp["facet_counts"]["facet_fields"][field]
    return dict(zip(flat[::2], flat[1::2], strict=False))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def check(label: str, cond: bool, detail=None) -> None:
    print(f"  {'ok ' if cond else 'ÉCHEC'} {label}" + ("" if cond else f" : {detail}"))
    if not cond:
        raise SystemExit(1)


def main() -> int:
    t0 = time.monotonic()
    with SolrServer() as solr:
        print(f"Solr prêt en {solr.startup_seconds:.1f} s sur {solr.url}")
        sel = f"{solr.url}/select"
        post_json(f"{solr.url}/update?commit=true", {"delete": {"query": "*:*"}})
        res = post_json(f"{solr.url}/update?commit=true", DOCS)
        check("indexation", res["responseHeader"]["status"] == 0, res)
        check("4 documents", get(sel, [("q", "*:*")])["response"]["numFound"] == 4)

        def search(q: str, *extra: tuple[str, str]) -> set[str]:
            return ids(get(sel, [("q", q), ("fl", "id"), *extra]))

        print("Analyse française :")
        r = search("ecole")
        check("« ecole » trouve « l'École » et « écoles »", {"p1", "p2"} <= r, r)
        r = search("éducatif")
        check("« éducatif » trouve « educatives » (et « éducative »)", {"p1", "p2"} <= r, r)
        r = search("l'enfant")
        check("« l'enfant » trouve « enfants »", "p3" in r and "p2" in r, r)
        r = search("L’ENFANCE")
        check("« L’ENFANCE » (apostrophe typographique) trouve « l'enfance »", r == {"p3"}, r)
        r = search("familles accueil")
        check("« familles accueil » (ET) trouve « famille d'accueil »", r == {"p3"}, r)
        r = search("accueil de la famille")
        check("mots vides ignorés avec q.op=AND", r == {"p3"}, r)
        r = search("employeur")
        check("champ *_autre recherché via texte", r == {"p4"}, r)
        r = search("ecole", ("fq", "coup_de_coeur:true"))
        check("filtre booléen", r == {"p1"}, r)

        print("Facettes multi-sélection :")
        resp = get(sel, [
            ("q", "*:*"), ("rows", "10"), ("fl", "id"),
            ("fq", '{!tag=them}thematiques:("Scolarité" OR "Placement")'),
            ("fq", '{!tag=reg}regions:("Occitanie")'),
            ("facet", "true"), ("facet.mincount", "1"), ("facet.limit", "-1"),
            ("facet.field", "{!ex=them}thematiques"),
            ("facet.field", "{!ex=reg}regions"),
            ("facet.field", "publics"),
        ])
        check("OU dans une facette, ET entre facettes", ids(resp) == {"p2", "p3"}, ids(resp))
        th = facet(resp, "thematiques")
        check("{!ex} : comptes des thématiques hors de leur propre filtre",
              th == {"Scolarité": 1, "Citoyenneté": 1, "Placement": 1}, th)
        rg = facet(resp, "regions")
        check("{!ex} : comptes des régions hors de leur propre filtre",
              rg == {"Occitanie": 2, "Bretagne": 1}, rg)
        pb = facet(resp, "publics")
        check("facette sans {!ex} restreinte aux résultats",
              pb == {"Enfants": 2, "Assistants familiaux": 1}, pb)

        print("Tri et champs stockés :")
        resp = get(sel, [("q", "*:*"), ("sort", "intitule_tri asc"), ("fl", "id,url,annee")])
        order = [d["id"] for d in resp["response"]["docs"]]
        check("tri par intitule_tri", order == ["p3", "p2", "p4", "p1"], order)
        first = next(d for d in resp["response"]["docs"] if d["id"] == "p1")
        check("url stockée", first.get("url") == "https://exemple.org/pratiques/p1", first)
        r = search("exemple.org")
        check("url non indexée", r == set(), r)
        r = ids(get(sel, [("q", "*:*"), ("fq", "annee:[2020 TO *]"), ("fl", "id")]))
        check("filtre par intervalle sur annee", r == {"p1", "p3", "p4"}, r)

        print("Pratiques similaires :")
        resp = get(f"{solr.url}/mlt", [("q", "id:p1")])
        sim = [d["id"] for d in resp["response"]["docs"]]
        check("/mlt renvoie des pratiques similaires", bool(sim) and "p1" not in sim, resp)
        check("/mlt : la plus proche de p1 est p2 (scolarité, école)", sim[0] == "p2", sim)

        resp = get(f"{solr.url}/get", [("id", "p4")])
        check("/get (temps réel)", resp["doc"]["reference"] == "PR-0004", resp)

        print(f"RSS de java : {rss_mib(solr._proc.pid):.0f} Mio")
    print(f"Tout est vert ({time.monotonic() - t0:.1f} s au total, arrêt compris).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
