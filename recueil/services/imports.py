"""Import of the départements' initiatives and migration of published practices (spec §5).

`analyse` reads a file (import_file), checks every row with the declaration form's schemas
(forms.imports), and finds the practice each row already is, if any: the same `source` and
`source_id`, or for a migration the same `id`. It writes nothing and says what an import
would do. `run` then writes the valid rows in the caller's transaction: every row or, if the
person chose so, the valid ones only; nothing is written while the file holds an error.
Each practice created or changed gets a step of its history (workflow) naming the file.
"""
import dataclasses
import datetime as dt
import difflib
import hashlib
import types
import uuid
from collections.abc import Callable
from importlib import resources

import colander
from pyramid.i18n import make_localizer
from sqlalchemy import select, update

from recueil.models.columns import COLUMNS, FORMULA_STARTS, FREE_TEXT, NEUTRALISER, SEPARATOR

from ..forms import imports as forms
from ..forms.practice import TERRITORY_ASKED, TERRITORY_FIELDS
from ..models import ImportBatch, Practice, ReferenceCounter
from ..models.practice import PERSONAL_FIELDS, STATUSES
from . import declarations, fiches, workflow
from .import_file import SEPARATORS, FileRefused, Table, read_table

#: The largest file accepted (about 5 000 practices with long texts).
MAX_BYTES = 20 * 1024 * 1024
#: Every column a file may have: the open-data CSV's, the personal fields, the partner's id,
#: and the sections of an ONPE fiche (level 2), which the open data does not carry.
KNOWN_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    (*COLUMNS, *PERSONAL_FIELDS, "source_id", *forms.declared_fields(2))))
#: The columns of one level only: a cell there on a row of the other level is refused.
LEVEL_COLUMNS = {niveau: set(forms.declared_fields(niveau)) for niveau in forms.NIVEAUX}
#: Columns the platform assigns: read only when the rows are imported as published.
KEPT_WHEN_PUBLISHED = ("id", "reference", "date_publication", "coup_de_coeur")
#: States in which an imported practice is still the partner's text, awaiting moderation:
#: a new import of its row may change it. After that, the platform's people own it.
UPDATABLE = ("soumise", "en_moderation", "complement_demande")

CREATE, UPDATE, UNCHANGED = "creer", "mettre_a_jour", "inchangee"

_localizer = make_localizer("fr", [str(resources.files("colander").joinpath("locale"))])


@dataclasses.dataclass(frozen=True)
class Options:
    """How a file is imported: its source, and whether its rows go online at once."""

    source: str | None = None
    #: migration of what is already online: published directly, identifiers kept
    publier: bool = False


@dataclasses.dataclass(frozen=True)
class Problem:
    """One error of the file: its line (the header is line 1), its column, and why."""

    line: int
    column: str
    message: str


@dataclasses.dataclass
class Planned:
    """What importing one valid row does."""

    line: int
    action: str  # CREATE, UPDATE or UNCHANGED
    niveau: int
    #: the practice's fields to set (for an update, those that change)
    values: dict
    source: str | None
    source_id: str | None
    practice_id: uuid.UUID | None  # the existing practice, or the id kept for a new one
    reference: str | None  # a reference kept from the file (migration)
    date_publication: dt.date | None


@dataclasses.dataclass
class Report:
    """What a file holds and what importing it would do; `as_dict` is what is stored."""

    options: Options
    encoding: str | None = None
    separator: str | None = None
    columns: list[str] = dataclasses.field(default_factory=list)
    rows: int = 0
    refusal: str | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    planned: list[Planned] = dataclasses.field(default_factory=list)
    #: rows that cannot be imported
    invalid: int = 0

    @property
    def valid(self) -> int:
        return len(self.planned)

    def blocks(self, valid_only: bool) -> bool:
        """Whether nothing may be imported: the file is refused, or holds errors and the
        person did not choose to import the valid rows only."""
        return bool(self.refusal or (self.problems and not valid_only))

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    def as_dict(self) -> dict:
        return {
            "encodage": self.encoding,
            "separateur": self.separator,
            "colonnes": self.columns,
            "lignes": self.rows,
            "refus": self.refusal,
            "erreurs": [{"ligne": p.line, "colonne": p.column, "message": p.message}
                        for p in self.problems],
            "lignes_en_erreur": self.invalid,
            "lignes_valides": self.valid,
            "a_creer": self.count(CREATE),
            "a_mettre_a_jour": self.count(UPDATE),
            "inchangees": self.count(UNCHANGED),
            "source": self.options.source,
            "publier": self.options.publier,
        }


