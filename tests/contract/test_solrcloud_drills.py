"""Drills on a SolrCloud of 2 nodes (1 shard, 2 replicas) of their own: a node killed in the
middle of a run of searches and publications, then ZooKeeper unreachable for a while.

No search fails (the client moves to the other node, then keeps the nodes it last knew), no
update is lost (what Solr refuses waits in the queue, and drains), and once the cluster is
whole again every replica holds what the database publishes. Nothing sleeps: every wait is
a poll with a deadline.
"""
import time

import pytest
import requests
import sqlalchemy as sa
import webtest
from pyramid.scripting import prepare

from recueil import main
from recueil.models import IndexTask, Practice
from recueil.search.cloud import forget_live_nodes
from recueil.search.query import SearchRequest
from recueil.search.service import drain_queue

from ..conftest import _clean
from ..factories import make_practice
from .conftest import _solr_server_module, solr_client

#: seconds a run of searches and publications may last before the cluster must have healed
DEADLINE = 90.0


@pytest.fixture(scope="module")
def cloud():
    module = _solr_server_module()
    # a short ZooKeeper session: a killed node leaves /live_nodes, and a node cut from
    # ZooKeeper refuses updates, 5 s later
    cluster = module.SolrCloud(nodes=2, shards=1, replicas=2, zk_timeout=5.0,
                               leader_vote_wait=5.0)
    try:
        cluster.start()
    except (module.SolrError, OSError) as error:
        pytest.fail(f"SolrCloud n'a pas pu démarrer : {error}")
    yield cluster
    forget_live_nodes(cluster.zk_host)
    cluster.stop()


@pytest.fixture
def settings(cloud):
    return {"search.backend": "solr", "solr.zk_hosts": cloud.zk_host}


@pytest.fixture
def solr(cloud, settings):
    cloud.wait_active()
    client = solr_client(settings)
    client.clear()
    return client


@pytest.fixture
def app(app_settings, settings, solr, engine):
    yield main({}, **dict(app_settings, **settings))
    _clean(engine)


class Run:
    """Searches and publications through the application, counted."""

    def __init__(self, app, solr, engine):
        self.app, self.solr, self.engine = app, solr, engine
        self.browser = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "192.0.2.40"})
        self.searches = 0
        #: the longest the queue was after a publication
        self.most_queued = 0

    def publish(self) -> None:
        """Publish a practice in a request's transaction: it reaches Solr after the commit,
        or waits in the queue."""
        env = prepare(registry=self.app.registry)
        try:
            with env["request"].tm:
                make_practice(env["request"].dbsession, intitule="Un jardin partagé")
        finally:
            env["closer"]()
        self.most_queued = max(self.most_queued, self.queued())

    def search(self) -> None:
        """A search of Solr itself (it raises when Solr cannot answer: no fallback hides it),
        and one of the public API."""
        result = self.solr.search(SearchRequest(q="jardin", par_page=100))
        assert result.backend == "solr"
        assert set(result.ids) <= self.published()
        answer = self.browser.get("/api/pratiques", {"q": "jardin", "par_page": "100"})
        assert 0 < answer.json["total"] <= len(self.published())
        self.searches += 1

    def published(self) -> set:
        with self.engine.connect() as connection:
            return set(connection.scalars(
                sa.select(Practice.id).where(Practice.status == "publiee")))

    def queued(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(IndexTask))


def replica_ids(cloud) -> dict[str, set]:
    """What each replica holds, asked of it alone (distrib=false)."""
    held = {}
    for replica in cloud.replica_states():
        answer = requests.get(f"{replica['base_url']}/{replica['core']}/select", timeout=10,
                              params={"q": "*:*", "fl": "id", "rows": 1000,
                                      "distrib": "false", "wt": "json"})
        answer.raise_for_status()
        held[replica["core"]] = {doc["id"] for doc in answer.json()["response"]["docs"]}
    return held


def converged(run, cloud) -> None:
    """Drain the queue, then wait until every replica holds exactly the published practices."""
    deadline = time.monotonic() + DEADLINE
    factory = run.app.registry["dbsession_factory"]
    expected = {str(i) for i in run.published()}
    held = {}
    while True:
        drain_queue(factory, run.solr)
        if run.queued() == 0:
            held = replica_ids(cloud)
            if len(held) == 2 and all(ids == expected for ids in held.values()):
                return
        assert time.monotonic() < deadline, (run.queued(), {k: len(v) for k, v in held.items()})


def test_a_node_killed_mid_run_fails_no_search_and_loses_no_update(cloud, app, solr, engine):
    run = Run(app, solr, engine)
    for _ in range(3):
        run.publish()
        run.search()
    assert run.queued() == 0 and len(run.published()) == 3

    leader = next(r for r in cloud.replica_states() if r["leader"])
    killed = cloud.node_index(leader["base_url"])
    survivor = cloud.node_urls[1 - killed]
    cloud.kill_node(killed)

    # searches and publications go on while the cluster notices and elects a new leader;
    # what the leader's absence refuses waits in the queue, and the next publication that
    # Solr takes drains it
    deadline = time.monotonic() + DEADLINE
    while True:
        run.publish()
        run.search()
        states = cloud.replica_states()
        healed = any(r["leader"] and r["live"] and r["base_url"] == survivor for r in states)
        if run.searches >= 8 and healed and run.queued() == 0:
            break
        assert time.monotonic() < deadline, states
    # without its leader the shard refused updates for a while: they waited, then drained
    assert run.most_queued > 0

    cloud.start_node(killed)
    cloud.wait_active(DEADLINE)
    run.search()
    converged(run, cloud)
    assert len(run.published()) >= 8


def test_zookeeper_unreachable_searches_go_on_and_updates_wait(cloud, app, solr, engine):
    run = Run(app, solr, engine)
    for _ in range(3):
        run.publish()
        run.search()
    known = solr.nodes.urls()

    cloud.zookeeper.pause()
    try:
        # every search is answered by the nodes last known; once the nodes' sessions are
        # lost, Solr refuses updates: they wait in the queue
        deadline = time.monotonic() + DEADLINE
        while True:
            run.publish()
            run.search()
            if run.queued() > 0 and run.searches >= 6:
                break
            assert time.monotonic() < deadline, "Solr a accepté toutes les mises à jour"
        assert sorted(solr.nodes.urls()) == sorted(known)
        waiting = run.queued()
        run.search()
    finally:
        cloud.zookeeper.resume()

    cloud.wait_active(DEADLINE)
    assert run.queued() >= waiting
    converged(run, cloud)
    run.search()
