"""The selection committee's forms: a session, its agenda, a member's review grid, a decision.

Schemas are bound with ``csrf_token``; the session schema also needs ``today`` and the
agenda schema ``admissible`` (the (id, label) of the practices that may be put on it).
"""
import uuid

import colander
import deform

from ..models.committee import CRITERIA, DECISIONS, OPINIONS, RATINGS
from .practice import CSRFSchema, date_node, text_node
from .types import CodeList, Integer
from .widgets import ChoiceWidget

LIEU = 200
CRITERION_COMMENT = 500
OPINION_COMMENT = 1000
MOTIVATION = 2000


@colander.deferred
def _not_in_past(node, kw):
    today = kw["today"]

    def validator(node, value):
        if value < today:
            raise colander.Invalid(
                node,
                f"« {node.title} » : la date est passée (nous sommes le {today:%d/%m/%Y}) ; "
                "une séance se crée avant de se tenir.",
            )
    return validator


class SessionSchema(CSRFSchema):
    date = date_node(
        "date", "Date de la séance",
        "Au format JJ/MM/AAAA. Les pratiques sélectionnées seront publiées "
        "une semaine après cette date.",
        validator=_not_in_past,
    )
    lieu = text_node("lieu", "Lieu", LIEU,
                     description="Par exemple : Paris, ministère des Solidarités, ou "
                     f"« Visioconférence ». {LIEU} caractères maximum.")


def _uuids(node, values):
    for value in values:
        try:
            uuid.UUID(value)
        except ValueError:
            raise colander.Invalid(
                node, "« Pratiques à inscrire » : une pratique cochée est inconnue.") from None


@colander.deferred
def _admissible_widget(node, kw):
    return ChoiceWidget(values=kw["admissible"], multiple=True, style="checkbox")


class AgendaSchema(CSRFSchema):
    """Practices to put on the agenda; the service checks each is still admissible."""

    pratiques = colander.SchemaNode(
        CodeList(),
        title="Pratiques à inscrire",
        description="Les pratiques déclarées recevables par la modération.",
        widget=_admissible_widget,
        validator=_uuids,
        missing_msg="« Pratiques à inscrire » : cochez au moins une pratique.",
    )


def _rating_node(code: str, label: str) -> colander.SchemaNode:
    return colander.SchemaNode(
        Integer(),
        name=f"note_{code}",
        title="Note",
        widget=ChoiceWidget(values=[(str(n), f"{n} – {text}") for n, text in RATINGS.items()],
                            multiple=False, style="radio", inline=True),
        validator=colander.OneOf(
            list(RATINGS), msg_err=f"« {label} » : choisissez une note de 1 à {len(RATINGS)}."
        ),
        missing_msg=f"« {label} » : choisissez une note de 1 à {len(RATINGS)}.",
    )


def _comment_node(code: str, label: str) -> colander.SchemaNode:
    node = text_node(f"commentaire_{code}", "Commentaire", CRITERION_COMMENT, required=False,
                     textarea=True,
                     description=f"Facultatif. {CRITERION_COMMENT} caractères maximum.")
    # the length message names the criterion, not just « Commentaire »
    node.validator = _limit(f"Commentaire sur « {label} »", CRITERION_COMMENT)
    return node


def _limit(title: str, limit: int):
    def validator(node, value):
        if len(value) > limit:
            raise colander.Invalid(
                node, f"« {title} » : {limit} caractères au maximum ; le texte saisi en compte "
                f"{len(value)}, raccourcissez-le.")
    return validator


def _opinion_needs_comment(node, value):
    if value.get("avis") in ("reserve", "defavorable") and not value.get("commentaire"):
        error = colander.Invalid(node)
        error["commentaire"] = (
            f"« Commentaire » : pour un avis « {OPINIONS[value['avis']]} », dites pourquoi."
        )
        raise error


