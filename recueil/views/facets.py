"""The public search's state and facets: the codes each facet accepts, its values with
their labels and counts, the groups of checkboxes and the removable tags of the search page.
The API and the statistics read the same values."""
import dataclasses
import re

from ..search.query import (
    CODE_FACETS,
    FACETS,
    FIXED_VALUES,
    MAX_QUERY_LENGTH,
    InvalidParameter,
    SearchRequest,
    parse,
)
from ..search.text import normalise_for_sort

#: facets whose codes are a controlled vocabulary (spec §6)
VOCABULARY_FACETS = ("thematiques", "publics", "echelle", "types_intervention", "relais")


def allowed_codes(references) -> dict[str, set[str]]:
    """Codes each facet accepts: every term of a vocabulary, even one no longer offered.

    Computed once per snapshot of the reference data (read-only for the callers)."""
    derived = references.data.derived
    if "allowed_codes" in derived:
        return derived["allowed_codes"]
    codes = {name: {t.code for t in references.terms.get(name, [])} for name in VOCABULARY_FACETS}
    codes["regions"] = {r.code for r in references.regions}
    codes["departements"] = {d.code for d in references.departements}
    codes.update({name: set(values) for name, values in FIXED_VALUES.items()})
    derived["allowed_codes"] = codes
    return codes


#: facets whose values do not come from the reference data
FIXED_PAIRS = {name: tuple(values.items()) for name, values in FIXED_VALUES.items()}


def facet_values(references, facet: str, counts: dict[str, int], chosen=()) -> list[dict]:
    """A facet's values in vocabulary order (years ascending), each with its label and count.

    Every active code is listed, with 0 when no practice has it, so that a reuser can build a
    form from the answer; a retired code only while practices still carry it.
    """
    if facet == "annee":
        years = sorted({*counts, *chosen}, key=int)
        return [{"code": y, "libelle": y, "nombre": counts.get(y, 0)} for y in years]
    if facet in FIXED_PAIRS:
        pairs = FIXED_PAIRS[facet]
    elif facet in ("regions", "departements"):
        derived = references.data.derived
        pairs = derived.get(facet)
        if pairs is None:
            places = references.regions if facet == "regions" else references.departements
            pairs = derived[facet] = tuple((p.code, p.nom) for p in places)
    else:
        derived = references.data.derived
        key = ("facet", facet)
        known = derived.get(key)
        if known is None:
            terms = references.terms.get(facet, ())
            # (code, label) of the active terms; the codes of the retired ones
            known = derived[key] = (tuple((t.code, t.label) for t in terms if t.active),
                                    frozenset(t.code for t in terms if not t.active))
        pairs, retired = known
        if retired and not retired.isdisjoint((*counts, *chosen)):
            pairs = [
                (t.code, t.label) for t in references.terms.get(facet, [])
                if t.active or counts.get(t.code) or t.code in chosen
            ]
    get = counts.get
    return [{"code": code, "libelle": label, "nombre": get(code, 0)} for code, label in pairs]


def lenient_request(request) -> tuple[SearchRequest, bool]:
    """The page's search state: unknown or invalid parameters are dropped, a long query cut."""
    params = request.GET.copy()
    codes = allowed_codes(request.references)
    try:
        return parse(params, codes, strict=False), False
    except InvalidParameter:
        # the length of the text query is the only check lenient parsing keeps
        q = " ".join(params.getall("q"))[:MAX_QUERY_LENGTH]
        del params["q"]
        params["q"] = q
        return parse(params, codes, strict=False), True


@dataclasses.dataclass
class Option:
    code: str
    label: str
    count: int
    checked: bool


@dataclasses.dataclass
class FacetGroup:
    name: str
    title: str
    options: list[Option]
    #: départements: (région, options) so that each shows under its région
    sections: list[tuple[str, list[Option]]] | None = None