# -- one row ------------------------------------------------------------------------------------

def unneutralise(text: str) -> str:
    """A cell of the open-data CSV as it was before the export neutralised it for
    spreadsheets: « '=SUM(A1) » is read back as « =SUM(A1) »."""
    if len(text) > 1 and text[0] == NEUTRALISER and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _cstruct(schema: colander.SchemaNode, cells: dict[str, str]) -> dict:
    """What the form would have posted for these nodes: a cell of codes becomes a list."""
    cstruct = {}
    for node in schema.children:
        if node.name not in cells:
            continue
        cell = cells[node.name]
        if forms.is_multiple(node):
            codes = [code.strip() for code in cell.split(SEPARATOR) if code.strip()]
            cstruct[node.name] = codes or colander.null
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
    try:
        return schema.deserialize(_cstruct(schema, cells)), []
    except colander.Invalid as error:
        return None, _errors(error)


def check_declared_fields(cells: dict[str, str], niveau: int, references, today: dt.date,
                          cache: dict | None = None) -> tuple[dict | None, list[tuple[str, str]]]:
    """The fields of the declaration, checked by the form's schemas; the values a
    declaration with these answers would store. `cache` keeps the bound schemas from one
    row to the next (binding costs more than checking)."""
    echelle = (cells.get("echelle") or "").strip()
    cells = _without_derived_regions(cells, echelle, references)
    cache = {} if cache is None else cache
    if (niveau, echelle) not in cache:
        cache[(niveau, echelle)] = forms.row_schemas(
            niveau, references=references, today=today, echelle=echelle,
            csrf_token="",  # nosec B106 # no request: no token to check
            attachments_kept=0)
    schemas = cache[(niveau, echelle)]
    appstructs, errors = [], []
    for schema in schemas:
        try:
            appstructs.append((schema, schema.deserialize(_cstruct(schema, cells))))
        except colander.Invalid as error:
            found = _errors(error)
            if any(column == "echelle" for column, _ in errors):
                # the territory asked depends on a valid scale: its error says it already
                found = [(c, m) for c, m in found
                         if c not in ("", "regions", "departements", "lieu")]
            errors += found
    if niveau == 1:
        errors += _unused_cells(cells, echelle, references)
    other = {n: f for n, f in LEVEL_COLUMNS.items() if n != niveau}
    for name in sorted(set().union(*other.values()) - LEVEL_COLUMNS[niveau]):
        if (cells.get(name) or "").strip():
            errors.append((name, f"« {name} » : cette colonne ne s'applique pas à une "
                           f"{forms.NIVEAUX[niveau]} (niveau {niveau}) ; videz la cellule."))
    if errors:
        return None, errors
    return _stored_values(niveau, appstructs, references), []


def _without_derived_regions(cells: dict[str, str], echelle: str, references) -> dict[str, str]:
    """The cells without the régions of a departmental or local action when they are those
    of its départements: the open data gives them, the platform derives them again."""
    if echelle not in ("departementale", "locale") or not (cells.get("regions") or "").strip():
        return cells
    departements = [c.strip() for c in (cells.get("departements") or "").split(SEPARATOR)]
    given = {c.strip() for c in cells["regions"].split(SEPARATOR) if c.strip()}
    if given <= set(references.regions_for(departements)):
        return dict(cells, regions="")
    return cells


