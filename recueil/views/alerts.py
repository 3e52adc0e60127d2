"""Following a catalogue search by e-mail: the request, its confirmation, the one-click end
of an alert, and the page where a person sees and ends all their alerts."""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.view import view_config

from ..forms.alerts import AlertRequestSchema
from ..security import Permissions
from ..services import access, alerts, ratelimit
from ..settings import public_url
from .catalogue import filter_params
from .facets import active_filters, lenient_request, search_url

#: the words of a search without any filter
EVERYTHING = "Toutes les pratiques publiées"


def _secret(request) -> str:
    return request.registry.settings["recueil.secret"]


def _private(request) -> None:
    """A page reached by a signed link, naming an address: never kept by a browser or proxy."""
    request.response.cache_control = "no-store"


def _bad_link(request, error: alerts.InvalidAlertLink) -> dict:
    if isinstance(error, alerts.ExpiredAlertLink):
        request.response.status = 410
        return {"page_title": "Lien expiré", "reason": "expire"}
    if isinstance(error, alerts.EndedAlert):
        request.response.status = 410
        return {"page_title": "Alerte arrêtée", "reason": "arretee"}
    request.response.status = 400
    return {"page_title": "Lien non valide", "reason": "invalide"}


@view_config(route_name="alerts.new", renderer="recueil:templates/alerts/new.pt",
             permission=Permissions.VIEW)
def new(request):
    state, _ = lenient_request(request)
    tags = [tag["label"] for tag in active_filters(request, state)]
    form = deform.Form(
        AlertRequestSchema().bind(csrf_token=get_csrf_token(request)),
        buttons=(deform.Button("suivre", "Recevoir les nouvelles pratiques"),),
        formid="formulaire", action=request.path_qs,
    )
    page = {
        "page_title": "Suivre cette recherche",
        "tags": tags,
        "search_url": search_url(request, state.params(page=1)),
        "feed_url": request.route_url("catalogue.feed", _query=filter_params(state)),
        "days": alerts.CONFIRMATION_DAYS,
        "limit": alerts.MAX_ALERTS,
    }
    if request.method != "POST":
        return {**page, "form": form.render()}
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return {**page, "form": failure.render(), "page_title": "Erreur – Suivre cette recherche"}
    email = access.normalise_email(appstruct["courriel"])
    try:
        alerts.ask(request, email, state, " ; ".join(tags) or EVERYTHING)
    except ratelimit.Limited as error:
        request.response.status = 429
        form.cstruct = {"courriel": appstruct["courriel"], "csrf_token": get_csrf_token(request)}
        return {**page, "form": form.render(), "page_title": "Erreur – Suivre cette recherche",
                "limited": error.message}
    request.session["alerte_demandee_pour"] = email
    return HTTPFound(request.route_url("alerts.requested"))


@view_config(route_name="alerts.requested", renderer="recueil:templates/alerts/requested.pt",
             permission=Permissions.VIEW)
def requested(request):
    # shown once, then out of the cookie
    return {"email": request.session.pop("alerte_demandee_pour", None),
            "days": alerts.CONFIRMATION_DAYS, "page_title": "Confirmez votre alerte"}


@view_config(route_name="alerts.confirm", renderer="recueil:templates/alerts/confirm.pt",
             permission=Permissions.VIEW)
def confirm(request):
    """The link asks for a click: a mail gateway that opens every link activates nothing."""
    _private(request)
    token = request.matchdict["token"]
    try:
        if request.method == "POST":
            alert = alerts.confirm(request.dbsession, request.clock, _secret(request), token)
        else:
            alert = alerts.to_confirm(request.dbsession, request.clock, _secret(request), token)
    except alerts.InvalidAlertLink as error:
        return {**_bad_link(request, error), "bad": True}
    return {
        "page_title": "Alerte activée" if alert.confirmed_at else "Activer votre alerte",
        "bad": False,
        "alert": alert,
        "csrf_token": get_csrf_token(request),
        "search_url": public_url(request, "catalogue.search",
                                 _query=alerts.search_params(alert)),
        "manage_url": alerts.manage_url(request, alert),
    }


