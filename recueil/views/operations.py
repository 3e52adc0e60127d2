"""The load balancer's health check and Prometheus's metrics."""
import ipaddress

from prometheus_client import CONTENT_TYPE_LATEST
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from .. import metrics
from ..security import Permissions
from ..services import operations


def _solr(request):
    settings = request.registry.settings
    return request.registry["solr_factory"]() if settings["search.backend"] == "solr" else None


@view_config(route_name="operations.health", renderer="json", permission=Permissions.VIEW,
             request_method=("GET", "HEAD"))
def health(request):
    """200 while this process can serve (the database answers), 503 otherwise, with what it
    found, in JSON."""
    serving, found = operations.health(request.dbsession, request.clock.now(), _solr(request))
    request.response.status_int = 200 if serving else 503
    request.response.cache_control = "no-store"
    return found


@view_config(route_name="operations.metrics", permission=Permissions.VIEW,
             request_method="GET")
def metrics_text(request):
    """The metrics of every process, for the addresses of metrics.allowed_addresses only: to
    anyone else, the page does not exist."""
    allowed = request.registry.settings["metrics.allowed_addresses"]
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        raise HTTPNotFound() from None
    if not any(client in network for network in allowed):
        raise HTTPNotFound()
    length, age = operations.queue_state(request.dbsession, request.clock.now())
    body = metrics.exposition(metrics.queue_family(length, age))
    return Response(body=body, content_type=CONTENT_TYPE_LATEST.split(";")[0],
                    charset="utf-8", cache_control="no-store")
