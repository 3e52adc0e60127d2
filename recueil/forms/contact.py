"""The form « Écrire au porteur de la pratique » on a practice's public page."""
import colander
import deform

from .practice import CSRFSchema, _email_node, text_node

NAME = 100
MESSAGE = 2000
#: the trap field: hidden from people, filled in by robots that fill in everything
HONEYPOT = "site_web"


def _widget(node, widget):
    node.widget = widget
    return node


class HolderMessageSchema(CSRFSchema):
    nom = _widget(
        text_node("nom", "Votre nom", NAME),
        deform.widget.TextInputWidget(attributes={"maxlength": str(NAME), "autocomplete": "name"}),
    )
    courriel = _email_node("courriel", "Votre adresse électronique", True)
    message = text_node(
        "message", "Votre message", MESSAGE, textarea=True,
        description=f"{MESSAGE} caractères maximum. N'y écrivez pas d'informations "
        "permettant d'identifier un enfant ou une famille.",
    )
    site_web = colander.SchemaNode(
        colander.String(), name=HONEYPOT, title="Site web", missing="",
        widget=deform.widget.TextInputWidget(template="recueil:templates/catalogue/honeypot.pt"),
    )
