"""The selection committee's forms: a session, its agenda, its attendance, a member's review
grid, a decision and its correction, a session recorded after it was held.

Schemas are bound with ``csrf_token``; the session schemas also need ``today``, the agenda
schema ``admissible`` (the (id, label) of the practices that may be put on it) and the
attendance ``members`` (the (id, label) of the committee's members).
"""
import uuid

import colander
import deform

from .. import formatting
from ..models.committee import COUP_DE_COEUR_MOTIFS, CRITERIA, DECISIONS, OPINIONS, RATINGS
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
                f"« {node.title} » : la date est passée (nous sommes le "
                f"{formatting.date(today)}) ; "
                "une séance déjà tenue s'enregistre avec « Enregistrer une séance tenue ».",
            )
    return validator


#: how far back a held session may be recorded: a year, so that a mistyped year is caught
HELD_SINCE_DAYS = 366


@colander.deferred
def _held(node, kw):
    today = kw["today"]

    def validator(node, value):
        if value > today:
            raise colander.Invalid(
                node, f"« {node.title} » : la séance n'a pas encore eu lieu (nous sommes le "
                f"{formatting.date(today)}) ; une séance à venir se crée avec « Nouvelle séance ».")
        if (today - value).days > HELD_SINCE_DAYS:
            raise colander.Invalid(
                node, f"« {node.title} » : le {formatting.date(value)} date de plus d'un an ; "
                "vérifiez l'année.")
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


@colander.deferred
def _members_widget(node, kw):
    return ChoiceWidget(values=kw["members"], multiple=True, style="checkbox")


@colander.deferred
def _members_validator(node, kw):
    allowed = {code for code, _ in kw["members"]}

    def validator(node, values):
        if any(v not in allowed for v in values):
            raise colander.Invalid(
                node, "« Membres présents » : une personne cochée n'est pas membre du comité ; "
                "rechargez la page.")
    return validator


def _attendance_node() -> colander.SchemaNode:
    return colander.SchemaNode(
        CodeList(), name="presents", title="Membres présents",
        description="Cochez les membres du comité qui ont siégé ; leur institution figure "
        "entre parenthèses.",
        widget=_members_widget, validator=_members_validator, missing=(),
    )


class AttendanceSchema(CSRFSchema):
    """Who attended a session, ticked by the secretariat."""

    presents = _attendance_node()


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


def decision_errors(value: dict) -> dict[str, str]:
    """Field name -> French message for what a decision lacks or holds in excess."""
    decision = value.get("decision")
    errors = {}
    if decision == "non_retenue" and not value.get("motivation"):
        errors["motivation"] = (
            "« Motivation du comité » : une pratique non retenue l'est pour une raison "
            "que le déclarant recevra ; écrivez-la."
        )
    if decision == "ajournee" and not value.get("complements"):
        errors["complements"] = (
            "« Compléments demandés » : dites au déclarant ce qu'il doit apporter "
            "pour que sa pratique soit réexaminée."
        )
    if decision != "ajournee" and value.get("complements"):
        errors["complements"] = (
            "« Compléments demandés » ne concerne qu'une pratique ajournée : videz ce champ "
            "ou choisissez « Ajournée »."
        )
    if decision == "ajournee" and value.get("motivation"):
        errors["motivation"] = (
            "« Motivation du comité » : pour une pratique ajournée, écrivez seulement les "
            "compléments demandés."
        )
    if value.get("coup_de_coeur") and decision != "selectionnee":
        errors["coup_de_coeur"] = (
            "« Coup de cœur » : seule une pratique sélectionnée peut le recevoir.")
    if value.get("coup_de_coeur") and not value.get("motifs_coup_de_coeur"):
        errors["motifs_coup_de_coeur"] = (
            "« Motifs du coup de cœur » : cochez au moins un motif (pertinence, originalité, "
            "efficacité).")
    if value.get("motifs_coup_de_coeur") and not value.get("coup_de_coeur"):
        errors["motifs_coup_de_coeur"] = (
            "« Motifs du coup de cœur » : ils n'accompagnent qu'un coup de cœur ; cochez "
            "« Coup de cœur du comité » ou décochez les motifs.")
    return errors


def _decision_rules(node, value):
    errors = decision_errors(value)
    if errors:
        error = colander.Invalid(node)
        for name, message in errors.items():
            error[name] = message
        raise error


def _coup_de_coeur_node(name: str = "coup_de_coeur") -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.Boolean(false_choices=("", "false"), true_choices=("true",),
                         false_val="false", true_val="true"),
        name=name, title="Coup de cœur du comité",
        description="Pour une pratique sélectionnée qui a particulièrement retenu l'attention "
        "du comité par sa pertinence, son originalité ou son efficacité : elle sera mise en avant.",
        widget=deform.widget.CheckboxWidget(true_val="true", false_val="false"),
        missing=False,
    )


def _known_motifs(node, values):
    if any(v not in COUP_DE_COEUR_MOTIFS for v in values):
        raise colander.Invalid(
            node, "« Motifs du coup de cœur » : choisissez parmi les motifs proposés.")


