"""What an import is asked to do, what a file holds and would do, and what it did, in data
and in French sentences (the command prints them, the administration page shows them)."""
import dataclasses
import datetime as dt
import uuid

from ..import_file import SEPARATORS

CREATE, UPDATE, UNCHANGED = "creer", "mettre_a_jour", "inchangee"


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


@dataclasses.dataclass
class Outcome:
    """What an import wrote."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # invalid rows left out


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
