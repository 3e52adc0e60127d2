"""`recueil solr-setup` prepares a SolrCloud collection: the configset uploaded and the
collection created, then, on a later run, the configset replaced and the collection
reloaded; it says what it did."""
import uuid

import pytest
import requests

from recueil.scripts.cli import main as cli
from recueil.search.query import SearchRequest

from .conftest import solr_client

#: a name of this run's own: the SolrCloud of `make test` serves both passes (SQLite, then
#: PostgreSQL), and a core that the first pass's deletion left on a node's disk made the
#: second pass's creation of the same name fail
COLLECTION = f"essai_installation_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def settings(solrcloud_zk):
    settings = {"search.backend": "solr", "solr.zk_hosts": solrcloud_zk,
                "solr.collection": COLLECTION, "solr.shards": "1",
                "solr.replication_factor": "2"}
    yield settings
    admin = solr_client(settings)
    node = admin.nodes.urls()[0]
    for api, action in (("collections", "DELETE"), ("configs", "DELETE")):
        requests.get(f"{node}/admin/{api}", timeout=60,
                     params={"action": action, "name": COLLECTION, "wt": "json"})


def test_solr_setup_creates_then_updates_and_reloads(settings, ini_file, capsys):
    ini = ini_file(**settings)
    assert cli(["--config", ini, "solr-setup"]) == 0
    assert capsys.readouterr().out == (
        f"Configset « {COLLECTION} » envoyé.\n"
        f"Collection « {COLLECTION} » créée : 1 shard(s), 2 réplique(s) par shard.\n")
    client = solr_client(settings)
    assert client.search(SearchRequest()).total == 0

    assert cli(["--config", ini, "solr-setup"]) == 0
    assert capsys.readouterr().out == (
        f"Configset « {COLLECTION} » mis à jour.\n"
        f"Collection « {COLLECTION} » rechargée avec ce configset.\n")
    status = requests.get(f"{client.nodes.urls()[0]}/admin/collections", timeout=10, params={
        "action": "CLUSTERSTATUS", "collection": COLLECTION, "wt": "json"}).json()
    replicas = status["cluster"]["collections"][COLLECTION]["shards"]["shard1"]["replicas"]
    assert sorted(r["state"] for r in replicas.values()) == ["active", "active"]


def test_solr_setup_needs_zookeeper(ini_file):
    with pytest.raises(SystemExit, match="solr.zk_hosts"):
        cli(["--config", ini_file(), "solr-setup"])