def _motifs_node(name: str = "motifs_coup_de_coeur") -> colander.SchemaNode:
    return colander.SchemaNode(
        CodeList(), name=name, title="Motifs du coup de cœur",
        description="Obligatoires avec un coup de cœur : un ou plusieurs. Ils sont publiés "
        "sur la page de la pratique.",
        widget=ChoiceWidget(values=list(COUP_DE_COEUR_MOTIFS.items()), multiple=True,
                            style="checkbox", inline=True),
        validator=_known_motifs,
        missing=(),
    )


def _motivation_node(name: str = "motivation") -> colander.SchemaNode:
    return text_node(
        name, "Motivation du comité", MOTIVATION, required=False, textarea=True,
        description="Obligatoire si la pratique n'est pas retenue : elle est envoyée au déclarant. "
        f"{MOTIVATION} caractères maximum.")


def _complements_node(name: str = "complements") -> colander.SchemaNode:
    return text_node(
        name, "Compléments demandés", MOTIVATION, required=False, textarea=True,
        description="Obligatoire si la pratique est ajournée : ils sont envoyés au déclarant. "
        f"{MOTIVATION} caractères maximum.")


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
    coup_de_coeur = _coup_de_coeur_node()
    motifs_coup_de_coeur = _motifs_node()
    motivation = _motivation_node()
    complements = _complements_node()

    validator = staticmethod(_decision_rules)


def correction_schema() -> DecisionSchema:
    """The secretariat corrects a recorded decision, saying why (kept in the history)."""
    schema = DecisionSchema()
    schema.add(text_node(
        "motif_correction", "Motif de la correction", MOTIVATION, textarea=True,
        description="Obligatoire : il figure dans l'historique de la pratique et, si la "
        f"décision a déjà été envoyée, dans le courriel au déclarant. {MOTIVATION} caractères "
        "maximum."))
    return schema


def _period_order(node, value):
    if value.get("du") and value.get("au") and value["du"] > value["au"]:
        error = colander.Invalid(node)
        error["du"] = "« Du » : le début de la période suit sa fin ; inversez les dates."
        raise error


class PeriodSchema(colander.MappingSchema):
    """A period of sessions (the coups de cœur of the valorisation event); both ends optional."""

    du = date_node("du", "Du", "Au format JJ/MM/AAAA.", required=False)
    au = date_node("au", "Au", "Au format JJ/MM/AAAA.", required=False)
    validator = staticmethod(_period_order)


#: the decision a held session's form offers for each practice, « not examined » first
HELD_DECISIONS = [("", "Non examinée"), *DECISIONS.items()]


def held_fields(key: str) -> dict[str, str]:
    """The flat field names of one practice's decision on the held session's form."""
    return {name: f"{name}_{key}" for name in (
        "decision", "motivation", "complements", "coup_de_coeur", "motifs_coup_de_coeur")}


def held_session_schema(practices: list[tuple[str, str]]) -> colander.MappingSchema:
    """A session recorded after it was held: its date (past), place, attendance, and for each
    admissible practice (key, label) the committee's decision, if it examined it.

    Field names are flat (``decision_<key>`` …) so that each practice's radio buttons form
    their own group in the browser, as on the review grid.
    """
    def rules(node, value):
        error = colander.Invalid(node)
        decided = 0
        for key, _ in practices:
            names = held_fields(key)
            row = {field: value.get(name) for field, name in names.items()}
            if row["decision"]:
                decided += 1
            elif any(row[f] for f in ("motivation", "complements", "coup_de_coeur",
                                      "motifs_coup_de_coeur")):
                error[names["decision"]] = (
                    "« Décision du comité » : choisissez la décision de cette pratique, ou "
                    "videz ce que vous avez écrit pour elle.")
                continue
            for field, message in decision_errors(row).items():
                error[names[field]] = message
        if not decided and not error.children:
            error.msg = ("Indiquez la décision du comité pour au moins une pratique : une séance "
                         "tenue s'enregistre avec ses décisions.")
        if error.children or error.msg:
            raise error

    schema = CSRFSchema(validator=rules)
    schema.add(date_node("date", "Date de la séance",
                         "Au format JJ/MM/AAAA : le jour où le comité s'est réuni.",
                         validator=_held))
    schema.add(text_node("lieu", "Lieu", LIEU))
    schema.add(_attendance_node())
    for key, _ in practices:
        names = held_fields(key)
        schema.add(colander.SchemaNode(
            colander.String(), name=names["decision"], title="Décision du comité",
            widget=ChoiceWidget(values=HELD_DECISIONS, multiple=False, style="radio",
                                inline=True),
            validator=colander.OneOf(
                [code for code, _ in HELD_DECISIONS],
                msg_err="« Décision du comité » : choisissez une décision proposée."),
            missing="",
        ))
        schema.add(_motivation_node(names["motivation"]))
        schema.add(_complements_node(names["complements"]))
        schema.add(_coup_de_coeur_node(names["coup_de_coeur"]))
        schema.add(_motifs_node(names["motifs_coup_de_coeur"]))
    return schema
