"""A published practice's public page, with the form that relays a message to its holder."""
import uuid
from functools import cache

import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from .. import formatting
from ..forms.contact import HONEYPOT, HolderMessageSchema
from ..forms.essaimage import EssaimageSchema
from ..forms.fiche import SECTION_TITLES, FicheSchema
from ..models.committee import COUP_DE_COEUR_MOTIFS
from ..search.query import NIVEAUX
from ..security import Permissions
from ..services import catalogue, contact, essaimages, fiches, ratelimit
from .display import territory
from .facets import search_url

SIMILAR = 5


def _published_or_404(request):
    try:
        practice_id = uuid.UUID(request.matchdict["id"])
    except ValueError:
        raise HTTPNotFound() from None
    practice = catalogue.published_practice(request.dbsession, practice_id)
    if practice is None:
        raise HTTPNotFound()
    return practice


def _contact_form(request, practice) -> deform.Form:
    schema = HolderMessageSchema().bind(csrf_token=get_csrf_token(request))
    return deform.Form(
        schema, formid="formulaire-contact",
        action=request.route_url("catalogue.contact", id=practice.id),
        buttons=(deform.Button("envoyer", "Envoyer le message"),),
    )


def _essaimage_form(request, practice) -> deform.Form:
    schema = EssaimageSchema().bind(csrf_token=get_csrf_token(request),
                                    references=request.references)
    return deform.Form(
        schema, formid="formulaire-essaimage",
        action=request.route_url("catalogue.essaimage", id=practice.id),
        buttons=(deform.Button("envoyer", "Envoyer notre récit"),),
    )


@cache
def fiche_sections() -> tuple[tuple[str, str], ...]:
    """A fiche's texts with the titles its form gives them, in the form's order."""
    contents = SECTION_TITLES["contenu"]
    return tuple((node.name, node.title) for node in FicheSchema().children
                 if getattr(node, "section", None) == contents)


def _practice_page(request, practice, form_html: str | None = None, limited: str | None = None,
                   essaimage_form: str | None = None, essaimage_limited: str | None = None):
    references = request.references
    similar_ids = request.search.similar(practice.id, SIMILAR)
    can_contact = contact.can_be_contacted(practice)
    if form_html is None and can_contact:
        form_html = _contact_form(request, practice).render()
    if essaimage_form is None:
        essaimage_form = _essaimage_form(request, practice).render()
    return {
        "page_title": practice.titre,
        "page_description": formatting.excerpt(practice.description),
        "practice": practice,
        "refs": references,
        "similar": catalogue.published_practices(request.dbsession, similar_ids),
        "can_contact": can_contact,
        "form": form_html,
        "limited": limited,
        "search_url": lambda facet, code: search_url(request, [(facet, code)]),
        "territory": lambda p: territory(p, references),
        "niveau_label": NIVEAUX.get(str(practice.niveau), ""),
        "motifs_coup_de_coeur": COUP_DE_COEUR_MOTIFS,
        # a fiche's practices and a practice's fiches (spec §4), published ones only
        "linked": fiches.published_links(practice) if practice.is_fiche else [],
        "fiches": [] if practice.is_fiche else fiches.published_fiches_of(practice),
        "onpe": fiches.AUTHOR,
        "sections": fiche_sections() if practice.is_fiche else (),
        # the teams that took it up (essaimage), and the form to say one did
        "essaimages": essaimages.published_of(request.dbsession, practice.id),
        "essaimage_form": essaimage_form,
        "essaimage_limited": essaimage_limited,
    }


@view_config(route_name="catalogue.show", request_method="GET",
             renderer="recueil:templates/catalogue/practice.pt", permission=Permissions.VIEW)
def show(request):
    practice = _published_or_404(request)
    if practice.is_fiche:
        # an ONPE fiche has its own layout: its sections, its authors, no relay form
        request.override_renderer = "recueil:templates/catalogue/fiche.pt"
    return _practice_page(request, practice)


@view_config(route_name="catalogue.contact", request_method="GET", permission=Permissions.VIEW)
def contact_get(request):
    practice = _published_or_404(request)
    return HTTPFound(request.route_url("catalogue.show", id=practice.id, _anchor="contact"))


@view_config(route_name="catalogue.contact", request_method="POST",
             renderer="recueil:templates/catalogue/practice.pt", permission=Permissions.VIEW)
def contact_post(request):
    practice = _published_or_404(request)
    if not contact.can_be_contacted(practice):
        raise HTTPNotFound()
    form = _contact_form(request, practice)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        page = _practice_page(request, practice, failure.render())
        page["page_title"] = "Erreur – " + page["page_title"]
        return page
    done = HTTPFound(request.route_url("catalogue.show", id=practice.id))
    if appstruct.get(HONEYPOT):
        # a robot filled the hidden field: it is told the message went, and nothing is sent
        request.session.flash("Votre message a été transmis au porteur de la pratique.", "succes")
        return done
    try:
        contact.relay(request, practice, appstruct["nom"], appstruct["courriel"],
                      appstruct["message"])
    except ratelimit.Limited as error:
        request.response.status = 429
        # the form keeps what was typed (validate() left it in form.cstruct)
        page = _practice_page(request, practice, form.render(), limited=error.message)
        page["page_title"] = "Message non envoyé – " + page["page_title"]
        return page
    request.session.flash("Votre message a été transmis au porteur de la pratique.", "succes")
    return done


# -- « Cette pratique nous a inspirés » (essaimage) ---------------------------------------------

ESSAIMAGE_SENT = ("Merci ! Votre récit a été transmis à l'équipe du recueil : il paraîtra sur "
                  "cette page une fois relu. Votre adresse électronique ne sera pas publiée.")


def _with_renderer(request, practice) -> None:
    if practice.is_fiche:
        request.override_renderer = "recueil:templates/catalogue/fiche.pt"


@view_config(route_name="catalogue.essaimage", request_method="GET", permission=Permissions.VIEW)
def essaimage_get(request):
    practice = _published_or_404(request)
    return HTTPFound(request.route_url("catalogue.show", id=practice.id, _anchor="essaimage"))


@view_config(route_name="catalogue.essaimage", request_method="POST",
             renderer="recueil:templates/catalogue/practice.pt", permission=Permissions.VIEW)
def essaimage_post(request):
    practice = _published_or_404(request)
    _with_renderer(request, practice)
    form = _essaimage_form(request, practice)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        page = _practice_page(request, practice, essaimage_form=failure.render())
        page["page_title"] = "Erreur – " + page["page_title"]
        return page
    done = HTTPFound(request.route_url("catalogue.show", id=practice.id, _anchor="essaimage"))
    if appstruct.get(HONEYPOT):
        # a robot filled the hidden field: it is thanked, and nothing is recorded
        request.session.flash(ESSAIMAGE_SENT, "succes")
        return done
    try:
        essaimages.submit(request, practice, appstruct["structure"], appstruct["departement"],
                          appstruct["recit"], appstruct["courriel"])
    except ratelimit.Limited as error:
        request.response.status = 429
        # the form keeps what was typed (validate() left it in form.cstruct)
        page = _practice_page(request, practice, essaimage_form=form.render(),
                              essaimage_limited=error.message)
        page["page_title"] = "Récit non envoyé – " + page["page_title"]
        return page
    request.session.flash(ESSAIMAGE_SENT, "succes")
    return done
