"""The declaration form of spec §2: one schema per step, every rule written here once.

Schemas are bound with ``references`` (vocabularies and territories), ``today`` (the
clock's date), ``csrf_token``, and for the localisation step the chosen ``echelle``; the
attachments node also needs ``attachments_kept`` and ``max_upload_bytes``; ``carried``
(``carried_codes``) names the codes of the practice being edited, if any.
"""
import colander
import deform

from .. import formatting
from ..models.vocabulary import VOCABULARIES
from . import attachments as attachment_types
from .normalise import SCALES, TERRITORY_ASKED, TERRITORY_FIELDS, WITH_PRECISION
from .types import CodeList, Euros, FrenchDate, Integer, in_vocabulary, max_length, strip_text
from .widgets import ChoiceWidget, CounterTextAreaWidget, FilesWidget

SHORT = 100
DESCRIPTION = 1000
RESULT = 500
MAX_ATTACHMENTS = 3
MIN_HISTORY_DAYS = 365
#: The largest values the database columns hold (BIGINT, INTEGER): more would be a 500.
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1


def _missing(title: str) -> str:
    return f"« {title} » est obligatoire : renseignez ce champ."


def date_node(name, title, description, required=True, validator=None):
    """A date typed as JJ/MM/AAAA (FrenchDate), with the same input hints on every form."""
    return colander.SchemaNode(
        FrenchDate(), name=name, title=title, description=description, validator=validator,
        missing=colander.required if required else None, missing_msg=_missing(title),
        widget=deform.widget.TextInputWidget(
            attributes={"placeholder": "JJ/MM/AAAA", "inputmode": "numeric", "maxlength": "10"}
        ),
    )


def text_node(name, title, limit, required=True, description=None, textarea=False, **kw):
    widget = (
        CounterTextAreaWidget(maxlength=limit, rows=6 if limit > RESULT else 4)
        if textarea
        else deform.widget.TextInputWidget(attributes={"maxlength": str(limit)})
    )
    hint = description or f"{limit} caractères maximum."
    return colander.SchemaNode(
        colander.String(),
        name=name,
        title=title,
        description=hint,
        preparer=strip_text,
        validator=max_length(title, limit),
        missing=colander.required if required else None,
        missing_msg=_missing(title),
        widget=widget,
        **kw,
    )


@colander.deferred
def _csrf_token(node, kw):
    return kw.get("csrf_token", "")


class CSRFSchema(colander.MappingSchema):
    """Every form posts Pyramid's CSRF token; Pyramid checks it before any view runs."""

    csrf_token = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(), default=_csrf_token, missing=""
    )


class AllErrorsAtOnce:
    """A form schema whose rules across fields (« Autre » asks for its precision, the
    territory follows the scale) are checked even when some fields are refused, so that a
    person sees every error of the form in one round, not a second list after correcting
    the first. Its validator must read the values with ``.get``: a refused field is absent.
    """

    def deserialize(self, cstruct=colander.null):
        try:
            return super().deserialize(cstruct)
        except colander.Invalid as error:
            if self.validator is not None and isinstance(cstruct, dict):
                _add_rule_errors(self, error, cstruct)
            raise


def _add_rule_errors(node, error, cstruct):
    """Adds to `error` what `node`'s validator finds in the values its fields accepted, on the
    fields that have no error yet."""
    accepted = {}
    for child in node.children:
        try:
            accepted[child.name] = child.deserialize(cstruct.get(child.name, colander.null))
        except colander.Invalid:
            continue
    try:
        node.validator(node, accepted)
    except colander.Invalid as more:
        refused = {child.node.name for child in error.children}
        for child in more.children:
            if child.node.name not in refused:
                error[child.node.name] = child.msg
        if more.msg and not error.msg:
            error.msg = more.msg


@colander.deferred
def _version(node, kw):
    return kw.get("version")


def version_node():
    """The version of the record the person started from (bound as `version`): a change
    saved meanwhile is refused, not overwritten."""
    return colander.SchemaNode(colander.Integer(), name="version", default=_version,
                               missing=None, widget=deform.widget.HiddenWidget())


