"""Deform's and Colander's own messages reach the person in French."""
import colander
import deform
from pyramid import testing


def test_colander_and_deform_messages_are_french():
    request = testing.DummyRequest()
    config = testing.setUp(request=request, settings={"pyramid.default_locale_name": "fr"})
    try:
        config.include("recueil.forms")

        class Schema(colander.MappingSchema):
            nombre = colander.SchemaNode(colander.Integer(), title="Nombre")
            choix = colander.SchemaNode(colander.String(), title="Choix",
                                        validator=colander.OneOf(["a", "b"]))

        form = deform.Form(Schema(), formid="essai")
        try:
            form.validate([("nombre", ""), ("choix", "z")])
        except deform.ValidationFailure as failure:
            html = failure.render()
        assert "Requis" in html  # colander's « Required »
        assert "n'est pas" in html or "ne fait pas partie" in html  # colander's OneOf
        assert "Required" not in html
    finally:
        testing.tearDown()
