"""A real HTTP server for the application, and Debian's Chromium driven by Playwright."""
import os

import pytest
from webtest.http import StopableWSGIServer

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("RECUEIL_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(path):
        message = f"Chromium introuvable ({path}) : « make test » l'installe depuis Debian."
        pytest.fail(message)  # « make test » provides it: a missing service is a failure
    return path


@pytest.fixture
def live_server(wsgi_app, engine, clock, mailbox):
    from ..conftest import _clean

    server = StopableWSGIServer.create(wsgi_app, host="127.0.0.1")
    url = server.application_url.rstrip("/")
    # the links and redirections lead to the public address: here, this server's
    settings = wsgi_app.registry.settings
    public, settings["recueil.public_url"] = settings["recueil.public_url"], url
    yield url
    settings["recueil.public_url"] = public
    server.shutdown()
    _clean(engine)


@pytest.fixture
def page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR")
        yield context.new_page()
        context.close()
        browser.close()