def carried_codes(practice) -> dict[str, list[str]]:
    """The vocabulary codes a practice already carries, to bind as ``carried``: a term
    retired since stays offered and valid on it, so that saving it again keeps it."""
    if practice is None:
        return {}
    carried = {}
    for name in VOCABULARIES:
        value = getattr(practice, name, None)
        carried[name] = [value] if isinstance(value, str) else list(value or ())
    return carried


def _vocabulary_node(name, multiple, description=None):
    title = VOCABULARIES[name]

    @colander.deferred
    def widget(node, kw):
        return ChoiceWidget(
            values=kw["references"].choices(name, kw.get("carried", {}).get(name, ())),
            multiple=multiple,
            style="checkbox" if multiple else "radio",
            inline=not multiple,
        )

    @colander.deferred
    def validator(node, kw):
        kept = kw.get("carried", {}).get(name, ())
        return in_vocabulary(title, kw["references"].codes(name, kept))

    return colander.SchemaNode(
        CodeList() if multiple else colander.String(),
        name=name,
        title=title,
        description=description or ("Une ou plusieurs réponses possibles." if multiple else None),
        widget=widget,
        validator=validator,
        missing_msg=(
            f"« {title} » est obligatoire : cochez au moins une case."
            if multiple
            else f"« {title} » est obligatoire : choisissez une réponse."
        ),
    )


def _precision_node(name, what):
    return text_node(
        name,
        f"Précision pour « Autre » ({what})",
        SHORT,
        required=False,
        description="Obligatoire si vous avez coché « Autre ». 100 caractères maximum.",
    )


def _require_precisions(node, value):
    """« Autre » chosen in a vocabulary asks for its precision."""
    error = colander.Invalid(node)
    for field in WITH_PRECISION:
        chosen = value.get(field) or []
        chosen = [chosen] if isinstance(chosen, str) else chosen
        if "autre" in chosen and not value.get(f"{field}_autre"):
            error[f"{field}_autre"] = (
                f"« {VOCABULARIES[field]} » : vous avez choisi « Autre », précisez lequel."
            )
    if error.children:
        raise error


@colander.deferred
def _not_in_future(node, kw):
    today = kw["today"]

    def validator(node, value):
        if value > today:
            raise colander.Invalid(
                node,
                f"« {node.title} » : la date ne peut pas être dans le futur "
                f"(nous sommes le {formatting.date(today)}).",
            )
    return validator


def _box(title):
    return colander.SchemaNode(
        # only the checkbox's own value means yes; anything else is not an acceptance
        colander.Boolean(false_choices=("", "false"), true_choices=("true",),
                         false_val="false", true_val="true"),
        title=title,
        widget=deform.widget.CheckboxWidget(),
        missing=False,
    )


class ConditionsSchema(CSRFSchema):
    accepte_conditions = _box("J'ai lu et j'accepte les conditions ci-dessus")
    #: the presentation's « en accord avec votre hiérarchie »: the declarant says so
    accord_hierarchie = _box("Je déclare cette pratique avec l'accord de ma hiérarchie")

    def validator(self, node, value):
        error = colander.Invalid(node)
        for name in ("accepte_conditions", "accord_hierarchie"):
            if not value.get(name):
                error[name] = f"Pour continuer, cochez « {node[name].title} »."
        if error.children:
            raise error


class PresentationSchema(AllErrorsAtOnce, CSRFSchema):
    date_mise_en_oeuvre = date_node(
        "date_mise_en_oeuvre", "Date de mise en œuvre",
        "Au format JJ/MM/AAAA, par exemple 15/09/2022. "
        "Une antériorité d'au moins un an est souhaitée.",
        validator=_not_in_future,
    )
    nom_entite = text_node("nom_entite", "Nom de l'entité", SHORT)
    intitule = text_node("intitule", "Intitulé de la pratique", SHORT)
    description = text_node(
        "description",
        "Description de la pratique",
        DESCRIPTION,
        textarea=True,
        description="Décrivez la pratique en quelques phrases. 1000 caractères maximum.",
    )
    echelle = _vocabulary_node("echelle", multiple=False)
    types_intervention = _vocabulary_node("types_intervention", multiple=True)
    types_intervention_autre = _precision_node("types_intervention_autre", "type d'intervention")
    thematiques = _vocabulary_node("thematiques", multiple=True)
    thematiques_autre = _precision_node("thematiques_autre", "thématique")
    publics = _vocabulary_node("publics", multiple=True)
    publics_autre = _precision_node("publics_autre", "public visé")
    relais = _vocabulary_node("relais", multiple=False)
    relais_autre = _precision_node("relais_autre", "relais")

    validator = staticmethod(_require_precisions)


