"""Administration forms: staff accounts."""
import colander
import deform

from ..models.user import PASSWORD_MIN_LENGTH as MIN_LENGTH
from ..models.user import ROLES, STAFF_ROLES
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


class UnpublishSchema(CSRFSchema):
    version = version_node()
    motif = colander.SchemaNode(
        colander.String(), title="Motif de la dépublication",
        description="Il figure dans l'historique de la pratique. 500 caractères maximum.",
        validator=colander.Length(max=500, max_err="« Motif » : 500 caractères au maximum."),
        missing_msg="« Motif de la dépublication » est obligatoire : indiquez pourquoi.",
        widget=CounterTextAreaWidget(rows=3),
    )
