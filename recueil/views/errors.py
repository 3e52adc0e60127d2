"""Error pages in French: forbidden (or sign-in), not found, expired form, bad request, too
large a body."""
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPRequestEntityTooLarge
from pyramid.renderers import render_to_response
from pyramid.view import forbidden_view_config, notfound_view_config, view_config

from ..security import BadInput

#: the answer to a request that no page of the site sends, when it does not say more
BAD_REQUEST = ("Cette demande n'a pas pu être traitée : elle contient des données mal formées "
               "(caractères non valides, formulaire incomplet ou modifié, nombre hors limites).")


@forbidden_view_config(renderer="recueil:templates/errors/forbidden.pt")
def forbidden(request):
    path = request.path
    if request.identity is None:
        if path.startswith("/mon-espace"):
            request.session.flash(
                "Pour ouvrir votre espace, suivez le lien personnel reçu par courriel "
                "ou demandez-en un nouveau ci-dessous.", "info"
            )
            return HTTPFound(request.route_url("declaration.start"))
        return HTTPFound(request.route_url("auth.signin", _query={"suite": request.path_qs}))
    request.response.status = 403
    return {"page_title": "Accès refusé"}


@notfound_view_config(renderer="recueil:templates/errors/notfound.pt")
def notfound(request):
    request.response.status = 404
    return {"page_title": "Page introuvable"}


@view_config(context=BadCSRFToken, renderer="recueil:templates/errors/csrf.pt")
def bad_csrf(request):
    request.response.status = 400
    return {"page_title": "Formulaire expiré"}


@view_config(context=HTTPRequestEntityTooLarge, renderer="recueil:templates/errors/too_large.pt")
def too_large(request):
    request.response.status = 413
    megabyte = 1024 * 1024
    return {"page_title": "Envoi trop volumineux",
            "limit_mb": request.registry.settings["recueil.max_request_bytes"] // megabyte,
            "upload_mb": request.registry.settings["recueil.max_upload_bytes"] // megabyte}


@view_config(context=HTTPBadRequest)
def bad_request(exc, request):
    """A request no page sends: the French 400 page (JSON for the API), never a traceback."""
    message, parameter = BAD_REQUEST, None
    if isinstance(exc, BadInput):
        message, parameter = exc.message, exc.parameter
    # the raw path: a path that is not UTF-8 is one of the requests that end here
    if request.environ.get("PATH_INFO", "").startswith("/api/"):
        response = render_to_response("json", {"erreur": message, "parametre": parameter},
                                      request=request)
    else:
        response = render_to_response(
            "recueil:templates/errors/bad_request.pt",
            {"page_title": "Demande non valide", "message": message}, request=request)
    response.status = 400
    return response
