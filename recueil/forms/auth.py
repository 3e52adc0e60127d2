"""Staff sign-in."""
import colander
import deform

from ..models.user import PASSWORD_MIN_LENGTH as MIN_LENGTH
from .practice import CSRFSchema, _email_node


class SignInSchema(CSRFSchema):
    courriel = _email_node("courriel", "Adresse électronique", True)
    mot_de_passe = colander.SchemaNode(
        colander.String(), title="Mot de passe",
        missing_msg="« Mot de passe » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(attributes={"type": "password",
                                                         "autocomplete": "current-password"}),
    )


def _password_node(name, title, autocomplete, description=None):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, description=description,
        missing_msg=f"« {title} » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(attributes={"type": "password",
                                                         "autocomplete": autocomplete}),
    )


class PasswordChangeSchema(CSRFSchema):
    actuel = _password_node("actuel", "Mot de passe actuel", "current-password")
    nouveau = _password_node(
        "nouveau", "Nouveau mot de passe", "new-password",
        description=f"{MIN_LENGTH} caractères au moins. "
        "Une phrase de passe est plus sûre et plus facile à retenir.",
    )
    confirmation = _password_node(
        "confirmation", "Confirmation du nouveau mot de passe", "new-password"
    )

    def validator(self, node, value):
        error = colander.Invalid(node)
        if len(value["nouveau"]) < MIN_LENGTH:
            error["nouveau"] = f"« Nouveau mot de passe » : {MIN_LENGTH} caractères au moins."
        elif value["nouveau"] != value["confirmation"]:
            error["confirmation"] = "« Confirmation » : les deux mots de passe diffèrent."
        elif value["nouveau"] == value["actuel"]:
            error["nouveau"] = "« Nouveau mot de passe » : il doit différer de l'actuel."
        if error.children:
            raise error
