"""Reference data: controlled vocabularies and the COG territories."""
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Collection, Iterable
from functools import cached_property
from importlib import resources

from pyramid.config import Configurator
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session

from ..models import Departement, Region, VocabularyTerm
from ..models.vocabulary import VOCABULARIES
from .pages import load_pages
from .vocabularies import load_vocabularies


def _data(name: str) -> dict:
    return json.loads(resources.files("recueil").joinpath("data", name).read_text("utf-8"))


def load_reference_data(dbsession: Session) -> dict[str, int]:
    """Insert the vocabularies, territories and informational pages that are missing, and
    bring up to date what no administrator has edited: never changes an edited or confirmed
    label, nor a page an administrator saved."""
    added = {"termes": 0, "libelles": 0, "regions": 0, "departements": 0, "pages": 0}
    added["termes"], added["libelles"] = load_vocabularies(dbsession)
    cog = _data("cog.json")
    regions = set(dbsession.scalars(select(Region.code)))
    for region in cog["regions"]:
        if region["code"] not in regions:
            dbsession.add(Region(code=region["code"], nom=region["nom"]))
            added["regions"] += 1
    dbsession.flush()
    departements = set(dbsession.scalars(select(Departement.code)))
    for dep in cog["departements"]:
        if dep["code"] not in departements:
            dbsession.add(Departement(code=dep["code"], nom=dep["nom"], region_code=dep["region"]))
            added["departements"] += 1
    dbsession.flush()
    added["pages"] = load_pages(dbsession)
    return added


@dataclasses.dataclass(frozen=True)
class Term:
    """A vocabulary term as read for the pages (VocabularyTerm's values, no session)."""

    id: int
    vocabulary: str
    code: str
    label: str
    position: int
    active: bool


@dataclasses.dataclass(frozen=True)
class DepartementData:
    """A département as read for the pages."""

    code: str
    nom: str
    region_code: str


@dataclasses.dataclass(frozen=True)
class RegionData:
    """A région as read for the pages, with its départements."""

    code: str
    nom: str
    #: its départements, by code
    departements: tuple[DepartementData, ...]


class ReferenceData:
    """Every vocabulary term, région and département, read together; never changed, so that
    the requests of a process can share it."""

    def __init__(self, rows: tuple):
        #: what was read, to tell whether the database still holds the same
        self.rows = rows
        term_rows, region_rows, departement_rows = rows
        terms = {name: [] for name in VOCABULARIES}
        for row in term_rows:
            term = Term(*row)
            terms.setdefault(term.vocabulary, []).append(term)
        # tuples: the requests of the process share them
        self.terms: dict[str, tuple[Term, ...]] = {name: tuple(t) for name, t in terms.items()}
        self.departements = tuple(DepartementData(*row) for row in departement_rows)
        self.regions = tuple(
            RegionData(code, nom, tuple(d for d in self.departements if d.region_code == code))
            for code, nom in region_rows
        )
        self.region_of = {d.code: d.region_code for d in self.departements}
        self.labels = {name: {t.code: t.label for t in terms} for name, terms in self.terms.items()}
        self.labels["regions"] = {r.code: r.nom for r in self.regions}
        self.labels["departements"] = {d.code: d.nom for d in self.departements}
        #: values derived from this data by the pages (e.g. the codes each facet accepts),
        #: computed once per snapshot; never mutate what is stored here
        self.derived: dict = {}

    @staticmethod
    def read_rows(connection: Connection | Session) -> tuple:
        """The reference tables' rows, in the order the pages show them (a session or a
        connection)."""
        terms = VocabularyTerm.__table__.c
        regions = Region.__table__.c
        departements = Departement.__table__.c
        return (
            tuple(tuple(row) for row in connection.execute(
                select(terms.id, terms.vocabulary, terms.code, terms.label, terms.position,
                       terms.active)
                .order_by(terms.vocabulary, terms.position, terms.id))),
            tuple(tuple(row) for row in connection.execute(
                select(regions.code, regions.nom).order_by(regions.nom))),
            tuple(tuple(row) for row in connection.execute(
                select(departements.code, departements.nom, departements.region_code)
                .order_by(departements.code))),
        )


