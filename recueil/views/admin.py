"""Administration: staff accounts and roles, unpublishing and republishing practices."""
import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..forms.admin import InstitutionSchema, NewUserSchema, UnpublishSchema
from ..models.reference import PRACTICE_PREFIX, format_reference
from ..models.user import INSTITUTION_TYPES, ROLES, STAFF_ROLES
from ..security import Permissions, row_id
from ..services import accounts, administration, declarations, workflow
from .concurrency import reload_on_conflict, submitted_version


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
        "reference_example": format_reference(PRACTICE_PREFIX, request.clock.today().year, 42),
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
            "csrf_token": get_csrf_token(request), "institution_types": INSTITUTION_TYPES}
    if request.method == "POST" and "creer" in request.POST:
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(), users=_all_users(request))
        try:
            user, _ = accounts.add_user(request.dbsession, appstruct["courriel"],
                                        appstruct["mot_de_passe"], appstruct["roles"],
                                        nom=appstruct["nom"])
        except accounts.AccountExists as error:
            request.session.flash(
                f"Un compte existe déjà pour {error.email} : modifiez ses rôles ci-dessous.",
                "erreur")
        except accounts.AccountError as error:
            request.session.flash(str(error), "erreur")
        else:
            request.session.flash(f"Compte créé pour {user.email}.", "succes")
        return HTTPFound(request.route_url("admin.users"))
    if request.method == "POST" and "roles_de" in request.POST:
        try:
            institution = InstitutionSchema().deserialize({
                "roles": request.POST.getall("role"),
                "institution_type": request.POST.get("institution_type", ""),
                "institution_nom": request.POST.get("institution_nom", ""),
            })
        except colander.Invalid as error:
            request.session.flash(" ".join(error.asdict().values()), "erreur")
            return HTTPFound(request.route_url("admin.users"))
        try:
            user = accounts.set_roles(request.dbsession,
                                      row_id(request.POST["roles_de"], "Compte"),
                                      request.POST.getall("role"), "actif" in request.POST,
                                      by=request.identity.user)
            accounts.set_institution(user, institution["institution_type"],
                                     institution["institution_nom"])
        except accounts.AccountError as error:
            request.session.flash(str(error), "erreur")
        else:
            request.session.flash(f"Compte de {user.email} mis à jour.", "succes")
        return HTTPFound(request.route_url("admin.users"))
    return dict(page, form=form.render(), users=_all_users(request))


@view_config(route_name="admin.user_sessions", request_method="POST",
             permission=Permissions.ADMINISTER)
def end_sessions(request):
    """Sign an account out of every browser where it is signed in."""
    try:  # the route takes 1 to 9 digits: an integer column's range
        user = accounts.end_sessions(request.dbsession, int(request.matchdict["user_id"]))
    except accounts.AccountError as error:
        request.session.flash(str(error), "erreur")
    else:
        request.session.flash(
            f"Toutes les sessions de {user.email} sont fermées : il faudra se reconnecter.",
            "succes")
    return HTTPFound(request.route_url("admin.users"))


def _all_users(request):
    return accounts.all_users(request.dbsession)


@view_config(route_name="admin.practice", renderer="recueil:templates/admin/practice.pt",
             permission=Permissions.ADMINISTER, decorator=reload_on_conflict("admin.practice"))
def practice(request):
    practice = request.context.practice
    schema = UnpublishSchema().bind(csrf_token=get_csrf_token(request), version=practice.version)
    form = deform.Form(schema, buttons=(deform.Button("depublier", "Dépublier",
                                                      css_class="fr-btn--secondary"),),
                       formid="depublication")
    actor = workflow.Actor.from_identity(request.identity)
    page = {"page_title": practice.titre, "practice": practice,
            "csrf_token": get_csrf_token(request),
            "error": None,
            # the steps the workflow offers this administrator on this practice now: the
            # page shows the unpublishing form and the republishing button from them
            "steps": {step.name for step in workflow.available(practice, actor)}}
    if request.method == "POST":
        try:
            version = submitted_version(request)
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
        except workflow.WorkflowError as error:
            request.response.status = 409 if isinstance(error, workflow.ConflictError) else 400
            return dict(page, form=form.render(), error=str(error))
        request.session.flash(message, "succes")
        return HTTPFound(request.route_url("admin.practice", id=practice.id))
    return dict(page, form=form.render())

