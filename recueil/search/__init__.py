"""Search: the embedded SQL backend and Solr, behind one interface."""
from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    from .service import includeme as service_includeme

    service_includeme(config)