@colander.deferred
def _regions_widget(node, kw):
    return ChoiceWidget(
        values=kw["references"].choices("regions"), multiple=True, style="checkbox", columns=True
    )


@colander.deferred
def _departements_widget(node, kw):
    single = kw.get("echelle") == "locale"
    references = kw["references"]
    groups = [
        (region.nom, [(d.code, f"{d.code} – {d.nom}") for d in region.departements])
        for region in references.regions
    ]
    return ChoiceWidget(
        values=references.choices("departements"),
        groups=groups,
        multiple=not single,
        style="select" if single else "checkbox",
        columns=True,
    )


@colander.deferred
def _region_codes(node, kw):
    return in_vocabulary("Régions", kw["references"].codes("regions"))


@colander.deferred
def _departement_codes(node, kw):
    return in_vocabulary("Départements", kw["references"].codes("departements"))


class LocalisationSchema(AllErrorsAtOnce, CSRFSchema):
    """The territory follows the scale chosen on the previous step."""

    regions = colander.SchemaNode(
        CodeList(), title="Régions", description="Une ou plusieurs régions.",
        widget=_regions_widget, validator=_region_codes, missing=[],
    )
    departements = colander.SchemaNode(
        CodeList(), title="Départements", description="Un ou plusieurs départements.",
        widget=_departements_widget, validator=_departement_codes, missing=[],
    )
    lieu = text_node(
        "lieu", "Lieu (commune ou territoire)", SHORT, required=False,
        description="La commune ou le territoire où la pratique est mise en œuvre. "
        "100 caractères maximum.",
    )

    def after_bind(self, node, kw):
        echelle = kw.get("echelle")
        keep = TERRITORY_ASKED.get(echelle, frozenset())
        for name in TERRITORY_FIELDS:
            if name not in keep and name in node:
                del node[name]
        if echelle == "locale":
            node["departements"].title = "Département"
            node["departements"].description = "Le département où se trouve le lieu."
            node["lieu"].description = "La commune ou le territoire. 100 caractères maximum."
        self.echelle = echelle

    def validator(self, node, value):
        echelle = self.echelle
        if echelle not in SCALES:
            raise colander.Invalid(
                node, "Choisissez d'abord l'échelle de l'action à l'étape "
                "« Présentation de la pratique »."
            )
        errors = territory_errors(echelle, value)
        if errors:
            error = colander.Invalid(node)
            for name, message in errors.items():
                error[name] = message
            raise error


def territory_errors(echelle: str | None, value: dict) -> dict[str, str]:
    """What the territory lacks for the scale (spec §2, step 3): field name -> French message."""
    errors = {}
    if echelle == "regionale" and not value.get("regions"):
        errors["regions"] = (
            "« Régions » : pour une action régionale, choisissez au moins une région."
        )
    if echelle == "departementale" and not value.get("departements"):
        errors["departements"] = (
            "« Départements » : pour une action départementale, choisissez au moins un département."
        )
    if echelle == "locale":
        if len(value.get("departements") or []) != 1:
            errors["departements"] = (
                "« Département » : pour une action locale, choisissez un département."
            )
        if not value.get("lieu"):
            errors["lieu"] = (
                "« Lieu » : pour une action locale, indiquez la commune ou le territoire."
            )
    return errors