def _unused_cells(cells: dict[str, str], echelle: str, references) -> list[tuple[str, str]]:
    """Cells the form would never ask with these answers: refused rather than lost."""
    errors = []
    for field in ("types_intervention", "thematiques", "publics", "relais"):
        chosen = [c.strip() for c in (cells.get(field) or "").split(SEPARATOR)]
        if (cells.get(f"{field}_autre") or "").strip() and "autre" not in chosen:
            errors.append((f"{field}_autre", f"« {field}_autre » : cette précision ne vaut que "
                           f"si « autre » figure dans {field} ; ajoutez-le ou videz la cellule."))
    if echelle not in TERRITORY_ASKED:
        return errors
    for field in TERRITORY_FIELDS:
        cell = (cells.get(field) or "").strip()
        if not cell or field in TERRITORY_ASKED[echelle]:
            continue
        if field == "regions" and echelle in ("departementale", "locale"):
            # not those of its départements (those were left out: _without_derived_regions)
            departements = [c.strip() for c in (cells.get("departements") or "").split(SEPARATOR)]
            derived = references.regions_for(departements)
            errors.append((field, "« regions » : les régions d'une action "
                           f"{'locale' if echelle == 'locale' else 'départementale'} sont celles "
                           f"de ses départements ({', '.join(derived) or 'aucune'}) ; "
                           "videz la cellule ou corrigez les départements."))
            continue
        errors.append((field, f"« {field} » : une action à l'échelle « {echelle} » n'a pas de "
                       f"{field} ; videz la cellule ou corrigez l'échelle."))
    return errors


def _stored_values(niveau: int, appstructs, references) -> dict:
    """The fields as the platform stores what its form validated (the régions of the
    départements derived, an unused precision dropped): declarations.save_step for a
    practice, fiches' writer for a fiche. One rule, whoever answers."""
    draft = types.SimpleNamespace(echelle=None, etapes_validees=[], saisie_en_cours={},
                                  attachments=[], pratiques_liees=[])
    if niveau == 2:
        (_, appstruct), = appstructs
        fiches.write_values(None, draft, appstruct, references)
    else:
        slugs = {schema_class: slug for slug, schema_class in forms.PRACTICE_STEPS}
        for schema, appstruct in appstructs:
            declarations.save_step(draft, slugs[type(schema)], appstruct, references)
    values = vars(draft)
    for bookkeeping in ("etapes_validees", "saisie_en_cours", "attachments", "pratiques_liees"):
        values.pop(bookkeeping)
    return values


# -- the whole file -----------------------------------------------------------------------------

def analyse(dbsession, data: bytes, options: Options, references, today: dt.date,
            progress: Callable[[int, int], None] | None = None) -> Report:
    """Check a file and say what importing it would do; nothing is written."""
    report = Report(options)
    if len(data) > MAX_BYTES:
        report.refusal = (f"Le fichier pèse {len(data) / 1024 / 1024:.0f} Mo ; la limite est de "
                          f"{MAX_BYTES // 1024 // 1024} Mo : découpez-le en plusieurs fichiers.")
        return report
    try:
        table = read_table(data)
    except FileRefused as refused:
        report.refusal = str(refused)
        return report
    report.encoding, report.separator = table.encoding, table.separator
    columns = _read_header(table, report)
    if report.refusal:
        return report
    report.columns = [c for c in columns if c in KNOWN_COLUMNS]
    report.rows = len(table.rows)
    if not table.rows:
        report.refusal = ("Le fichier ne contient que sa ligne d'en-tête : aucune pratique à "
                          "importer.")
        return report
    existing = _Existing(dbsession, table, columns, options)
    seen: dict[tuple, int] = {}
    missing_columns: dict[str, str] = {}
    schemas: dict = {"platform": platform_schema(options, today)}
    for done, row in enumerate(table.rows, start=1):
        problems, planned = _analyse_row(row, table.header, columns, options, references,
                                         today, existing, seen, missing_columns, schemas)
        report.problems += problems
        if planned is None:
            report.invalid += 1
        else:
            report.planned.append(planned)
        if progress:
            progress(done, len(table.rows))
    # a required column absent from the header is said once, not on every line
    report.problems[:0] = [Problem(1, column, missing_columns[column])
                           for column in sorted(missing_columns)]
    return report


