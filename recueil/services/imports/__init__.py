"""Import of the départements' initiatives and migration of published practices (spec §5).

`analyse` reads a file (import_file), checks every row with the forms' schemas and
normaliser (rows.py), and finds the practice each row already is (analysis.py); it writes
nothing and says what an import would do (report.py). `run` then writes the valid rows in the
caller's transaction (writing.py). Every file is recorded with its report and outcome
(batches.py). The views and the command use the names below.
"""
from .analysis import MAX_BYTES, analyse
from .batches import (
    abandon,
    abandon_older,
    erase_files,
    finish,
    options_of,
    recent_batches,
    record,
)
from .confirmation import Confirmation, confirm
from .report import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Options,
    Outcome,
    Planned,
    Problem,
    Report,
    outcome_text,
    summary,
)
from .rows import unneutralise
from .writing import NothingImported, importer, run

__all__ = [
    "CREATE", "MAX_BYTES", "UNCHANGED", "UPDATE", "Confirmation", "NothingImported", "Options",
    "Outcome", "Planned", "Problem", "Report", "abandon", "abandon_older", "analyse", "confirm",
    "erase_files", "finish", "importer", "options_of", "outcome_text", "recent_batches",
    "record", "run", "summary", "unneutralise",
]