class Uploads(colander.SchemaType):
    """Files posted by the browser, as dicts of filename and content; empty inputs ignored."""

    def serialize(self, node, appstruct):
        return colander.null

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        items = cstruct if isinstance(cstruct, (list, tuple)) else [cstruct]
        files = []
        for item in items:
            filename = getattr(item, "filename", None)
            stream = getattr(item, "file", None)
            if not filename or stream is None:
                continue
            stream.seek(0)
            filename = filename.replace("\x00", "")  # PostgreSQL refuses NUL in text
            files.append({"filename": filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1],
                          "content": stream.read()})
        return files or colander.null


@colander.deferred
def _attachments_validator(node, kw):
    kept = kw.get("attachments_kept", 0)
    max_bytes = kw.get("max_upload_bytes", 5 * 1024 * 1024)

    def validator(node, files):
        messages = []
        if kept + len(files) > MAX_ATTACHMENTS:
            messages.append(
                f"« Pièces jointes » : {MAX_ATTACHMENTS} documents au maximum ; "
                f"{kept} déjà joint(s), {len(files)} envoyé(s)."
            )
        for item in files:
            name = attachment_types.readable_name(item["filename"])
            if len(item["content"]) > max_bytes:
                messages.append(
                    f"« Pièces jointes » : « {name} » pèse "
                    f"{formatting.file_size(len(item['content']))} ; "
                    f"la limite est de {formatting.file_size(max_bytes)} par document."
                )
                continue
            try:
                media_type = attachment_types.sniff(item["content"])
            except attachment_types.UnsafeArchive:
                messages.append(
                    f"« Pièces jointes » : « {name} » est une archive anormale (trop "
                    "d'éléments, ou une décompression hors de proportion avec sa taille) ; "
                    "enregistrez le document à nouveau depuis votre traitement de texte."
                )
                continue
            if media_type is None:
                messages.append(
                    f"« Pièces jointes » : le contenu de « {name} » n'est pas celui d'un PDF, "
                    "d'un document OpenDocument ou Word ; seuls ces formats sont acceptés."
                )
            else:
                item["media_type"] = media_type
        if messages:
            raise colander.Invalid(node, messages if len(messages) > 1 else messages[0])
    return validator


@colander.deferred
def _files_widget(node, kw):
    return FilesWidget(slots=max(0, MAX_ATTACHMENTS - kw.get("attachments_kept", 0)))


class ResultatsSchema(CSRFSchema):
    # not on FEP's own form: asked later as a complement if the committee needs them
    objectifs = text_node("objectifs", "Objectifs", RESULT, required=False, textarea=True,
                          description="Facultatif. 500 caractères maximum.")
    moyens = text_node("moyens", "Moyens humains et financiers", RESULT, required=False,
                       textarea=True, description="Facultatif. 500 caractères maximum.")
    bilan = text_node("bilan", "Bilan chiffré et qualitatif", RESULT, required=False,
                      textarea=True, description="Facultatif. 500 caractères maximum.")
    budget_annuel = colander.SchemaNode(
        Euros(), title="Budget annuel (en euros)", missing=None,
        description="Facultatif. Par exemple 62 000 € ; arrondi à l'euro.",
        validator=colander.Range(
            min=0, min_err="« Budget annuel » : le montant ne peut pas être négatif.",
            max=MAX_BIGINT, max_err="« Budget annuel » : ce montant est trop grand ; vérifiez-le.",
        ),
        # « decimal »: a phone's keypad with the comma of « 62 000,50 »
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}),
    )
    nombre_beneficiaires = colander.SchemaNode(
        Integer(), title="Nombre de bénéficiaires par an", missing=None,
        description="Facultatif. Un nombre entier.",
        validator=colander.Range(
            min=0, min_err="« Nombre de bénéficiaires » : le nombre ne peut pas être négatif.",
            max=MAX_INT,
            max_err="« Nombre de bénéficiaires » : ce nombre est trop grand ; vérifiez-le.",
        ),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}),
    )
    pieces_jointes = colander.SchemaNode(
        Uploads(), title="Pièces jointes", missing=[],
        description="Facultatif. Jusqu'à 3 documents PDF, OpenDocument ou Word, "
        "5 Mo chacun au maximum.",
        validator=_attachments_validator, widget=_files_widget,
    )


