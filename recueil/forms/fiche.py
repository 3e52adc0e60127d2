"""The ONPE's fiches dispositifs (spec §4): every rule of a level-2 fiche is written here once.

A fiche has the vocabularies and the territory of a level-1 practice, built with the same
nodes (forms/practice.py), and longer texts in sections. Schemas are bound with
``references``, ``today``, ``csrf_token``, ``version`` (the fiche's version the editor saw)
and ``find_references`` (references -> practices, to check the linked practices); the search
of practices to link shows ``search_query`` and ``search_results``.
"""
import re

import colander

from ..models.reference import PRACTICE_PREFIX, PRACTICE_REFERENCE, format_reference, shape
from .practice import (
    SHORT,
    AllErrorsAtOnce,
    CSRFSchema,
    _departement_codes,
    _departements_widget,
    _not_in_future,
    _precision_node,
    _region_codes,
    _regions_widget,
    _require_precisions,
    _vocabulary_node,
    date_node,
    territory_errors,
    text_node,
    version_node,
)
from .types import CodeList, max_length, strip_text
from .widgets import CounterTextAreaWidget, PracticePickerWidget

#: Longer than level 1 (1000 and 500 characters): a fiche is the ONPE's written analysis.
RESUME = 2000
SECTION = 5000
CO_AUTEURS = 1000
MOTIF = 500
LINKS_TITLE = "Pratiques de terrain liées"
_EXAMPLE = format_reference(PRACTICE_PREFIX, 2024, 42)

#: The fiche's sections, in the order of the form and of the public page: name -> title.
SECTION_TITLES = {
    "presentation": "Présentation",
    "cadre": "Territoire et classement",
    "contenu": "Contenu de la fiche",
    "liens": "Liens avec les pratiques inspirantes",
    "suivi": "Suivi",
}


def _in(section: str, node: colander.SchemaNode) -> colander.SchemaNode:
    """The node, drawn under the heading of `section` (see deform/dsfr_form_sections.pt)."""
    node.section = SECTION_TITLES[section]
    return node


def _section_node(name, title, required, hint):
    limit = f"{SECTION} caractères maximum."
    description = f"{hint} {limit}" if required else f"Facultatif. {hint} {limit}"
    return _in("contenu", text_node(name, title, SECTION, required=required, textarea=True,
                                    description=description))


def _co_auteurs_preparer(value):
    """One co-author per line, without blank lines or surrounding spaces."""
    value = strip_text(value)
    if isinstance(value, str):
        lines = [" ".join(line.split()) for line in value.splitlines()]
        return "\n".join(line for line in lines if line) or colander.null
    return value


