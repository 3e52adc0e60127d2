"""Two people changing the same record: the one answer every view gives to a stale write.

A form carries the version of what it shows (`submitted_version`); the services refuse a
version that is no longer current with `workflow.ConflictError`, which each view shows on
its own page. When the other change lands between that check and our write, the database
refuses the write itself (SQLAlchemy's `StaleDataError` at flush): `reload_on_conflict`
turns that into the conflict page, with nothing of the request written.
"""
import functools

from pyramid.renderers import render_to_response
from sqlalchemy.orm.exc import StaleDataError

from ..services import workflow

TEMPLATE = "recueil:templates/moderation/conflict.pt"


def submitted_version(request) -> int:
    """The version of the record the person saw; a form without it is treated as stale."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise workflow.ConflictError(workflow.CONFLICT) from None


def conflict_page(request, back_url: str, message: str = workflow.CONFLICT,
                  title: str = "Pratique modifiée entre-temps",
                  reload_label: str = "Recharger la pratique"):
    """The 409 answer when a write met a newer version: the page cannot be shown as it was."""
    request.tm.doom()
    request.response.status = 409
    return render_to_response(
        TEMPLATE,
        {"page_title": title, "message": message, "back_url": back_url,
         "reload_label": reload_label},
        request=request, response=request.response,
    )


def reload_on_conflict(route_name: str, **conflict):
    """A view decorator (`view_config(decorator=…)`): a write refused by the database because
    the record changed meanwhile answers the conflict page, whose link goes to `route_name`
    (built from the current route's parameters); `conflict` words that page."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(context, request):
            try:
                return view(context, request)
            except StaleDataError:
                back_url = request.route_url(route_name, **request.matchdict)
                return conflict_page(request, back_url, **conflict)
        return wrapper
    return decorate
