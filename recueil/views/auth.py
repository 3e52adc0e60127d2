"""Staff sign-in and sign-out, and the staff home."""
import deform
from pyramid.csrf import get_csrf_token, new_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..forms.auth import PasswordChangeSchema, SignInSchema
from ..security import Permissions, remember_staff, sign_out
from ..services import accounts, ratelimit
from ..services.moderation import digest
from ..settings import public_url


@view_config(route_name="auth.signin", renderer="recueil:templates/auth/signin.pt",
             permission=Permissions.VIEW)
def signin(request):
    schema = SignInSchema().bind(csrf_token=get_csrf_token(request))
    form = deform.Form(schema, buttons=(deform.Button("connexion", "Se connecter"),),
                       formid="connexion", action=request.path_qs)
    target = request.params.get("suite", "")
    if not target.startswith("/") or target.startswith("//"):
        target = request.route_path("staff.home")
    page = {"page_title": "Connexion", "error": None, "suite": target}
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(), page_title="Erreur – Connexion")
        try:
            user = accounts.signing_in(request, appstruct["courriel"], appstruct["mot_de_passe"])
        except (accounts.AccountError, ratelimit.Limited) as error:
            request.response.status = 429 if isinstance(error, ratelimit.Limited) else 400
            form.cstruct = {"courriel": appstruct["courriel"],
                            "csrf_token": get_csrf_token(request)}
            return dict(page, form=form.render(), page_title="Erreur – Connexion",
                        error=str(error))
        request.session.invalidate()
        remember_staff(request, user)
        new_csrf_token(request)
        return HTTPFound(public_url(request) + target)
    return dict(page, form=form.render())


@view_config(route_name="auth.signout", request_method="POST", permission=Permissions.VIEW)
def signout(request):
    sign_out(request)
    request.session.flash("Vous êtes déconnecté(e).", "succes")
    return HTTPFound(public_url(request, "home"))


#: what each role finds on the staff home: (permission, title, route, description)
STAFF_SECTIONS = (
    (Permissions.MODERATE, "Modération", "moderation.queue",
     "Vérifier les déclarations, demander des compléments, repérer les doublons."),
    (Permissions.MODERATE, "Essaimages", "essaimages.queue",
     "Publier ou refuser les récits des équipes qui ont repris une pratique."),
    (Permissions.COMMITTEE, "Comité de sélection", "committee.sessions",
     "Les séances, leur ordre du jour et les grilles d'examen."),
    (Permissions.WRITE_FICHES, "Fiches dispositifs", "fiches.list",
     "Rédiger, réviser et publier les fiches dispositifs de l'ONPE."),
    (Permissions.ADMINISTER, "Administration", "admin.home",
     "Comptes et rôles, dépublication des pratiques."),
)


@view_config(route_name="staff.home", renderer="recueil:templates/auth/staff_home.pt",
             permission=Permissions.STAFF)
def staff_home(request):
    sections = [
        {"title": title, "url": request.route_url(route), "description": description}
        for permission, title, route, description in STAFF_SECTIONS
        if request.has_permission(permission)
    ]
    return {"page_title": "Gestion", "csrf_token": get_csrf_token(request), "sections": sections,
            "receives_digest": request.identity.user.receives_digest}


@view_config(route_name="staff.digest", request_method="POST", permission=Permissions.STAFF)
def digest_choice(request):
    """Receive the moderation's daily digest, or no longer."""
    wanted = request.POST.get("resume_quotidien") == "oui"
    digest.set_choice(request.dbsession, request.identity.user, wanted)
    request.session.flash(
        "Vous recevrez chaque matin le résumé de la modération, quand des déclarations ou des "
        "compléments sont arrivés." if wanted else
        "Vous ne recevrez plus le résumé quotidien de la modération.", "succes")
    return HTTPFound(request.route_url("staff.home"))


@view_config(route_name="auth.password", renderer="recueil:templates/auth/password.pt",
             permission=Permissions.STAFF)
def change_password(request):
    schema = PasswordChangeSchema().bind(csrf_token=get_csrf_token(request))
    form = deform.Form(schema, buttons=(deform.Button("changer", "Changer le mot de passe"),),
                       formid="mot-de-passe")
    page = {"page_title": "Changer de mot de passe"}
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(), page_title="Erreur – Changer de mot de passe")
        try:
            user = request.identity.user
            accounts.change_password(user, appstruct["actuel"], appstruct["nouveau"])
        except accounts.AccountError as error:
            request.response.status = 400
            form.cstruct = {"csrf_token": get_csrf_token(request)}
            return dict(page, form=form.render(), page_title="Erreur – Changer de mot de passe",
                        error=str(error))
        # the account's other sessions ended with the old password; this one goes on
        remember_staff(request, user)
        new_csrf_token(request)
        request.session.flash("Votre mot de passe a été changé.", "succes")
        return HTTPFound(request.route_url("staff.home"))
    return dict(page, form=form.render())
