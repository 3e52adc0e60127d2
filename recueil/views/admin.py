"""Administration: staff accounts and roles, unpublishing and republishing practices."""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from sqlalchemy.orm.exc import StaleDataError

from ..forms.admin import NewUserSchema, UnpublishSchema
from ..models import User
from ..models.user import ROLES, STAFF_ROLES
from ..security import Permissions
from ..services import accounts, administration, declarations, workflow
from ..services.passwords import hash_password


@view_config(route_name="admin.home", renderer="recueil:templates/admin/home.pt",
             permission=Permissions.ADMINISTER)
def home(request):
    reference = request.params.get("reference", "").strip().upper()
    found = None
    if reference:
        found = declarations.by_reference(request.dbsession, reference)
        if found is not None:
            return HTTPFound(request.route_url("admin.practice", id=found.id))
    return {
        "page_title": "Administration",
        "counts": administration.status_counts(request.dbsession),
        "reference": reference,
        "not_found": bool(reference),
        "practices": administration.recently_published(request.dbsession),
    }


@view_config(route_name="admin.users", renderer="recueil:templates/admin/users.pt",
             permission=Permissions.ADMINISTER)
def users(request):
    schema = NewUserSchema().bind(csrf_token=get_csrf_token(request))
    form = deform.Form(schema, buttons=(deform.Button("creer", "Créer le compte"),),
                       formid="nouveau-compte")
    page = {"page_title": "Comptes de l'équipe", "roles": ROLES, "staff_roles": STAFF_ROLES,
            "csrf_token": get_csrf_token(request)}
    if request.method == "POST" and "creer" in request.POST:
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(), users=_all_users(request))
        email = appstruct["courriel"].strip().lower()
        if accounts.user_by_email(request.dbsession, email) is not None:
            request.session.flash(
                f"Un compte existe déjà pour {email} : modifiez ses rôles ci-dessous.", "erreur"
            )
            return HTTPFound(request.route_url("admin.users"))
        user = User(email=email, nom=appstruct["nom"],
                    password_hash=hash_password(appstruct["mot_de_passe"]))
        for role in sorted(appstruct["roles"]):
            user.add_role(role)
        request.dbsession.add(user)
        request.session.flash(f"Compte créé pour {email}.", "succes")
        return HTTPFound(request.route_url("admin.users"))
    if request.method == "POST" and "roles_de" in request.POST:
        user = request.dbsession.get(User, int(request.POST["roles_de"]))
        chosen = [r for r in request.POST.getall("role") if r in STAFF_ROLES]
        if user is None:
            request.session.flash("Compte introuvable.", "erreur")
        elif user.id == request.identity.user.id and "administrateur" not in chosen:
            request.session.flash(
                "Vous ne pouvez pas retirer votre propre rôle d'administrateur.", "erreur"
            )
        else:
            user.role_rows = [r for r in user.role_rows if r.role in chosen]
            for role in chosen:
                user.add_role(role)
            user.active = "actif" in request.POST
            request.session.flash(f"Compte de {user.email} mis à jour.", "succes")
        return HTTPFound(request.route_url("admin.users"))
    return dict(page, form=form.render(), users=_all_users(request))


def _all_users(request):
    return accounts.all_users(request.dbsession)


@view_config(route_name="admin.practice", renderer="recueil:templates/admin/practice.pt",
             permission=Permissions.ADMINISTER)
def practice(request):
    practice = request.context.practice
    schema = UnpublishSchema().bind(csrf_token=get_csrf_token(request), version=practice.version)
    form = deform.Form(schema, buttons=(deform.Button("depublier", "Dépublier",
                                                      css_class="fr-btn--secondary"),),
                       formid="depublication")
    page = {"page_title": practice.titre, "practice": practice,
            "csrf_token": get_csrf_token(request),
            "error": None}
    if request.method == "POST":
        actor = workflow.Actor.from_identity(request.identity)
        version = _version(request)
        try:
            if "depublier" in request.POST:
                try:
                    appstruct = form.validate(request.POST.items())
                except deform.ValidationFailure as failure:
                    return dict(page, form=failure.render())
                workflow.apply(request.dbsession, request.clock, practice, "unpublish", actor,
                               comment=appstruct["motif"], expected_version=version)
                message = "La pratique est dépubliée : elle n'est plus visible du public."
            else:
                workflow.apply(request.dbsession, request.clock, practice, "republish", actor,
                               comment=request.POST.get("commentaire"), expected_version=version)
                message = "La pratique est de nouveau publiée."
        except StaleDataError:
            request.tm.doom()  # the flush failed: nothing of this request is written
            request.response.status = 409
            return dict(page, form=form.render(), error=workflow.CONFLICT)
        except workflow.WorkflowError as error:
            request.response.status = 409 if isinstance(error, workflow.ConflictError) else 400
            return dict(page, form=form.render(), error=str(error))
        request.session.flash(message, "succes")
        return HTTPFound(request.route_url("admin.practice", id=practice.id))
    return dict(page, form=form.render())


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None
