"""What a practice's or a fiche's values become once stored (spec §2 step 3, §9), written once.

A precision of « Autre » is kept only when « autre » is chosen; the territory keeps only the
fields its scale asks; the régions always include those of the départements. The forms and
their save paths store what `normalise` returns (a value the answers made irrelevant is
dropped); an imported file, whose cells nobody sees again, is refused where `lost` finds a
cell that would be dropped. The départements' régions are reference data: callers pass
`regions_for` (départements -> their régions, in code order). An amount typed in euros
becomes the whole number stored (`euros`).
"""
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

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


class NotAnAmount(ValueError):
    """The text is no amount in euros."""


class AmbiguousAmount(NotAnAmount):
    """A comma followed by three digits: « 62,000 » reads 62 in French and 62 000 in English."""


#: What may surround the figures: spaces of every kind (French writes « 62 000 » with a
#: non-breaking or a narrow one), and apostrophes (« 62'000 », as in Switzerland).
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009'’]+")
_CURRENCY = re.compile(r"(€|euros?|eur)$")
_SCALE = {"k": 1_000, "m": 1_000_000}
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")
_NUMBER = re.compile(r"^\d+([.,]\d+)?$")


def euros(text: str) -> int:
    """An amount as people write it, in whole euros (rounded half up): « 62 000 € »,
    « 62000 », « 62 000,50 », « 62.000 € », « 62 k€ », « 1,5 M€ », « 45 000 euros ».

    A dot followed by groups of three digits separates thousands (« 62.000 »), as a space
    does; a comma is the decimal mark, except in « 1,000,000 »; « 62,000 » is refused as
    ambiguous (AmbiguousAmount); anything else that is no amount raises NotAnAmount."""
    value = _SPACES.sub("", text).lower().replace("\u2212", "-")
    sign = -1 if value.startswith("-") else 1
    value = value.lstrip("+-")
    value = value.removeprefix("€")
    value = _CURRENCY.sub("", value)
    scale = _SCALE.get(value[-1:], 1)
    if scale != 1:
        value = value[:-1]
    if "." in value and "," in value:
        # the last mark is the decimal one: « 62.000,50 », « 62,000.50 »
        thousands = "." if value.rindex(",") > value.rindex(".") else ","
        value = value.replace(thousands, "")
    elif _THOUSANDS_DOT.match(value) or _THOUSANDS_COMMA.match(value):
        value = value.replace(".", "").replace(",", "")
    elif re.match(r"^\d+,\d{3}$", value) and scale == 1:
        raise AmbiguousAmount(text)
    if not _NUMBER.match(value):
        raise NotAnAmount(text)
    amount = Decimal(value.replace(",", ".")) * scale * sign
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
