"""Search: the embedded SQL backend and Solr, behind one interface."""


def includeme(config):
    from .service import includeme as service_includeme

    service_includeme(config)
