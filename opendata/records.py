"""The published practices, read row by row from the database in constant memory.

One server-side cursor walks the practices (``stream_results`` with ``yield_per``: PostgreSQL
sends them by batches, nothing holds the whole table); for each batch, one query loads the
multi-valued codes of its practices. Only the public columns are selected: the personal
fields are never read.
"""
import dataclasses
from collections.abc import Iterator

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    Uuid,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from recueil.formatting import in_paris
from recueil.models.columns import COLUMNS, MULTI_VALUED, SEPARATOR
from recueil.models.essaimage import Essaimage
from recueil.models.practice import PUBLIC_STATUSES, Practice, PracticeTerm

BATCH = 1000
#: Public columns read from the practices table (the multi-valued ones are rows of
#: practice_terms, and `url` is built from the id).
SCALARS: tuple[str, ...] = tuple(n for n in COLUMNS if n not in MULTI_VALUED and n != "url")

_practices = Practice.__table__
_terms = PracticeTerm.__table__
_essaimages = Essaimage.__table__
PUBLISHED = _practices.c.status.in_(PUBLIC_STATUSES)


def _as_text(column: ColumnElement, dialect: str = "") -> ColumnElement:
    """A UUID column read as its canonical text. PostgreSQL casts it (psycopg2 would build a
    uuid.UUID per row, a third of the export's time); elsewhere SQLAlchemy formats the stored
    hexadecimal digits."""
    if dialect == "postgresql":
        return cast(column, Text)
    return type_coerce(column, Uuid(as_uuid=False))


def published_query(dialect: str = "") -> Select:
    """The public scalar columns of the published practices, oldest publication first."""
    columns = [_as_text(_practices.c.id, dialect).label("id"),
               *(_practices.c[name] for name in SCALARS[1:])]
    return (select(*columns).where(PUBLISHED)
            .order_by(_practices.c.date_publication, _practices.c.id))


#: The cells of a practice without any code.
NO_CODES = ("",) * len(MULTI_VALUED)


@dataclasses.dataclass
class Batch:
    """Up to BATCH published practices and their codes."""

    rows: list  # Row objects, columns in SCALARS order
    codes: dict  # id -> one cell per MULTI_VALUED field: its codes joined by SEPARATOR
    #: id -> the published essaimages of the practice, (structure, département, date) each,
    #: when the batch was read for the files (the JSON lists them)
    essaimages: dict = dataclasses.field(default_factory=dict)

    def cells(self, practice_id: str) -> tuple[str, ...]:
        return self.codes.get(practice_id, NO_CODES)

    def multi(self, practice_id: str, field: str) -> list[str]:
        """The codes of one field, in the practice's order."""
        cell = self.cells(practice_id)[MULTI_VALUED.index(field)]
        return cell.split(SEPARATOR) if cell else []


def batches(connection: Connection, size: int | None = None) -> Iterator[Batch]:
    """The published practices by batches of `size` (BATCH), read through a server-side cursor."""
    size = size or BATCH
    result = connection.execution_options(stream_results=True, yield_per=size).execute(
        published_query(connection.dialect.name))
    try:
        for rows in result.partitions():
            ids = [row[0] for row in rows]
            yield Batch(rows, _codes(connection, ids), _published_essaimages(connection, ids))
    finally:
        result.close()


def _codes(connection: Connection, ids: list[str]) -> dict:
    """The codes of these practices, in one query."""
    dialect = connection.dialect.name
    practice_id = _as_text(_terms.c.practice_id, dialect)
    among = type_coerce(_terms.c.practice_id, Uuid(as_uuid=False)).in_(ids)
    if dialect == "postgresql":
        # joined by the database, one row per practice: six times fewer rows to read
        # string_agg(code, '|' ORDER BY position): the ORDER BY follows the last argument
        cells = [func.string_agg(_terms.c.code,
                                 aggregate_order_by(literal(SEPARATOR), _terms.c.position))
                 .filter(_terms.c.field == field) for field in MULTI_VALUED]
        query = select(practice_id, *cells).where(among).group_by(_terms.c.practice_id)
        return {row[0]: tuple(cell or "" for cell in row[1:]) for row in connection.execute(query)}
    lists: dict = {}
    query = (select(practice_id, _terms.c.field, _terms.c.code)
             .where(among, _terms.c.field.in_(MULTI_VALUED))
             .order_by(_terms.c.position))
    for pid, field, code in connection.execute(query):
        lists.setdefault(pid, {}).setdefault(field, []).append(code)
    return {pid: tuple(SEPARATOR.join(by_field.get(f, ())) for f in MULTI_VALUED)
            for pid, by_field in lists.items()}


