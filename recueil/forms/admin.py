"""Administration forms: staff accounts."""
import colander
import deform

from ..models.user import INSTITUTION_TYPES, ROLES, STAFF_ROLES
from ..models.user import PASSWORD_MIN_LENGTH as MIN_LENGTH
from .practice import CSRFSchema, _email_node, version_node
from .widgets import ChoiceWidget, CounterTextAreaWidget


def _roles_node():
    return colander.SchemaNode(
        colander.Set(), name="roles", title="Rôles",
        description="Une personne peut cumuler plusieurs rôles.",
        widget=ChoiceWidget(values=[(r, ROLES[r]) for r in STAFF_ROLES], multiple=True,
                            style="checkbox"),
        validator=colander.Length(min=1, min_err="« Rôles » : cochez au moins un rôle."),
        missing_msg="« Rôles » : cochez au moins un rôle.",
    )


class NewUserSchema(CSRFSchema):
    courriel = _email_node("courriel", "Adresse électronique", True)
    nom = colander.SchemaNode(colander.String(), title="Nom", missing="",
                              validator=colander.Length(
                                  max=100, max_err="« Nom » : 100 caractères au maximum."))
    mot_de_passe = colander.SchemaNode(
        colander.String(), title="Mot de passe provisoire",
        description=f"{MIN_LENGTH} caractères au moins ; "
        "à transmettre à la personne, qui le changera.",
        validator=colander.Length(
            min=MIN_LENGTH, min_err=f"« Mot de passe » : {MIN_LENGTH} caractères au moins."
        ),
        missing_msg="« Mot de passe provisoire » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(
            attributes={"type": "password", "autocomplete": "new-password"}
        ),
    )
    roles = _roles_node()


def _institution_both(node, value):
    error = colander.Invalid(node)
    if value.get("institution_type") and not value.get("institution_nom"):
        error["institution_nom"] = ("« Nom de l'institution » : précisez laquelle, par exemple "
                                    "« Conseil départemental de Maine-et-Loire ».")
    if value.get("institution_nom") and not value.get("institution_type"):
        error["institution_type"] = ("« Type d'institution » : choisissez le type de "
                                     f"« {value['institution_nom']} ».")
    if "comite" in (value.get("roles") or ()) and not value.get("institution_type"):
        error["institution_type"] = ("« Type d'institution » : un membre du comité siège pour "
                                     "une institution ; choisissez son type et son nom.")
    if error.children:
        raise error


class InstitutionSchema(colander.MappingSchema):
    """The institution a committee member sits for; required with the committee's role."""

    roles = colander.SchemaNode(colander.List(), missing=())
    institution_type = colander.SchemaNode(
        colander.String(), title="Type d'institution", missing="",
        validator=colander.OneOf(
            ["", *INSTITUTION_TYPES],
            msg_err="« Type d'institution » : choisissez un type proposé."),
    )
    institution_nom = colander.SchemaNode(
        colander.String(), title="Nom de l'institution", missing="",
        preparer=lambda v: v.strip() if isinstance(v, str) else v,
        validator=colander.Length(
            max=200, max_err="« Nom de l'institution » : 200 caractères au maximum."),
    )
    validator = staticmethod(_institution_both)


class UnpublishSchema(CSRFSchema):
    version = version_node()
    motif = colander.SchemaNode(
        colander.String(), title="Motif de la dépublication",
        description="Il figure dans l'historique de la pratique. 500 caractères maximum.",
        validator=colander.Length(max=500, max_err="« Motif » : 500 caractères au maximum."),
        missing_msg="« Motif de la dépublication » est obligatoire : indiquez pourquoi.",
        widget=CounterTextAreaWidget(rows=3),
    )
