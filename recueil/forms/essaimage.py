"""The form « Cette pratique nous a inspirés » on a published practice's page (essaimage).

Bound with ``references`` (the territories) and ``csrf_token``.
"""
import colander
import deform

from .contact import HONEYPOT
from .practice import CSRFSchema, _email_node, text_node
from .types import in_vocabulary
from .widgets import ChoiceWidget

STRUCTURE = 100
#: the account's length, counted as the person types it (the counter of recueil.js)
RECIT = 500
#: the nodes' ids carry this prefix: the practice page holds a second form
OID_PREFIX = "essaimage-"


@colander.deferred
def _departement_widget(node, kw):
    references = kw["references"]
    groups = [
        (region.nom, [(d.code, f"{d.code} – {d.nom}") for d in region.departements])
        for region in references.regions
    ]
    return ChoiceWidget(values=references.choices("departements"), groups=groups,
                        multiple=False, style="select")


@colander.deferred
def _departement_code(node, kw):
    return in_vocabulary("Votre département", kw["references"].codes("departements"))


class EssaimageSchema(CSRFSchema):
    structure = text_node(
        "structure", "Votre structure", STRUCTURE,
        description="Le service, l'établissement ou l'association qui a repris la pratique. "
        f"{STRUCTURE} caractères maximum.",
    )
    departement = colander.SchemaNode(
        colander.String(), name="departement", title="Votre département",
        description="Le département où vous avez repris la pratique.",
        widget=_departement_widget, validator=_departement_code,
        missing_msg="« Votre département » est obligatoire : choisissez-le dans la liste.",
    )
    recit = text_node(
        "recit", "Ce que vous en avez fait", RECIT, textarea=True,
        description="Comment vous avez repris la pratique, ce que vous avez adapté, ce que "
        f"cela a donné. {RECIT} caractères maximum. N'y écrivez pas d'informations "
        "permettant d'identifier un enfant ou une famille.",
    )
    courriel = _email_node("courriel", "Votre adresse électronique", True)
    site_web = colander.SchemaNode(
        colander.String(), name=HONEYPOT, title="Site web", missing="",
        widget=deform.widget.TextInputWidget(template="recueil:templates/catalogue/honeypot.pt"),
    )

    def after_bind(self, node, kw):
        node["courriel"].description = (
            "Format attendu : nom@domaine.fr. Elle n'est jamais publiée : l'équipe du recueil "
            "s'en sert seulement pour vous joindre au sujet de votre récit."
        )
        for child in node.children:
            child.oid = OID_PREFIX + child.name