#: colander's e-mail pattern, with a dot required in the domain: mail must reach the Internet
#: (« claire@departement » is a typo, not an address a receipt or a link can be sent to).
EMAIL = (
    r"^[a-zA-Z0-9.!#$%&'*+\/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"
)


def _email_node(name, title, required, description=None):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, preparer=strip_text,
        description=description or (
            "Format attendu : nom@domaine.fr" + ("" if required else " (facultatif)")),
        validator=colander.All(
            max_length(title, 254),
            colander.Regex(
                EMAIL,
                msg=f"« {title} » : l'adresse n'est pas valide ; format attendu nom@domaine.fr.",
            ),
        ),
        missing=colander.required if required else None,
        missing_msg=_missing(title),
        widget=deform.widget.TextInputWidget(attributes={"type": "email", "autocomplete": "email"}),
    )


#: Step 5's two groups of fields (legend, hint), drawn as fieldsets by deform/form.pt.
CONTACT_PERSON = ("Personne à contacter",
                  "Elle répond aux questions de l'équipe de modération et aux messages des "
                  "visiteurs, transmis sans que son adresse leur soit donnée.")
REPRESENTATIVE = ("Représentant du département ayant donné son accord",
                  "La personne du département d'implantation qui a donné son accord préalable.")


def _grouped(group: tuple[str, str], node: colander.SchemaNode) -> colander.SchemaNode:
    node.fieldset = group
    return node


class ContactSchema(CSRFSchema):
    contact_nom = _grouped(CONTACT_PERSON, text_node(
        "contact_nom", "Nom de la personne à contacter", SHORT, required=False,
        description="Facultatif. 100 caractères maximum."))
    contact_fonction = _grouped(CONTACT_PERSON, text_node(
        "contact_fonction", "Fonction de la personne à contacter", SHORT, required=False,
        description="Facultatif. 100 caractères maximum."))
    #: left empty, the declarant's own address stands for it (services.declarations)
    contact_courriel = _grouped(CONTACT_PERSON, _email_node(
        "contact_courriel", "Courriel de la personne à contacter", False,
        description="Facultatif : laissé vide, c'est votre adresse qui est retenue. "
        "Format attendu : nom@domaine.fr"))
    contact_telephone = _grouped(CONTACT_PERSON, colander.SchemaNode(
        colander.String(), name="contact_telephone", title="Téléphone", preparer=strip_text,
        missing=None, description="Facultatif. Par exemple 01 23 45 67 89.",
        validator=colander.Regex(
            r"^\+?[0-9 .()-]{6,25}$",
            "« Téléphone » : saisissez uniquement des chiffres, espaces, points ou tirets.",
        ),
        widget=deform.widget.TextInputWidget(attributes={"type": "tel", "autocomplete": "tel"}),
    ))
    # the conditions the declarant accepts demand the representative's prior agreement
    accord_nom = _grouped(REPRESENTATIVE, text_node(
        "accord_nom", "Nom du représentant du département", SHORT,
        description="La personne qui a donné son accord préalable. 100 caractères maximum."))
    accord_fonction = _grouped(REPRESENTATIVE, text_node(
        "accord_fonction", "Fonction du représentant", SHORT))
    accord_courriel = _grouped(REPRESENTATIVE, _email_node(
        "accord_courriel", "Courriel du représentant du département", True))


#: Fields that FEP's form does not ask: optional at declaration, shown to moderators and to
#: the committee when missing, and asked for as a complement when needed.
COMPLETED_LATER = (
    "objectifs", "moyens", "bilan", "budget_annuel", "nombre_beneficiaires",
    "contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
)

#: The steps of the declaration, in order: (slug, title, schema or None for the summary)
STEPS = (
    ("conditions", "Informations préalables", ConditionsSchema),
    ("presentation", "Présentation de la pratique", PresentationSchema),
    ("localisation", "Localisation", LocalisationSchema),
    ("resultats", "Objectifs, moyens et résultats", ResultatsSchema),
    ("contact", "Contact et accord", ContactSchema),
    ("recapitulatif", "Récapitulatif", None),
)
STEP_SLUGS = tuple(slug for slug, _, _ in STEPS)
