"""Recueil des pratiques inspirantes en prévention et protection de l'enfance."""
from pyramid.config import Configurator
from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request

from . import settings as app_settings


def main(global_config, **settings):
    """The WSGI application."""
    from . import assets, warmup
    from .bodylimit import BodyLimit  # it reads the forms' limits: loaded with the app only

    settings = app_settings.load(settings)
    if app_settings.is_command(global_config):
        settings["recueil.warm_up"] = False
    settings["recueil.static_version"] = assets.prepare()
    if settings["recueil.template_cache"]:
        warmup.use_template_cache(settings["recueil.template_cache"])
    with Configurator(settings=settings) as config:
        config.include(".clock")
        config.include(".models")
        config.include(".security")
        config.include(".headers")
        config.include(".compression")
        config.include(".requestlog")
        config.include(".bodylimit")
        config.include(".services")
        config.include(".search")
        config.include(".forms")
        config.include(".routes")
        config.include(".views")
        config.scan()
        config.action(None, lambda: _request_class(config.registry), order=20)
    # outside Pyramid: the body is bounded before the router's retry policy copies it; the
    # static files, outermost, never reach the router
    app = assets.serve(BodyLimit(config.make_wsgi_app()), settings["recueil.static_version"])
    if settings["recueil.warm_up"]:
        warmup.warm_up(app, config.registry)
    return app


def _request_class(registry) -> None:
    """Put the request properties of the configuration (`add_request_method`, ours and
    pyramid_tm's `tm`) on one Request class, once the configuration is complete.

    Pyramid otherwise gives each request a class of its own that carries them. A new class
    on every request defeats the per-class caches of the adapter lookups that route and
    secure it: a visible part of the public API's time (bench/RESULTS.md).
    """
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None or not extensions.descriptors:
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    attributes = {"__module__": base.__module__, **extensions.descriptors}
    registry.registerUtility(type(base.__name__, (base,), attributes), IRequestFactory)
    extensions.descriptors = {}
