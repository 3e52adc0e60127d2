"""Declaring a practice: personal link, the declarant's space, the multi-step form."""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..forms.access import LinkRequestSchema
from ..forms.practice import STEP_SLUGS, STEPS, carried_codes
from ..security import Permissions, remember_declarant, sign_out
from ..services import access, agreements, declarations, notifications, ratelimit
from ..settings import public_url
from .attachments import attachment_response
from .concurrency import reload_on_conflict


def _form(request, schema, buttons, practice=None, **bind):
    """The form of a schema; with the practice being edited, the terms it carries stay
    valid on it even once retired."""
    bound = schema.bind(
        references=request.references,
        carried=carried_codes(practice),
        today=request.clock.today(),
        csrf_token=get_csrf_token(request),
        max_upload_bytes=request.registry.settings["recueil.max_upload_bytes"],
        **bind,
    )
    # posted to the page's address without its fragment: after a summary link (#field), a
    # fragment kept through the post and its redirect would stop the browser from focusing
    # the next error summary
    return deform.Form(bound, buttons=buttons, formid="formulaire", action=request.path_qs)


@view_config(route_name="declaration.start", renderer="recueil:templates/declaration/start.pt",
             permission=Permissions.VIEW)
def start(request):
    form = _form(request, LinkRequestSchema(), (deform.Button("envoyer", "Recevoir mon lien"),))
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": "Erreur – Déclarer une pratique"}
        email = access.normalise_email(appstruct["courriel"])
        try:
            access.send_link(request, email)
        except ratelimit.Limited as error:
            request.response.status = 429
            form.cstruct = {"courriel": appstruct["courriel"],
                            "csrf_token": get_csrf_token(request)}
            return {"form": form.render(), "page_title": "Erreur – Déclarer une pratique",
                    "limited": error.message}
        request.session["lien_envoye_a"] = email
        return HTTPFound(request.route_url("declaration.link_sent"))
    return {"form": form.render(), "page_title": "Déclarer une pratique"}


@view_config(route_name="declaration.link_sent",
             renderer="recueil:templates/declaration/link_sent.pt",
             permission=Permissions.VIEW)
def link_sent(request):
    # shown once, then out of the cookie
    return {"email": request.session.pop("lien_envoye_a", None), "page_title": "Lien envoyé"}


@view_config(route_name="declaration.access", renderer="recueil:templates/declaration/bad_link.pt",
             permission=Permissions.VIEW)
def follow_link(request):
    settings = request.registry.settings
    try:
        link = access.verify(request.dbsession, request.clock, settings["recueil.secret"],
                             request.matchdict["token"])
    except access.ExpiredLink:
        request.response.status = 410
        return {"reason": "expire", "page_title": "Lien expiré"}
    except access.RevokedLink:
        request.response.status = 410
        return {"reason": "remplace", "page_title": "Lien remplacé"}
    except access.InvalidLink:
        request.response.status = 400
        return {"reason": "invalide", "page_title": "Lien non valide"}
    # a new session for the person the link belongs to
    request.session.invalidate()
    remember_declarant(request, link)
    target = request.params.get("suite", "")
    if not target.startswith("/mon-espace") or "//" in target:
        target = request.route_path("declaration.space")
    return HTTPFound(public_url(request) + target)


@view_config(route_name="declaration.space", renderer="recueil:templates/declaration/space.pt",
             permission=Permissions.OWN_SPACE)
def space(request):
    email = request.identity.declarant_email
    practices = declarations.drafts_of(request.dbsession, email)
    return {
        "email": email,
        "practices": practices,
        "csrf_token": get_csrf_token(request),
        "page_title": "Mon espace",
        "resume_url": lambda p: _resume_url(request, p),
    }


def _resume_url(request, practice) -> str:
    if not declarations.is_editable(practice):
        return request.route_url("declaration.view", id=practice.id)
    step = next((s for s in STEP_SLUGS if s not in practice.etapes_validees), STEP_SLUGS[-1])
    return request.route_url("declaration.step", id=practice.id, step=step)


@view_config(route_name="declaration.new", request_method="POST", permission=Permissions.OWN_SPACE)
def new(request):
    practice = declarations.new_draft(request.dbsession, request.clock,
                                      request.identity.declarant_email)
    return HTTPFound(request.route_url("declaration.step", id=practice.id, step=STEP_SLUGS[0]))


@view_config(route_name="declaration.signout", request_method="POST",
             permission=Permissions.OWN_SPACE)
def signout(request):
    sign_out(request)
    request.session.flash("Vous êtes déconnecté(e) de votre espace.", "succes")
    return HTTPFound(request.route_url("home"))


def _step_appstruct(practice, schema) -> dict:
    values = {}
    for node in schema.children:
        if node.name in ("csrf_token", "pieces_jointes"):
            continue
        value = getattr(practice, node.name, None)
        if value is not None and value != []:
            values[node.name] = value
    return values


