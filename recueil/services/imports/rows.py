"""The check of one row's cells with the forms' own schemas (forms.imports), and the values
the platform would store for them (forms.normalise): one rule, whoever answers."""
import datetime as dt
from importlib import resources

import colander
from pyramid.i18n import make_localizer

from ...forms import imports as forms
from ...forms.normalise import TERRITORY_FIELDS, WITH_PRECISION, lost, normalise
from ...forms.practice import carried_codes
from ...models.columns import COLUMNS, FORMULA_STARTS, NEUTRALISER, SEPARATOR
from ...models.practice import PERSONAL_FIELDS, Practice
from ...models.vocabulary import VOCABULARIES
from ..references import References
from .report import Options

#: Every column a file may have: the open-data CSV's, the personal fields, the partner's id,
#: and the sections of an ONPE fiche (level 2), which the open data does not carry.
KNOWN_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    (*COLUMNS, *PERSONAL_FIELDS, "source_id", *forms.declared_fields(2))))
#: The columns of one level only: a cell there on a row of the other level is refused.
LEVEL_COLUMNS = {niveau: set(forms.declared_fields(niveau)) for niveau in forms.NIVEAUX}
#: Columns the platform assigns: read only when the rows are imported as published.
KEPT_WHEN_PUBLISHED = ("id", "reference", "date_publication", "coup_de_coeur")

_localizer = make_localizer("fr", [str(resources.files("colander").joinpath("locale"))])


def unneutralise(text: str) -> str:
    """A cell of the open-data CSV as it was before the export neutralised it for
    spreadsheets: « '=SUM(A1) » is read back as « =SUM(A1) »."""
    if len(text) > 1 and text[0] == NEUTRALISER and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _codes(cell: str | None) -> list[str]:
    return [code.strip() for code in (cell or "").split(SEPARATOR) if code.strip()]


def _cstruct(schema: colander.SchemaNode, cells: dict[str, str]) -> dict:
    """What the form would have posted for these nodes: a cell of codes becomes a list."""
    cstruct = {}
    for node in schema.children:
        if node.name not in cells:
            continue
        cell = cells[node.name]
        if forms.is_multiple(node):
            cstruct[node.name] = _codes(cell) or colander.null
        else:
            cstruct[node.name] = cell
    return cstruct


def _errors(error: colander.Invalid) -> list[tuple[str, str]]:
    return [(column, message)
            for column, message in error.asdict(translate=_localizer.translate).items()]


def platform_schema(options: Options, today: dt.date) -> colander.SchemaNode:
    """The columns that are not the form's: niveau, source, source_id and, for a migration,
    the identifiers and publication kept from the file (otherwise the platform gives them)."""
    names = ["niveau", "source", "source_id"]
    if options.publier:
        names += KEPT_WHEN_PUBLISHED
    schema = forms.PlatformColumnsSchema().bind(today=today)
    for name in [n.name for n in schema.children if n.name not in names]:
        del schema[name]
    return schema


def check_platform_columns(cells: dict[str, str], schema: colander.SchemaNode
                           ) -> tuple[dict | None, list[tuple[str, str]]]:
    """The platform's columns of a row, checked: their values, or the errors."""
    try:
        return schema.deserialize(_cstruct(schema, cells)), []
    except colander.Invalid as error:
        return None, _errors(error)


def check_declared_fields(cells: dict[str, str], niveau: int, references: References,
                          today: dt.date, cache: dict | None = None
                          ) -> tuple[dict | None, list[tuple[str, str]]]:
    """The fields of the declaration, checked by the form's schemas; the values a
    declaration with these answers would store. A cell those answers make irrelevant (a
    precision without « autre », a territory the scale does not ask) is refused rather than
    dropped: nobody would see it go. `cache` keeps the bound schemas from one row to the next
    (binding costs more than checking)."""
    echelle = (cells.get("echelle") or "").strip()
    cache = {} if cache is None else cache
    if (niveau, echelle) not in cache:
        cache[(niveau, echelle)] = forms.row_schemas(
            niveau, references=references, today=today, echelle=echelle,
            # a retired term is refused after matching, unless the practice carries it
            carried={name: references.retired(name) for name in VOCABULARIES},
            csrf_token="",  # nosec B106 # no request: no token to check
            attachments_kept=0)
    appstructs, errors = [], []
    for schema in cache[(niveau, echelle)]:
        try:
            appstructs.append(schema.deserialize(_cstruct(schema, cells)))
        except colander.Invalid as error:
            found = _errors(error)
            if any(column == "echelle" for column, _ in errors):
                # the territory asked depends on a valid scale: its error says it already
                found = [(c, m) for c, m in found if c not in ("", *TERRITORY_FIELDS)]
            errors += found
    in_error = {column for column, _ in errors}
    errors += [(column, message)
               for column, message in lost(_given(cells), references.regions_for).items()
               if column not in in_error]
    other = {n: f for n, f in LEVEL_COLUMNS.items() if n != niveau}
    for name in sorted(set().union(*other.values()) - LEVEL_COLUMNS[niveau]):
        if (cells.get(name) or "").strip():
            errors.append((name, f"« {name} » : cette colonne ne s'applique pas à une "
                           f"{forms.NIVEAUX[niveau]} (niveau {niveau}) ; videz la cellule."))
    if errors:
        return None, errors
    return _stored_values(appstructs, references), []


def retired_terms(values: dict, practice: Practice | None, references: References
                  ) -> list[tuple[str, str]]:
    """The retired terms a row would give to a practice that does not carry them already: a
    term the form no longer offers, an import does not give either."""
    carried = carried_codes(practice)
    errors = []
    for name, title in VOCABULARIES.items():
        value = values.get(name)
        codes = [value] if isinstance(value, str) else list(value or ())
        retired = references.retired(name)
        refused = [c for c in codes if c in retired and c not in carried.get(name, ())]
        if refused:
            shown = ", ".join(f"« {code} »" for code in refused)
            errors.append((name, (
                f"« {title} » : {shown} n'est plus proposé (terme retiré) ; seules les "
                "pratiques qui le portent déjà le gardent. Choisissez un autre terme.")))
    return errors


def _given(cells: dict[str, str]) -> dict:
    """The cells the normaliser may drop, as values: whatever the schemas asked of them."""
    given = {"echelle": (cells.get("echelle") or "").strip()}
    for field in (*WITH_PRECISION, "regions", "departements"):
        given[field] = _codes(cells.get(field))
    for field in (*(f"{f}_autre" for f in WITH_PRECISION), "lieu"):
        given[field] = (cells.get(field) or "").strip()
    return given


def _stored_values(appstructs: list[dict], references: References) -> dict:
    """The fields as the platform stores what its form validated: the values of every
    schema, normalised as the declaration's and the fiche's save paths do."""
    values = {}
    for appstruct in appstructs:
        values.update((name, value) for name, value in appstruct.items()
                      if name not in ("csrf_token", "pieces_jointes"))
    return normalise(values, references.regions_for)