def review_grid_schema() -> colander.MappingSchema:
    """The grid: for each criterion a rating (mandatory) and a comment, then the opinion.

    Field names are flat (``note_<criterion>``, ``commentaire_<criterion>``) so that each
    criterion's radio buttons form their own group in the browser.
    """
    schema = CSRFSchema(validator=_opinion_needs_comment)
    for code, label in CRITERIA.items():
        schema.add(_rating_node(code, label))
        schema.add(_comment_node(code, label))
    schema.add(colander.SchemaNode(
        colander.String(), name="avis", title="Avis",
        widget=ChoiceWidget(values=list(OPINIONS.items()), multiple=False, style="radio"),
        validator=colander.OneOf(list(OPINIONS), msg_err="« Avis » : choisissez un avis proposé."),
        missing_msg="« Avis » est obligatoire : choisissez un avis.",
    ))
    schema.add(text_node(
        "commentaire", "Commentaire", OPINION_COMMENT, required=False, textarea=True,
        description=f"Obligatoire pour un avis avec réserves ou défavorable. "
        f"{OPINION_COMMENT} caractères maximum."))
    return schema


def grid_appstruct(notes: dict, avis: str | None, commentaire: str | None) -> dict:
    """A saved grid as the form's values."""
    values = {}
    for code in CRITERIA:
        entry = notes.get(code) or {}
        if entry.get("note") is not None:
            values[f"note_{code}"] = entry["note"]
        if entry.get("commentaire"):
            values[f"commentaire_{code}"] = entry["commentaire"]
    if avis:
        values["avis"] = avis
    if commentaire:
        values["commentaire"] = commentaire
    return values


def grid_notes(appstruct: dict) -> dict:
    """The form's values as the grid's ``notes`` ({criterion: {"note", "commentaire"}})."""
    return {
        code: {"note": appstruct[f"note_{code}"],
               "commentaire": appstruct.get(f"commentaire_{code}") or ""}
        for code in CRITERIA
    }


def _decision_rules(node, value):
    decision = value.get("decision")
    error = colander.Invalid(node)
    if decision == "non_retenue" and not value.get("motivation"):
        error["motivation"] = (
            "« Motivation du comité » : une pratique non retenue l'est pour une raison "
            "que le déclarant recevra ; écrivez-la."
        )
    if decision == "ajournee" and not value.get("complements"):
        error["complements"] = (
            "« Compléments demandés » : dites au déclarant ce qu'il doit apporter "
            "pour que sa pratique soit réexaminée."
        )
    if decision != "ajournee" and value.get("complements"):
        error["complements"] = (
            "« Compléments demandés » ne concerne qu'une pratique ajournée : videz ce champ "
            "ou choisissez « Ajournée »."
        )
    if decision == "ajournee" and value.get("motivation"):
        error["motivation"] = (
            "« Motivation du comité » : pour une pratique ajournée, écrivez seulement les "
            "compléments demandés."
        )
    if value.get("coup_de_coeur") and decision != "selectionnee":
        error["coup_de_coeur"] = (
            "« Coup de cœur » : seule une pratique sélectionnée peut le recevoir.")
    if error.children:
        raise error


class DecisionSchema(CSRFSchema):
    """The secretariat records the committee's decision on one practice."""

    version = colander.SchemaNode(
        colander.Integer(), widget=deform.widget.HiddenWidget(),
        missing_msg="Formulaire incomplet : rechargez la page.",
    )
    decision = colander.SchemaNode(
        colander.String(), title="Décision du comité",
        widget=ChoiceWidget(values=list(DECISIONS.items()), multiple=False, style="radio",
                            inline=True),
        validator=colander.OneOf(
            list(DECISIONS), msg_err="« Décision du comité » : choisissez une décision proposée."),
        missing_msg="« Décision du comité » est obligatoire : choisissez une décision.",
    )
    coup_de_coeur = colander.SchemaNode(
        colander.Boolean(false_choices=("", "false"), true_choices=("true",),
                         false_val="false", true_val="true"),
        title="Coup de cœur du comité",
        description="Pour une pratique sélectionnée qui a particulièrement retenu l'attention "
        "du comité par sa pertinence, son originalité ou son efficacité : elle sera mise en avant.",
        widget=deform.widget.CheckboxWidget(true_val="true", false_val="false"),
        missing=False,
    )
    motivation = text_node(
        "motivation", "Motivation du comité", MOTIVATION, required=False, textarea=True,
        description="Obligatoire si la pratique n'est pas retenue : elle est envoyée au déclarant. "
        f"{MOTIVATION} caractères maximum.")
    complements = text_node(
        "complements", "Compléments demandés", MOTIVATION, required=False, textarea=True,
        description="Obligatoire si la pratique est ajournée : ils sont envoyés au déclarant. "
        f"{MOTIVATION} caractères maximum.")

    validator = staticmethod(_decision_rules)