@view_config(route_name="declaration.step", renderer="recueil:templates/declaration/step.pt",
             permission=Permissions.EDIT_PRACTICE,
             decorator=reload_on_conflict("declaration.step"))
def step(request):
    practice = request.context.practice
    slug = request.matchdict["step"]
    if slug not in STEP_SLUGS:
        raise HTTPNotFound()
    if not declarations.is_editable(practice):
        request.session.flash("Cette pratique a été envoyée : elle ne se modifie plus ici.", "info")
        return HTTPFound(request.route_url("declaration.view", id=practice.id))
    if not declarations.step_reachable(practice, slug):
        return HTTPFound(_resume_url(request, practice))
    index = STEP_SLUGS.index(slug)
    if slug == "recapitulatif":
        return _summary(request, practice)
    schema_class = STEPS[index][2]
    buttons = [deform.Button("suivant", "Enregistrer et continuer")]
    if index > 0:
        buttons.insert(0, deform.Button("precedent", "Précédent", css_class="fr-btn--secondary"))
    form = _form(request, schema_class(), buttons, practice, echelle=practice.echelle,
                 attachments_kept=len(practice.attachments))
    page = {
        "practice": practice,
        "step": slug,
        "index": index,
        "steps": STEPS,
        "warning": None,
        "csrf_token": get_csrf_token(request),
        "page_title": f"{STEPS[index][1]} – Étape {index + 1} sur {len(STEPS)}",
    }
    if request.method == "POST":
        going_back = "precedent" in request.POST
        target = STEP_SLUGS[index - 1] if going_back else STEP_SLUGS[index + 1]
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            if going_back:
                declarations.keep_typed(practice, slug, failure.cstruct, form.schema)
                request.session.flash(
                    f"L'étape « {STEPS[index][1]} » n'est pas encore complète : ce que vous avez "
                    "saisi est conservé et vous le retrouverez en y revenant.", "info")
                return HTTPFound(request.route_url("declaration.step", id=practice.id, step=target))
            page.update(form=failure.render(), page_title="Erreur – " + page["page_title"])
            return page
        declarations.save_step(practice, slug, appstruct, request.references)
        return HTTPFound(request.route_url("declaration.step", id=practice.id, step=target))
    kept = practice.saisie_en_cours.get(slug)
    if kept:
        form.cstruct = dict(kept, csrf_token=get_csrf_token(request))
        page["form"] = form.render()
    else:
        page["form"] = form.render(_step_appstruct(practice, form.schema))
    if slug == "localisation" or slug == "resultats":
        page["warning"] = declarations.history_warning(practice, request.clock.today())
    return page


def _summary(request, practice):
    warning = declarations.history_warning(practice, request.clock.today())
    if request.method == "POST":
        try:
            declarations.submit(request.dbsession, request.clock, practice,
                                request.identity.declarant_email)
        except declarations.NotReady:
            request.session.flash("Certaines étapes ne sont pas complètes.", "erreur")
            return HTTPFound(_resume_url(request, practice))
        url = access.personal_link(request, practice.declarant_courriel,
                                   request.route_path("declaration.view", id=practice.id))
        notifications.send_receipt(request, practice, url)
        agreements.ask(request, practice)
        return HTTPFound(request.route_url("declaration.submitted", id=practice.id))
    return {
        "practice": practice,
        "step": "recapitulatif",
        "index": len(STEPS) - 1,
        "steps": STEPS,
        "warning": warning,
        "form": None,
        "csrf_token": get_csrf_token(request),
        "page_title": f"Récapitulatif – Étape {len(STEPS)} sur {len(STEPS)}",
    }


@view_config(route_name="declaration.attachment", request_method="POST",
             permission=Permissions.EDIT_PRACTICE)
def remove_attachment(request):
    practice = request.context.practice
    if not declarations.is_editable(practice):
        raise HTTPBadRequest("Cette pratique a été envoyée.")
    attachment = declarations.remove_attachment(practice, request.matchdict["attachment_id"])
    if attachment is None:
        raise HTTPNotFound()
    request.session.flash(f"Le document « {attachment.filename} » a été retiré.", "succes")
    return HTTPFound(request.route_url("declaration.step", id=practice.id, step="resultats"))


@view_config(route_name="declaration.attachment", request_method="GET",
             permission=Permissions.EDIT_PRACTICE)
def download_attachment(request):
    return attachment_response(request, request.context.practice)


@view_config(route_name="declaration.submitted",
             renderer="recueil:templates/declaration/submitted.pt",
             permission=Permissions.EDIT_PRACTICE)
def submitted(request):
    return {"practice": request.context.practice, "page_title": "Pratique envoyée"}


@view_config(route_name="declaration.view", renderer="recueil:templates/declaration/view.pt",
             permission=Permissions.EDIT_PRACTICE)
def view(request):
    practice = request.context.practice
    if declarations.is_editable(practice):
        return HTTPFound(_resume_url(request, practice))
    return {"practice": practice, "page_title": practice.titre}