class ReferenceList(colander.SchemaType):
    """References typed one per line (commas, semicolons and spaces separate them too)."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return "\n".join(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None):
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, f"« {node.title} » : valeur illisible.")
        references = [r.upper() for r in re.split(r"[\s,;]+", cstruct) if r]
        return list(dict.fromkeys(references)) or colander.null


@colander.deferred
def _linkable(node, kw):
    find = kw["find_references"]

    def validator(node, references):
        well_formed = [r for r in references if PRACTICE_REFERENCE.match(r)]
        found = find(well_formed) if well_formed else {}
        messages = []
        for reference in references:
            practice = found.get(reference)
            if reference not in well_formed:
                messages.append(
                    f"« {LINKS_TITLE} » : « {reference[:40]} » n'est pas une référence de "
                    f"pratique ; le format attendu est {shape(PRACTICE_PREFIX)}, par exemple "
                    f"{_EXAMPLE}."
                )
            elif practice is None:
                messages.append(
                    f"« {LINKS_TITLE} » : aucune pratique ne porte la référence « {reference} »."
                )
            elif practice.niveau != 1 or practice.status != "publiee":
                messages.append(
                    f"« {LINKS_TITLE} » : la pratique {reference} n'est pas publiée ; "
                    "seules les pratiques publiées peuvent être liées."
                )
        if messages:
            raise colander.Invalid(node, messages if len(messages) > 1 else messages[0])
    return validator


@colander.deferred
def _picker_widget(node, kw):
    return PracticePickerWidget(
        rows=4, query=kw.get("search_query", ""), results=kw.get("search_results"),
    )


def _fiche_rules(node, value):
    """« Autre » asks for its precision, and the territory has what the scale asks, as in
    level 1; what the scale does not ask is dropped when the fiche is saved (normalise.py)."""
    errors = {}
    try:
        _require_precisions(node, value)
    except colander.Invalid as error:
        errors.update({child.node.name: child.msg for child in error.children})
    errors.update(territory_errors(value.get("echelle"), value))
    if errors:
        error = colander.Invalid(node)
        for name, message in errors.items():
            error[name] = message
        raise error


class FicheSchema(AllErrorsAtOnce, CSRFSchema):
    version = version_node()

    intitule = _in("presentation", text_node("intitule", "Intitulé de la fiche", SHORT))
    nom_entite = _in("presentation", text_node(
        "nom_entite", "Porteur", SHORT,
        description="L'organisme qui porte le dispositif. 100 caractères maximum.",
    ))
    co_auteurs = _in("presentation", colander.SchemaNode(
        colander.String(), name="co_auteurs", title="Co-auteurs", missing=None,
        description="Facultatif. Un co-auteur par ligne (personne ou organisme). "
                    f"{CO_AUTEURS} caractères maximum.",
        preparer=_co_auteurs_preparer,
        validator=max_length("Co-auteurs", CO_AUTEURS),
        widget=CounterTextAreaWidget(maxlength=CO_AUTEURS, rows=3),
    ))
    description = _in("presentation", text_node(
        "description", "Résumé", RESUME, textarea=True,
        description=f"Le dispositif en quelques paragraphes. {RESUME} caractères maximum.",
    ))
    date_mise_en_oeuvre = _in("presentation", date_node(
        "date_mise_en_oeuvre", "Date de mise en œuvre",
        "Au format JJ/MM/AAAA, par exemple 15/09/2018.", True, _not_in_future,
    ))

    echelle = _in("cadre", _vocabulary_node("echelle", multiple=False))
    regions = _in("cadre", colander.SchemaNode(
        CodeList(), name="regions", title="Régions",
        description="Pour une action régionale : une ou plusieurs régions.",
        widget=_regions_widget, validator=_region_codes, missing=[],
    ))
    departements = _in("cadre", colander.SchemaNode(
        CodeList(), name="departements", title="Départements",
        description="Pour une action départementale : un ou plusieurs départements ; pour une "
                    "action locale : un seul. Leurs régions sont ajoutées d'elles-mêmes.",
        widget=_departements_widget, validator=_departement_codes, missing=[],
    ))
    lieu = _in("cadre", text_node(
        "lieu", "Lieu (commune ou territoire)", SHORT, required=False,
        description="Pour une action locale seulement. 100 caractères maximum.",
    ))
    types_intervention = _in("cadre", _vocabulary_node("types_intervention", multiple=True))
    types_intervention_autre = _in("cadre", _precision_node("types_intervention_autre",
                                                            "type d'intervention"))
    thematiques = _in("cadre", _vocabulary_node("thematiques", multiple=True))
    thematiques_autre = _in("cadre", _precision_node("thematiques_autre", "thématique"))
    publics = _in("cadre", _vocabulary_node("publics", multiple=True))
    publics_autre = _in("cadre", _precision_node("publics_autre", "public visé"))
    relais = _in("cadre", _vocabulary_node("relais", multiple=False))
    relais_autre = _in("cadre", _precision_node("relais_autre", "relais"))

    objectifs = _section_node("objectifs", "Objectifs du projet", True,
                              "Ce que le dispositif cherche à obtenir.")
    moyens = _section_node("moyens", "Moyens nécessaires", True,
                           "Moyens humains, financiers et partenariats.")
    cles_reussite = _section_node("cles_reussite", "Clés de réussite", True,
                                  "Ce qui fait que le dispositif fonctionne.")
    resultats_attendus = _section_node("resultats_attendus", "Résultats attendus", True,
                                       "Les effets recherchés, chiffrés si possible.")
    difficultes = _section_node("difficultes", "Difficultés susceptibles d'être rencontrées",
                                False, "Les obstacles connus et comment les lever.")
    evaluation_references = _section_node("evaluation_references", "Évaluation et références",
                                          False, "Évaluations menées, études, textes de référence.")

    pratiques_liees = _in("liens", colander.SchemaNode(
        ReferenceList(), name="pratiques_liees", title=LINKS_TITLE, missing=[],
        description="Facultatif. Les pratiques inspirantes publiées sur lesquelles la fiche "
                    f"s'appuie : une référence par ligne, par exemple {_EXAMPLE}, ou "
                    "cherchez-les ci-dessous.",
        validator=_linkable, widget=_picker_widget,
    ))

    date_revision = _in("suivi", date_node(
        "date_revision", "À revoir le",
        "Facultatif. La date à laquelle la fiche doit être relue, au format JJ/MM/AAAA ; "
        "passé cette date, elle est signalée dans la liste des fiches.", False,
    ))

    validator = staticmethod(_fiche_rules)


class PublishFicheSchema(CSRFSchema):
    version = version_node()
    date_publication = date_node(
        "date_publication", "Date de publication",
        "Au format JJ/MM/AAAA ; laissez vide pour publier à la date d'aujourd'hui.",
        False, _not_in_future,
    )


class UnpublishFicheSchema(CSRFSchema):
    version = version_node()
    motif = colander.SchemaNode(
        colander.String(), name="motif", title="Motif de la dépublication", missing=None,
        description=f"Facultatif. Il figure dans l'historique de la fiche. {MOTIF} caractères "
                    "maximum.",
        preparer=strip_text, validator=max_length("Motif de la dépublication", MOTIF),
        widget=CounterTextAreaWidget(maxlength=MOTIF, rows=3),
    )


class RepublishFicheSchema(CSRFSchema):
    version = version_node()
