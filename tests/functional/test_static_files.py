"""The static files: a name that changes with their content, compressed, kept a year, and
only the part of the DSFR's utility stylesheet that the pages use."""
import gzip
import re

import brotli
from webob import Request

from recueil import assets

VERSIONED = re.compile(r"^/static/v-[0-9a-f]{12}/")


def stylesheets_and_scripts(page):
    links = [link["href"] for link in page.html.find_all("link", rel="stylesheet")]
    scripts = [script["src"] for script in page.html.find_all("script", src=True)]
    return links + scripts


def test_pages_name_their_files_with_the_version_of_the_folder(testapp):
    files = stylesheets_and_scripts(testapp.get("/"))
    assert files
    for url in files:
        assert VERSIONED.match(url.removeprefix("http://localhost")), url
    assert any(url.endswith("/dsfr/dsfr.main.min.css") for url in files)
    # the stylesheet of old browsers is not sent to every visitor
    assert not any(url.endswith("/dsfr.min.css") or "legacy" in url for url in files)


def raw_get(app, url, encodings):
    """A GET as a browser sends it: WebTest would decode the body and drop its encoding."""
    request = Request.blank(url, headers={"Accept-Encoding": encodings})
    return request.get_response(app)


def test_a_versioned_file_is_sent_compressed_and_kept_a_year(testapp, wsgi_app):
    url = next(url for url in stylesheets_and_scripts(testapp.get("/"))
               if url.endswith("dsfr.main.min.css"))
    original = (assets.STATIC / "dsfr/dsfr.main.min.css").read_bytes()

    zipped = raw_get(wsgi_app, url, "gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == original
    assert len(zipped.body) < len(original) / 4
    assert "max-age=31536000" in zipped.headers["Cache-Control"]
    assert "immutable" in zipped.headers["Cache-Control"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert zipped.headers["X-Content-Type-Options"] == "nosniff"

    squeezed = raw_get(wsgi_app, url, "br, gzip")
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.body) == original

    plain = raw_get(wsgi_app, url, "identity")
    assert "Content-Encoding" not in plain.headers
    assert plain.body == original


def test_a_page_downloads_little_besides_its_html(testapp, wsgi_app):
    total = 0
    for url in stylesheets_and_scripts(testapp.get("/")):
        response = raw_get(wsgi_app, url, "br, gzip")
        assert response.status_int == 200, url
        total += len(response.body)
    # was 1.45 MB of DSFR files sent as they are
    assert total < 150_000, total


def test_the_utility_stylesheet_keeps_the_icons_the_pages_use_and_no_other(testapp):
    url = next(url for url in stylesheets_and_scripts(testapp.get("/"))
               if "utility" in url)
    css = testapp.get(url).text
    assert ".fr-icon-arrow-left-line" in css  # the "back" links of many pages
    assert ".fr-icon-zoom-out-line" not in css  # no page shows it
    assert len(css) < 50_000


def test_an_address_from_an_earlier_release_leads_to_todays_file(testapp):
    response = testapp.get("/static/v-000000000000/recueil.css", status=302)
    assert VERSIONED.match(response.location.removeprefix("http://localhost"))
    assert response.location.endswith("/recueil.css")
    assert response.follow().body == (assets.STATIC / "recueil.css").read_bytes()


def test_a_missing_file_under_todays_version_is_not_found(testapp):
    url = next(iter(stylesheets_and_scripts(testapp.get("/"))))
    prefix = VERSIONED.match(url.removeprefix("http://localhost")).group(0)
    testapp.get(prefix + "nothing-here.css", status=404)


def test_pages_are_compressed_for_a_visitor_without_a_session(wsgi_app, testapp):
    testapp.get("/")  # the session's application warmed up, the database ready
    answer = raw_get(wsgi_app, "/pratiques", "gzip, br")
    assert answer.status_int == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert b"<!DOCTYPE html>" in gzip.decompress(answer.body)


def test_a_page_is_not_compressed_for_a_visitor_with_a_session(wsgi_app):
    request = Request.blank("/pratiques", headers={"Accept-Encoding": "gzip",
                                                   "Cookie": "session=quelconque"})
    answer = request.get_response(wsgi_app)
    assert answer.status_int == 200
    assert "Content-Encoding" not in answer.headers  # BREACH: a secret beside typed text


def test_a_page_opening_a_session_is_compressed_too(wsgi_app, testapp, publish):
    """The practice's page opens a session for its forms' token: new at each cookie-less
    request, it gives BREACH nothing to guess at."""
    practice = publish()
    answer = raw_get(wsgi_app, f"/pratiques/{practice.id}", "gzip")
    assert answer.status_int == 200
    assert "Set-Cookie" in answer.headers
    assert answer.headers["Content-Encoding"] == "gzip"
    assert b'name="csrf_token"' in gzip.decompress(answer.body)
