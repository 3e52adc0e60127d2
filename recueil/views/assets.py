"""An address of a static file from an earlier release, named by a page kept in a cache."""
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..security import Permissions


@view_config(route_name="static.earlier", request_method=("GET", "HEAD"),
             permission=Permissions.VIEW)
def earlier_static_file(request):
    """Send an earlier version's address to today's file, which keeps the same path."""
    if request.matchdict["version"] == request.registry.settings["recueil.static_version"][2:]:
        raise HTTPNotFound()  # WhiteNoise serves today's files: this one does not exist
    subpath = "/".join(request.matchdict["subpath"])
    response = HTTPFound(request.static_url(f"recueil:static/{subpath}"))
    response.cache_control.max_age = 3600
    return response
