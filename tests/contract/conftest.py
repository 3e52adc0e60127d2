"""A real Solr and a real SolrCloud for the contract tests: the ones `make test` started
(RECUEIL_TEST_SOLR_URL, RECUEIL_TEST_SOLR_ZK_HOSTS), or ones started here from the jars
assembled from Maven Central. The tests that take `solr_settings` run on both."""
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


@pytest.fixture(scope="session")
def solrcloud_zk():
    """The ZooKeeper of a SolrCloud of 2 nodes with the collection on 1 shard, 2 replicas."""
    zk_hosts = os.environ.get("RECUEIL_TEST_SOLR_ZK_HOSTS")
    if zk_hosts:
        yield zk_hosts
        return
    module = _solr_server_module()
    try:
        cloud = module.SolrCloud(nodes=2, shards=1, replicas=2).start()
    except (module.SolrError, OSError) as error:
        pytest.fail(f"SolrCloud n'a pas pu démarrer : {error}")
    yield cloud.zk_host
    from recueil.search.cloud import forget_live_nodes

    forget_live_nodes(cloud.zk_host)
    cloud.stop()


@pytest.fixture(scope="session", params=["solr", "solrcloud"])
def solr_settings(request):
    """How the application reaches Solr: one Solr (solr.url), or SolrCloud (solr.zk_hosts)."""
    if request.param == "solr":
        return {"solr.url": request.getfixturevalue("solr_url")}
    return {"solr.zk_hosts": request.getfixturevalue("solrcloud_zk"),
            "solr.collection": "pratiques"}


def solr_client(settings):
    """The application's client of the Solr of these settings."""
    from recueil.search.solr import SolrSearch

    return SolrSearch.from_settings(settings)


@pytest.fixture
def solr(solr_settings):
    """A client of the test Solr, its core emptied before and after the test."""
    client = solr_client(solr_settings)
    client.clear()
    yield client
    client.clear()


@pytest.fixture
def backends(wsgi_app, corpus, solr_settings):
    """Both backends, side by side, over the `corpus` fixture of the test's module."""
    from recueil.search.sql import SqlSearch

    session = wsgi_app.registry["dbsession_factory"]()
    yield {"sql": SqlSearch(session), "solr": solr_client(solr_settings)}
    session.close()
