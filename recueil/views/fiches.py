"""The ONPE's fiches dispositifs (spec §4): the rédacteurs' list, the form that writes and
revises a fiche, and its publication, unpublication and republication."""
import deform
import peppercorn
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..forms.fiche import (
    FicheSchema,
    PublishFicheSchema,
    RepublishFicheSchema,
    UnpublishFicheSchema,
)
from ..forms.practice import carried_codes
from ..forms.widgets import name_ids
from ..models.practice import STATUSES
from ..security import Permissions
from ..services import fiches, workflow
from .concurrency import reload_on_conflict

CONFLICT = (
    "Cette fiche a été modifiée entre-temps par une autre personne : rechargez la page pour "
    "voir son état actuel, puis recommencez (copiez d'abord ce que vous avez saisi)."
)
#: the publication forms: button -> (schema, title, states it is offered in)
ACTIONS = {
    "publier": (PublishFicheSchema, "Publier la fiche", "brouillon"),
    "depublier": (UnpublishFicheSchema, "Dépublier la fiche", "publiee"),
    "republier": (RepublishFicheSchema, "Republier la fiche", "depubliee"),
}
#: the database refused a write because the fiche changed meanwhile
on_conflict = reload_on_conflict(
    "fiches.edit", title="Fiche modifiée entre-temps", reload_label="Recharger la fiche",
    message="Cette fiche a été modifiée entre-temps par une autre personne : rechargez-la pour "
    "voir son état actuel, puis recommencez.",
)
DONE = {
    "publier": "La fiche est publiée : elle est visible dans le recueil et les données ouvertes.",
    "depublier": "La fiche est dépubliée : elle n'est plus visible du public.",
    "republier": "La fiche est de nouveau publiée.",
}


def _fiche(request):
    fiche = request.context.practice
    if not fiche.is_fiche:
        raise HTTPNotFound()  # a level-1 practice is not written here
    return fiche


# -- the list ----------------------------------------------------------------------------------

@view_config(route_name="fiches.list", request_method="GET",
             renderer="recueil:templates/fiches/list.pt", permission=Permissions.WRITE_FICHES)
def list_fiches(request):
    today = request.clock.today()
    found = fiches.all_fiches(request.dbsession)
    due = [f for f in found if fiches.to_review(f, today)]
    return {
        "page_title": "Fiches dispositifs",
        "fiches": found,
        "due": due,
        "to_review": lambda fiche: fiches.to_review(fiche, today),
    }


# -- writing a fiche ---------------------------------------------------------------------------

def _picking(request) -> bool:
    """The form was posted to search practices to link or to add one, not to be saved."""
    return request.method == "POST" and bool({"chercher", "ajouter"} & set(request.POST))


def _picker(request) -> tuple[str, list | None, str | None]:
    """The search of practices to link: (query, results, reference to add)."""
    if not _picking(request):
        return "", None, None
    query = request.POST.get("recherche_pratiques", "")
    results = [
        {"reference": p.reference, "titre": p.titre, "nom_entite": p.nom_entite}
        for p in fiches.linkable(request.search, request.dbsession, query)
    ] if query.strip() else None
    return query, results, request.POST.get("ajouter")


def _form(request, action: str, button: str, version=None, query="", results=None,
          fiche=None):
    schema = FicheSchema().bind(
        references=request.references,
        carried=carried_codes(fiche),
        today=request.clock.today(),
        csrf_token=get_csrf_token(request),
        version=version,
        find_references=lambda references: fiches.by_references(request.dbsession, references),
        search_query=query,
        search_results=results,
    )
    form = name_ids(deform.Form(schema, action=action, formid="fiche",
                                buttons=(deform.Button("enregistrer", button),)))
    form.widget = deform.widget.FormWidget(template="dsfr_form_sections")
    return form


def _as_typed(request, form, added: str | None) -> str | None:
    """Fill the form with what was posted, unchecked, adding a chosen practice's reference;
    returns the notice to show."""
    cstruct = form.widget.deserialize(form, peppercorn.parse(list(request.POST.items())))
    if not added:
        form.cstruct = cstruct
        return None
    lines = cstruct.get("pratiques_liees") or ""
    lines = lines if isinstance(lines, str) else ""
    if added.upper() not in lines.upper().split():
        cstruct["pratiques_liees"] = (lines.rstrip() + "\n" + added).strip()
    form.cstruct = cstruct
    return (f"La pratique {added} est ajoutée aux pratiques liées : enregistrez la fiche pour "
            "garder ce lien.")


@view_config(route_name="fiches.new", renderer="recueil:templates/fiches/edit.pt",
             permission=Permissions.WRITE_FICHES)
