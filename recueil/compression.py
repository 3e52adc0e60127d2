"""Pages, API answers and open-data files sent compressed to the visitors without a session.

A catalogue page is 100 to 200 kB of HTML: compressed, a phone on a slow network shows it
much sooner. Only answers to a request that carries no cookie are compressed. A page that
holds a secret of its visitor (a CSRF token, a personal link) next to text they typed could
otherwise leak it through its compressed size (BREACH), which takes many requests carrying
the same secret. A request without a cookie has no secret yet: a token its answer holds is
a new one, which the next request does not share.
"""
from pyramid.tweens import INGRESS

#: smaller answers gain less than the compression costs
MIN_BYTES = 1024
COMPRESSED_TYPES = ("text/html", "application/json", "application/xml", "application/atom+xml",
                    "text/csv", "application/ld+json", "application/schema+json")


def _compressible(request, response) -> bool:
    return (
        "gzip" in request.headers.get("Accept-Encoding", "")
        and "Cookie" not in request.headers
        and response.content_encoding is None
        and response.content_type in COMPRESSED_TYPES
        and response.content_length is not None and response.content_length >= MIN_BYTES
    )


def compression_tween_factory(handler, _registry):
    def compression_tween(request):
        response = handler(request)
        response.vary = tuple({*(response.vary or ()), "Accept-Encoding"})
        if request.method in ("GET", "HEAD") and _compressible(request, response):
            response.encode_content("gzip", lazy=False)
        return response

    return compression_tween


def includeme(config):
    # over the security headers' tween: it compresses the final answer, error pages included
    config.add_tween("recueil.compression.compression_tween_factory",
                     under=("pyramid_debugtoolbar.toolbar_tween_factory", INGRESS),
                     over="recueil.headers.security_headers_tween_factory")
