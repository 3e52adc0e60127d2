"""The request for a personal link."""

from .practice import CSRFSchema, _email_node


class LinkRequestSchema(CSRFSchema):
    courriel = _email_node("courriel", "Votre adresse électronique professionnelle", True)
