"""Deform widgets drawn with the DSFR's markup (templates in templates/deform/)."""
import colander
from deform.widget import TextAreaWidget, Widget


class ChoiceWidget(Widget):
    """Checkboxes, radio buttons or a select, for codes of a vocabulary or territory.

    ``groups`` (label, [(code, label)]) draws checkboxes in titled groups or a select's
    optgroups; the posted value is always a list of codes for ``multiple``, a code otherwise.
    """

    template = "dsfr_choice"
    readonly_template = "dsfr_choice"
    values = ()
    groups = None
    multiple = True
    style = "checkbox"
    inline = False
    columns = False

    def serialize(self, field, cstruct, **kw):
        if cstruct in (colander.null, None):
            cstruct = []
        elif isinstance(cstruct, str):
            cstruct = [cstruct]
        values = self.get_template_values(field, list(cstruct), kw)
        return field.renderer(self.template, **values)

    def deserialize(self, field, pstruct):
        if pstruct is colander.null:
            return colander.null
        if self.multiple:
            if isinstance(pstruct, str):
                pstruct = [pstruct]
            values = [v for v in pstruct if isinstance(v, str)]
            return values or colander.null
        if isinstance(pstruct, (list, tuple)):
            pstruct = pstruct[0] if pstruct else ""
        return pstruct or colander.null


class CounterTextAreaWidget(TextAreaWidget):
    """A textarea with the live counter « N sur 1000 caractères max. »
    (the limit is the schema's).
    """

    template = "dsfr_textarea"
    maxlength = None


class FilesWidget(Widget):
    """Up to ``slots`` file inputs; what arrives is checked by the schema, on content."""

    template = "dsfr_files"
    slots = 3

    def serialize(self, field, cstruct, **kw):
        values = self.get_template_values(field, cstruct, kw)
        return field.renderer(self.template, **values)

    def deserialize(self, field, pstruct):
        if pstruct in (colander.null, None, ""):
            return colander.null
        return pstruct if isinstance(pstruct, (list, tuple)) else [pstruct]


class PracticePickerWidget(TextAreaWidget):
    """References typed in a textarea, and a search to add published practices without typing.

    The search posts the form with « chercher » and each result's « Ajouter » with its
    reference (``ajouter``); the view answers by showing the form again, nothing saved.
    ``query`` and ``results`` (dicts of reference, titre, nom_entite) are the search's.
    """

    template = "dsfr_practice_picker"
    query = ""
    results = None


def name_ids(form):
    """The form with each field's id made of its form's id and its name (``fiche-motif``).

    Deform numbers the fields of each form from zero: two forms on one page would share
    their ids, and a label of the second would lead to a field of the first."""
    def rename(field, prefix):
        for child in field.children:
            child.oid = f"{prefix}-{child.name}"
            rename(child, child.oid)
    rename(form, form.formid)
    return form