@view_config(route_name="alerts.unsubscribe", renderer="recueil:templates/alerts/unsubscribe.pt",
             permission=Permissions.VIEW, request_method="GET")
def unsubscribe_page(request):
    """What the link of an alert's e-mail shows: the alert, and a button that ends it."""
    _private(request)
    try:
        alert = alerts.by_link(request.dbsession, _secret(request), request.matchdict["token"])
    except alerts.InvalidAlertLink as error:
        return {**_bad_link(request, error), "bad": True}
    return {"page_title": "Arrêter une alerte", "bad": False, "ended": False, "alert": alert}


# No CSRF token here, and no session needed: mail clients post this address by themselves,
# without any cookie, when the person asks them to unsubscribe (RFC 8058). The signed token of
# the address is what proves the request comes from the e-mail; the worst a forged request
# from another site could do with it is end the alert the token already allows to end.
@view_config(route_name="alerts.unsubscribe", renderer="recueil:templates/alerts/unsubscribe.pt",
             permission=Permissions.VIEW, request_method="POST", require_csrf=False)
def unsubscribe(request):
    _private(request)
    # a mail client (RFC 8058 § 3.2) reads no page: a short answer, and no session for it
    by_client = request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        alert = alerts.by_link(request.dbsession, _secret(request), request.matchdict["token"])
    except alerts.EndedAlert:
        # a second click, or a mail client posting twice: the alert is ended, as asked
        if by_client:
            return _ended_for_client()
        return {"page_title": "Alerte arrêtée", "bad": False, "ended": True, "others": None}
    except alerts.InvalidAlertLink as error:
        if by_client:
            return Response("Lien non valide.", status=400, content_type="text/plain",
                            charset="utf-8", cache_control="no-store")
        return {**_bad_link(request, error), "bad": True}
    email, description = alert.email, alert.description
    alerts.end(request.dbsession, alert)
    if by_client:
        return _ended_for_client()
    others = alerts.held_by(request.dbsession, email)
    return {
        "page_title": "Alerte arrêtée", "bad": False, "ended": True, "description": description,
        "others": (len(others), alerts.manage_url(request, others[0])) if others else None,
    }


def _ended_for_client() -> Response:
    return Response("Alerte arrêtée.", content_type="text/plain", charset="utf-8",
                    cache_control="no-store")


@view_config(route_name="alerts.manage", renderer="recueil:templates/alerts/manage.pt",
             permission=Permissions.VIEW)
def manage(request):
    """Every alert of the address the link's alert belongs to, each with its end button."""
    _private(request)
    try:
        alert = alerts.by_link(request.dbsession, _secret(request), request.matchdict["token"])
    except alerts.InvalidAlertLink as error:
        return {**_bad_link(request, error), "bad": True}
    email = alert.email
    if request.method == "POST":
        if "tout" in request.POST:
            alerts.end_all(request.dbsession, email)
        else:
            chosen = next((a for a in alerts.held_by(request.dbsession, email)
                           if str(a.id) == request.POST.get("arreter")), None)
            if chosen is not None:
                alerts.end(request.dbsession, chosen)
        remaining = alerts.held_by(request.dbsession, email)
        if remaining:
            kept = alert if alert in remaining else remaining[0]
            return HTTPFound(alerts.manage_url(request, kept))
        return {"page_title": "Alertes arrêtées", "bad": False, "held": [], "email": email,
                "ended_all": True}
    return {
        "page_title": "Mes alertes",
        "bad": False,
        "ended_all": False,
        "email": email,
        "held": [(a, public_url(request, "catalogue.search", _query=alerts.search_params(a)))
                 for a in alerts.held_by(request.dbsession, email)],
        "csrf_token": get_csrf_token(request),
    }
