"""Every route, for every persona, answers with the security headers; the pages of a
signed-in space are never stored; and no page carries inline code that the policy refuses.

The walk takes its routes from the application's route table and its paths and accounts from
the access matrix, so a new route is walked as soon as the matrix knows it.
"""
import pathlib
import re

import pytest
import webtest
from pyramid.paster import get_appsettings

from recueil import main
from recueil.models import Attachment

from ..factories import make_practice
from .helpers import sign_in_declarant
from .test_access_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    PERSONAS,
    _path,
    apps,
    ask,
    world,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRIVATE = re.compile(r"^/(mon-espace|gestion|acces)(/|$)")
INLINE_HANDLER = re.compile(r"^on[a-z]+$")


def directives(response) -> dict:
    policy = response.headers["Content-Security-Policy"]
    parsed = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parsed}


def check_headers(response, path, where):
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'none'"], where
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive], where
        assert "'unsafe-eval'" not in policy[directive], where
    assert policy["object-src"] == ["'none'"], where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    if PRIVATE.match(path):
        assert response.headers["Cache-Control"] == "no-store", where


def check_no_inline_code(response, where):
    """What the policy would block: the page must not rely on it."""
    if response.content_type != "text/html":
        return
    html = response.html
    for script in html.find_all("script"):
        assert script.get("src"), f"{where} : script en ligne"
    assert not html.find_all("style"), f"{where} : feuille de style en ligne"
    for tag in html.find_all(True):
        assert "style" not in tag.attrs, f"{where} : attribut style sur <{tag.name}>"
        handlers = [name for name in tag.attrs if INLINE_HANDLER.match(name)]
        assert not handlers, f"{where} : gestionnaire {handlers} sur <{tag.name}>"
        for name in ("href", "src", "action", "formaction"):
            value = tag.get(name) or ""
            assert not value.strip().lower().startswith("javascript:"), where


def test_the_walk_covers_every_route(wsgi_app):
    routes = {entry["introspectable"]["name"]
              for entry in wsgi_app.registry.introspector.get_category("routes")}
    assert {name for name in routes if not name.startswith("__")} == set(MATRIX)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_with_the_security_headers(persona, apps, world, smtp_server,  # noqa: F811
                                                        wsgi_app):
    for route, (method, template, _) in MATRIX.items():
        path = _path(template, world, smtp_server, wsgi_app)
        response = ask(route, method, path, persona, apps, wsgi_app, smtp_server)
        where = f"{route} ({path}) pour {persona} : {response.status}"
        check_headers(response, path, where)
        check_no_inline_code(response, where)
        if response.status_int in (301, 302, 303) and method == "GET":
            followed = response.follow(expect_errors=True)
            target = followed.request.path_info
            check_headers(followed, target, f"{where} → {target}")
            check_no_inline_code(followed, f"{where} → {target}")


@pytest.mark.parametrize("method, path", [
    ("GET", "/page-qui-n-existe-pas"),
    ("GET", "/gestion/page-qui-n-existe-pas"),
    ("GET", "/mon-espace/pratiques/999999"),
    ("GET", "/acces/jeton-invalide"),
    ("GET", "/static/recueil.css"),
    ("GET", "/static/dsfr/dsfr.module.min.js"),
    ("POST", "/declarer"),  # without the CSRF token
    ("POST", "/mon-espace/nouvelle"),
])
def test_error_pages_and_static_files_carry_the_headers_too(testapp, method, path):
    response = testapp.request(path, method=method, expect_errors=True)
    assert response.status_int < 500
    check_headers(response, path, f"{method} {path}")
    check_no_inline_code(response, f"{method} {path}")


def test_pages_listing_attachments_carry_no_inline_code(testapp, mailbox, wsgi_app):
    # the walk's practices show no attachment list: these pages have forms of their own there
    address = "ines.roux@association.example.org"
    with wsgi_app.registry["dbsession_factory"]() as session:
        ids = {}
        for status in ("complement_demande", "brouillon"):
            practice = make_practice(session, status=status, declarant_courriel=address)
            practice.attachments.append(Attachment(
                filename="bilan.pdf", media_type="application/pdf", size=9, sha256="1" * 64,
                content=b"%PDF-1.4\n"))
            ids[status] = practice.id
        session.commit()
    sign_in_declarant(testapp, mailbox, address)
    for path in (f"/mon-espace/pratiques/{ids['complement_demande']}/complements",
                 f"/mon-espace/pratiques/{ids['brouillon']}/etape/resultats"):
        response = testapp.get(path)
        assert "Retirer le document" in response.text, path
        check_headers(response, path, path)
        check_no_inline_code(response, path)


def test_public_pages_may_be_stored(testapp):
    # no-store is for private spaces only: the catalogue stays cacheable by the back button
    assert "no-store" not in testapp.get("/pratiques").headers.get("Cache-Control", "")


def test_hsts_only_where_configured(testapp):
    assert "Strict-Transport-Security" not in testapp.get("/").headers


def test_production_sends_hsts(app_settings):
    settings = get_appsettings(str(ROOT / "production.ini"))
    settings.update(app_settings, **{"recueil.secret": "s" * 48, "search.backend": "sql"})
    app = webtest.TestApp(main({}, **settings))
    response = app.get("/", extra_environ={"wsgi.url_scheme": "https"})
    max_age = re.fullmatch(r"max-age=(\d+)", response.headers["Strict-Transport-Security"])
    assert max_age and int(max_age.group(1)) >= 180 * 24 * 3600
    check_headers(response, "/", "production")