def _read_header(table: Table, report: Report) -> list[str | None]:
    """The column of each position (None: ignored); unknown names are reported on line 1."""
    names = [name.lower() for name in table.header]
    if not set(names) & set(KNOWN_COLUMNS):
        report.refusal = (
            "La première ligne ne nomme aucune colonne connue : elle doit être l'en-tête du "
            "fichier, avec les noms des colonnes des données ouvertes (intitule, nom_entite, "
            "description, …), dans n'importe quel ordre.")
        return []
    doubles = sorted({n for n in names if n and names.count(n) > 1})
    if doubles:
        report.refusal = ("L'en-tête nomme deux fois la même colonne : "
                          + ", ".join(f"« {n} »" for n in doubles) + ". Gardez-en une seule.")
        return []
    columns: list[str | None] = []
    for name, written in zip(names, table.header, strict=True):
        if name in KNOWN_COLUMNS:
            columns.append(name)
            continue
        columns.append(None)
        if not name:
            continue
        close = difflib.get_close_matches(name, KNOWN_COLUMNS, n=1)
        hint = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
        report.problems.append(Problem(
            1, written, f"Colonne inconnue « {written} » : elle ne serait pas importée.{hint}"))
    return columns


class _Existing:
    """The practices a file's rows may already be, read in a few queries."""

    def __init__(self, dbsession, table: Table, columns: list[str | None], options: Options):
        def cells_of(name: str) -> set[str]:
            if name not in columns:
                return set()
            at = columns.index(name)
            return {row.cells[at].strip() for row in table.rows
                    if at < len(row.cells) and row.cells[at].strip()}

        self.by_key: dict[tuple[str, str], Practice] = {}
        self.by_id: dict[uuid.UUID, Practice] = {}
        self.by_reference: dict[str, uuid.UUID] = {}
        source_ids = sorted(cells_of("source_id"))
        for chunk in _chunks(source_ids):
            query = select(Practice).where(Practice.source_id.in_(chunk))
            for practice in dbsession.scalars(query):
                self.by_key[(practice.source, practice.source_id)] = practice
        if options.publier:
            ids = []
            for text in cells_of("id"):
                try:
                    ids.append(uuid.UUID(text))
                except ValueError:
                    pass
            for chunk in _chunks(ids):
                for practice in dbsession.scalars(select(Practice).where(Practice.id.in_(chunk))):
                    self.by_id[practice.id] = practice
            for chunk in _chunks(sorted(cells_of("reference"))):
                self.by_reference.update(
                    (reference, practice_id) for reference, practice_id in dbsession.execute(
                        select(Practice.reference, Practice.id)
                        .where(Practice.reference.in_(chunk))))


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _analyse_row(row, header: list[str], columns: list[str | None], options: Options,
                 references, today, existing: _Existing, seen: dict, missing_columns: dict,
                 schemas: dict) -> tuple[list[Problem], Planned | None]:
    line, width = row.line, len(columns)
    if len(row.cells) < width or any(cell.strip() for cell in row.cells[width:]):
        return [Problem(line, "", (
            f"La ligne compte {len(row.cells)} cellules et l'en-tête {width} colonnes : une "
            "cellule contient peut-être le séparateur ou un retour à la ligne sans être entre "
            "guillemets."))], None
    cells: dict[str, str] = {}
    problems = []
    for position, (column, name, cell) in enumerate(zip(columns, header, row.cells, strict=False),
                                                    start=1):
        if column is not None:
            cells[column] = unneutralise(cell) if column in FREE_TEXT else cell
        elif not name and cell.strip():  # unknown names are reported once, on line 1
            problems.append(Problem(line, f"n° {position}", (
                f"La colonne n° {position} n'a pas de nom dans l'en-tête mais cette ligne y a "
                "une valeur ; nommez la colonne ou videz la cellule.")))

    platform, errors = check_platform_columns(cells, schemas["platform"])
    if any(column == "niveau" for column, _ in errors):
        # which rules apply depends on the level: none is checked against a wrong one
        return [Problem(line, column, message) for column, message in errors], None
    niveau = platform["niveau"] if platform else 1
    if niveau == 2 and not options.publier:
        return [Problem(line, "niveau", (
            "« niveau » : une fiche dispositif de l'ONPE (niveau 2) s'importe comme déjà "
            "publiée (option --publier, case « Publier directement ») ; une nouvelle fiche se "
            "rédige dans l'espace des fiches."))], None
    values, declared_errors = check_declared_fields(cells, niveau, references, today, schemas)
    for column, message in errors + declared_errors:
        if column and column not in cells:
            missing_columns.setdefault(
                column, f"« {column} » : cette colonne obligatoire manque dans l'en-tête.")
        else:
            problems.append(Problem(line, column, message))
    if platform is None or values is None or problems:
        return problems, None
    planned, why = _plan(line, platform, values, cells, options, existing, seen)
    for column, message in why:
        if column and column not in cells:
            missing_columns.setdefault(column, message)  # said once, for every line
        else:
            problems.append(Problem(line, column, message))
    return problems, (None if why else planned)


