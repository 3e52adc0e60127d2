"""The request for an alert on a catalogue search."""

from .practice import CSRFSchema, _email_node


class AlertRequestSchema(CSRFSchema):
    courriel = _email_node("courriel", "Votre adresse électronique", True)
