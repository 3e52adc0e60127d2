"""The static files: a name that changes with their content, compressed, kept a year, and
one stylesheet holding only the part of the DSFR that the pages use."""
import gzip
import re

import brotli
from fontTools.ttLib import TTFont
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
    assert any(url.endswith("/recueil.bundle.min.css") for url in files)
    # the stylesheet of old browsers is not sent to every visitor
    assert not any(url.endswith("/dsfr.min.css") or "legacy" in url for url in files)


def raw_get(app, url, encodings):
    """A GET as a browser sends it: WebTest would decode the body and drop its encoding."""
    request = Request.blank(url, headers={"Accept-Encoding": encodings})
    return request.get_response(app)


def test_a_versioned_file_is_sent_compressed_and_kept_a_year(testapp, wsgi_app):
    url = next(url for url in stylesheets_and_scripts(testapp.get("/"))
               if url.endswith(assets.BUNDLE))
    original = (assets.STATIC / assets.BUNDLE).read_bytes()

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


def page_stylesheet(testapp, path="/"):
    page = testapp.get(path)
    blocking = [link["href"] for link in page.html.find_all("link", rel="stylesheet")
                if link.get("media") != "print"]
    # one request, not three, stands between the visitor and the first paint
    assert len(blocking) == 1, blocking
    return blocking[0], testapp.get(blocking[0]).text


def test_one_stylesheet_keeps_the_icons_the_pages_use_and_no_other(testapp):
    _, css = page_stylesheet(testapp)
    assert ".fr-icon-arrow-left-line" in css  # the "back" links of many pages
    assert ".fr-icon-zoom-out-line" not in css  # no page shows it
    assert ".liste-sans-puce" in css  # ours, after the DSFR's


def test_the_stylesheet_keeps_the_dsfr_components_used_and_their_states(testapp):
    _, css = page_stylesheet(testapp)
    assert ".fr-header__brand" in css
    # a state that only the DSFR's script gives, to an accordion or the menu
    assert ".fr-collapse--expanded" in css
    # a component that no page shows
    assert ".fr-consent-banner" not in css
    assert len(css) < 0.8 * (assets.STATIC / assets.MAIN).stat().st_size


def test_the_stylesheet_leads_to_its_fonts_and_icons(testapp):
    url, css = page_stylesheet(testapp)
    addresses = set(re.findall(r"url\(([^\"')][^)]*)\)", css))
    assert any("Marianne-Regular.woff2" in address for address in addresses)
    assert any("/icons/" in address for address in addresses)
    folder = url.rsplit("/", 1)[0]
    for address in addresses:
        testapp.get(f"{folder}/{address}", status=200)


def test_the_stylesheet_follows_its_sources(tmp_path):
    """A change to a source stylesheet or to the pages rebuilds it at the next start."""
    static = tmp_path / "static"
    for name in assets.BUNDLED:
        (static / name).parent.mkdir(parents=True, exist_ok=True)
    (static / assets.MAIN).write_text(
        '@charset "UTF-8";@font-face{src:url(fonts/M.woff2)}'
        ".fr-header{color:red}.fr-consent-banner{color:blue}", encoding="utf-8")
    (static / assets.UTILITY_USED).write_text(
        '.fr-icon-x:before{mask-image:url("../icons/x.svg")}', encoding="utf-8")
    (static / "recueil.css").write_text(".carte{color:green}", encoding="utf-8")

    assets.bundle(static, static / assets.BUNDLE, {"fr-header"})
    css = (static / assets.BUNDLE).read_text(encoding="utf-8")
    assert css == ('@charset "UTF-8";@font-face{src:url(dsfr/fonts/M.woff2)}'
                   ".fr-header{color:red}"
                   '.fr-icon-x:before{mask-image:url("dsfr/icons/x.svg")}.carte{color:green}')


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


#: what French pages write, capitals and punctuation included
FRENCH = "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’“”–—…€ Ștefan Łódź"


def test_the_pages_get_the_fonts_cut_down_to_french_and_the_whole_ones_past_it(testapp):
    url, css = page_stylesheet(testapp)
    folder = url.rsplit("/", 1)[0]
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    regular = [face for face in faces if "Marianne-Regular.woff2" in face]
    assert len(regular) == 2
    whole, latin = regular
    assert "fonts-latin/Marianne-Regular.woff2" in latin and "U+00A0-017F" in latin
    # the whole font only for what it has and the cut-down one has not (Vietnamese letters,
    # not ⌘, which the font does not have): fetched for such a page alone
    assert "dsfr/fonts/Marianne-Regular.woff2" in whole and "U+1EA0-1EF9" in whole
    assert "U+00A0" not in whole and "U+0020" not in whole and "U+2318" not in whole
    for path in ("dsfr/fonts-latin/Marianne-Regular.woff2", "dsfr/fonts/Marianne-Regular.woff2"):
        testapp.get(f"{folder}/{path}", status=200)
    cut = TTFont(assets.STATIC / assets.FONT_SUBSETS / "Marianne-Regular.woff2")
    assert {ord(c) for c in FRENCH} <= set(cut.getBestCmap())
    sizes = [(assets.STATIC / folder_name / "Marianne-Regular.woff2").stat().st_size
             for folder_name in (assets.FONT_SUBSETS, assets.FONTS)]
    assert sizes[0] < 0.7 * sizes[1]
