"""Moderation (spec §3): the queue of declarations and the review page of one practice."""

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..models.reference import PRACTICE_PREFIX, format_reference
from ..security import Permissions
from ..services import moderation, workflow
from .attachments import attachment_response
from .concurrency import reload_on_conflict, submitted_version
from .display import territory
from .pagination import pagination

SUCCESS = {
    "start_review": "Vous avez pris en charge cette pratique.",
    "ask_complements": "Les compléments sont demandés au déclarant ; la pratique attend sa "
                       "réponse.",
    "declare_admissible": "La pratique est déclarée recevable : elle peut être inscrite à "
                          "l'ordre du jour du comité de sélection.",
    "declare_inadmissible": "La pratique est déclarée irrecevable.",
    "mark_duplicate": "La pratique est signalée comme doublon.",
}


# -- the queue ---------------------------------------------------------------------------------

@view_config(route_name="moderation.queue", renderer="recueil:templates/moderation/queue.pt",
             permission=Permissions.MODERATE)
def queue(request):
    references = request.references
    sources = moderation.sources(request.dbsession)
    filters = moderation.parse_filters(request.GET, references.codes("departements"), set(sources))
    counts = moderation.counts(request.dbsession, filters)
    practices, total = moderation.queue(request.dbsession, filters)

    def url(**changes):
        return request.route_url("moderation.queue", _query=filters.params(**changes))

    tabs = [
        {"code": code, "label": moderation.status_label(code), "count": counts[code],
         "url": url(statut=code, page=1), "current": filters.statut == code}
        for code in (moderation.TO_DO, *moderation.STATUS_FILTERS)
    ]
    return {
        "page_title": "Modération",
        "filters": filters,
        "current_label": moderation.status_label(filters.statut),
        "tabs": tabs,
        "practices": practices,
        "total": total,
        "pagination": _pagination(filters, total, url),
        "sort_url": lambda tri: url(tri=tri, page=1),
        "sorts": moderation.SORTS,
        "departements": references.choices("departements"),
        "sources": [(moderation.FORM_SOURCE, moderation.FORM_SOURCE_LABEL)]
                   + [(s, s) for s in sources],
        "statuses": [(s, moderation.status_label(s))
                     for s in (moderation.TO_DO, *moderation.STATUS_FILTERS)],
        "received_at": moderation.received_at,
        "territory": lambda p: territory(p, references, limit=None),
        "reset_url": request.route_url("moderation.queue"),
    }


def _pagination(filters, total: int, url) -> dict | None:
    return pagination(filters.page, total, moderation.PER_PAGE, lambda number: url(page=number))


# -- one practice ------------------------------------------------------------------------------

def _practice(request):
    practice = request.context.practice
    if practice.status == "brouillon":
        raise HTTPNotFound()  # a draft belongs to its declarant until it is sent
    return practice


@view_config(route_name="moderation.review", request_method="GET",
             renderer="recueil:templates/moderation/review.pt", permission=Permissions.MODERATE)
def review(request):
    return _review_page(request, _practice(request))


@view_config(route_name="moderation.review", request_method="POST",
             renderer="recueil:templates/moderation/review.pt", permission=Permissions.MODERATE,
             decorator=reload_on_conflict("moderation.review"))
def act(request):
    practice = _practice(request)
    action = request.POST.get("action", "")
    typed = {
        "action": action,
        "commentaire": request.POST.get("commentaire", ""),
        "original": request.POST.get("original", ""),
        "reference": request.POST.get("reference", ""),
    }
    actor = workflow.Actor.from_identity(request.identity)
    try:
        version = submitted_version(request)
        transition = moderation.decide(
            request.dbsession, request.clock, practice, action, actor,
            comment=typed["commentaire"], expected_version=version,
            original=typed["reference"].strip() or typed["original"],
        )
    except workflow.WorkflowError as error:
        request.tm.doom()  # nothing of a refused action is written
        request.response.status = 409 if isinstance(error, workflow.ConflictError) else 400
        return _review_page(request, practice, error=str(error), typed=typed)
    message = SUCCESS[action]
    if practice.doublon_de is not None and action == "mark_duplicate":
        message = f"La pratique est signalée comme doublon de {practice.doublon_de.reference}."
    if moderation.notify(request, practice, transition):
        message += f" Un courriel a été envoyé au déclarant ({practice.declarant_courriel})."
    elif action != "start_review":
        message += " Aucun courriel n'a été envoyé : la pratique n'a pas d'adresse de déclarant."
    request.session.flash(message, "succes")
    return HTTPFound(request.route_url("moderation.review", id=practice.id))


def _review_page(request, practice, error=None, typed=None) -> dict:
    references = request.references
    today = request.clock.today()
    actor = workflow.Actor.from_identity(request.identity)
    possible = {step.name for step in workflow.available(practice, actor)}
    asked, changes = moderation.changes(practice, references)
    translate = request.localizer.translate
    return {
        "page_title": ("Erreur – " if error else "") + f"Modération – {practice.titre}",
        "practice": practice,
        "error": error,
        "typed": typed or {},
        "reference_example": format_reference(PRACTICE_PREFIX, request.clock.today().year, 42),
        "csrf_token": get_csrf_token(request),
        "actions": [a for a in moderation.ACTIONS if a in possible],
        "steps": workflow.STEPS,
        "received_at": moderation.received_at(practice),
        "seniority": moderation.seniority(practice, today),
        "problems": moderation.completeness(practice, references, today, translate=translate),
        "missing": moderation.missing_fields(practice),
        "agreement": practice.agreement,
        "similar": moderation.similar_practices(request.dbsession, request.search, practice),
        "asked": asked,
        "asked_message": moderation.complement_message(practice),
        "changes": changes,
        "transitions": list(reversed(practice.transitions)),
        "statuses": moderation.STATUSES,
        "queue_url": request.route_url("moderation.queue"),
    }


@view_config(route_name="moderation.attachment", request_method="GET",
             permission=Permissions.MODERATE)
def attachment(request):
    return attachment_response(request, _practice(request))