def facet_groups(references, state: SearchRequest, facets: dict) -> list[FacetGroup]:
    """Every facet in FACETS order; the year's counts are drawn beside its range inputs."""
    groups = []
    for name in FACETS:
        if name == "annee":
            groups.append(FacetGroup(name, FACETS[name], []))
            continue
        chosen = state.values(name)
        values = facet_values(references, name, facets.get(name, {}), chosen)
        options = [
            Option(v["code"], v["libelle"], v["nombre"], v["code"] in chosen) for v in values
        ]
        group = FacetGroup(name, FACETS[name], options)
        if name == "departements":
            group.sections = _departement_sections(references, state, options)
            group.options = [o for _, section in group.sections for o in section]
        groups.append(group)
    return groups


def _departement_sections(references, state, options) -> list[tuple[str, list[Option]]]:
    """The départements worth offering, under their région.

    With régions chosen, all the départements of those régions; otherwise those with
    practices. Chosen départements are always offered, so that they can be unticked.
    """
    regions = set(state.values("regions"))
    region_of = references.region_of
    if regions:
        shown = [o for o in options if region_of.get(o.code) in regions or o.checked]
    else:
        shown = [o for o in options if o.count or o.checked]
    for option in shown:
        option.label = f"{option.code} – {option.label}"
    sections = []
    for region in references.regions:
        inside = [o for o in shown if region_of.get(o.code) == region.code]
        if inside:
            sections.append((region.nom, inside))
    return sections


def search_url(request, params) -> str:
    return request.route_url("catalogue.search", _query=params)


def active_filters(request, state: SearchRequest) -> list[dict]:
    """The removable tags: each link is the current URL without exactly that filter."""
    references = request.references
    tags = []
    if state.q:
        tags.append({"label": f"Recherche : « {state.q} »",
                     "url": search_url(request, state.params(q="", page=1))})
    for name in CODE_FACETS:
        for code in state.values(name):
            if name in FIXED_VALUES:
                label = FIXED_VALUES[name].get(code, code)
            else:
                label = references.label(name, code)
                if name == "departements":
                    label = f"{label} ({code})"
            tags.append({"label": f"{FACETS[name]} : {label}",
                         "url": search_url(request, state.toggle(name, code))})
    if state.annee_min is not None:
        tags.append({"label": f"Mise en œuvre depuis {state.annee_min}",
                     "url": search_url(request, state.params(annee_min=None, page=1))})
    if state.annee_max is not None:
        tags.append({"label": f"Mise en œuvre jusqu'en {state.annee_max}",
                     "url": search_url(request, state.params(annee_max=None, page=1))})
    return tags


def hidden_fields(state: SearchRequest, keep=None, drop=()) -> list[tuple[str, str]]:
    """The state as hidden inputs, so that each form of the page keeps what the others set."""
    return [(k, v) for k, v in state.params(page=1)
            if (keep is None or k in keep) and k not in drop]


#: how a suggestion names each facet whose values a query can name
NAMED_FACETS = {
    "thematiques": "la thématique",
    "publics": "le public",
    "types_intervention": "le type d'intervention",
    "regions": "la région",
    "departements": "le département",
}


def _words(text: str) -> str:
    """The words of a text, lower case and without accents, for comparing labels."""
    return " ".join(re.findall(r"\w+", normalise_for_sort(text)))


def suggested_filters(request, state: SearchRequest) -> list[dict]:
    """The facet values the text query names exactly (« santé mentale »): each offered as
    the filter that replaces the text, unless it is already chosen."""
    if not state.q:
        return []
    wanted = _words(state.q)
    if not wanted:
        return []
    suggestions = []
    for name, named in NAMED_FACETS.items():
        for value in facet_values(request.references, name, {}):
            if value["code"] in state.values(name) or _words(value["libelle"]) != wanted:
                continue
            filters = dict(state.filters)
            filters[name] = (*state.values(name), value["code"])
            suggestions.append({
                "label": f"Filtrer sur {named} {value['libelle']}",
                "url": search_url(request, state.params(q="", filters=filters, page=1)),
            })
    return suggestions
