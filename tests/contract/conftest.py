"""A real Solr for the contract tests: the one `make test` started (RECUEIL_TEST_SOLR_URL),
or one started here from the jars assembled from Maven Central."""
import importlib.util
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _solr_server_module():
    spec = importlib.util.spec_from_file_location(
        "solr_server", ROOT / "tools" / "solr" / "solr_server.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def solr_url():
    url = os.environ.get("RECUEIL_TEST_SOLR_URL")
    if url:
        yield url.rstrip("/")
        return
    module = _solr_server_module()
    try:
        server = module.SolrServer().start()
    except (module.SolrError, OSError) as error:
        message = f"Solr n'a pas pu démarrer : {error}"
        pytest.fail(message)  # « make test » provides it: a missing service is a failure
    yield server.url
    server.stop()


@pytest.fixture
def solr(solr_url):
    """A client of the test Solr, its core emptied before and after the test."""
    from recueil.search.solr import SolrSearch

    client = SolrSearch(solr_url)
    client.clear()
    yield client
    client.clear()


@pytest.fixture
def backends(wsgi_app, corpus, solr_url):
    """Both backends, side by side, over the `corpus` fixture of the test's module."""
    from recueil.search.solr import SolrSearch
    from recueil.search.sql import SqlSearch

    session = wsgi_app.registry["dbsession_factory"]()
    yield {"sql": SqlSearch(session), "solr": SolrSearch(solr_url)}
    session.close()
