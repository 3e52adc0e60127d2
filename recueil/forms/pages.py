"""The edit form of an informational page."""
import colander
import deform

from ..models.markup import unsafe_links
from .practice import CSRFSchema, version_node
from .types import strip_text
from .widgets import CounterTextAreaWidget

TITLE = 200
CONTENT = 20000
SYNTAX = (
    "Paragraphes séparés par une ligne vide ; « ## Titre » pour un intertitre ; « - » en début de "
    "ligne pour une liste ; [texte du lien](https://adresse) pour un lien (adresses https://, "
    "http://, mailto: ou commençant par /) ; **texte** pour du gras. Tout autre balisage est "
    "affiché tel quel."
)


def _length(title: str, limit: int):
    return colander.Length(max=limit, max_err=f"« {title} » : {limit} caractères au maximum.")


def _content_validator(node, value):
    _length("Contenu", CONTENT)(node, value)
    bad = unsafe_links(value)
    if bad:
        raise colander.Invalid(
            node,
            f"« Contenu » : l'adresse du lien « {bad[0][:80]} » n'est pas acceptée ; une adresse "
            "commence par https://, http://, mailto: ou / (page de ce site).",
        )


class PageSchema(CSRFSchema):
    version = version_node()
    titre = colander.SchemaNode(
        colander.String(), title="Titre", description=f"{TITLE} caractères maximum.",
        preparer=strip_text, validator=_length("Titre", TITLE),
        missing_msg="« Titre » est obligatoire : renseignez ce champ.",
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(TITLE)}),
    )
    contenu = colander.SchemaNode(
        colander.String(), title="Contenu", description=SYNTAX,
        preparer=strip_text, validator=_content_validator,
        missing_msg="« Contenu » est obligatoire : renseignez ce champ.",
        widget=CounterTextAreaWidget(maxlength=CONTENT, rows=24),
    )
