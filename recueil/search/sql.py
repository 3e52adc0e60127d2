"""The embedded backend: search on the database alone (SQLite or PostgreSQL).

Text is analysed in Python exactly as Solr's text_fr analyses it (text.py) and stored as an
inverted index (search_terms), written in the transaction that changes a practice, together
with a new token in search_generation.

Searching works on a snapshot of the public practices that the process keeps in memory: a
bitmap (a Python int, one bit per practice) for each facet code and each year, and the
practices in the order of each sort. A search reads the token (one tiny query), brings the
snapshot up to date when the token changed, fetches the bitmaps of the text terms it has not
seen yet (one query), then filters and counts with `&`, `|` and `int.bit_count()`.

Every process keeps its own snapshot, and a publication must not stall them all with a
rebuild of every bitmap (seconds at 100 000 practices): each generation also numbers itself
(`serial`) and names the practices it changed (search_changes), so a process reads those
few practices and patches a copy of its snapshot. A snapshot is never changed once built
(only its bounded cache of term bitmaps grows): a patch or a rebuild makes a new one and
swaps it, so the threads of a process share it safely.
"""
from __future__ import annotations

import bisect
import collections
import datetime as dt
import functools
import itertools
import re
import threading
import unicodedata
import uuid
from collections.abc import Hashable, Iterable, Sequence

from sqlalchemy import Select, String, Uuid, bindparam, cast, desc, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Practice, PracticeTerm, SearchTerm
from ..models.practice import PUBLIC_STATUSES
from ..models.search import SearchChange, SearchGeneration
from .documents import is_public, searchable_text
from .interfaces import ID_ONLY, SearchBackend, SearchResult
from .labels import code_labels
from .query import CODE_FACETS, MULTI_VALUED, SearchRequest
from .text import char_mappings, tokens

#: single-valued facets stored as a column of practices
COLUMN_FACETS = {
    "echelle": Practice.echelle,
    "relais": Practice.relais,
    "niveau": Practice.niveau,
    "coup_de_coeur": Practice.coup_de_coeur,
    # taken up at least once (essaimage): Solr indexes the same test as its `essaimee` field
    "essaimee": Practice.nombre_essaimages > 0,
}
#: the facets counted by every search
COUNTED_FACETS = (*CODE_FACETS, "annee")
#: Solr sorts a practice without a date as if dated 0 ms after the epoch; so does this backend
MISSING_DATE = dt.date(1970, 1, 1)
#: term bitmaps kept by a snapshot (the most recently used ones)
TERM_CACHE_SIZE = 512
#: the one row of search_generation
GENERATION_ID = 1
#: generations whose changed practices stay in search_changes (a process whose bitmaps are
#: older rebuilds them)
KEPT_GENERATIONS = 1000
#: practices changed since a process's bitmaps beyond which it rebuilds them rather than
#: patch them (each one moves every bitmap twice); a larger change is written as "everything"
MAX_PATCHED = 64
#: the longest term stored (search_terms.term)
MAX_TERM_LENGTH = 100
#: terms of a practice that its "similar practices" are looked for by (Solr's mlt.maxqt)
SIMILAR_TERMS = 25


def _code(facet: str, value: object) -> str:
    if facet in ("coup_de_coeur", "essaimee"):
        return "true" if value else "false"
    return str(value)


# -- bitmaps -------------------------------------------------------------------------------------
_BINARY_DIGITS = bytes.maketrans(b"\0\1", b"01")
_BITS_OF_BYTE = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))


def _bitmap(positions: Iterable[int], size: int) -> int:
    """The int whose bits `positions` are set; a position equal to `size` stands for none."""
    if not size:
        return 0
    # one byte per position, read back as the binary digits of the int (highest first)
    digits = bytearray(size + 1)
    for position in positions:
        digits[position] = 1
    return int(digits[size - 1::-1].translate(_BINARY_DIGITS), 2)


def _bitmap_of_keys(joined_keys: str | None, position: dict, size: int) -> int:
    """The bitmap of the practices whose keys are joined by commas (others are ignored)."""
    if not joined_keys:
        return 0
    return _bitmap(map(position.get, joined_keys.split(","), itertools.repeat(size)), size)


