"""Error pages in French: forbidden (or sign-in), not found, expired form, too large a body."""
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPFound, HTTPRequestEntityTooLarge
from pyramid.view import forbidden_view_config, notfound_view_config, view_config


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
