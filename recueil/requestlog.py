"""One id per request, one log line per event, and the request metrics, set in one tween.

Each request gets an id (the reverse proxy's X-Request-Id when it looks like one, a new one
otherwise), sent back in the response and written on every log line of the request, so that
a line of the proxy, of the application and of a traceback can be put together. Log lines
are key=value, one per event (a traceback is kept on its line), and never carry personal
data: the request line names the route, not the path or the query, and the formatter
masks any e-mail address and URL query that a message (an error of a library) would hold.
"""
from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from pyramid.tweens import INGRESS

from . import metrics

log = logging.getLogger(__name__)

#: the id of the request this thread serves ("-" outside a request)
REQUEST_ID = contextvars.ContextVar("recueil_request_id", default="-")
#: an incoming id is kept only if it is this short and plain: nothing to forge a log line with
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
HEADER = "X-Request-Id"
#: methods counted by name; any other is counted as "AUTRE" (a label per invented method
#: would grow the metrics without bound)
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_URL_QUERY = re.compile(r"((?:https?://|/)[^\s?\"'<>]*)\?[^\s\"'<>]*")
_NEEDS_QUOTES = re.compile(r"[\s\"=\\]")


def request_id(environ: dict) -> str:
    """The id of a request: the proxy's when safe, a new one otherwise."""
    offered = environ.get("HTTP_X_REQUEST_ID", "")
    return offered if SAFE_ID.fullmatch(offered) else uuid.uuid4().hex


def scrubbed(text: str) -> str:
    """`text` without e-mail addresses or URL queries (a search's words may be anything)."""
    return _URL_QUERY.sub(r"\1?…", _EMAIL.sub("<courriel>", text))


def _value(value: object) -> str:
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


class KeyValueFormatter(logging.Formatter):
    """time=… level=… logger=… request_id=… msg="…" [fields of `extra`] [exc="…"], one line."""

    #: attributes of every LogRecord: anything else was given in `extra` and is written out
    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": scrubbed(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                fields[key] = scrubbed(str(value))
        if record.exc_info:
            fields["exc"] = scrubbed(self.formatException(record.exc_info))
        return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _stamping(factory):
    """A LogRecord factory that writes the request id on each record when it is made: a
    handler may format it later, in another thread."""
    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make_record.stamps_request_id = True
    return make_record


def request_log_tween_factory(handler, registry):
    def request_log_tween(request):
        rid = request_id(request.environ)
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500
        try:
            response = handler(request)
            status = response.status_int
            response.headers[HEADER] = rid
            return response
        finally:
            seconds = time.perf_counter() - started
            route = request.matched_route.name if request.matched_route else "aucune"
            method = request.method if request.method in METHODS else "AUTRE"
            metrics.REQUESTS.labels(route, method, str(status)).inc()
            metrics.LATENCY.labels(route).observe(seconds)
            log.info("requête", extra={"route": route, "method": method,
                                       "status": status, "ms": round(seconds * 1000, 1)})
            REQUEST_ID.reset(token)

    return request_log_tween


def includeme(config):
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_stamping(factory))
    # outermost but the debug toolbar: it sees the error pages and the security headers' tween
    config.add_tween("recueil.requestlog.request_log_tween_factory",
                     under=("pyramid_debugtoolbar.toolbar_tween_factory", INGRESS),
                     over="recueil.headers.security_headers_tween_factory")