def _published_essaimages(connection: Connection, ids: list[str]) -> dict:
    """The published essaimages of these practices (never their authors' addresses), the
    oldest first, in one query; only practices that have one are keys."""
    found: dict = {}
    practice_id = _as_text(_essaimages.c.practice_id, connection.dialect.name)
    query = (select(practice_id, _essaimages.c.structure, _essaimages.c.departement,
                    _essaimages.c.decided_at)
             .where(type_coerce(_essaimages.c.practice_id, Uuid(as_uuid=False)).in_(ids),
                    _essaimages.c.status == "publie")
             .order_by(_essaimages.c.decided_at, _essaimages.c.id))
    for pid, structure, departement, decided_at in connection.execute(query):
        day = in_paris(decided_at).date().isoformat() if decided_at else None
        found.setdefault(pid, []).append((structure, departement, day))
    return found


@dataclasses.dataclass(frozen=True)
class DataState:
    """What the exported files depend on, read by two aggregates: it makes their validators.

    The fingerprint changes with the number of published practices, their newest update,
    the sum of their versions (any UPDATE of a row), the number of codes (of all practices)
    and the vocabularies' labels. `last_modified` covers the practices that are or were
    published (an unpublished one keeps its date_publication), so that removing a practice
    moves it forward.
    A change of codes alone that keeps their number is not seen: the model does not touch the
    practice's row then (see _MultiField).
    """

    count: int
    last_modified: object  # naive UTC datetime, or None when nothing was ever published
    fingerprint: str


def data_state(connection_or_session: Connection | Session,
               vocabularies_digest: str) -> DataState:
    """Read in two scans (about 0.2 s for 100 000 practices on PostgreSQL, a few ms for the
    catalogue's real size): cheap beside producing the files, and a 304 reads no more."""
    ever_published = or_(PUBLISHED, _practices.c.date_publication.is_not(None))
    count, newest, versions, last_modified = connection_or_session.execute(select(
        func.count().filter(PUBLISHED),
        func.max(_practices.c.updated_at).filter(PUBLISHED),
        func.sum(_practices.c.version).filter(PUBLISHED),
        func.max(_practices.c.updated_at).filter(ever_published),
    )).one()
    # every practice's codes, published or not: a draft's edit costs a cache miss, no more
    codes = connection_or_session.execute(select(func.count()).select_from(_terms)).scalar()
    fingerprint = "|".join(
        str(part) for part in (count, newest, versions, codes, last_modified, vocabularies_digest))
    return DataState(count, last_modified, fingerprint)


def latest(connection: Connection, limit: int = 50) -> Batch:
    """The `limit` most recently published practices, newest first (for the Atom feed)."""
    query = (published_query(connection.dialect.name).order_by(None)
             .order_by(_practices.c.date_publication.desc(), _practices.c.reference.desc(),
                       _practices.c.id).limit(limit))
    rows = connection.execute(query).all()
    return Batch(rows, _codes(connection, [row[0] for row in rows]))


def chosen(connection: Connection, ids: list) -> Batch:
    """The published practices among `ids` (a page of search results), in the order of `ids`."""
    if not ids:
        return Batch([], {})
    query = (published_query(connection.dialect.name).order_by(None)
             .where(_practices.c.id.in_(ids)))
    found = {row[0]: row for row in connection.execute(query)}
    rows = [found[key] for key in map(str, ids) if key in found]
    return Batch(rows, _codes(connection, [row[0] for row in rows]))