def _plan(line, platform, values, cells, options: Options, existing: _Existing, seen: dict
          ) -> tuple[Planned | None, list[tuple[str, str]]]:
    """Match a valid row with the practice it already is, and say what importing it does."""
    errors = []
    source = platform.get("source") or options.source
    source_id = platform.get("source_id")
    given_id = uuid.UUID(platform["id"]) if platform.get("id") else None
    reference = platform.get("reference")
    if source is None and (source_id or not options.publier):
        errors.append(("source", "« source » : indiquez d'où vient la pratique, dans la colonne "
                       "source ou pour tout le fichier (option --source, champ « Source » de "
                       "la page d'import)."))
    if not options.publier and not source_id:
        errors.append(("source_id", "« source_id » est obligatoire : l'identifiant de la "
                       "pratique chez la source permet à un nouvel import de la mettre à jour "
                       "au lieu de la dupliquer."))
    if options.publier and not source_id and given_id is None:
        errors.append(("source_id", "« source_id » : indiquez source_id ou id, pour qu'un "
                       "nouvel import de cette ligne la mette à jour au lieu de la dupliquer."))
    if errors:
        return None, errors

    keys = [("source_id", (source, source_id))] if source_id else []
    keys += [("id", given_id)] if given_id else []
    keys += [("reference", reference)] if reference else []
    same = {"source_id": "la même source et le même source_id", "id": "le même id",
            "reference": "la même référence"}
    for column, key in keys:
        first = seen.setdefault((column, key), line)
        if first != line:
            errors.append((column, f"« {column} » : la ligne {first} a déjà {same[column]} ; "
                           "une pratique ne figure qu'une fois dans le fichier."))
    practice = existing.by_key.get((source, source_id)) if source_id else None
    if given_id is not None:
        owner = existing.by_id.get(given_id)
        if practice is None:
            practice = owner
        elif practice.id != given_id:
            errors.append(("id", f"« id » : la pratique {practice.reference or ''} qui a cette "
                           f"source et ce source_id a l'identifiant {practice.id}."))
    if reference:
        owner_id = existing.by_reference.get(reference)
        if owner_id is not None and (practice is None or owner_id != practice.id):
            errors.append(("reference", f"« reference » : {reference} est déjà la référence "
                           "d'une autre pratique."))
        elif practice is not None and practice.reference and practice.reference != reference:
            errors.append(("reference", f"« reference » : cette pratique a la référence "
                           f"{practice.reference}, pas {reference}."))
    if practice is not None and practice.niveau != platform["niveau"]:
        errors.append(("niveau", f"« niveau » : cette pratique ({practice.reference}) est de "
                       f"niveau {practice.niveau}."))
    if errors:
        return None, errors

    values = dict(values)
    for personal in PERSONAL_FIELDS:
        if personal not in cells:
            values.pop(personal, None)  # not known: a new import keeps what the platform has
    values.update(niveau=platform["niveau"], source=source, source_id=source_id)
    if options.publier:
        values["coup_de_coeur"] = platform["coup_de_coeur"]
        if platform.get("date_publication"):
            values["date_publication"] = platform["date_publication"]
    planned = Planned(line, CREATE, platform["niveau"], values, source, source_id,
                      given_id, reference, platform.get("date_publication"))
    if practice is None:
        return planned, []
    planned.practice_id = practice.id
    changes = {k: v for k, v in values.items() if getattr(practice, k) != v}
    if options.publier and practice.status != "publiee" and changes:
        return None, [("", f"La pratique {practice.reference} est « "
                       f"{STATUSES[practice.status]} » : un import ne la republie pas ; "
                       "republiez-la depuis sa page d'administration, ou retirez la ligne.")]
    if not options.publier and practice.status not in UPDATABLE and changes:
        return None, [("", f"La pratique {practice.reference} issue de cette ligne est déjà « "
                       f"{STATUSES[practice.status]} » : un import ne la modifie plus ; "
                       "retirez la ligne du fichier ou modifiez la pratique sur la plateforme.")]
    planned.values = changes
    planned.action = UPDATE if changes else UNCHANGED
    return planned, []


