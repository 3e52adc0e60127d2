"""A search request, read from the URL or the API's parameters, validated once.

The same names as everywhere else (spec §9). The request holds only codes checked against
the vocabularies, so no backend ever receives user text as query syntax.
"""
import dataclasses
import re

from webob.multidict import MultiDict

from ..models.committee import COUP_DE_COEUR_MOTIFS
from .text import query_terms, query_words

#: Facets, in the order the catalogue shows them: name -> title.
FACETS = {
    "thematiques": "Thématique",
    "publics": "Public visé",
    "echelle": "Échelle de l'action",
    "regions": "Région",
    "departements": "Département",
    "types_intervention": "Type d'intervention",
    "relais": "Relais de l'implémentation",
    "niveau": "Niveau",
    "annee": "Année de mise en œuvre",
    "coup_de_coeur": "Coup de cœur du comité",
    "motifs_coup_de_coeur": "Motif du coup de cœur",
    "essaimee": "Essaimage",
}
#: Facets chosen by code (the year is chosen by range).
CODE_FACETS = tuple(name for name in FACETS if name != "annee")
#: Facets stored as several codes per practice.
MULTI_VALUED = ("thematiques", "publics", "regions", "departements", "types_intervention",
                "motifs_coup_de_coeur")
SORTS = {
    "pertinence": "Pertinence",
    "publication": "Publication la plus récente",
    "anciennete": "Mise en œuvre la plus ancienne",
}
NIVEAUX = {"1": "Pratique inspirante (niveau 1)", "2": "Fiche dispositif de l'ONPE (niveau 2)"}
#: Facets whose values are the application's own, not a vocabulary's: code -> label (the
#: catalogue's filters and the API's description read them here)
FIXED_VALUES = {
    "niveau": NIVEAUX,
    "coup_de_coeur": {"true": "Coup de cœur"},
    "motifs_coup_de_coeur": COUP_DE_COEUR_MOTIFS,
    "essaimee": {"true": "Reprise ailleurs au moins une fois"},
}
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
ALLOWED = {"q", "tri", "page", "par_page", "annee_min", "annee_max", *CODE_FACETS}


class InvalidParameter(ValueError):
    """A search parameter that cannot be used; the message is French and names it."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclasses.dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict = dataclasses.field(default_factory=dict)  # facet -> tuple of codes
    annee_min: int | None = None
    annee_max: int | None = None
    tri: str = "pertinence"
    page: int = 1
    par_page: int = DEFAULT_PAGE_SIZE

    @property
    def terms(self) -> list[str]:
        """Analysed terms of the text query (embedded backend)."""
        return query_terms(self.q)

    @property
    def words(self) -> list[str]:
        """Plain words of the text query, free of any syntax (Solr)."""
        return query_words(self.q)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.par_page

    def values(self, facet: str) -> tuple:
        return self.filters.get(facet, ())

    def has_year_range(self) -> bool:
        return self.annee_min is not None or self.annee_max is not None

    def params(self, **changes) -> list[tuple[str, str]]:
        """The URL parameters of this request, with `changes` applied;
        the URL holds the whole state.
        """
        state = dataclasses.replace(self, **changes)
        items = []
        if state.q:
            items.append(("q", state.q))
        for facet in CODE_FACETS:
            items.extend((facet, code) for code in state.values(facet))
        if state.annee_min is not None:
            items.append(("annee_min", str(state.annee_min)))
        if state.annee_max is not None:
            items.append(("annee_max", str(state.annee_max)))
        if state.tri != "pertinence":
            items.append(("tri", state.tri))
        if state.par_page != DEFAULT_PAGE_SIZE:
            items.append(("par_page", str(state.par_page)))
        if state.page != 1:
            items.append(("page", str(state.page)))
        return items

    def toggle(self, facet: str, code: str) -> list[tuple[str, str]]:
        """Parameters with `code` added to or removed from `facet`, back on page 1."""
        current = list(self.values(facet))
        current = [c for c in current if c != code] if code in current else current + [code]
        filters = dict(self.filters)
        filters[facet] = tuple(current)
        return self.params(filters=filters, page=1)


def _integer(name: str, raw: str, minimum: int, maximum: int) -> int:
    if not re.fullmatch(r"\d{1,6}", raw.strip()):
        raise InvalidParameter(
            name, f"Le paramètre « {name} » doit être un nombre entier, pas « {raw[:40]} »."
        )
    value = int(raw)
    if not minimum <= value <= maximum:
        raise InvalidParameter(
            name, f"Le paramètre « {name} » doit être compris entre {minimum} et {maximum}."
        )
    return value


def parse(params: MultiDict, allowed_codes: dict[str, set[str]],
          strict: bool = True) -> SearchRequest:
    """A SearchRequest from a MultiDict of parameters.

    `allowed_codes` gives the codes each facet accepts. In strict mode (the API) an unknown
    parameter or code is an error; the HTML catalogue passes strict=False and drops them.
    """
    keys = list(dict.fromkeys(params.keys()))
    if strict:
        unknown = [k for k in keys if k not in ALLOWED]
        if unknown:
            raise InvalidParameter(
                unknown[0],
                f"Paramètre inconnu : « {unknown[0][:40]} ». Paramètres possibles : "
                + ", ".join(sorted(ALLOWED)) + ".",
            )
    q = " ".join(params.getall("q")).strip() if "q" in params else ""
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter(
            "q", f"La recherche « q » est limitée à {MAX_QUERY_LENGTH} caractères."
        )
    filters = {}
    for facet in CODE_FACETS:
        codes = [c.strip() for c in params.getall(facet) if c.strip()] if facet in params else []
        allowed = allowed_codes.get(facet, set())
        bad = [c for c in codes if c not in allowed]
        if bad and strict:
            raise InvalidParameter(
                facet, f"Valeur inconnue pour « {facet} » : « {bad[0][:40]} »."
            )
        codes = [c for c in dict.fromkeys(codes) if c in allowed]
        if codes:
            filters[facet] = tuple(codes)
    bounds = {}
    for name in ("annee_min", "annee_max"):
        raw = params.get(name, "").strip() if name in params else ""
        if raw:
            try:
                bounds[name] = _integer(name, raw, 1900, 2100)
            except InvalidParameter:
                if strict:
                    raise
    if (bounds.get("annee_min") and bounds.get("annee_max")
            and bounds["annee_min"] > bounds["annee_max"]):
        if strict:
            raise InvalidParameter("annee_min", "« annee_min » ne peut pas dépasser « annee_max ».")
        bounds["annee_min"], bounds["annee_max"] = bounds["annee_max"], bounds["annee_min"]
    tri = params.get("tri", "pertinence") or "pertinence"
    if tri not in SORTS:
        if strict:
            raise InvalidParameter(
                "tri", f"Valeur inconnue pour « tri » : « {tri[:40]} ». Tris possibles : "
                + ", ".join(SORTS) + "."
            )
        tri = "pertinence"
    numbers = {"page": 1, "par_page": DEFAULT_PAGE_SIZE}
    for name, maximum in (("page", 10000), ("par_page", MAX_PAGE_SIZE)):
        raw = params.get(name, "").strip() if name in params else ""
        if raw:
            try:
                numbers[name] = _integer(name, raw, 1, maximum)
            except InvalidParameter:
                if strict:
                    raise
    return SearchRequest(q=q, filters=filters, tri=tri, **bounds, **numbers)
