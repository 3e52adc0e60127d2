"""What a row of an imported file is checked with (spec §5).

The declared fields go through the declaration form's own schemas (``practice.STEPS``), so a
rule is never written twice; only the columns the platform assigns (niveau, identifiers,
publication) have their nodes here, and the upload form of the administration page.
"""
import uuid

import colander
import deform

from ..models.reference import (
    FICHE_PREFIX,
    PRACTICE_PREFIX,
    PREFIX_OF_LEVEL,
    REFERENCE,
    shape,
)
from . import fiche, practice
from .practice import CSRFSchema, Uploads, text_node
from .types import CodeList, FrenchDate, Integer, strip_text

#: The levels a row may have: 1, a practice; 2, an ONPE fiche dispositif.
NIVEAUX = {1: "pratique inspirante", 2: "fiche dispositif de l'ONPE"}
#: The declaration's steps a practice's row goes through: not the conditions (the partner
#: collected the practice, nobody ticked the box) nor the summary.
PRACTICE_STEPS = tuple(
    (slug, schema) for slug, _, schema in practice.STEPS
    if schema is not None and slug != "conditions"
)
#: Nodes that are no columns of a file: attachments, and a fiche's links to practices (made
#: on its page once the practices are online) and the version its editor saw.
NOT_COLUMNS = {
    practice.PresentationSchema: set(),
    practice.LocalisationSchema: set(),
    practice.ResultatsSchema: {"pieces_jointes"},
    practice.ContactSchema: set(),
    fiche.FicheSchema: {"pratiques_liees", "version"},
}


def _schema_classes(niveau: int) -> tuple[type, ...]:
    """The single choice of what a row is checked with: the declaration's steps for a
    practice (level 1), the ONPE's fiche for a fiche dispositif (level 2)."""
    if niveau == 2:
        return (fiche.FicheSchema,)
    return tuple(schema_class for _, schema_class in PRACTICE_STEPS)


def declared_fields(niveau: int) -> tuple[str, ...]:
    """The columns a row of this niveau describes its practice with."""
    names = []
    for schema_class in _schema_classes(niveau):
        names += [node.name for node in schema_class().children
                  if node.name != "csrf_token" and node.name not in NOT_COLUMNS[schema_class]]
    return tuple(names)


def row_schemas(niveau: int, **bindings) -> list[colander.SchemaNode]:
    """The bound schemas a row of this niveau is validated with.

    Every field the form requires is required here too, except the contact addresses of a
    practice: the partner gives the personal fields when it knows them (spec §5).
    """
    schemas = []
    for schema_class in _schema_classes(niveau):
        schema = schema_class()
        for name in NOT_COLUMNS[schema_class]:
            del schema[name]
        schema = schema.bind(**bindings)
        if schema_class is practice.ContactSchema:
            for node in schema.children:
                node.missing = None
        schemas.append(schema)
    return schemas


def is_multiple(node: colander.SchemaNode) -> bool:
    """A node of several codes: its CSV cell holds them separated by « | »."""
    return isinstance(node.typ, CodeList)


class FileBoolean(colander.SchemaType):
    """A boolean cell of the open-data CSV: true or false (empty means false)."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (colander.null, None) else str(bool(appstruct)).lower()

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None) or not str(cstruct).strip():
            return colander.null
        text = str(cstruct).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise colander.Invalid(
            node, f"« {node.title} » : écrivez true ou false (la cellule contient « {cstruct} »)."
        )


def _uuid(node, value):
    try:
        uuid.UUID(value)
    except ValueError:
        raise colander.Invalid(
            node, f"« {node.title} » : « {value} » n'est pas un identifiant UUID, de la forme "
            "5f0c2c5e-8a4b-4e8f-9a59-2f1b6f0d3c21."
        ) from None


def _reference(node, value):
    if not REFERENCE.match(value):
        raise colander.Invalid(
            node, f"« {node.title} » : « {value} » n'est pas une référence de la forme "
            f"{shape(PRACTICE_PREFIX)} (ou {shape(FICHE_PREFIX)} pour une fiche)."
        )


class PlatformColumnsSchema(colander.MappingSchema):
    """The columns of a row that the platform assigns or that say where it comes from."""

    niveau = colander.SchemaNode(
        Integer(), title="Niveau", missing=1,
        validator=colander.OneOf(
            tuple(NIVEAUX), msg_err="« Niveau » : écrivez 1 (pratique inspirante) ou 2 (fiche "
            "dispositif de l'ONPE), ou laissez la cellule vide (1)."),
    )
    source = text_node("source", "Source", 100, required=False)
    source_id = text_node("source_id", "Identifiant chez la source", 100, required=False)
    id = colander.SchemaNode(colander.String(), title="Identifiant", preparer=strip_text,
                             missing=None, validator=_uuid)
    reference = colander.SchemaNode(colander.String(), title="Référence", preparer=strip_text,
                                    missing=None, validator=_reference)
    date_publication = colander.SchemaNode(
        FrenchDate(), title="Date de publication", missing=None,
        validator=practice._not_in_future,
    )
    coup_de_coeur = colander.SchemaNode(FileBoolean(), title="Coup de cœur", missing=False)

    def validator(self, node, value):
        reference, niveau = value.get("reference"), value.get("niveau")
        if reference and niveau in PREFIX_OF_LEVEL and not reference.startswith(
                PREFIX_OF_LEVEL[niveau] + "-"):
            error = colander.Invalid(node)
            error["reference"] = (
                f"« Référence » : une {NIVEAUX[niveau]} a une référence "
                f"{shape(PREFIX_OF_LEVEL[niveau])} ; « {reference} » n'en est pas une."
            )
            raise error


# -- the administration page's upload form ---------------------------------------------------

def _one_file(node, files):
    if len(files) != 1:
        raise colander.Invalid(node, "« Fichier CSV » : choisissez un seul fichier.")


class UploadSchema(CSRFSchema):
    fichier = colander.SchemaNode(
        Uploads(), title="Fichier CSV", validator=_one_file,
        missing_msg="« Fichier CSV » est obligatoire : choisissez le fichier à importer.",
    )
    source = text_node(
        "source", "Source", 100, required=False,
        description="D'où viennent les pratiques, par exemple « Départements de France » ; "
        "obligatoire sauf si chaque ligne a sa colonne source. 100 caractères maximum.",
    )
    publier = colander.SchemaNode(
        colander.Boolean(false_choices=("", "false"), true_choices=("true",),
                         false_val="false", true_val="true"),
        title="Publier directement (reprise de pratiques déjà en ligne : fiches de l'ONPE, "
        "pratiques sélectionnées avant la plateforme)",
        widget=deform.widget.CheckboxWidget(), missing=False,
    )
