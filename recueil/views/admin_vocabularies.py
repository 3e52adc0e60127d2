"""Administration of the controlled vocabularies (spec §6): their terms, a term's label and
state, a new term, the order, and the history of every change."""
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..forms.vocabularies import NewTermSchema, TermLabelSchema
from ..models.vocabulary import CHANGE_KINDS, VOCABULARIES
from ..security import Permissions
from ..services import vocabularies
from ..services.vocabularies import VocabularyError

TO_CONFIRM = "à confirmer par FEP"


def _list_url(request, vocabulary: str) -> str:
    return request.route_url("admin.vocabularies", _anchor=f"vocabulaire-{vocabulary}")


def _vocabulary(request) -> str:
    vocabulary = request.matchdict["vocabulary"]
    if vocabulary not in VOCABULARIES:
        raise HTTPNotFound()
    return vocabulary


def _term(request):
    term = vocabularies.get_term(request.dbsession, _vocabulary(request),
                                 request.matchdict["code"])
    if term is None:
        raise HTTPNotFound()
    return term


def _actor(request) -> str:
    return request.identity.user.email


@view_config(route_name="admin.vocabularies",
             renderer="recueil:templates/admin/vocabularies.pt",
             permission=Permissions.ADMINISTER)
def vocabulary_list(request):
    dbsession = request.dbsession
    return {
        "page_title": "Vocabulaires",
        "vocabularies": [
            {"name": name, "title": title, "terms": vocabularies.terms_of(dbsession, name),
             "can_add": name not in vocabularies.FIXED_CODES}
            for name, title in VOCABULARIES.items()
        ],
        "usage": vocabularies.usage(dbsession),
        "history": vocabularies.history(dbsession, limit=50),
        "titles": VOCABULARIES,
        "kinds": CHANGE_KINDS,
        "to_confirm": TO_CONFIRM,
        "csrf_token": get_csrf_token(request),
    }


@view_config(route_name="admin.vocabulary_move", request_method="POST",
             permission=Permissions.ADMINISTER)
def move(request):
    term = _term(request)
    offset = {"monter": -1, "descendre": 1}.get(request.POST.get("sens", ""))
    if offset is None:
        raise HTTPBadRequest()
    if vocabularies.move(request.dbsession, term, offset, _actor(request), request.clock.now()):
        request.session.flash(f"« {term.label} » est déplacé : le formulaire propose les termes "
                              "dans ce nouvel ordre.", "succes")
    return HTTPFound(_list_url(request, term.vocabulary))


def _label_form(request, term) -> deform.Form:
    schema = TermLabelSchema().bind(csrf_token=get_csrf_token(request))
    return deform.Form(
        schema, formid="libelle",
        action=request.route_url("admin.vocabulary_term", vocabulary=term.vocabulary,
                                 code=term.code),
        buttons=(deform.Button("enregistrer", "Enregistrer le libellé"),),
    )


def _term_page(request, term, form_html: str, error: str | None = None) -> dict:
    usage = vocabularies.usage(request.dbsession).get((term.vocabulary, term.code))
    title = VOCABULARIES[term.vocabulary]
    return {
        "page_title": ("Erreur – " if error else "") + f"{term.label} – {title}",
        "term": term,
        "title": title,
        "usage": usage or vocabularies.Usage(),
        "form": form_html,
        "error": error,
        "fixed": term.vocabulary in vocabularies.FIXED_CODES
        or term.code == vocabularies.CATCH_ALL,
        "history": vocabularies.history(request.dbsession, term.vocabulary, term.code),
        "kinds": CHANGE_KINDS,
        "to_confirm": TO_CONFIRM,
        "csrf_token": get_csrf_token(request),
        "back_url": _list_url(request, term.vocabulary),
    }


@view_config(route_name="admin.vocabulary_term",
             renderer="recueil:templates/admin/vocabularies_term.pt",
             permission=Permissions.ADMINISTER)
def term_page(request):
    term = _term(request)
    form = _label_form(request, term)
    here = request.route_url("admin.vocabulary_term", vocabulary=term.vocabulary, code=term.code)
    if request.method != "POST":
        return _term_page(request, term, form.render({"libelle": term.label,
                                                      "libelle_lu": term.label}))
    actor, now = _actor(request), request.clock.now()
    try:
        if "enregistrer" in request.POST:
            try:
                appstruct = form.validate(request.POST.items())
            except deform.ValidationFailure as failure:
                request.response.status = 400
                return _term_page(request, term, failure.render(),
                                  error="Le libellé n'est pas enregistré : corrigez-le.")
            before = term.label
            if vocabularies.edit_label(request.dbsession, term, appstruct["libelle"],
                                       appstruct["libelle_lu"], actor, now):
                message = (f"Le libellé « {before} » devient « {term.label} » : le formulaire, "
                           "le catalogue, l'API et les données ouvertes l'affichent désormais.")
            else:
                message = "Le libellé n'a pas changé : rien à enregistrer."
        elif "confirmer" in request.POST:
            vocabularies.confirm(request.dbsession, term, actor, now)
            message = f"Le libellé « {term.label} » est confirmé."
        elif "retirer" in request.POST:
            vocabularies.retire(request.dbsession, term, actor, now)
            message = (f"« {term.label} » n'est plus proposé dans les formulaires ; les "
                       "pratiques qui le portent le gardent, et son code reste valable.")
        elif "retablir" in request.POST:
            vocabularies.restore(request.dbsession, term, actor, now)
            message = f"« {term.label} » est de nouveau proposé dans les formulaires."
        else:
            raise HTTPBadRequest()
    except VocabularyError as error:
        request.response.status = 409
        posted = {"libelle": request.POST.get("libelle", term.label), "libelle_lu": term.label}
        return _term_page(request, term, form.render(posted), error=str(error))
    request.session.flash(message, "succes")
    return HTTPFound(here)


@view_config(route_name="admin.vocabulary_add",
             renderer="recueil:templates/admin/vocabularies_add.pt",
             permission=Permissions.ADMINISTER)
def add(request):
    vocabulary = _vocabulary(request)
    title = VOCABULARIES[vocabulary]
    if vocabulary in vocabularies.FIXED_CODES:
        raise HTTPNotFound()
    schema = NewTermSchema().bind(csrf_token=get_csrf_token(request))
    form = deform.Form(schema, formid="nouveau-terme",
                       action=request.route_url("admin.vocabulary_add", vocabulary=vocabulary),
                       buttons=(deform.Button("ajouter", "Ajouter le terme"),))
    page = {"page_title": f"Ajouter un terme – {title}", "title": title, "error": None,
            "back_url": _list_url(request, vocabulary)}
    if request.method != "POST":
        return dict(page, form=form.render())
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return dict(page, form=failure.render(), page_title="Erreur – " + page["page_title"])
    try:
        term = vocabularies.add_term(request.dbsession, vocabulary, appstruct["libelle"],
                                     appstruct["code"], _actor(request), request.clock.now())
    except VocabularyError as error:
        request.response.status = 409
        return dict(page, form=form.render(), error=str(error),
                    page_title="Erreur – " + page["page_title"])
    request.session.flash(f"« {term.label} » (code {term.code}) est ajouté à « {title} » : le "
                          "formulaire le propose désormais.", "succes")
    return HTTPFound(_list_url(request, vocabulary))
