"""The CSV and JSON encodings of the published practices, produced batch by batch.

CSV: UTF-8 without BOM, comma, header row, RFC 4180 quoting (a cell holding a comma, a
quote or a line break is quoted, inner quotes doubled), CRLF between records, dates
AAAA-MM-JJ, booleans true/false, empty cell for a missing value, multi-valued fields as codes
joined by « | », formula-like text neutralised (columns.neutralise).
JSON: one object that names its schema version and generation date, then the same records
as ``recueil.search.documents.public_record`` gives them: arrays of {code, libelle}.
"""
import datetime as dt
import json
import operator
import types
from collections.abc import Iterable, Iterator

from recueil.models.columns import (
    COLUMNS,
    FORMULA_STARTS,
    FREE_TEXT,
    MULTI_VALUED,
    NEUTRALISER,
    SEPARATOR,
)
from recueil.search.documents import public_record

from . import metadata
from .links import Links
from .records import NO_CODES, SCALARS, Batch
from .vocabularies import Vocabularies

_FORMULA_STARTS = frozenset(FORMULA_STARTS)
_TEXT_AT = tuple(SCALARS.index(name) for name in FREE_TEXT)
_BOOL_AT = tuple(SCALARS.index(name) for name in ("coup_de_coeur",))
# the id is canonical text already; every other scalar is a code, a number or a date
_OTHER_AT = tuple(i for i, name in enumerate(SCALARS)
                  if i and i not in _TEXT_AT and i not in _BOOL_AT)
# a row is assembled as SCALARS + MULTI_VALUED + (url,), then taken in COLUMNS order
_ASSEMBLED = (*SCALARS, *MULTI_VALUED, "url")
_TAKE = operator.itemgetter(*(_ASSEMBLED.index(name) for name in COLUMNS))


def quote(text: str) -> str:
    """A cell as RFC 4180 writes it (and Python's csv module, byte for byte): between double
    quotes, inner ones doubled, when it holds a comma, a double quote or a line break."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_header() -> str:
    return ",".join(quote(name) for name in COLUMNS) + "\r\n"


def csv_lines(batch: Batch, links: Links) -> str:
    """The CSV records of a batch, each ended by CRLF.

    Written by hand rather than with the csv module: a few C-level string searches per cell
    are three times faster on long French texts than csv's character-by-character scan, and
    the tests check that both write the same bytes.
    """
    lines = []
    codes = batch.codes.get
    for row in batch.rows:
        values = list(row)
        for i in _TEXT_AT:
            text = values[i]
            if text:
                if text[0] in _FORMULA_STARTS:
                    text = NEUTRALISER + text
                values[i] = quote(text)
            else:
                values[i] = ""
        for i in _OTHER_AT:
            value = values[i]
            # dates print as AAAA-MM-JJ, integers as digits
            values[i] = "" if value is None else quote(str(value))
        for i in _BOOL_AT:
            values[i] = "true" if values[i] else "false"
        practice_id = values[0]
        values += [quote(cell) for cell in codes(practice_id, NO_CODES)]
        values.append(quote(links.practice(practice_id)))
        lines.append(",".join(_TAKE(values)))
    return "\r\n".join(lines) + "\r\n" if lines else ""


def csv_cells(record: dict) -> list[str]:
    """The CSV cells of one public_record (without labels): the reference the fast path of
    csv_lines must agree with."""
    cells = []
    for name in COLUMNS:
        value = record[name]
        if value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, list):
            cells.append(SEPARATOR.join(value))
        elif name in FREE_TEXT and value and value[0] in _FORMULA_STARTS:
            cells.append(NEUTRALISER + value)
        else:
            cells.append(str(value))
    return cells


class CsvEncoder:
    """The CSV file in parts: its header, then the text of each batch."""

    def __init__(self, links: Links):
        self.links = links
        self.count = 0

    def head(self) -> str:
        return csv_header()

    def batch(self, batch: Batch) -> str:
        self.count += len(batch.rows)
        return csv_lines(batch, self.links)

    def tail(self) -> str:
        return ""


# -- JSON ----------------------------------------------------------------------------------------
def _timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z (naive datetimes are UTC, as the database stores them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def json_head(links: Links, generated_at: dt.datetime) -> dict:
    return {
        "titre": metadata.TITLE,
        "version_schema": metadata.SCHEMA_VERSION,
        "schema": links.schema,
        "date_generation": _timestamp(generated_at),
        "licence": metadata.LICENCE,
        "producteur": metadata.PUBLISHER,
        "source": links.page,
    }


def json_records(batch: Batch, links: Links, vocabularies: Vocabularies) -> Iterator[dict]:
    """The public records of a batch, each code with its label, then the list of the
    practice's essaimages (structure, département with its label, date)."""
    departements = vocabularies.labels_of("departements")
    for row in batch.rows:
        practice = types.SimpleNamespace(**row._mapping)
        for field in MULTI_VALUED:
            setattr(practice, field, batch.multi(practice.id, field))
        record = public_record(practice, links.practice(practice.id), vocabularies)
        record["essaimages"] = [
            {"structure": structure,
             "departement": {"code": code, "libelle": departements.get(code, code)},
             "date": day}
            for structure, code, day in batch.essaimages.get(practice.id, ())
        ]
        yield record


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class JsonEncoder:
    """The JSON file in parts: its head, one record per line by batch, then the count."""

    def __init__(self, links: Links, vocabularies: Vocabularies, generated_at: dt.datetime):
        self.links = links
        self.vocabularies = vocabularies
        self.generated_at = generated_at
        self.count = 0

    def head(self) -> str:
        head = json_head(self.links, self.generated_at)
        return ("{\n" + "".join(f'  "{key}": {_dumps(value)},\n' for key, value in head.items())
                + '  "pratiques": [')

    def batch(self, batch: Batch) -> str:
        parts = []
        for record in json_records(batch, self.links, self.vocabularies):
            parts.append(("\n    " if self.count == 0 else ",\n    ") + _dumps(record))
            self.count += 1
        return "".join(parts)

    def tail(self) -> str:
        return ("\n  " if self.count else "") + f'],\n  "nombre_pratiques": {self.count}\n}}\n'


def chunks(encoder: CsvEncoder | JsonEncoder, source: Iterable[Batch]) -> Iterator[str]:
    """A whole file as text chunks, one per batch."""
    yield encoder.head()
    for batch in source:
        yield encoder.batch(batch)
    yield encoder.tail()
