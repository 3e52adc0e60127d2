"""What a practice's or a fiche's values become once stored (spec §2 step 3, §9), written once.

A precision of « Autre » is kept only when « autre » is chosen; the territory keeps only the
fields its scale asks; the régions always include those of the départements. The forms and
their save paths store what `normalise` returns (a value the answers made irrelevant is
dropped); an imported file, whose cells nobody sees again, is refused where `lost` finds a
cell that would be dropped. The départements' régions are reference data: callers pass
`regions_for` (départements -> their régions, in code order).
"""
from collections.abc import Callable, Iterable

#: The vocabularies whose « autre » asks for a precision, in `<field>_autre`.
WITH_PRECISION = ("types_intervention", "thematiques", "publics", "relais")
SCALES = ("nationale", "regionale", "departementale", "locale")
TERRITORY_FIELDS = ("regions", "departements", "lieu")
#: The territory fields each scale asks (spec §2, step 3); the others stay empty.
TERRITORY_ASKED = {
    "nationale": frozenset(),
    "regionale": frozenset({"regions"}),
    "departementale": frozenset({"departements"}),
    "locale": frozenset({"departements", "lieu"}),
}

RegionsFor = Callable[[Iterable[str]], list[str]]


def _codes(value) -> list[str]:
    """A single choice (relais, echelle) or several, as a list of codes."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def without_orphan_precisions(values: dict) -> dict:
    """The values with each precision of « Autre » emptied unless « autre » is chosen."""
    values = dict(values)
    for field in WITH_PRECISION:
        if field in values and "autre" not in _codes(values[field]):
            values[f"{field}_autre"] = None
    return values


def fit_territory(echelle: str | None, values: dict, regions_for: RegionsFor) -> dict:
    """The values with the territory the scale asks: the other territory fields emptied, and
    the régions of the départements added (all of them, for a departmental or local action).

    Without a known scale the territory is kept as given, with the départements' régions."""
    values = dict(values)
    asked = TERRITORY_ASKED.get(echelle, frozenset(TERRITORY_FIELDS))
    departements = _codes(values.get("departements")) if "departements" in asked else []
    regions = _codes(values.get("regions")) if "regions" in asked else []
    values["departements"] = departements
    values["regions"] = sorted(set(regions) | set(regions_for(departements)))
    values["lieu"] = values.get("lieu") if "lieu" in asked else None
    return values


def normalise(values: dict, regions_for: RegionsFor) -> dict:
    """A whole record's values (a fiche, an imported row) as stored."""
    return fit_territory(values.get("echelle"), without_orphan_precisions(values), regions_for)


def lost(values: dict, regions_for: RegionsFor) -> dict[str, str]:
    """What `normalise` would drop from `values`: field -> French message naming the field as
    a file's column does. Régions a departmental or local action gives are not lost when they
    are those of its départements (the open data gives them; they are derived again)."""
    kept = normalise(values, regions_for)
    messages = {}
    for field in WITH_PRECISION:
        precision = f"{field}_autre"
        if (values.get(precision) or "").strip() and kept.get(precision) is None:
            messages[precision] = (
                f"« {precision} » : cette précision ne vaut que si « autre » figure dans "
                f"{field} ; ajoutez-le ou videz la cellule.")
    echelle = values.get("echelle")
    for field in TERRITORY_FIELDS:
        given = values.get(field)
        if field == "lieu":
            dropped = bool((given or "").strip()) and kept["lieu"] is None
        else:
            dropped = bool(set(_codes(given)) - set(kept[field]))
        if not dropped:
            continue
        if field == "regions" and echelle in ("departementale", "locale"):
            derived = ", ".join(kept["regions"]) or "aucune"
            scale = "locale" if echelle == "locale" else "départementale"
            messages[field] = (
                f"« regions » : les régions d'une action {scale} sont celles de ses "
                f"départements ({derived}) ; videz la cellule ou corrigez les départements.")
        else:
            messages[field] = (
                f"« {field} » : une action à l'échelle « {echelle} » n'a pas de {field} ; "
                "videz la cellule ou corrigez l'échelle.")
    return messages
