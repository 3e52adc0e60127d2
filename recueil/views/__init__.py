"""Thin views per domain: validate, call a service, render."""
from pyramid.events import BeforeRender, subscriber  # noqa: F401


def includeme(config):
    from pyramid.renderers import JSON

    config.include("pyramid_chameleon")
    config.include(".request_checks")
    # accented French stays readable in JSON answers
    config.add_renderer("json", JSON(ensure_ascii=False))
    config.add_subscriber(_renderer_globals, BeforeRender)
    config.add_request_method(_moderation_waiting, "moderation_waiting", reify=True)


def _moderation_waiting(request) -> int:
    """What the moderators' « À traiter » holds, for the header of their pages."""
    from ..services.moderation.digest import waiting

    return waiting(request.dbsession)


def _renderer_globals(event):
    from pyramid.renderers import get_renderer

    from ..formatting import TEMPLATE_GLOBALS
    from ..models.practice import STATUSES
    from ..models.user import ROLES

    event.setdefault("layout", get_renderer("recueil:templates/layout.pt").implementation())
    # date(), datetime() and long_date(): every page shows dates and times one way, in Paris
    for name, function in TEMPLATE_GLOBALS.items():
        event.setdefault(name, function)
    # codes are never shown: a state or a role reads as its French label
    event.setdefault("status_label", lambda code: STATUSES.get(code, code))
    event.setdefault("role_label", lambda code: ROLES.get(code, code))
