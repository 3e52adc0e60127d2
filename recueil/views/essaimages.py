"""The moderators' list of essaimage accounts: publish or refuse each, withdraw a published
one, the decided kept."""
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..models import ESSAIMAGE_STATUSES
from ..security import Permissions, row_id
from ..services import essaimages
from .pagination import pagination

DONE = {
    essaimages.PUBLISHED: "Le récit de {structure} est publié sur la page de la pratique.",
    essaimages.REFUSED: "Le récit de {structure} est refusé : il ne sera pas publié.",
    essaimages.WITHDRAWN: "Le récit de {structure} est retiré de la page de la pratique.",
}


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else 1


@view_config(route_name="essaimages.queue", request_method="GET",
             renderer="recueil:templates/essaimages/queue.pt", permission=Permissions.MODERATE)
def queue(request):
    statut = request.GET.get("statut", essaimages.PENDING)
    if statut not in ESSAIMAGE_STATUSES:
        statut = essaimages.PENDING
    page = _page_number(request)
    counts = essaimages.counts(request.dbsession)

    def url(**query):
        query = {"statut": statut, "page": 1, **query}
        return request.route_url("essaimages.queue", _query={
            k: v for k, v in query.items()
            if not (k == "statut" and v == essaimages.PENDING) and not (k == "page" and v == 1)})

    return {
        "page_title": "Essaimages",
        "statut": statut,
        "tabs": [{"code": code, "label": label, "count": counts[code],
                  "url": url(statut=code), "current": code == statut}
                 for code, label in ESSAIMAGE_STATUSES.items()],
        "items": essaimages.listing(request.dbsession, statut, page),
        "pagination": pagination(page, counts[statut], essaimages.PER_PAGE,
                                 lambda number: url(page=number)),
        "csrf_token": get_csrf_token(request),
        "refs": request.references,
        "back": url(page=page),
        "available": essaimages.available_actions,
    }


@view_config(route_name="essaimages.decide", request_method="POST",
             permission=Permissions.MODERATE)
def decide(request):
    essaimage_id = row_id(request.matchdict["essaimage_id"], "Récit")
    back = request.POST.get("retour", "")
    # back to the list the moderator came from, never to another site
    prefix = request.route_url("essaimages.queue")
    if not back.startswith(prefix):
        back = prefix
    try:
        decision = essaimages.moderate(request, essaimage_id, request.POST.get("action", ""),
                                       motif=request.POST.get("motif", ""))
    except essaimages.DecisionError as error:
        request.tm.doom()  # nothing of a refused decision is written
        request.session.flash(str(error), "erreur")
        return HTTPFound(back)
    message = DONE[decision.status].format(structure=decision.essaimage.structure)
    if decision.notified is True:
        message += " La personne qui a déclaré la pratique en est informée par courriel."
    elif decision.notified is False:
        message += (" Aucun courriel n'a été envoyé : la pratique n'a pas d'adresse de "
                    "déclarant.")
    request.session.flash(message, "succes")
    return HTTPFound(back)
