"""SolrCloud: the live nodes learnt from ZooKeeper, each request sent to one of them and to
the next when it fails, and the preparation of the collection (configset, Collections API).

The application reads nothing else from ZooKeeper than /live_nodes (and the cluster's URL
scheme): any live node answers for the whole collection, forwarding a query to the
replicas and an update to the leaders. While ZooKeeper is unreachable, the nodes last
known go on being used.
"""
from __future__ import annotations

import io
import itertools
import logging
import random
import re
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pysolr
import requests
from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NoNodeError
from kazoo.handlers.threading import KazooTimeoutError

log = logging.getLogger(__name__)

#: the project's configset: the configuration of the single Solr's core
CONFIGSET_DIR = Path(__file__).resolve().parent / "solr" / "pratiques" / "conf"
#: seconds a node that failed is tried only after the others
REST_SECONDS = 5.0
#: seconds between two readings of the live nodes when no watch has fired
REFRESH_SECONDS = 30.0
#: seconds a new client waits for ZooKeeper's first list of nodes before a request fails
FIRST_LIST_SECONDS = 10.0
_HTTP_STATUS = re.compile(r"\(HTTP (\d{3})\)")


def node_url(node_name: str, scheme: str = "http") -> str:
    """The base URL of a node from its name in /live_nodes (``host:port_solr``)."""
    host, _, context = node_name.partition("_")
    return f"{scheme}://{host}/{urllib.parse.unquote(context).strip('/')}"


class LiveNodes:
    """The base URLs of the Solr nodes that ZooKeeper lists as live.

    A thread of its own reads /live_nodes again whenever its watch fires or the connection
    to ZooKeeper comes back (and every REFRESH_SECONDS), so that nothing ever waits on
    ZooKeeper in kazoo's own threads: a process starts with ZooKeeper down, keeps the last
    list it had while ZooKeeper is unreachable, and ends without waiting for it.
    """

    def __init__(self, zk_hosts: str, timeout: float = 10.0):
        self.zk_hosts = zk_hosts
        self.timeout = timeout
        self._urls: tuple[str, ...] = ()
        self._known = threading.Event()
        self._changed = threading.Event()
        self._lock = threading.Lock()
        self._resting: dict[str, float] = {}
        self._turn = itertools.count(random.randrange(1 << 16))  # nosec B311 - not a secret
        # reconnect for ever, at most 2 s apart: the list follows ZooKeeper once it is back
        self.zk = KazooClient(hosts=zk_hosts, timeout=timeout, read_only=True,
                              connection_retry={"max_tries": -1, "max_delay": 2})
        self.zk.add_listener(lambda _state: self._changed.set())
        self._stopped = False
        threading.Thread(target=self._follow, name="solr-live-nodes", daemon=True).start()

    def _follow(self) -> None:
        while not self._stopped:
            try:
                self.zk.start(self.timeout)
                break
            except KazooTimeoutError:
                log.warning("ZooKeeper injoignable (%s), nouvel essai", self.zk_hosts)
        while not self._stopped:
            self._changed.clear()
            try:
                self._read()
                wait = REFRESH_SECONDS
            except (KazooException, KazooTimeoutError) as error:
                log.warning("Nœuds Solr non relus dans ZooKeeper (%s) : %r ; la dernière "
                            "liste reste en usage", self.zk_hosts, error)
                wait = 1.0
            self._changed.wait(wait)

    def _read(self) -> None:
        names = self.zk.get_children_async(
            "/live_nodes", watch=lambda _event: self._changed.set()).get(timeout=self.timeout)
        scheme = "http"
        try:
            data, _stat = self.zk.get_async("/clusterprops.json").get(timeout=self.timeout)
            scheme = orjson.loads(data or b"{}").get("urlScheme") or "http"
        except NoNodeError:
            pass
        except (orjson.JSONDecodeError, AttributeError):
            log.warning("clusterprops.json illisible dans ZooKeeper (%s)", self.zk_hosts)
        urls = tuple(node_url(name, scheme) for name in sorted(names))
        with self._lock:
            changed, self._urls = urls != self._urls, urls
        if changed:
            log.info("Nœuds Solr vivants : %s", ", ".join(urls) or "aucun")
        self._known.set()

    def urls(self) -> list[str]:
        """The live nodes, a different one first at each call, those that failed lately last."""
        self._known.wait(FIRST_LIST_SECONDS)
        with self._lock:
            urls = self._urls
        if not urls:
            return []
        start = next(self._turn) % len(urls)
        turn = urls[start:] + urls[:start]
        now = time.monotonic()
        fresh = [u for u in turn if self._resting.get(u, 0.0) <= now]
        return fresh + [u for u in turn if u not in fresh]

    def failed(self, url: str) -> None:
        """`url` did not answer: try the others first for a while."""
        self._resting[url] = time.monotonic() + REST_SECONDS

    def close(self) -> None:
        self._stopped = True
        self._changed.set()
        self.zk.stop()
        self.zk.close()


