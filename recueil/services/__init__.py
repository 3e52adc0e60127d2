"""Business services: the rules of the platform, independent of the views."""
from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include(".mail")
    config.include(".references")
    config.include(".retention")
