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
