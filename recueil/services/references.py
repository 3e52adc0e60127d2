"""Reference data: controlled vocabularies and the COG territories."""
import json
from functools import cached_property
from importlib import resources

from sqlalchemy import select

from ..models import Departement, Region, VocabularyTerm
from ..models.vocabulary import VOCABULARIES


def _data(name: str):
    return json.loads(resources.files("recueil").joinpath("data", name).read_text("utf-8"))


def load_reference_data(dbsession) -> dict[str, int]:
    """Insert the vocabularies and territories that are missing; never changes an edited label."""
    added = {"termes": 0, "regions": 0, "departements": 0}
    existing = {(t.vocabulary, t.code) for t in dbsession.scalars(select(VocabularyTerm))}
    for vocabulary, terms in _data("vocabularies.json").items():
        for position, term in enumerate(terms):
            if (vocabulary, term["code"]) not in existing:
                dbsession.add(VocabularyTerm(
                    vocabulary=vocabulary, code=term["code"], label=term["label"],
                    position=position, active=True,
                ))
                added["termes"] += 1
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
    return added


class References:
    """Vocabularies and territories as read once for a request."""

    def __init__(self, dbsession):
        self.dbsession = dbsession

    @cached_property
    def terms(self) -> dict[str, list[VocabularyTerm]]:
        result = {name: [] for name in VOCABULARIES}
        query = select(VocabularyTerm).order_by(VocabularyTerm.vocabulary, VocabularyTerm.position)
        for term in self.dbsession.scalars(query):
            result.setdefault(term.vocabulary, []).append(term)
        return result

    @cached_property
    def regions(self) -> list[Region]:
        return list(self.dbsession.scalars(select(Region).order_by(Region.nom)))

    @cached_property
    def departements(self) -> list[Departement]:
        return list(self.dbsession.scalars(select(Departement).order_by(Departement.code)))

    @cached_property
    def region_of(self) -> dict[str, str]:
        return {d.code: d.region_code for d in self.departements}

    def choices(self, field: str) -> list[tuple[str, str]]:
        """(code, label) pairs offered for a field, active terms only."""
        if field == "regions":
            return [(r.code, r.nom) for r in self.regions]
        if field == "departements":
            return [(d.code, f"{d.code} – {d.nom}") for d in self.departements]
        return [(t.code, t.label) for t in self.terms[field] if t.active]

    def codes(self, field: str) -> set[str]:
        return {code for code, _ in self.choices(field)}

    def label(self, field: str, code: str) -> str:
        if field == "regions":
            return next((r.nom for r in self.regions if r.code == code), code)
        if field == "departements":
            return next((d.nom for d in self.departements if d.code == code), code)
        return next((t.label for t in self.terms.get(field, []) if t.code == code), code)

    def regions_for(self, departements) -> list[str]:
        """The régions of the given départements, in code order."""
        return sorted({self.region_of[d] for d in departements if d in self.region_of})


def includeme(config):
    config.add_request_method(lambda request: References(request.dbsession), "references", reify=True)
