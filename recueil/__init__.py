"""Recueil des pratiques inspirantes en prévention et protection de l'enfance."""
from pyramid.config import Configurator

from . import settings as app_settings


def main(global_config, **settings):
    """The WSGI application."""
    settings = app_settings.load(settings)
    with Configurator(settings=settings) as config:
        config.include(".models")
        config.include(".security")
        config.include(".services")
        config.include(".search")
        config.include(".forms")
        config.include(".routes")
        config.include(".views")
        config.scan()
    return config.make_wsgi_app()