def _lowest(bitmap: int, count: int) -> list[int]:
    """The `count` lowest positions set in `bitmap`, ascending."""
    found = []
    if count <= 0:
        return found
    for index, byte in enumerate(bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")):
        if byte:
            base = index << 3
            found.extend(base + bit for bit in _BITS_OF_BYTE[byte])
            if len(found) >= count:
                break
    return found[:count]


def _groups(values: Iterable[object]) -> dict[object, list[int]]:
    """The positions of each value (None left out)."""
    groups = collections.defaultdict(list)
    for position, value in enumerate(values):
        if value is not None:
            groups[value].append(position)
    return groups


def _splice(facets: dict[str, dict[str, int]], terms: dict[str, int], position: int,
            removed: bool) -> None:
    """Take bit `position` out of every bitmap (the higher ones move down), or make room for
    a clear one there (they move up)."""
    low = (1 << position) - 1
    for bitmaps in (*facets.values(), terms):
        for code, bitmap in bitmaps.items():
            if removed:
                bitmaps[code] = bitmap & low | bitmap >> (position + 1) << position
            else:
                bitmaps[code] = bitmap & low | bitmap >> position << (position + 1)


class _Snapshot:
    """The public practices of one generation of the index, as bitmaps.

    Position p is the p-th practice in publication order (newest first, then id, as the
    relevance order of this backend); `oldest` lists positions by date_mise_en_oeuvre.
    """

    def __init__(self, token: str | None, serial: int | None, keys: list, published: list,
                 started: list, facets: dict[str, dict[str, int]], oldest: list[int],
                 terms: collections.OrderedDict | None = None):
        self.token = token
        self.serial = serial
        self.keys = keys
        #: publication and start dates by position (MISSING_DATE for none): where a patch
        #: puts a changed practice
        self.published = published
        self.started = started
        self.size = len(keys)
        self.everything = (1 << self.size) - 1
        self.facets = facets
        self.years = {int(code): bitmap for code, bitmap in facets["annee"].items()}
        self.oldest = oldest
        self._terms = terms if terms is not None else collections.OrderedDict()
        self._terms_lock = threading.Lock()

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """The position of each key: made when first needed (a term's practices), not by a
        patch, which would pay for it at each change."""
        return {key: p for p, key in enumerate(self.keys)}

    def _position_of(self, key: str) -> int | None:
        known = self.__dict__.get("position")
        if known is not None:
            return known.get(key)
        try:
            return self.keys.index(key)
        except ValueError:
            return None

    @functools.cached_property
    def rank(self) -> list[int]:
        """The rank of each position in `oldest`: made by the first search sorted by age."""
        rank = [0] * self.size
        for order, position in enumerate(self.oldest):
            rank[position] = order
        return rank

    @classmethod
    def build(cls, dbsession: Session, token: str | None, serial: int | None) -> _Snapshot:
        connection = dbsession.connection()
        # ids as the database writes them (cast to text): no UUID object per practice
        selected = (cast(Practice.id, String), Practice.date_publication,
                    Practice.date_mise_en_oeuvre, *COLUMN_FACETS.values())
        rows = connection.execute(
            select(*selected).where(Practice.status.in_(PUBLIC_STATUSES))
        ).all()
        size = len(rows)
        fetched = list(zip(*rows, strict=True)) if rows else [()] * len(selected)
        # newest publication first, then id (stable sorts: the second keeps the first's order)
        published = [day or MISSING_DATE for day in fetched[1]]
        order = sorted(range(size), key=fetched[0].__getitem__)
        order.sort(key=published.__getitem__, reverse=True)
        keys, _, started, *columns = ([values[i] for i in order] for values in fetched)
        published = [published[i] for i in order]
        started_or_epoch = [day or MISSING_DATE for day in started]
        oldest = sorted(range(size), key=keys.__getitem__)
        oldest.sort(key=started_or_epoch.__getitem__)

        facets = {}
        for facet, values in zip(COLUMN_FACETS, columns, strict=True):
            facets[facet] = {_code(facet, value): _bitmap(found, size)
                             for value, found in _groups(values).items()}
        years = _groups(day.year if day else None for day in started)
        facets["annee"] = {str(year): _bitmap(found, size) for year, found in years.items()}
        position = {key: p for p, key in enumerate(keys)}
        # one row per code, its practices joined in one string: a few hundred rows, not 60 000
        codes = connection.execute(
            select(PracticeTerm.field, PracticeTerm.code,
                   func.aggregate_strings(cast(PracticeTerm.practice_id, String), ","))
            .where(PracticeTerm.field.in_(MULTI_VALUED))
            .group_by(PracticeTerm.field, PracticeTerm.code)
        )
        for field in MULTI_VALUED:
            facets[field] = {}
        for field, code, joined in codes:
            bitmap = _bitmap_of_keys(joined, position, size)
            if bitmap:
                facets[field][code] = bitmap
        return cls(token, serial, keys, published, started_or_epoch, facets, oldest)

    # -- patching ------------------------------------------------------------------------------
    def patched(self, dbsession: Session, token: str, serial: int) -> _Snapshot | None:
        """This snapshot brought to generation `serial` by the practices changed since, read
        from search_changes; None when it must be rebuilt instead (its own generation was
        never committed or is forgotten, a change is too large to patch, too many changed).
        """
        if self.serial is None or not self.serial < serial <= self.serial + KEPT_GENERATIONS:
            return None
        rows = dbsession.execute(
            select(SearchChange.serial, SearchChange.token,
                   cast(SearchChange.practice_id, String))
            .where(SearchChange.serial.between(self.serial, serial))
        ).all()
        # the generation this snapshot was built from must be in the committed history
        if (self.serial, self.token) not in {(row[0], row[1]) for row in rows}:
            return None
        later = [row for row in rows if row[0] > self.serial]
        if {row[0] for row in later} != set(range(self.serial + 1, serial + 1)):
            return None
        if any(row[0] == serial and row[1] != token for row in later):
            return None
        changed = {row[2] for row in later}
        if None in changed or len(changed) > MAX_PATCHED:
            return None
        return self._with(dbsession, token, serial, changed)

    def _with(self, dbsession: Session, token: str, serial: int, changed: set[str]) -> _Snapshot:
        """A new snapshot: this one with the `changed` practices (keys) taken out and put back
        where they now belong, as the database has them."""
        connection = dbsession.connection()
        ids = [uuid.UUID(key) for key in changed]
        rows = connection.execute(
            select(cast(Practice.id, String), Practice.date_publication,
                   Practice.date_mise_en_oeuvre, *COLUMN_FACETS.values())
            .where(Practice.id.in_(ids), Practice.status.in_(PUBLIC_STATUSES))
        ).all()
        codes = collections.defaultdict(list)
        for key, field, code in connection.execute(
            select(cast(PracticeTerm.practice_id, String), PracticeTerm.field, PracticeTerm.code)
            .where(PracticeTerm.practice_id.in_(ids), PracticeTerm.field.in_(MULTI_VALUED))
        ):
            codes[key].append((field, code))
        with self._terms_lock:
            terms = collections.OrderedDict(self._terms)
        holding = collections.defaultdict(list)
        if terms and rows:
            for term, key in connection.execute(
                select(SearchTerm.term, cast(SearchTerm.practice_id, String))
                .where(SearchTerm.practice_id.in_(ids))
            ):
                if term in terms:
                    holding[key].append(term)

        keys, published, started = list(self.keys), list(self.published), list(self.started)
        facets = {facet: dict(bitmaps) for facet, bitmaps in self.facets.items()}
        # highest first: the lower positions stay where they are
        removed = sorted(p for p in map(self._position_of, changed) if p is not None)
        for position in reversed(removed):
            del keys[position], published[position], started[position]
            _splice(facets, terms, position, removed=True)

        # ascending in the order of `build` (newest publication first, then id): each one
        # lands after those already put back, which stay where they are
        def place(position: int) -> tuple[int, str]:
            return -published[position].toordinal(), keys[position]

        inserted = []
        for key, day, begun, *columns in sorted(
                rows, key=lambda row: (-(row[1] or MISSING_DATE).toordinal(), row[0])):
            day_or_epoch = day or MISSING_DATE
            position = bisect.bisect_left(range(len(keys)), (-day_or_epoch.toordinal(), key),
                                          key=place)
            inserted.append(position)
            keys.insert(position, key)
            published.insert(position, day_or_epoch)
            started.insert(position, begun or MISSING_DATE)
            _splice(facets, terms, position, removed=False)
            bit = 1 << position
            found = [(facet, _code(facet, value))
                     for facet, value in zip(COLUMN_FACETS, columns, strict=True)
                     if value is not None]
            if begun is not None:
                found.append(("annee", str(begun.year)))
            for facet, code in found + codes[key]:
                facets[facet][code] = facets[facet].get(code, 0) | bit
            for term in holding[key]:
                terms[term] |= bit

        # the old positions' new ones, -1 for those taken out, made of ranges: the practices
        # that stayed keep their order, around those put back
        moved, previous = [], 0
        for position in inserted:  # ascending, each one final
            moved.extend(range(previous, position))
            previous = position + 1
        moved.extend(range(previous, len(keys)))
        for position in removed:
            moved.insert(position, -1)
        oldest = list(map(moved.__getitem__, self.oldest))  # no loop in Python: 100 000 long
        for _ in removed:
            oldest.remove(-1)
        for position in inserted:
            at = bisect.bisect_left(oldest, (started[position], keys[position]),
                                    key=lambda p: (started[p], keys[p]))
            oldest.insert(at, position)
        facets = {facet: {code: bitmap for code, bitmap in bitmaps.items() if bitmap}
                  for facet, bitmaps in facets.items()}
        return _Snapshot(token, serial, keys, published, started, facets, oldest, terms)

    # -- text terms ------------------------------------------------------------------------------
    def cached_term(self, term: str) -> int | None:
        with self._terms_lock:
            bitmap = self._terms.get(term)
            if bitmap is not None:
                self._terms.move_to_end(term)
            return bitmap

    def remember_term(self, term: str, joined_keys: str | None) -> int:
        """The bitmap of a term, from its practices' keys joined by commas."""
        bitmap = _bitmap_of_keys(joined_keys, self.position, self.size)
        with self._terms_lock:
            self._terms[term] = bitmap
            while len(self._terms) > TERM_CACHE_SIZE:
                self._terms.popitem(last=False)
        return bitmap

    # -- searching -------------------------------------------------------------------------------
    def search(self, request: SearchRequest, text: int) -> tuple[int, list[uuid.UUID], dict]:
        """(total, ids of the page, facet counts) of the practices of `text` matching `request`."""
        filters = {}
        for facet in CODE_FACETS:
            codes = request.values(facet)
            if codes:
                bitmaps = self.facets[facet]
                chosen = 0
                for code in codes:
                    chosen |= bitmaps.get(code, 0)
                filters[facet] = chosen
        if request.has_year_range():
            low = request.annee_min if request.annee_min is not None else dt.MINYEAR
            high = request.annee_max if request.annee_max is not None else dt.MAXYEAR
            chosen = 0
            for year, bitmap in self.years.items():
                if low <= year <= high:
                    chosen |= bitmap
            filters["annee"] = chosen

        def matching(without: str | None = None) -> int:
            found = text
            for facet, chosen in filters.items():
                if facet != without:
                    found &= chosen
            return found

        found = matching()
        counts = {}
        for facet in COUNTED_FACETS:
            # a facet is counted with every filter but its own
            within = matching(facet) if facet in filters else found
            counts[facet] = facet_counts = {}
            if within:
                for code, bitmap in self.facets[facet].items():
                    number = (bitmap & within).bit_count()
                    if number:
                        facet_counts[code] = number
        total = found.bit_count()
        end = min(request.offset + request.par_page, total)
        page = self._first(found, total, end, request.tri)[request.offset:end]
        return total, [uuid.UUID(str(self.keys[p])) for p in page], counts

    def _first(self, found: int, total: int, count: int, tri: str) -> list[int]:
        """The first `count` positions of `found` in the order of `tri`."""
        if tri != "anciennete":
            return _lowest(found, count)
        if count <= 0:
            return []
        if total * total < count * self.size:
            # few results: sorting them is cheaper than walking the whole order
            return sorted(_lowest(found, total), key=self.rank.__getitem__)[:count]
        bits = found.to_bytes((self.size + 7) // 8, "little")
        first = []
        for p in self.oldest:
            if bits[p >> 3] >> (p & 7) & 1:
                first.append(p)
                if len(first) == count:
                    break
        return first


def _rarest(terms: Select | list[str], shared_with_others: bool) -> Select:
    """The SIMILAR_TERMS rarest indexed terms among `terms`: Solr's MoreLikeThis likewise
    keeps the most telling ones (counting every practice that says "enfant" cost 100 ms at
    10,000 practices). A practice's own terms count it too: `shared_with_others` keeps those
    another practice also has."""
    frequency = func.count().label("frequency")
    query = select(SearchTerm.term).where(SearchTerm.term.in_(terms)).group_by(SearchTerm.term)
    if shared_with_others:
        query = query.having(frequency > 1)
    return query.order_by(frequency, SearchTerm.term).limit(SIMILAR_TERMS)


#: the terms of many practices at once, as two arrays (PostgreSQL)
_INSERT_UNNESTED = SearchTerm.__table__.insert().from_select(
    ["term", "practice_id"],
    select(
        func.unnest(bindparam("terms", type_=postgresql.ARRAY(String))),
        func.unnest(bindparam("ids", type_=postgresql.ARRAY(Uuid))),
    ),
)


# -- the per-process cache of snapshots ----------------------------------------------------------
_snapshots: dict = {}  # database URL -> latest _Snapshot
_build_locks: dict = {}
_locks_lock = threading.Lock()
#: session.info key: the transaction that wrote a token not committed yet
_WRITTEN_IN = "search_generation_written_in"
#: session.info key: that transaction's own snapshot
_OWN_SNAPSHOT = "search_own_snapshot"


def _build_lock(key: Hashable) -> threading.Lock:
    with _locks_lock:
        return _build_locks.setdefault(key, threading.Lock())


# -- analysis of the indexed text ----------------------------------------------------------------
#: runs of characters between ASCII whitespace, which always breaks words (UAX #29)
_CHUNKS = re.compile(r"[^ \t\n\r\f\v]+")
#: what UAX #29 attaches to the character before, even a space (WB4): such a run is not alone
_ATTACHED = frozenset(("Mn", "Mc", "Me", "Cf"))


@functools.cache
def _chunks_are_words() -> bool:
    """Whether each run can be analysed alone (no character mapping spans whitespace)."""
    return not any(_CHUNKS.fullmatch(source) is None for source in char_mappings())


@functools.lru_cache(maxsize=32768)  # a few megabytes at most
def _chunk_terms(chunk: str) -> tuple[str, ...]:
    return tuple(tokens(chunk))


def index_terms(text: str) -> set[str]:
    """The distinct terms of `text` stored in search_terms: set(tokens(text)), computed per
    run of non-space characters with a cache, since the words of the practices repeat."""
    chunks = _CHUNKS.findall(text)
    if not _chunks_are_words() or any(unicodedata.category(c[0]) in _ATTACHED for c in chunks):
        found = set(tokens(text))
    else:
        found = set()
        for chunk in chunks:
            found.update(_chunk_terms(chunk))
    return {term for term in found if len(term) <= MAX_TERM_LENGTH}


class SqlSearch(SearchBackend):
    name = "sql"

    def __init__(self, dbsession: Session):
        self.dbsession = dbsession

    # -- searching -------------------------------------------------------------------------------
    def search(self, request: SearchRequest, fields: Sequence[str] = ID_ONLY) -> SearchResult:
        """The results' ids and the facets; `fields` is ignored: the database is the store."""
        snapshot = self._snapshot()
        total, ids, facets = snapshot.search(request, self._text(snapshot, request.terms))
        return SearchResult(total=total, ids=ids, facets=facets, backend=self.name)

    def _generation(self) -> tuple[str | None, int | None]:
        row = self.dbsession.execute(
            select(SearchGeneration.token, SearchGeneration.serial)
            .where(SearchGeneration.id == GENERATION_ID)
        ).first()
        return (row[0], row[1]) if row is not None else (None, None)

    def _snapshot(self) -> _Snapshot:
        """The snapshot of the generation this session sees, patched or rebuilt if it changed."""
        token, serial = self._generation()
        info = self.dbsession.info
        written_in = info.get(_WRITTEN_IN)
        if written_in is not None and written_in is self.dbsession.get_transaction():
            # this transaction changed the index: what it sees is its own until it commits
            own = info.get(_OWN_SNAPSHOT)
            if own is None or own.token != token:
                own = info[_OWN_SNAPSHOT] = _Snapshot.build(self.dbsession, token, serial)
            return own
        key = self.dbsession.get_bind().engine.url
        snapshot = _snapshots.get(key)
        if snapshot is not None and snapshot.token == token:
            return snapshot
        with _build_lock(key):
            # another thread may have rebuilt it meanwhile, for this token or a newer one
            token, serial = self._generation()
            snapshot = _snapshots.get(key)
            if snapshot is None or snapshot.token != token:
                patched = None
                if snapshot is not None and token is not None and serial is not None:
                    patched = snapshot.patched(self.dbsession, token, serial)
                snapshot = _snapshots[key] = (
                    patched or _Snapshot.build(self.dbsession, token, serial))
        return snapshot

    def _text(self, snapshot: _Snapshot, terms: list[str]) -> int:
        """The practices holding every term (all of them without terms)."""
        found = snapshot.everything
        missing = []
        for term in dict.fromkeys(terms):
            bitmap = snapshot.cached_term(term)
            if bitmap is None:
                missing.append(term)
            else:
                found &= bitmap
        if missing:
            joined = dict.fromkeys(missing)
            indexed = [term for term in missing if len(term) <= MAX_TERM_LENGTH]
            if indexed:
                joined.update(self.dbsession.execute(
                    select(SearchTerm.term,
                           func.aggregate_strings(cast(SearchTerm.practice_id, String), ","))
                    .where(SearchTerm.term.in_(indexed))
                    .group_by(SearchTerm.term)
                ).all())
            for term, keys in joined.items():
                found &= snapshot.remember_term(term, keys)
        return found

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        """Published practices sharing the most terms with this one."""
        own = select(SearchTerm.term).where(SearchTerm.practice_id == practice_id)
        telling = _rarest(own, shared_with_others=True)
        shared = func.count().label("shared")
        rows = self.dbsession.execute(
            select(SearchTerm.practice_id, shared)
            .where(SearchTerm.term.in_(telling), SearchTerm.practice_id != practice_id)
            .group_by(SearchTerm.practice_id)
            .order_by(desc(shared), SearchTerm.practice_id)
            .limit(limit)
        )
        return [row[0] for row in rows]

    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """Published practices sharing the most terms with a text not in the index."""
        terms = sorted(set(tokens(text)))
        if not terms:
            return []
        telling = _rarest(terms, shared_with_others=False)
        shared = func.count().label("shared")
        query = (
            select(SearchTerm.practice_id, shared).where(SearchTerm.term.in_(telling))
            .group_by(SearchTerm.practice_id).order_by(desc(shared), SearchTerm.practice_id)
            .limit(limit)
        )
        if exclude is not None:
            query = query.where(SearchTerm.practice_id != exclude)
        return [row[0] for row in self.dbsession.execute(query)]

    # -- indexing --------------------------------------------------------------------------------
    def index(self, practices: Iterable[Practice], gone: Iterable[uuid.UUID] = ()) -> None:
        """Rewrite the terms of these practices (none if not public) and start a new generation
        that names them, with the practices `gone` from the database."""
        practices = list(practices)
        self._new_generation([p.id for p in practices] + list(gone))
        if not practices:
            return
        table = SearchTerm.__table__
        self.dbsession.execute(
            table.delete().where(table.c.practice_id.in_([p.id for p in practices]))
        )
        public = [practice for practice in practices if is_public(practice)]
        labels = code_labels(self.dbsession) if public else {}
        rows = [
            (term, practice.id)
            for practice in public
            for term in sorted(index_terms(searchable_text(practice, labels)))
        ]
        if not rows:
            return
        if self.dbsession.get_bind().dialect.name == "postgresql":
            # one statement for the whole batch: PostgreSQL unnests two arrays
            terms, ids = zip(*rows, strict=True)
            self.dbsession.execute(_INSERT_UNNESTED, {"terms": list(terms), "ids": list(ids)})
        else:
            self.dbsession.execute(
                table.insert(), [{"term": term, "practice_id": pid} for term, pid in rows]
            )

    def clear(self) -> None:
        self._new_generation(None)
        self.dbsession.execute(SearchTerm.__table__.delete())

    def _new_generation(self, changed: list[uuid.UUID] | None) -> None:
        """A new random token and the next serial, written in this transaction (the row is
        made if missing), and the practices it changed (None or too many: everything)."""
        token = uuid.uuid4().hex
        postgres = self.dbsession.get_bind().dialect.name == "postgresql"
        table = SearchGeneration.__table__
        # the upsert locks the row until this transaction ends: serials follow commit order
        serial = self.dbsession.execute(
            (postgresql.insert if postgres else sqlite.insert)(table)
            .values(id=GENERATION_ID, token=token, serial=1)
            .on_conflict_do_update(index_elements=[table.c.id],
                                   set_={"token": token, "serial": table.c.serial + 1})
            .returning(table.c.serial)
        ).scalar_one()
        ids = list(dict.fromkeys(changed)) if changed is not None else [None]
        if not ids or len(ids) > MAX_PATCHED:
            ids = [None]
        changes = SearchChange.__table__
        self.dbsession.execute(
            changes.insert(),
            [{"serial": serial, "token": token, "practice_id": pid} for pid in ids],
        )
        if serial % 100 == 0:
            self.dbsession.execute(
                changes.delete().where(changes.c.serial <= serial - KEPT_GENERATIONS))
        self.dbsession.info[_WRITTEN_IN] = self.dbsession.get_transaction()
