"""The administration of the controlled vocabularies: a term's label, a new term."""
import re

import colander
import deform

from .practice import CSRFSchema
from .types import strip_text

#: the sizes of the columns (models/vocabulary.py)
LABEL = 200
CODE = 60
CODE_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _label_node(description: str) -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.String(), name="libelle", title="Libellé", description=description,
        preparer=strip_text,
        validator=colander.Length(max=LABEL, max_err=f"« Libellé » : {LABEL} caractères au "
                                  "maximum."),
        missing_msg="« Libellé » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(LABEL)}),
    )


def _code_shape(node, value):
    if len(value) > CODE or not CODE_SHAPE.match(value):
        raise colander.Invalid(node, (
            f"« Code » : {CODE} caractères au plus, lettres minuscules sans accent, chiffres et "
            "tirets, par exemple « sante-mentale »."))


class TermLabelSchema(CSRFSchema):
    libelle = _label_node(
        f"Tel que le formulaire, le catalogue et les données ouvertes l'affichent. {LABEL} "
        "caractères maximum.")
    #: the label the administrator read: an edit made meanwhile is not overwritten
    libelle_lu = colander.SchemaNode(colander.String(), missing=None,
                                     widget=deform.widget.HiddenWidget())


class NewTermSchema(CSRFSchema):
    libelle = _label_node(f"{LABEL} caractères maximum.")
    code = colander.SchemaNode(
        colander.String(), title="Code (facultatif)",
        description="L'identifiant permanent du terme dans les adresses de recherche, l'API et "
                    "les données ouvertes ; il ne changera plus. Laissé vide, il est tiré du "
                    "libellé (« Santé mentale » donne « sante-mentale »).",
        preparer=lambda value: value.strip().lower() if isinstance(value, str) else value,
        validator=_code_shape, missing=None,
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(CODE)}),
    )
