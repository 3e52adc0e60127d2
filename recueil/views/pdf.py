"""Documents to print, rendered from a page template by WeasyPrint as tagged PDF (PDF/UA).

WeasyPrint is given the HTML as a string and may read nothing but the DSFR's Marianne font
files: a practice's text never makes it fetch an address.
"""
import pathlib

import weasyprint
from pyramid.renderers import render
from pyramid.response import Response

#: the DSFR's fonts, the only files a document may load
FONTS = pathlib.Path(__file__).resolve().parent.parent / "static" / "dsfr" / "fonts"
_FONT_URL = FONTS.as_uri() + "/"


def _fonts_only(url: str, *args, **kwargs):
    if not url.startswith(_FONT_URL) or "/../" in url:
        raise ValueError(f"ressource refusée dans un document PDF : {url[:80]}")
    return weasyprint.default_url_fetcher(url, *args, **kwargs)


def pdf_response(request, template: str, values: dict, filename: str) -> Response:
    """The PDF of `template` rendered with `values`, downloaded as `filename`."""
    html = render(template, {**values, "fonts": _FONT_URL}, request=request)
    document = weasyprint.HTML(string=html, base_url=_FONT_URL, url_fetcher=_fonts_only)
    body = document.write_pdf(pdf_variant="pdf/ua-1")
    return Response(body=body, content_type="application/pdf",
                    content_disposition=f'attachment; filename="{filename}"',
                    cache_control="no-store")
