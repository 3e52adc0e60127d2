"""Administration of the informational pages: their list and an edit form with a preview."""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from .. import formatting
from ..forms.pages import PageSchema
from ..models import markup
from ..security import Permissions
from ..services import pages, retention
from .concurrency import reload_on_conflict

STALE = (
    "Cette page a été enregistrée par quelqu'un d'autre pendant que vous la modifiiez : votre "
    "texte n'a pas été enregistré, pour ne pas effacer le sien."
)


@view_config(route_name="admin.pages", renderer="recueil:templates/admin/pages.pt",
             permission=Permissions.ADMINISTER)
def page_list(request):
    return {"page_title": "Pages d'information", "pages": pages.all_pages(request.dbsession)}


def _form(request, page) -> deform.Form:
    schema = PageSchema().bind(csrf_token=get_csrf_token(request), version=page.version)
    return deform.Form(
        schema, formid="page",
        action=request.route_url("admin.page", slug=page.slug),
        buttons=(
            deform.Button("previsualiser", "Prévisualiser", css_class="fr-btn--secondary"),
            deform.Button("enregistrer", "Enregistrer"),
        ),
    )


def _html(request, text: str) -> str:
    """The text as the public will see it, its durations filled in."""
    return markup.render(retention.fill(text, request.registry["retention"]))


def _last_change(page) -> str:
    when = formatting.datetime(page.updated_at)
    if page.edited:
        return f"Dernière modification le {when} par {page.updated_by}."
    return f"Texte initial du recueil, jamais modifié (chargé le {when})."


@view_config(route_name="admin.page", renderer="recueil:templates/admin/pages_edit.pt",
             permission=Permissions.ADMINISTER, decorator=reload_on_conflict(
                 "admin.page", title="Page modifiée entre-temps", reload_label="Recharger la page",
                 message=STALE + " Rechargez la page pour voir sa version."))
def page_edit(request):
    page = pages.get_page(request.dbsession, request.matchdict["slug"])
    if page is None:
        raise HTTPNotFound()
    form = _form(request, page)
    # read before any change: a failed save leaves the object holding the refused text
    view = {"page_title": f"Modifier la page « {page.titre} »", "slug": page.slug,
            "titre": page.titre, "last_change": _last_change(page), "preview": None,
            "stale": None, "current_html": None,
            "placeholders": retention.placeholders(request.registry["retention"])}
    if request.method != "POST":
        return dict(view, form=form.render({"titre": page.titre, "contenu": page.contenu}))
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return dict(view, form=failure.render(), page_title="Erreur – " + view["page_title"])
    if "enregistrer" not in request.POST:
        # the form keeps what was typed (validate() left it in form.cstruct)
        return dict(view, form=form.render(), preview=_html(request, appstruct["contenu"]))
    if (appstruct["titre"], appstruct["contenu"]) == (page.titre, page.contenu):
        request.session.flash("Le texte n'a pas changé : rien à enregistrer.", "info")
        return HTTPFound(request.route_url("admin.page", slug=view["slug"]))
    try:
        pages.save(request.dbsession, page, appstruct["titre"], appstruct["contenu"],
                   appstruct["version"], request.identity.user.email, request.clock.now())
    except pages.StalePage:
        request.response.status = 409
        # saving again now replaces the other person's version knowingly: they have seen it
        kept = dict(appstruct, version=page.version)
        return dict(view, form=form.render(kept), stale=STALE,
                    current_html=_html(request, page.contenu),
                    page_title="Modification refusée – " + view["page_title"])
    request.session.flash(f"La page « {appstruct['titre']} » est enregistrée : le public la voit "
                          "désormais.", "succes")
    return HTTPFound(request.route_url("admin.page", slug=view["slug"]))
