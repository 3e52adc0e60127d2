"""The security headers of every response, set in one tween so that no view can forget them."""
from pyramid.tweens import INGRESS

#: Only our own files: no inline script, style or event handler runs, so an injected tag
#: that slipped past escaping does nothing. `data:` images are the DSFR's icons in its CSS.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # frame-ancestors for the browsers that predate it
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # a personal link's token is in its path: no other site learns even our pages' addresses
    "Referrer-Policy": "same-origin",
}

#: Pages of a declarant's or the staff's session, and the personal links: never kept by a
#: browser or a proxy, so that the back button on a shared computer shows nothing of them.
PRIVATE_PREFIXES = ("/mon-espace", "/gestion", "/acces")


def is_private(path: str) -> bool:
    """Whether `path` belongs to a signed-in space or is a personal link."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PRIVATE_PREFIXES)


def security_headers_tween_factory(handler, registry):
    hsts_max_age = registry.settings["recueil.hsts_max_age"]
    headers = dict(HEADERS)
    if hsts_max_age:
        headers["Strict-Transport-Security"] = f"max-age={hsts_max_age}"

    def security_headers_tween(request):
        response = handler(request)
        for name, value in headers.items():
            response.headers[name] = value
        # the raw WSGI path: the prefixes are ASCII, and a path that is not UTF-8 (answered
        # 400 further in) must not fail here
        if is_private(request.environ.get("PATH_INFO", "")):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response

    return security_headers_tween


def includeme(config):
    # below the debug toolbar, when development has it, so that its own pages (inline
    # scripts) keep working; the outermost tween everywhere else, error pages included
    config.add_tween(
        "recueil.headers.security_headers_tween_factory",
        under=("pyramid_debugtoolbar.toolbar_tween_factory", INGRESS),
    )
