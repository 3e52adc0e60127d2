"""The moderation queue (spec §3): the practices waiting for a moderator, filtered from the URL."""
import dataclasses
import datetime as dt
import math
from collections.abc import Mapping

import colander
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from ...forms.types import FrenchDate
from ...models import Practice, PracticeTerm
from ...models.practice import STATUSES, in_workflow_states

#: States a moderator works on, and those a practice leaves moderation in.
QUEUE_STATUSES = ("soumise", "en_moderation", "complement_demande")
DONE_STATUSES = ("recevable", "irrecevable", "doublon", "retiree")
STATUS_FILTERS = QUEUE_STATUSES + DONE_STATUSES
#: the queue's default view: everything still waiting for a moderator or a declarant
TO_DO = "a_traiter"
TO_DO_LABEL = "À traiter"
#: the « source » of practices declared through the form (their `source` is empty)
FORM_SOURCE = "formulaire"
FORM_SOURCE_LABEL = "Formulaire en ligne"
SORTS = {
    "anciennes": "Les plus anciennes d'abord",
    "recentes": "Les plus récentes d'abord",
    "titre": "Par intitulé (A → Z)",
}
PER_PAGE = 20


@dataclasses.dataclass
class QueueFilters:
    """The queue's state, as it travels in the GET URL."""

    statut: str = TO_DO
    du: dt.date | None = None
    au: dt.date | None = None
    departement: str = ""
    source: str = ""
    tri: str = "anciennes"
    page: int = 1
    #: French messages for the values that were not understood (and ignored)
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def statuses(self) -> tuple[str, ...]:
        return QUEUE_STATUSES if self.statut == TO_DO else (self.statut,)

    def params(self, **changes) -> dict[str, str]:
        """The URL's query for this state with `changes`; defaults are left out."""
        values = dataclasses.replace(self, **changes)
        query = {
            "statut": "" if values.statut == TO_DO else values.statut,
            "du": values.du.isoformat() if values.du else "",
            "au": values.au.isoformat() if values.au else "",
            "departement": values.departement,
            "source": values.source,
            "tri": "" if values.tri == "anciennes" else values.tri,
            "page": "" if values.page == 1 else str(values.page),
        }
        return {k: v for k, v in query.items() if v}


def _date(params: Mapping[str, str], name: str, title: str, errors: list[str]) -> dt.date | None:
    node = colander.SchemaNode(FrenchDate(), name=name, title=title, missing=None)
    try:
        return node.deserialize(params.get(name, ""))
    except colander.Invalid as error:
        errors.append(error.asdict()[name])
        return None


def parse_filters(params: Mapping[str, str], departements: set[str],
                  sources: set[str]) -> QueueFilters:
    """The queue's state from the URL: unknown values are dropped, with a message for dates."""
    errors: list[str] = []
    statut = params.get("statut", "")
    if statut not in STATUS_FILTERS:
        statut = TO_DO
    tri = params.get("tri", "")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    filters = QueueFilters(
        statut=statut,
        du=_date(params, "du", "Reçue à partir du", errors),
        au=_date(params, "au", "Reçue jusqu'au", errors),
        departement=_one_of(params, "departement", departements),
        source=_one_of(params, "source", sources | {FORM_SOURCE}),
        tri=tri if tri in SORTS else "anciennes",
        page=page,
        errors=errors,
    )
    if filters.du and filters.au and filters.du > filters.au:
        filters.errors.append("« Reçue jusqu'au » est avant « Reçue à partir du » : "
                              "aucune pratique ne peut correspondre ; vérifiez les dates.")
    return filters


def _one_of(params: Mapping[str, str], name: str, allowed: set[str]) -> str:
    value = params.get(name, "")
    return value if value in allowed else ""


def _received() -> ColumnElement[dt.datetime]:
    # imported practices may have no submission date: their arrival counts instead
    return func.coalesce(Practice.submitted_at, Practice.created_at)


def _filtered(query: Select, filters: QueueFilters) -> Select:
    """Every filter but the state (the counts per state are computed with these only)."""
    received = _received()
    if filters.du:
        query = query.where(received >= dt.datetime.combine(filters.du, dt.time.min))
    if filters.au:
        day_after = dt.datetime.combine(filters.au + dt.timedelta(days=1), dt.time.min)
        query = query.where(received < day_after)
    if filters.departement:
        query = query.where(Practice.id.in_(
            select(PracticeTerm.practice_id).where(PracticeTerm.field == "departements",
                                                   PracticeTerm.code == filters.departement)
        ))
    if filters.source == FORM_SOURCE:
        query = query.where(Practice.source.is_(None))
    elif filters.source:
        query = query.where(Practice.source == filters.source)
    # a draft withdrawn before it was ever sent is no moderator's business
    query = query.where((Practice.status != "retiree") | Practice.reference.is_not(None))
    return query


def counts(dbsession: Session, filters: QueueFilters) -> dict[str, int]:
    """How many practices each state would show with the other filters, and « à traiter »."""
    query = _filtered(
        select(Practice.status, func.count()).where(Practice.status.in_(STATUS_FILTERS)), filters
    ).group_by(Practice.status)
    found = dict(dbsession.execute(query).all())
    result = {status: found.get(status, 0) for status in STATUS_FILTERS}
    result[TO_DO] = sum(result[s] for s in QUEUE_STATUSES)
    return result


def queue(dbsession: Session, filters: QueueFilters,
          per_page: int = PER_PAGE) -> tuple[list[Practice], int]:
    """One page of the queue, and how many practices it holds in all."""
    base = _filtered(select(Practice).where(in_workflow_states(filters.statuses)), filters)
    total = dbsession.scalar(select(func.count()).select_from(base.subquery()))
    received = _received()
    order = {
        "anciennes": (received.asc(), Practice.reference.asc()),
        "recentes": (received.desc(), Practice.reference.desc()),
        "titre": (func.lower(Practice.intitule).asc(), Practice.reference.asc()),
    }[filters.tri]
    last = max(1, math.ceil(total / per_page))
    filters.page = min(filters.page, last)
    practices = list(dbsession.scalars(
        base.order_by(*order).offset((filters.page - 1) * per_page).limit(per_page)
    ))
    return practices, total


def sources(dbsession: Session) -> list[str]:
    """The partners' sources found among the practices in moderation (imports)."""
    return list(dbsession.scalars(
        select(Practice.source)
        .where(Practice.status.in_(STATUS_FILTERS), Practice.source.is_not(None))
        .distinct().order_by(Practice.source)
    ))


def received_at(practice: Practice) -> dt.datetime | None:
    """When the practice reached moderation: submitted, or imported."""
    return practice.submitted_at or practice.created_at


def status_label(status: str) -> str:
    """A state's label in the queue's filter, « À traiter » included."""
    return TO_DO_LABEL if status == TO_DO else STATUSES[status]