def new(request):
    query, results, added = _picker(request)
    form = _form(request, request.route_url("fiches.new"), "Enregistrer le brouillon",
                 query=query, results=results)
    page = {"page_title": "Nouvelle fiche dispositif", "fiche": None, "notice": None,
            "error": None, "action_form": None}
    if request.method == "POST":
        if _picking(request):
            notice = _as_typed(request, form, added)
            return dict(page, form=form.render(), notice=notice)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return dict(page, form=failure.render(),
                        page_title="Erreur – Nouvelle fiche dispositif")
        fiche = fiches.create(request.dbsession, request.clock, appstruct, request.references,
                              workflow.Actor.from_identity(request.identity))
        request.session.flash(f"La fiche {fiche.reference} est enregistrée en brouillon : "
                              "publiez-la quand elle est prête.", "succes")
        return HTTPFound(request.route_url("fiches.edit", id=fiche.id))
    return dict(page, form=form.render())


@view_config(route_name="fiches.edit", renderer="recueil:templates/fiches/edit.pt",
             permission=Permissions.WRITE_FICHES, decorator=on_conflict)
def edit(request):
    fiche = _fiche(request)
    query, results, added = _picker(request)
    form = _form(request, request.route_url("fiches.edit", id=fiche.id),
                 "Enregistrer les modifications", version=fiche.version, query=query,
                 results=results, fiche=fiche)
    if request.method == "POST":
        if _picking(request):
            notice = _as_typed(request, form, added)
            return _edit_page(request, fiche, form.render(), notice=notice)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return _edit_page(request, fiche, failure.render(), title="Erreur – ")
        try:
            fiches.update(request.dbsession, request.clock, fiche, appstruct, request.references,
                          workflow.Actor.from_identity(request.identity), appstruct.get("version"))
        except workflow.ConflictError:
            request.tm.doom()  # nothing of this request is written
            request.response.status = 409
            return _edit_page(request, fiche, form.render(), error=CONFLICT, title="Erreur – ")
        message = ("Les modifications sont enregistrées et déjà en ligne."
                   if fiche.status == "publiee" else "Les modifications sont enregistrées.")
        request.session.flash(message, "succes")
        return HTTPFound(request.route_url("fiches.edit", id=fiche.id))
    return _edit_page(request, fiche, form.render(fiches.form_values(fiche)))


# -- publication -------------------------------------------------------------------------------

def _action_form(request, fiche, name: str) -> deform.Form:
    schema, title, _ = ACTIONS[name]
    bound = schema().bind(csrf_token=get_csrf_token(request), version=fiche.version,
                          today=request.clock.today())
    css = "fr-btn--secondary" if name == "depublier" else None
    return name_ids(deform.Form(
        bound, action=request.route_url("fiches.transition", id=fiche.id), formid="publication",
        buttons=(deform.Button(name, title, css_class=css),)))


@view_config(route_name="fiches.transition", request_method="POST",
             renderer="recueil:templates/fiches/edit.pt", permission=Permissions.WRITE_FICHES,
             decorator=on_conflict)
def transition(request):
    fiche = _fiche(request)
    name = next((n for n in ACTIONS if n in request.POST), None)
    form = _form(request, request.route_url("fiches.edit", id=fiche.id),
                 "Enregistrer les modifications", version=fiche.version, fiche=fiche)
    form_html = form.render(fiches.form_values(fiche))
    if name is None:
        request.response.status = 400
        return _edit_page(request, fiche, form_html, title="Erreur – ",
                          error="Choisissez une action : publier, dépublier ou republier la fiche.")
    action_form = _action_form(request, fiche, name)
    try:
        appstruct = action_form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return _edit_page(request, fiche, form_html, action_html=failure.render(),
                          title="Erreur – ")
    actor = workflow.Actor.from_identity(request.identity)
    version = appstruct.get("version")
    try:
        if name == "publier":
            fiches.publish(request.dbsession, request.clock, fiche, actor,
                           appstruct.get("date_publication"), version)
        elif name == "depublier":
            fiches.unpublish(request.dbsession, request.clock, fiche, actor, appstruct.get("motif"),
                             version)
        else:
            fiches.republish(request.dbsession, request.clock, fiche, actor, version)
    except workflow.WorkflowError as error:
        request.tm.doom()  # nothing of a refused action is written
        stale = isinstance(error, workflow.ConflictError)
        request.response.status = 409 if stale else 400
        return _edit_page(request, fiche, form_html, title="Erreur – ",
                          error=CONFLICT if stale else str(error))
    request.session.flash(DONE[name], "succes")
    return HTTPFound(request.route_url("fiches.edit", id=fiche.id))


def _edit_page(request, fiche, form_html, action_html=None, notice=None, error=None, title=""):
    if action_html is None:
        name = next((n for n, (_, _, state) in ACTIONS.items() if state == fiche.status), None)
        action_html = _action_form(request, fiche, name).render() if name else None
    return {
        "page_title": f"{title}Fiche {fiche.reference} – {fiche.titre}",
        "fiche": fiche,
        "form": form_html,
        "action_form": action_html,
        "notice": notice,
        "error": error,
        "to_review": fiches.to_review(fiche, request.clock.today()),
        "transitions": list(reversed(fiche.transitions)),
        "statuses": STATUSES,
    }
