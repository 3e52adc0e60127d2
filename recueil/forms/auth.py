"""Staff sign-in."""
import colander
import deform

from .practice import CSRFSchema, _email_node


class SignInSchema(CSRFSchema):
    courriel = _email_node("courriel", "Adresse électronique", True)
    mot_de_passe = colander.SchemaNode(
        colander.String(), title="Mot de passe",
        missing_msg="« Mot de passe » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(attributes={"type": "password",
                                                         "autocomplete": "current-password"}),
    )
