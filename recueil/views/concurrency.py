"""Two people changing the same record: the one answer every view gives to a stale write.

A form carries the version of what it shows (`submitted_version`); the services refuse a
version that is no longer current with `workflow.ConflictError`, which each view shows on
its own page. When the other change lands between that check and our write, the database
refuses the write itself (SQLAlchemy's `StaleDataError`, at a flush inside the view or at
the commit): `stale_write` answers the conflict page, with nothing of the request written,
worded and linked as the view's `reload_on_conflict` asked.
"""
import functools
import uuid

from pyramid.renderers import render_to_response
from pyramid.view import view_config
from pyramid_tm import is_tm_active
from sqlalchemy.orm.exc import StaleDataError

from ..models import Practice
from ..services import workflow

TEMPLATE = "recueil:templates/moderation/conflict.pt"
#: where a view wrapped by `reload_on_conflict` leaves its words for `stale_write`
_ENVIRON_KEY = "recueil.on_conflict"


def submitted_version(request) -> int:
    """The version of the record the person saw; a form without it is treated as stale."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise workflow.ConflictError(workflow.CONFLICT) from None


def conflict_page(request, back_url: str, message: str = workflow.CONFLICT,
                  title: str = "Pratique modifiée entre-temps",
                  reload_label: str = "Recharger la pratique", now: str | None = None):
    """The 409 answer when a write met a newer version: the page cannot be shown as it was;
    `now` says what the record has become."""
    request.tm.doom()
    request.response.status = 409
    return render_to_response(
        TEMPLATE,
        {"page_title": title, "message": message, "back_url": back_url,
         "reload_label": reload_label, "now": now},
        request=request, response=request.response,
    )


def reload_on_conflict(route_name: str, **conflict):
    """A view decorator (`view_config(decorator=…)`): a write refused by the database because
    the record changed meanwhile answers the conflict page, whose link goes to `route_name`
    (built from the current route's parameters); `conflict` words that page."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(context, request):
            request.environ[_ENVIRON_KEY] = (route_name, conflict)
            return view(context, request)
        return wrapper
    return decorate


@view_config(context=StaleDataError)
def stale_write(exc, request):
    """The conflict page for a write the database refused, wherever it was refused."""
    _reopen(request)
    route_name, conflict = request.environ.get(_ENVIRON_KEY, (None, {}))
    if route_name is not None:
        back_url = request.route_url(route_name, **request.matchdict)
    else:  # a view that did not say where to go back: the page it was posted from
        referrer = request.referrer or ""
        same_site = referrer.startswith(request.application_url + "/")
        back_url = referrer if same_site else request.route_url("home")
    return conflict_page(request, back_url, now=_practice_now(request), **conflict)


def _reopen(request) -> None:
    """Make the request's session readable again, for the page and the identity behind it.

    A flush refused inside the view leaves the session to be rolled back; a refused commit
    leaves a failed transaction, which is ended, and the page's reads get one of their own,
    doomed and ended with the request.
    """
    if is_tm_active(request):
        request.dbsession.rollback()
        return
    request.tm.abort()
    request.tm.begin()
    request.tm.doom()
    request.add_finished_callback(lambda request: request.tm.abort())


def _practice_now(request) -> str | None:
    """What the practice of the page has become, as the conflict page tells it."""
    try:
        practice_id = uuid.UUID(str((request.matchdict or {}).get("id", "")))
    except ValueError:
        return None
    practice = request.dbsession.get(Practice, practice_id)
    if practice is None:
        return None
    what = "La fiche" if practice.is_fiche else "La pratique"
    return f"{what} est maintenant « {practice.status_label} »."
