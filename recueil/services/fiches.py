"""The ONPE's fiches dispositifs (spec §4): level-2 rows of `practices`, written by the
rédacteurs, published without a committee, linked to the level-1 practices they build on.

A fiche is a Practice with ``niveau = 2``: the search, its facets, the API, the map, the
statistics and the open data take it in as they take practices. Its personal fields stay
empty (the ONPE is its author); its life goes through the one state machine (workflow.py).
"""
import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import formatting
from ..clock import SystemClock
from ..forms.normalise import TERRITORY_ASKED, WITH_PRECISION, normalise
from ..models import Practice, Transition
from ..models.practice import FICHE_SECTIONS, PUBLIC_STATUSES
from ..models.reference import FICHE_PREFIX
from ..search.interfaces import SearchBackend
from ..search.query import MAX_QUERY_LENGTH, SearchRequest
from . import catalogue, workflow
from .numbering import next_reference
from .references import References

AUTHOR = "Observatoire national de la protection de l'enfance (ONPE)"
#: Results offered when searching practices to link.
LINKABLE_RESULTS = 10

#: Fields the form writes as they are.
_PLAIN = ("intitule", "nom_entite", "co_auteurs", "description", "date_mise_en_oeuvre",
          "echelle", "lieu", "relais", "objectifs", "moyens", *FICHE_SECTIONS, "date_revision")
_VOCABULARIES = ("types_intervention", "thematiques", "publics")


def all_fiches(dbsession: Session) -> list[Practice]:
    """Every fiche, whatever its state, the most recently changed first."""
    return list(dbsession.scalars(
        select(Practice).where(Practice.niveau == 2)
        .order_by(Practice.updated_at.desc(), Practice.reference.desc())
    ))


def to_review(fiche: Practice, today: dt.date) -> bool:
    """Its « à revoir le » date has come."""
    return fiche.date_revision is not None and fiche.date_revision <= today


def by_references(dbsession: Session, references: list[str]) -> dict[str, Practice]:
    """The practices (any level, any state) carrying these references."""
    if not references:
        return {}
    query = select(Practice).where(Practice.reference.in_(references))
    return {p.reference: p for p in dbsession.scalars(query)}


def linkable(search: SearchBackend, dbsession: Session, query: str) -> list[Practice]:
    """Published level-1 practices matching `query`, for the editor to link to a fiche."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    result = search.search(SearchRequest(q=query, filters={"niveau": ("1",)},
                                         par_page=LINKABLE_RESULTS))
    return catalogue.published_practices(dbsession, result.ids)


def form_values(fiche: Practice) -> dict:
    """What the form shows of a fiche (régions derived from départements are not asked)."""
    values = {name: getattr(fiche, name) for name in _PLAIN}
    for name in (*_VOCABULARIES, "departements"):
        values[name] = list(getattr(fiche, name))
    for name in WITH_PRECISION:
        values[f"{name}_autre"] = getattr(fiche, f"{name}_autre")
    asked = TERRITORY_ASKED.get(fiche.echelle, frozenset())
    values["regions"] = list(fiche.regions) if "regions" in asked else []
    values["pratiques_liees"] = [p.reference for p in fiche.pratiques_liees]
    values["version"] = fiche.version
    return {k: v for k, v in values.items() if v is not None}


def write_values(dbsession: Session, fiche: Practice, values: dict,
                 references: References) -> None:
    """Store what the form validated, as the normaliser keeps it (a precision without
    « autre » and the territory the scale does not ask dropped, the régions derived): codes,
    territory, sections, linked practices."""
    values = normalise(values, references.regions_for)
    for name in _PLAIN:
        setattr(fiche, name, values.get(name))
    for name in WITH_PRECISION:
        setattr(fiche, f"{name}_autre", values.get(f"{name}_autre"))
    for name in _VOCABULARIES:
        setattr(fiche, name, values.get(name) or [])
    fiche.departements = values["departements"]
    fiche.regions = values["regions"]
    found = by_references(dbsession, values.get("pratiques_liees") or [])
    fiche.pratiques_liees = [found[r] for r in values.get("pratiques_liees") or [] if r in found]


def create(dbsession: Session, clock: SystemClock, values: dict, references: References,
           actor: workflow.Actor) -> Practice:
    """A new fiche, in draft, with its FD reference and the first line of its history."""
    now = clock.now()
    fiche = Practice(
        id=uuid.uuid4(), niveau=2, status="brouillon",
        reference=next_reference(dbsession, now.year, FICHE_PREFIX),
        etapes_validees=[], saisie_en_cours={}, accepte_conditions=False, coup_de_coeur=False,
    )
    write_values(dbsession, fiche, values, references)
    fiche.transitions.append(Transition(
        from_status=None, to_status="brouillon", actor=actor.label, actor_user_id=actor.user_id,
        comment="Fiche créée", created_at=now,
    ))
    dbsession.add(fiche)
    dbsession.flush()
    return fiche


def update(dbsession: Session, clock: SystemClock, fiche: Practice, values: dict,
           references: References, actor: workflow.Actor, expected_version: int | None
           ) -> list[str]:
    """Save a revision, in whatever state: a published fiche's revision is online at once.

    The history says who revised it, when, and which fields changed; returns those fields."""
    _unchanged_since(fiche, expected_version)
    before = form_values(fiche)
    write_values(dbsession, fiche, values, references)
    after = form_values(fiche)
    changed = [name for name in dict.fromkeys([*before, *after])
               if name != "version" and before.get(name) != after.get(name)]
    if changed:
        workflow.note(dbsession, clock, fiche, actor, "Fiche révisée : " + ", ".join(changed) + ".")
    dbsession.flush()
    return changed


def _unchanged_since(fiche: Practice, expected_version: int | None) -> None:
    """Refuse a change made on another version of the fiche (ConflictError). A form that
    says no version is refused too: nothing tells that it was not made on an older one."""
    if expected_version is None or expected_version != fiche.version:
        raise workflow.ConflictError(workflow.CONFLICT)


def publish(dbsession: Session, clock: SystemClock, fiche: Practice, actor: workflow.Actor,
            day: dt.date | None, expected_version: int | None) -> Transition:
    """Put a draft online, dated `day` (today by default)."""
    _unchanged_since(fiche, expected_version)
    workflow.check(fiche, "publish_fiche", actor)
    fiche.date_publication = day or clock.today()
    return workflow.apply(dbsession, clock, fiche, "publish_fiche", actor,
                          comment=f"Publiée le {formatting.date(fiche.date_publication)}")


def unpublish(dbsession: Session, clock: SystemClock, fiche: Practice, actor: workflow.Actor,
              motif: str | None, expected_version: int | None) -> Transition:
    """Take a fiche offline; `motif` goes into its history."""
    _unchanged_since(fiche, expected_version)
    return workflow.apply(dbsession, clock, fiche, "unpublish_fiche", actor, comment=motif)


def republish(dbsession: Session, clock: SystemClock, fiche: Practice, actor: workflow.Actor,
              expected_version: int | None) -> Transition:
    """Back online with its first publication date."""
    _unchanged_since(fiche, expected_version)
    return workflow.apply(dbsession, clock, fiche, "republish_fiche", actor)


def published_links(fiche: Practice) -> list[Practice]:
    """The published level-1 practices a fiche builds on, for its public page."""
    return [p for p in fiche.pratiques_liees if p.niveau == 1 and p.status in PUBLIC_STATUSES]


def published_fiches_of(practice: Practice) -> list[Practice]:
    """The published fiches that build on a practice, for its public page."""
    return [f for f in practice.fiches if f.niveau == 2 and f.status in PUBLIC_STATUSES]