# -- writing ------------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # invalid rows left out


class NothingImported(Exception):
    """The file holds errors and the person did not choose the valid rows only."""


def importer(label: str, user_id: int | None = None) -> workflow.Actor:
    """Who imports, as the practices' history names them (the import is the system's step)."""
    return workflow.Actor(label=label, roles=("systeme",), user_id=user_id)


def run(dbsession, clock, report: Report, actor: workflow.Actor, filename: str,
        valid_only: bool = False, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Write the rows `report` found valid, in the caller's transaction.

    Refused (NothingImported, nothing written) when the file holds an error, unless
    `valid_only`: then the valid rows are written and the others counted as left out.
    """
    if report.blocks(valid_only):
        raise NothingImported(report.refusal or (
            f"Le fichier contient {len(report.problems)} erreur(s) : rien n'est importé."))
    outcome = Outcome(skipped=report.invalid)
    publier = report.options.publier
    total = len(report.planned)
    for done, planned in enumerate(report.planned, start=1):
        if planned.action == UNCHANGED:
            outcome.unchanged += 1
        elif planned.action == UPDATE:
            practice = dbsession.get(Practice, planned.practice_id)
            for name, value in planned.values.items():
                setattr(practice, name, value)
            workflow.note(dbsession, clock, practice, actor,
                          f"Mise à jour par l'import de « {filename} » : "
                          + ", ".join(sorted(planned.values)) + ".")
            outcome.updated += 1
        else:
            practice = _create(dbsession, clock, planned, publier)
            origin = f"source : {planned.source}" if planned.source else ""
            if planned.source_id:
                origin += f", identifiant {planned.source_id}"
            step = "import" if not publier else (
                "import_published_fiche" if planned.niveau == 2 else "import_published")
            workflow.apply(
                dbsession, clock, practice, step, actor,
                comment=(f"Importée {'comme déjà publiée ' if publier else ''}depuis "
                         f"« {filename} »" + (f" ({origin})" if origin else "")))
            outcome.created += 1
        if progress:
            progress(done, total)
    dbsession.flush()
    return outcome


def _create(dbsession, clock, planned: Planned, publier: bool) -> Practice:
    now = clock.now()
    prefix = forms.REFERENCE_PREFIX[planned.niveau]
    practice = Practice(status="brouillon", etapes_validees=[], saisie_en_cours={},
                        accepte_conditions=False)
    if planned.practice_id is not None:
        practice.id = planned.practice_id
    for name, value in planned.values.items():
        setattr(practice, name, value)
    if planned.reference:
        reserve_reference(dbsession, planned.reference)
        practice.reference = planned.reference
    else:
        practice.reference = declarations.next_reference(dbsession, now.year, prefix)
    if publier:
        practice.date_publication = planned.date_publication or clock.today()
    else:
        practice.submitted_at = now
        # the holder follows the practice through moderation: requests for complements and
        # the committee's decision reach them, and their link opens its follow-up page
        practice.declarant_courriel = practice.contact_courriel
    dbsession.add(practice)
    return practice


def reserve_reference(dbsession, reference: str) -> None:
    """Keep a reference given by the file: the year's counter moves past its number, so that
    the platform never gives it again."""
    prefix, year, number = forms.REFERENCE.match(reference).groups()
    counter = dbsession.scalars(
        select(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == int(year))
        .with_for_update()
    ).one_or_none()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=int(year), last=0)
        dbsession.add(counter)
    counter.last = max(counter.last or 0, int(number))
    dbsession.flush()


# -- the record of every import -----------------------------------------------------------------

def record(dbsession, clock, filename: str, data: bytes, options: Options, report: Report,
           actor: workflow.Actor) -> ImportBatch:
    """Keep the file and its report: awaiting confirmation, or refused when unreadable."""
    batch = ImportBatch(
        filename=(filename or "fichier.csv").replace("\x00", "")[:255],
        # a file refused for its size is not kept: its size and fingerprint say what it was
        content=data if len(data) <= MAX_BYTES else b"",
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), source=options.source,
        publier=options.publier, valides_seulement=False,
        status="refuse" if report.refusal else "en_attente",
        actor=actor.label, user_id=actor.user_id, created_at=clock.now(),
        finished_at=clock.now() if report.refusal else None, report=report.as_dict(),
        created=0, updated=0, unchanged=0, skipped=0,
    )
    dbsession.add(batch)
    dbsession.flush()
    return batch


def claim(dbsession, batch: ImportBatch, status: str) -> bool:
    """Move a batch awaiting confirmation to `status` (importe, abandonne), once: of two
    confirmations, or a confirmation and an abandonment, only the first one acts."""
    taken = dbsession.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == "en_attente")
        .values(status=status).execution_options(synchronize_session=False)
    ).rowcount
    dbsession.refresh(batch)
    return taken == 1


def finish(batch: ImportBatch, clock, status: str, report: Report,
           outcome: Outcome | None = None, valid_only: bool = False) -> None:
    """Write down what became of a batch."""
    batch.status = status
    batch.finished_at = clock.now()
    batch.report = report.as_dict()
    batch.valides_seulement = valid_only
    if outcome is not None:
        batch.created, batch.updated = outcome.created, outcome.updated
        batch.unchanged, batch.skipped = outcome.unchanged, outcome.skipped


def options_of(batch: ImportBatch) -> Options:
    return Options(source=batch.source, publier=batch.publier)


# -- the report in words ------------------------------------------------------------------------

def summary(report: Report) -> list[str]:
    """The report as lines of French text (the command prints them, the page shows them)."""
    if report.refusal:
        return [f"Fichier refusé : {report.refusal}"]
    lines = [
        f"Encodage {report.encoding}, séparateur « {report.separator} » "
        f"({SEPARATORS.get(report.separator or '', '')}) ; {report.rows} ligne(s) de données, "
        f"{len(report.columns)} colonne(s) reconnue(s).",
    ]
    if report.problems:
        lines.append(f"{len(report.problems)} erreur(s) ; lignes en erreur : {report.invalid} :")
        lines += [f"  ligne {p.line}" + (f", colonne « {p.column} »" if p.column else "")
                  + f" : {p.message}" for p in report.problems]
    lines.append(
        f"Lignes valides : {report.valid} ({report.count(CREATE)} à créer, "
        f"{report.count(UPDATE)} à mettre à jour, {report.count(UNCHANGED)} inchangée(s)).")
    return lines


def outcome_text(outcome: Outcome, options: Options) -> str:
    """What an import did, in one French sentence."""
    text = (f"Import terminé : {outcome.created} pratique(s) créée(s), {outcome.updated} mise(s) "
            f"à jour, {outcome.unchanged} inchangée(s)")
    if outcome.skipped:
        text += f" ; {outcome.skipped} ligne(s) en erreur laissée(s) de côté"
    if outcome.created:
        text += (". Les pratiques créées sont publiées" if options.publier
                 else ". Les pratiques créées attendent la modération (état « Soumise »)")
    return text + "."


def recent_batches(dbsession, limit: int) -> list[ImportBatch]:
    """The latest imports, newest first (their record, report and outcome)."""
    return list(dbsession.scalars(
        select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(limit)))
