"""The writing of an analysed file's valid rows, in the caller's transaction: every row or,
if the person chose so, the valid ones only; nothing is written while the file holds an
error. Each practice created or changed gets a step of its history naming the file."""
from collections.abc import Callable

from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...models import Practice
from ...models.reference import PREFIX_OF_LEVEL
from .. import numbering, workflow
from .report import UNCHANGED, UPDATE, Outcome, Planned, Report


class NothingImported(Exception):
    """The file holds errors and the person did not choose the valid rows only."""


def importer(label: str, user_id: int | None = None) -> workflow.Actor:
    """Who imports, as the practices' history names them (the import is the system's step)."""
    return workflow.Actor(label=label, roles=("systeme",), user_id=user_id)


def run(dbsession: Session, clock: SystemClock, report: Report, actor: workflow.Actor,
        filename: str, valid_only: bool = False,
        progress: Callable[[int, int], None] | None = None) -> Outcome:
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


def _create(dbsession: Session, clock: SystemClock, planned: Planned, publier: bool
            ) -> Practice:
    now = clock.now()
    practice = Practice(status="brouillon", etapes_validees=[], saisie_en_cours={},
                        accepte_conditions=False)
    if planned.practice_id is not None:
        practice.id = planned.practice_id
    for name, value in planned.values.items():
        setattr(practice, name, value)
    if planned.reference:
        numbering.reserve(dbsession, planned.reference)
        practice.reference = planned.reference
    else:
        practice.reference = numbering.next_reference(dbsession, now.year,
                                                      PREFIX_OF_LEVEL[planned.niveau])
    if publier:
        practice.date_publication = planned.date_publication or clock.today()
    else:
        practice.submitted_at = now
        # the holder follows the practice through moderation: requests for complements and
        # the committee's decision reach them, and their link opens its follow-up page
        practice.declarant_courriel = practice.contact_courriel
    dbsession.add(practice)
    return practice
