"""Request bodies are bounded before anything reads them.

waitress refuses, unread, a body beyond its own `max_request_body_size` (the .ini files); the
application refuses one beyond `recueil.max_request_bytes` before Pyramid copies or parses it,
and answers 413 with a French page. Without a setting, the limit is the largest body a form
of ours accepts: three attachments of `recueil.max_upload_bytes`, or an import file, plus the
fields around them.
"""
import io
import tempfile
from collections.abc import Callable, Iterable

from pyramid.httpexceptions import HTTPRequestEntityTooLarge
from pyramid.router import Router
from pyramid.tweens import EXCVIEW

from .forms.practice import MAX_ATTACHMENTS
from .services.imports import MAX_BYTES as MAX_IMPORT_BYTES

#: The other fields of a form and the multipart framing, beside its files.
MARGIN = 1024 * 1024
#: The environ key under which the limit is left for the tween when a body exceeds it.
TOO_LARGE = "recueil.body_too_large"
#: A chunked body is copied in pieces of this size, to memory then to a temporary file.
CHUNK = 64 * 1024


def max_request_bytes(settings: dict) -> int:
    """The largest body the application reads, from the settings."""
    configured = settings.get("recueil.max_request_bytes")
    if configured:
        return int(configured)
    largest_form = max(MAX_ATTACHMENTS * int(settings["recueil.max_upload_bytes"]),
                       MAX_IMPORT_BYTES)
    return largest_form + MARGIN


class BodyLimit:
    """WSGI middleware around the Pyramid application: an oversized body is never read, its
    request goes on with an empty one, marked for `body_limit_tween_factory` to answer 413.

    It sits outside Pyramid because the retry policy copies the body (to make it
    seekable) before any tween runs.
    """

    def __init__(self, app: Router):
        self.app = app
        # the Pyramid application's registry, as scripts and tests reach it
        self.registry = app.registry
        self.limit = app.registry.settings["recueil.max_request_bytes"]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH")
        if length:
            if length.isdigit() and int(length) > self.limit:
                self._refuse(environ)
        elif _chunked(environ):
            self._bounded_copy(environ)
        return self.app(environ, start_response)

    def _bounded_copy(self, environ: dict) -> None:
        """Read a body of unknown length up to one byte past the limit; within it, hand it
        on with its length, as a server that buffers it would."""
        copy = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        stream, size = environ["wsgi.input"], 0
        while size <= self.limit:
            chunk = stream.read(min(CHUNK, self.limit + 1 - size))
            if not chunk:
                break
            copy.write(chunk)
            size += len(chunk)
        if size > self.limit:
            copy.close()
            self._refuse(environ)
            return
        copy.seek(0)
        environ["wsgi.input"] = copy
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)

    def _refuse(self, environ: dict) -> None:
        environ["wsgi.input"] = io.BytesIO()
        environ["CONTENT_LENGTH"] = "0"
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ[TOO_LARGE] = self.limit


def _chunked(environ: dict) -> bool:
    # waitress hands a chunked body on de-chunked, with its length; other servers may not
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def body_limit_tween_factory(handler: Callable, registry: object) -> Callable:
    def body_limit_tween(request):
        if TOO_LARGE in request.environ:
            raise HTTPRequestEntityTooLarge()
        return handler(request)

    return body_limit_tween


def includeme(config):
    settings = config.registry.settings
    settings["recueil.max_request_bytes"] = max_request_bytes(settings)
    # below the exception views, so that the 413 is their French page
    config.add_tween("recueil.bodylimit.body_limit_tween_factory", under=EXCVIEW)
