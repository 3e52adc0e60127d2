"""The analysis of a whole file (spec §5): its header, then each row checked (rows.py) and
matched with the practice it already is, if any: the same `source` and `source_id`, or for a
migration the same `id`. Nothing is written; the report says what an import would do."""
import datetime as dt
import difflib
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Practice
from ...models.columns import FREE_TEXT
from ...models.practice import PERSONAL_FIELDS, STATUSES
from ..import_file import FileRefused, Row, Table, read_table
from ..references import References
from .report import CREATE, UNCHANGED, UPDATE, Options, Planned, Problem, Report
from .rows import (
    KNOWN_COLUMNS,
    check_declared_fields,
    check_platform_columns,
    platform_schema,
    retired_terms,
    unneutralise,
)

#: The largest file accepted (about 5 000 practices with long texts).
MAX_BYTES = 20 * 1024 * 1024
#: States in which an imported practice is still the partner's text, awaiting moderation:
#: a new import of its row may change it. After that, the platform's people own it.
UPDATABLE = ("soumise", "en_moderation", "complement_demande")


def analyse(dbsession: Session, data: bytes, options: Options, references: References,
            today: dt.date, progress: Callable[[int, int], None] | None = None) -> Report:
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

    def __init__(self, dbsession: Session, table: Table, columns: list[str | None],
                 options: Options):
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


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _analyse_row(row: Row, header: list[str], columns: list[str | None], options: Options,
                 references: References, today: dt.date, existing: _Existing, seen: dict,
                 missing_columns: dict, schemas: dict) -> tuple[list[Problem], Planned | None]:
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
    planned, why = _plan(line, platform, values, cells, options, existing, seen, references)
    for column, message in why:
        if column and column not in cells:
            missing_columns.setdefault(column, message)  # said once, for every line
        else:
            problems.append(Problem(line, column, message))
    return problems, (None if why else planned)


def _plan(line: int, platform: dict, values: dict, cells: dict[str, str], options: Options,
          existing: _Existing, seen: dict, references: References
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
    errors += retired_terms(values, practice, references)
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