_shared: dict[str, LiveNodes] = {}
_shared_lock = threading.Lock()


def live_nodes(zk_hosts: str) -> LiveNodes:
    """The one LiveNodes of this process for `zk_hosts` (one connection to ZooKeeper)."""
    with _shared_lock:
        nodes = _shared.get(zk_hosts)
        if nodes is None:
            nodes = _shared[zk_hosts] = LiveNodes(zk_hosts)
        return nodes


def forget_live_nodes(zk_hosts: str) -> None:
    """Close this process's connection to the ZooKeeper of `zk_hosts` (a SolrCloud gone)."""
    with _shared_lock:
        nodes = _shared.pop(zk_hosts, None)
    if nodes is not None:
        nodes.close()


class CloudSolr(pysolr.Solr):
    """A pysolr client of a collection of a SolrCloud: each request goes to a live node, and
    to the next one when that node cannot answer, so that one node down fails no request."""

    def __init__(self, nodes: LiveNodes, collection: str, **kwargs: Any):
        self.nodes = nodes
        self.collection = collection
        self._current = threading.local()
        super().__init__(f"solrcloud:{collection}", **kwargs)

    def _create_full_url(self, path: str = "") -> str:
        # the node of this thread's attempt: the client is shared by the process's threads
        base = f"{self._current.node}/{self.collection}"
        return "/".join([base, path.lstrip("/")]) if path else base

    def _send_request(self, method: str, path: str = "", body: Any = None,
                      headers: dict | None = None, files: Any = None) -> Any:
        urls = self.nodes.urls()
        if not urls:
            raise pysolr.SolrError(f"aucun nœud Solr vivant connu ({self.nodes.zk_hosts})")
        error: Exception | None = None
        for url in urls:
            self._current.node = url
            try:
                return super()._send_request(method, path, body, headers, files)
            except (pysolr.SolrError, requests.RequestException) as failure:
                status = _HTTP_STATUS.search(str(failure))
                if status and int(status.group(1)) < 500:
                    raise  # the request itself is refused: every node would refuse it
                error = failure
                self.nodes.failed(url)
                log.warning("Nœud Solr %s en échec, requête reprise sur un autre : %s",
                            url, failure)
        raise error


def configset_zip(conf_dir: Path = CONFIGSET_DIR) -> bytes:
    """The configset as the ConfigSets API takes it: a zip of the files of `conf_dir`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(conf_dir.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(conf_dir).as_posix())
    return buffer.getvalue()


def setup_collection(call: Callable[..., dict], collection: str, shards: int,
                     replication_factor: int, configset: bytes) -> list[str]:
    """Upload the configset named after `collection`, then create the collection, or reload
    it when it exists; `call(method, path, params, body)` asks a node. Returns what was done,
    one French sentence each."""
    done = []
    configsets = call("get", "admin/configs", {"action": "LIST"}).get("configSets", [])
    call("post", "admin/configs", {"action": "UPLOAD", "name": collection,
                                   "overwrite": "true", "cleanup": "true"}, configset)
    done.append(f"Configset « {collection} » "
                + ("mis à jour." if collection in configsets else "envoyé."))
    collections = call("get", "admin/collections", {"action": "LIST"}).get("collections", [])
    if collection in collections:
        call("get", "admin/collections", {"action": "RELOAD", "name": collection})
        done.append(f"Collection « {collection} » rechargée avec ce configset.")
    else:
        call("get", "admin/collections", {
            "action": "CREATE", "name": collection, "numShards": shards,
            "replicationFactor": replication_factor, "collection.configName": collection,
            "waitForFinalState": "true"})
        done.append(f"Collection « {collection} » créée : {shards} shard(s), "
                    f"{replication_factor} réplique(s) par shard.")
    return done