class References:
    """Vocabularies and territories as one request reads them: the process's shared
    ReferenceData (see ReferenceCache), or read from `dbsession` when first needed."""

    def __init__(self, dbsession: Session | None = None, data: ReferenceData | None = None):
        self.dbsession = dbsession
        if data is not None:
            self.__dict__["data"] = data

    @cached_property
    def data(self) -> ReferenceData:
        return ReferenceData(ReferenceData.read_rows(self.dbsession))

    @property
    def terms(self) -> dict[str, tuple[Term, ...]]:
        return self.data.terms

    @property
    def regions(self) -> tuple[RegionData, ...]:
        return self.data.regions

    @property
    def departements(self) -> tuple[DepartementData, ...]:
        return self.data.departements

    @property
    def region_of(self) -> dict[str, str]:
        return self.data.region_of

    def choices(self, field: str, kept: Collection[str] = ()) -> list[tuple[str, str]]:
        """(code, label) pairs offered for a field: the active terms, and the retired ones in
        `kept` (those a practice already carries, which it may keep)."""
        if field == "regions":
            return [(r.code, r.nom) for r in self.regions]
        if field == "departements":
            return [(d.code, f"{d.code} – {d.nom}") for d in self.departements]
        return [(t.code, t.label) for t in self.terms[field] if t.active or t.code in kept]

    def codes(self, field: str, kept: Collection[str] = ()) -> set[str]:
        """The codes a form accepts for a field (see `choices`)."""
        return {code for code, _ in self.choices(field, kept)}

    def retired(self, field: str) -> set[str]:
        """The codes of a vocabulary's retired terms: valid on the practices carrying them,
        offered to no new one."""
        return {t.code for t in self.terms.get(field, ()) if not t.active}

    def label(self, field: str, code: str) -> str:
        return self.data.labels.get(field, {}).get(code, code)

    def labels_of(self, field: str) -> dict[str, str]:
        """code -> label of a field (read-only: shared by the process's requests)."""
        return self.data.labels.get(field, {})

    def regions_for(self, departements: Iterable[str]) -> list[str]:
        """The régions of the given départements, in code order."""
        return sorted({self.region_of[d] for d in departements if d in self.region_of})


class _Changes:
    """How many commits of this process changed reference data (see the events below)."""

    count = 0


_REFERENCE_MODELS = (VocabularyTerm, Region, Departement)


def _note_change(_mapper: Mapper, _connection: Connection, target: object) -> None:
    session = object_session(target)
    if session is not None:
        session.info["references_changed"] = True


for _model in _REFERENCE_MODELS:
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _note_change)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and any(
            mapper.class_ in _REFERENCE_MODELS for mapper in state.all_mappers):
        state.session.info["references_changed"] = True


@event.listens_for(Session, "after_commit")
def _count_change(session: Session) -> None:
    if session.info.pop("references_changed", False):
        _Changes.count += 1


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop("references_changed", None)


class ReferenceCache:
    """The reference data of a process, shared by its requests instead of read by each.

    Labels may be edited and terms added (`initdb`) while the application runs, in this
    process or in another: the data is read again at once after this process commits a
    change to a reference table, and compared with the database's at most every `max_age`
    seconds otherwise (a comparison of about 170 short rows, read through a connection of
    its own so that only committed data is ever shared).
    """

    def __init__(self, engine: Engine, max_age: float = 2.0,
                 clock: Callable[[], float] = time.monotonic):
        self.engine = engine
        self.max_age = max_age
        self.clock = clock
        self._lock = threading.Lock()
        #: (data, changes counted when it was read, when it was checked)
        self._state = None

    def invalidate(self) -> None:
        """Read the data again for the next request."""
        self._state = None

    def _fresh(self) -> ReferenceData | None:
        state = self._state
        if state is not None:
            data, changes, checked = state
            if changes == _Changes.count and self.clock() - checked < self.max_age:
                return data
        return None

    def get(self) -> ReferenceData:
        data = self._fresh()
        if data is not None:
            return data
        with self._lock:
            data = self._fresh()  # another thread may have read it meanwhile
            if data is not None:
                return data
            changes, now = _Changes.count, self.clock()
            with self.engine.connect() as connection:
                rows = ReferenceData.read_rows(connection)
            data = self._state[0] if self._state and self._state[0].rows == rows else None
            data = data or ReferenceData(rows)
            self._state = (data, changes, now)
            return data


def includeme(config: Configurator) -> None:
    cache = ReferenceCache(config.registry["db_engine"])
    config.registry["references_cache"] = cache
    config.add_request_method(
        lambda request: References(data=cache.get()), "references", reify=True)
