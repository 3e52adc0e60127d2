"""The home page and the informational pages."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..security import Permissions

PAGES = {
    "pratique-inspirante": "Qu'est-ce qu'une pratique inspirante ?",
    "mentions-legales": "Mentions légales",
    "donnees-personnelles": "Données personnelles et cookies",
    "accessibilite": "Déclaration d'accessibilité",
}


@view_config(route_name="home", renderer="recueil:templates/home.pt", permission=Permissions.VIEW)
def home(request):
    return {"page_title": "Accueil"}


@view_config(route_name="pages.show", renderer="recueil:templates/pages/page.pt",
             permission=Permissions.VIEW)
def page(request):
    slug = request.matchdict["slug"]
    if slug not in PAGES:
        raise HTTPNotFound()
    return {"page_title": PAGES[slug], "slug": slug}
