"""The declarant's follow-up (spec §3): answering a request for complements, withdrawing.

The declaration is edited through the form's own step schemas (recueil/forms/practice.py),
one step at a time, then sent back to moderation.
"""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..security import Permissions
from ..services import declarations, moderation, workflow
from .concurrency import reload_on_conflict, submitted_version
from .declaration import _form, _step_appstruct

SECTION_SLUGS = {slug: (title, schema) for slug, title, schema in moderation.EDITABLE_STEPS}


def _view_url(request, practice) -> str:
    return request.route_url("declaration.view", id=practice.id)


def _complements_url(request, practice, slug=None) -> str:
    query = {"rubrique": slug} if slug else {}
    return request.route_url("declaration.complements", id=practice.id, _query=query)


@view_config(route_name="declaration.complements",
             renderer="recueil:templates/declaration/complements.pt",
             permission=Permissions.EDIT_PRACTICE,
             decorator=reload_on_conflict("declaration.complements"))
def complements(request):
    practice = request.context.practice
    if practice.status != "complement_demande":
        return _nothing_asked(request, practice)
    if request.method == "POST" and "retirer" in request.POST:
        return _remove_attachment(request, practice)
    if request.method == "POST" and "renvoyer" in request.POST:
        return _resubmit(request, practice)
    return _overview(request, practice)


def _overview(request, practice, error=None, message="") -> dict:
    references = request.references
    today = request.clock.today()
    return {
        "page_title": ("Erreur – " if error else "") + f"Compléments – {practice.titre}",
        "practice": practice,
        "asked": moderation.complement_request(practice),
        "asked_message": moderation.complement_message(practice),
        "sections": moderation.sections(practice, references, today),
        "values": lambda slug: _values(request, practice, slug),
        "section_url": lambda slug: _complements_url(request, practice, slug),
        "error": error,
        "message": message,
        "csrf_token": get_csrf_token(request),
    }


def _values(request, practice, slug) -> list[tuple[str, str]]:
    """A step's stored values, as (title, text), in the order of its form."""
    schema = SECTION_SLUGS[slug][1]().bind(
        references=request.references, today=request.clock.today(), echelle=practice.echelle,
    )
    shown = []
    for node in schema.children:
        value = getattr(practice, node.name, None)
        if node.name in ("csrf_token", "pieces_jointes"):
            continue
        if node.name.endswith("_autre") and not value:
            continue  # a precision only matters with « Autre »
        shown.append((node.title, moderation.display(node.name, value, request.references)))
    return shown


def _nothing_asked(request, practice):
    request.session.flash("Aucun complément n'est demandé pour cette pratique en ce moment.",
                          "info")
    return HTTPFound(_view_url(request, practice))


@view_config(route_name="declaration.complements", request_param="rubrique",
             renderer="recueil:templates/declaration/complement_step.pt",
             permission=Permissions.EDIT_PRACTICE,
             decorator=reload_on_conflict("declaration.complements"))
def complement_section(request):
    """One step of the declaration form, to edit while complements are asked."""
    practice = request.context.practice
    if practice.status != "complement_demande":
        return _nothing_asked(request, practice)
    slug = request.GET.get("rubrique", "")
    if slug not in SECTION_SLUGS:
        raise HTTPNotFound()
    title, schema_class = SECTION_SLUGS[slug]
    buttons = [deform.Button("enregistrer", "Enregistrer cette rubrique")]
    form = _form(request, schema_class(), buttons, practice, echelle=practice.echelle,
                 attachments_kept=len(practice.attachments))
    form.action = _complements_url(request, practice, slug)
    page = {
        "page_title": f"{title} – Compléments – {practice.titre}",
        "practice": practice,
        "title": title,
        "slug": slug,
        "overview_url": _complements_url(request, practice),
        "csrf_token": get_csrf_token(request),
    }
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(), page_title="Erreur – " + page["page_title"])
        territory_to_give = declarations.save_complement(practice, slug, appstruct,
                                                         request.references)
        request.dbsession.flush()  # a stale version is refused here, not after the redirect
        if territory_to_give:
            request.session.flash(
                "L'échelle de l'action a changé : indiquez maintenant son territoire.", "info")
            return HTTPFound(_complements_url(request, practice, "localisation"))
        request.session.flash(f"La rubrique « {title} » est enregistrée.", "succes")
        return HTTPFound(_complements_url(request, practice))
    return dict(page, form=form.render(_step_appstruct(practice, form.schema)))


def _remove_attachment(request, practice):
    attachment = declarations.remove_attachment(practice, request.POST["retirer"])
    if attachment is None:
        raise HTTPNotFound()
    request.session.flash(f"Le document « {attachment.filename} » a été retiré.", "succes")
    return HTTPFound(_complements_url(request, practice))


def _resubmit(request, practice):
    message = request.POST.get("message", "")
    try:
        moderation.send_complements(request, practice, message, submitted_version(request))
    except workflow.WorkflowError as error:
        request.tm.doom()
        request.response.status = 409 if isinstance(error, workflow.ConflictError) else 400
        return _overview(request, practice, error=str(error), message=message)
    request.session.flash(
        "Vos compléments sont envoyés : l'équipe de modération va relire votre pratique.", "succes")
    return HTTPFound(_view_url(request, practice))


@view_config(route_name="declaration.withdraw",
             renderer="recueil:templates/declaration/withdraw.pt",
             permission=Permissions.EDIT_PRACTICE, decorator=reload_on_conflict("declaration.view"))
def withdraw(request):
    """GET (or a POST without « confirmer ») asks for confirmation; the confirmed POST withdraws."""
    practice = request.context.practice
    actor = workflow.Actor.from_identity(request.identity)
    page = {
        "page_title": f"Retirer la pratique – {practice.titre}",
        "practice": practice,
        "possible": any(s.name == "withdraw" for s in workflow.available(practice, actor)),
        "csrf_token": get_csrf_token(request),
        "error": None,
        "motif": request.POST.get("motif", ""),
        "back_url": (_view_url(request, practice) if not declarations.is_editable(practice)
                     else request.route_url("declaration.space")),
    }
    if request.method != "POST" or "confirmer" not in request.POST:
        return page
    try:
        workflow.apply(request.dbsession, request.clock, practice, "withdraw", actor,
                       comment=request.POST.get("motif", "").strip() or "Retirée par le déclarant",
                       expected_version=submitted_version(request))
    except workflow.WorkflowError as error:
        request.tm.doom()
        request.response.status = 409 if isinstance(error, workflow.ConflictError) else 400
        return dict(page, error=str(error), page_title="Erreur – " + page["page_title"])
    request.session.flash(
        f"La pratique « {practice.titre} » est retirée : elle ne sera ni examinée ni publiée.",
        "succes")
    return HTTPFound(_view_url(request, practice))
