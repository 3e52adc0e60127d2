"""A real local Solr 9, assembled from Maven Central, for the tests and for development.

Standard library only (importable by the tests and by the Makefile).

    from solr_server import SolrServer, ensure_jars
    with SolrServer() as solr:          # free port on 127.0.0.1
        solr.url                        # http://127.0.0.1:N/solr/pratiques

On the command line:

    python tools/solr/solr_server.py fetch            # downloads the jars (cached)
    python tools/solr/solr_server.py serve [--port P] # runs Solr in the foreground
    python tools/solr/solr_server.py cloud --nodes 2  # a ZooKeeper and 2 Solr nodes

    with SolrCloud(nodes=2, shards=1, replicas=2) as cloud:   # SolrCloud on 127.0.0.1
        cloud.zk_host, cloud.node_urls  # "127.0.0.1:N", ["http://127.0.0.1:P/solr", …]

Maven copies the jars into ``<cache>/<hash of pom.xml>/lib``; the cache is
``$RECUEIL_SOLR_CACHE`` or, when unset, ``~/.cache/recueil-solr``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "CORE",
    "TEMPLATE_DIR",
    "SolrCloud",
    "SolrError",
    "SolrServer",
    "ZooKeeper",
    "cache_base",
    "ensure_jars",
    "jetty_versions",
    "lib_dir",
    "pom_hash",
]

TOOLS_DIR = Path(__file__).resolve().parent
REPO_DIR = TOOLS_DIR.parent.parent
POM = TOOLS_DIR / "pom.xml"
LAUNCHER = TOOLS_DIR / "Launch.java"
LOG4J2 = TOOLS_DIR / "log4j2.xml"
TEMPLATE_DIR = REPO_DIR / "recueil" / "search" / "solr"
CORE = "pratiques"

STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 15.0
READY_RE = re.compile(r"^SOLR_READY port=(\d+)\s*$", re.MULTILINE)
JVM_OPTS = ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dsolr.enableStreamBody=true"]

#: the nodes of a SolrCloud: several JVMs share the machine, each keeps a small heap
CLOUD_HEAP = "256m"
#: seconds without ZooKeeper after which a node's session expires (its replicas then go
#: down and another becomes leader); Solr's default is 30 s
CLOUD_ZK_TIMEOUT = 15.0
ZK_TICK_MS = 500
# A node of a SolrCloud: no core of its own (the collection's replicas are created through
# the Collections API); host and port are the ones Jetty bound, hostPort being set by
# JettySolrRunner once the port is known.
CLOUD_SOLR_XML = """<?xml version="1.0" encoding="UTF-8"?>
<solr>
  <metrics enabled="false"/>
  <solrcloud>
    <str name="host">127.0.0.1</str>
    <int name="hostPort">${hostPort:0}</int>
    <str name="hostContext">${hostContext:solr}</str>
    <str name="zkHost">${zkHost:}</str>
    <int name="zkClientTimeout">${zkClientTimeout:30000}</int>
    <int name="leaderVoteWait">${leaderVoteWait:10000}</int>
    <bool name="genericCoreNodeNames">true</bool>
  </solrcloud>
</solr>
"""

# Never go through an HTTP proxy to reach the local Solr (http_proxy of the environment).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SolrError(RuntimeError):
    """The jars could not be downloaded or Solr could not start."""


# --------------------------------------------------------------------------- jars


def pom_hash() -> str:
    """Hash of pom.xml (16 hexadecimal digits): the key of the jar cache."""
    return hashlib.sha256(POM.read_bytes()).hexdigest()[:16]


def cache_base() -> Path:
    env = os.environ.get("RECUEIL_SOLR_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "recueil-solr"


def lib_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Directory of the jars for the current pom.xml (whether it exists or not)."""
    base = Path(cache_dir).expanduser() if cache_dir else cache_base()
    return base / pom_hash() / "lib"


def jetty_versions(lib: Path) -> set[str]:
    """Versions of the Jetty jars found in ``lib`` (exactly one expected)."""
    versions = set()
    for jar in lib.glob("*.jar"):
        m = re.match(r"^(?:jetty|http2)-[a-z0-9-]+?-(\d+\.\d+\.\d+)\.jar$", jar.name)
        if m and not jar.name.startswith("jetty-servlet-api-"):
            versions.add(m.group(1))
    return versions


def ensure_jars(cache_dir: str | os.PathLike | None = None, *, quiet: bool = False) -> Path:
    """Copy Solr's jars (``mvn dependency:copy-dependencies``) and return their
    directory; nothing is done when they are already cached for this pom.xml."""
    lib = lib_dir(cache_dir)
    done = lib.parent / ".complete"
    if done.exists() and lib.is_dir():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SolrError("Maven (mvn) est introuvable : apt-get install maven")
    lib.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(lib.parent / ".lock"):
        if done.exists() and lib.is_dir():  # another process has just done it
            return lib
        tmp = lib.parent / "lib.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        if not quiet:
            print(f"solr: téléchargement des jars dans {lib} …", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        cmd = [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            raise SolrError(f"échec de {' '.join(cmd)} :\n{res.stdout[-4000:]}")
        versions = jetty_versions(tmp)
        if len(versions) != 1:
            raise SolrError(f"versions de Jetty mélangées ou absentes dans {tmp} : {versions}")
        shutil.rmtree(lib, ignore_errors=True)
        tmp.rename(lib)
        done.write_text(f"{time.monotonic() - t0:.1f}s\n")
        if not quiet:
            n = len(list(lib.glob("*.jar")))
            print(f"solr: {n} jars en {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    return lib


@contextlib.contextmanager
def _file_lock(path: Path):
    import fcntl

    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- server


def _http_json(url: str, timeout: float = 5.0) -> tuple[int, dict | None]:
    try:
        with _OPENER.open(url, timeout=timeout) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    try:
        return status, json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return status, None


class SolrServer:
    """A Solr 9 on 127.0.0.1, with the ``pratiques`` core, in a temporary directory.

    ``port=0`` picks a free port. ``home``: a persistent directory (created from the
    template, its configuration refreshed at every start, its index kept) instead of a
    temporary directory removed on stop. ``zk_host``: a node of the SolrCloud whose
    ZooKeeper is there, with no core of its own. Attributes after ``start()``: ``port``,
    ``base_url`` (…/solr), ``url`` (…/solr/pratiques), ``home``, ``log_path``,
    ``startup_seconds``.
    """

    def __init__(self, port: int = 0, *, home: str | os.PathLike | None = None,
                 cache_dir: str | os.PathLike | None = None,
                 template: str | os.PathLike = TEMPLATE_DIR,
                 startup_timeout: float = STARTUP_TIMEOUT, java: str = "java",
                 jvm_opts: list[str] | None = None, zk_host: str | None = None):
        self.zk_host = zk_host
        self.requested_port = int(port)
        self.template = Path(template)
        self.persistent_home = Path(home).resolve() if home else None
        self.cache_dir = cache_dir
        self.startup_timeout = startup_timeout
        self.java = java
        self.jvm_opts = list(JVM_OPTS if jvm_opts is None else jvm_opts)
        self.port: int | None = None
        self.base_url: str | None = None
        self.url: str | None = None
        self.home: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._tmp: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None

    # -- life cycle

    def __enter__(self) -> SolrServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> SolrServer:
        if self._proc is not None:
            raise SolrError("Solr est déjà démarré")
        lib = ensure_jars(self.cache_dir)
        t0 = time.monotonic()
        self._tmp = Path(tempfile.mkdtemp(prefix="recueil-solr-"))
        if self.zk_host:
            self.home = self.persistent_home or self._tmp / "home"
            self.home.mkdir(parents=True, exist_ok=True)
            (self.home / "solr.xml").write_text(CLOUD_SOLR_XML)
        elif self.persistent_home:
            self.home = self.persistent_home
            _refresh_home(self.template, self.home)
        else:
            self.home = self._tmp / "home"
            shutil.copytree(self.template, self.home,
                            ignore=shutil.ignore_patterns("data", "__pycache__"))
        logs = self._tmp / "logs"
        logs.mkdir()
        self.log_path = self._tmp / "solr.log"
        self._log = open(self.log_path, "wb")
        cloud = [f"-DzkHost={self.zk_host}"] if self.zk_host else []
        cmd = [self.java, *self.jvm_opts, *cloud, f"-Dsolr.log.dir={logs}",
               f"-Dlog4j2.configurationFile={LOG4J2}", "-cp", f"{lib}{os.sep}*",
               str(LAUNCHER), str(self.home), str(self.requested_port)]
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self._log,
                                          stderr=subprocess.STDOUT, cwd=self._tmp,
                                          start_new_session=True)
        except OSError as exc:
            self._cleanup()
            raise SolrError(f"impossible de lancer {self.java} : {exc}") from exc
        atexit.register(self.stop)
        try:
            self._wait_ready(t0)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self, t0: float) -> None:
        deadline = t0 + self.startup_timeout
        while True:
            m = READY_RE.search(self._read_log())
            if m:
                self.port = int(m.group(1))
                break
            if self._proc.poll() is not None:
                self._fail(f"java s'est arrêté (code {self._proc.returncode}) avant SOLR_READY")
            if time.monotonic() > deadline:
                self._fail(f"pas de SOLR_READY après {self.startup_timeout:.0f} s")
            time.sleep(0.1)
        self.base_url = f"http://127.0.0.1:{self.port}/solr"
        self.url = f"{self.base_url}/{CORE}"
        if self.zk_host:
            # a node has no core to ping: it is ready once it answers with its ZooKeeper
            self._wait_node(deadline)
            return
        ping = f"{self.url}/admin/ping?wt=json"
        deadline = max(deadline, time.monotonic() + 30)
        last = None
        while True:
            try:
                status, data = _http_json(ping)
                last = f"HTTP {status} {data}"[:600]
                if status == 200 and data and data.get("status") == "OK":
                    return
                # start() waits until the cores are loaded: a failure is final.
                failures = self.init_failures()
                if isinstance(failures, dict) and failures:
                    self._fail(f"le cœur {CORE} n'a pas pu être chargé ; ping : {last}")
            except (OSError, urllib.error.URLError) as exc:
                last = repr(exc)
            if self._proc.poll() is not None:
                self._fail(f"java s'est arrêté (code {self._proc.returncode}) ; ping : {last}")
            if time.monotonic() > deadline:
                self._fail(f"le ping de {ping} ne répond pas OK : {last}")
            time.sleep(0.2)

    def _wait_node(self, deadline: float) -> None:
        info = f"{self.base_url}/admin/info/system?wt=json"
        last = None
        while True:
            try:
                status, data = _http_json(info)
                last = f"HTTP {status}"
                if status == 200 and data and data.get("zkHost"):
                    return
            except (OSError, urllib.error.URLError) as exc:
                last = repr(exc)
            if self._proc.poll() is not None:
                self._fail(f"java s'est arrêté (code {self._proc.returncode}) ; {info} : {last}")
            if time.monotonic() > deadline:
                self._fail(f"{info} ne répond pas : {last}")
            time.sleep(0.2)

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self._read_log().splitlines()[-lines:])

    def init_failures(self) -> dict | str | None:
        """``initFailures`` of /admin/cores?action=STATUS (configuration errors)."""
        if not self.base_url:
            return None
        try:
            _, data = _http_json(f"{self.base_url}/admin/cores?action=STATUS&wt=json")
            return (data or {}).get("initFailures")
        except (OSError, urllib.error.URLError) as exc:
            return f"(STATUS injoignable : {exc!r})"

    def _fail(self, message: str):
        raise SolrError(f"{message}\n--- initFailures : {self.init_failures()}\n"
                        f"--- fin du journal {self.log_path} :\n{self.log_tail()}")

    def stop(self) -> None:
        """Close java's standard input (a clean stop), wait 15 s, then kill."""
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        self._cleanup()

    def kill(self) -> None:
        """Kill java at once (SIGKILL), as a crash would; a persistent home is kept."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def wait(self) -> int:
        """Wait for java to end (for ``serve``); return its exit code."""
        return self._proc.wait() if self._proc else 0


def _refresh_home(template: Path, home: Path) -> None:
    """Copy the template's configuration into a persistent home, leaving data/ alone."""
    for src in template.rglob("*"):
        rel = src.relative_to(template)
        if "data" in rel.parts or src.is_dir():
            continue
        dst = home / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


# --------------------------------------------------------------------------- SolrCloud


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _zk_command(port: int, word: str, timeout: float = 2.0) -> str:
    """The answer of ZooKeeper to a four-letter word (``srvr``), or '' when it does not answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(word.encode())
            chunks = []
            while chunk := sock.recv(4096):
                chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")
    except OSError:
        return ""


class ZooKeeper:
    """A standalone ZooKeeper (the one of Solr's jars) in a process of its own, on 127.0.0.1.

    ``pause()`` and ``resume()`` freeze and thaw it (SIGSTOP, SIGCONT), as a network cut
    would: its clients see it unreachable, and it forgets nothing.
    """

    def __init__(self, port: int = 0, *, cache_dir: str | os.PathLike | None = None,
                 java: str = "java", startup_timeout: float = 60.0):
        self.port = int(port) or None
        self.cache_dir = cache_dir
        self.java = java
        self.startup_timeout = startup_timeout
        self.log_path: Path | None = None
        self._tmp: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> ZooKeeper:
        lib = ensure_jars(self.cache_dir)
        self._tmp = Path(tempfile.mkdtemp(prefix="recueil-zk-"))
        self.port = self.port or _free_port()
        config = self._tmp / "zoo.cfg"
        # no admin server (it would take port 8080), clients on 127.0.0.1 only, and a short
        # tick: sessions may then be as short as 2 ticks
        config.write_text(
            f"tickTime={ZK_TICK_MS}\ndataDir={self._tmp / 'data'}\nclientPort={self.port}\n"
            "clientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n"
            "4lw.commands.whitelist=srvr\n")
        self.log_path = self._tmp / "zookeeper.log"
        self._log = open(self.log_path, "wb")
        cmd = [self.java, "-Xms32m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
               f"-Dlog4j2.configurationFile={LOG4J2}", "-cp", f"{lib}{os.sep}*",
               "org.apache.zookeeper.server.ZooKeeperServerMain", str(config)]
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                          stderr=subprocess.STDOUT, cwd=self._tmp,
                                          start_new_session=True)
        except OSError as exc:
            self.stop()
            raise SolrError(f"impossible de lancer {self.java} : {exc}") from exc
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout
        while "Mode: standalone" not in _zk_command(self.port, "srvr"):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = self.log_path.read_text("utf-8", errors="replace")[-4000:]
                self.stop()
                raise SolrError(f"ZooKeeper n'a pas démarré sur le port {self.port} :\n{log}")
            time.sleep(0.1)
        return self

    def pause(self) -> None:
        """Freeze ZooKeeper (SIGSTOP): unreachable, its state kept."""
        self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def configset_zip(template: Path = TEMPLATE_DIR) -> bytes:
    """The project's configset (the ``conf`` directory of the core) as a zip archive, as the
    ConfigSets API takes it."""
    buffer = io.BytesIO()
    conf = template / CORE / "conf"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(conf.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(conf).as_posix())
    return buffer.getvalue()


def _solr_api(url: str, body: bytes | None = None, timeout: float = 180.0) -> dict:
    """A call of an admin API of Solr (GET, or POST of `body`); raises SolrError unless 200."""
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    if body is not None:
        request.add_header("Content-Type", "application/octet-stream")
    try:
        with _OPENER.open(request, timeout=timeout) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise SolrError(f"{url} : HTTP {exc.code} {exc.read()[:2000]!r}") from exc
    except (OSError, ValueError) as exc:
        raise SolrError(f"{url} : {exc!r}") from exc


class SolrCloud:
    """A SolrCloud on 127.0.0.1: a ZooKeeper and ``nodes`` Solr nodes, each in a process of
    its own, with the collection ``pratiques`` (``shards`` × ``replicas``) on the project's
    configset, every replica active once ``start()`` returns.

    Each node keeps its index in a home of its own: ``kill_node(i)`` then ``start_node(i)``
    bring it back on the same port with its replicas, which recover from their leaders.
    """

    def __init__(self, nodes: int = 2, shards: int = 1, replicas: int | None = None, *,
                 collection: str = CORE, heap: str = CLOUD_HEAP,
                 zk_timeout: float = CLOUD_ZK_TIMEOUT, leader_vote_wait: float = 10.0,
                 cache_dir: str | os.PathLike | None = None, java: str = "java",
                 startup_timeout: float = STARTUP_TIMEOUT):
        if nodes < 1 or shards < 1 or (replicas is not None and replicas < 1):
            raise SolrError("il faut au moins un nœud, un shard et une réplique")
        self.shards = shards
        self.replicas = replicas or nodes
        self.collection = collection
        self.cache_dir = cache_dir
        self.startup_timeout = startup_timeout
        self.zookeeper = ZooKeeper(cache_dir=cache_dir, java=java)
        self._tmp = Path(tempfile.mkdtemp(prefix="recueil-solrcloud-"))
        jvm_opts = ["-Xms64m", f"-Xmx{heap}", *JVM_OPTS[2:],
                    f"-DzkClientTimeout={int(zk_timeout * 1000)}",
                    f"-DleaderVoteWait={int(leader_vote_wait * 1000)}"]
        self.nodes = [SolrServer(home=self._tmp / f"node{n + 1}", cache_dir=cache_dir, java=java,
                                 startup_timeout=startup_timeout, jvm_opts=jvm_opts)
                      for n in range(nodes)]
        self.startup_seconds: float | None = None

    def __enter__(self) -> SolrCloud:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def zk_host(self) -> str:
        return self.zookeeper.address

    @property
    def node_urls(self) -> list[str]:
        return [node.base_url for node in self.nodes]

    def ready_line(self) -> str:
        return f"SOLRCLOUD_READY zk={self.zk_host} nodes={','.join(self.node_urls)}"

    def start(self) -> SolrCloud:
        t0 = time.monotonic()
        ensure_jars(self.cache_dir)
        try:
            self.zookeeper.start()
            for node in self.nodes:
                node.zk_host = self.zk_host
            self._start_nodes(range(len(self.nodes)))
            base = self.nodes[0].base_url
            _solr_api(f"{base}/admin/configs?action=UPLOAD&name={self.collection}"
                      "&overwrite=true&cleanup=true&wt=json", configset_zip())
            _solr_api(f"{base}/admin/collections?action=CREATE&name={self.collection}"
                      f"&numShards={self.shards}&replicationFactor={self.replicas}"
                      f"&collection.configName={self.collection}&waitForFinalState=true&wt=json")
            self.wait_active()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _start_nodes(self, indexes: Iterable[int]) -> None:
        """Start these nodes at the same time (each JVM waits mostly on itself)."""
        errors = []

        def run(node: SolrServer) -> None:
            try:
                node.start()
            except BaseException as exc:  # noqa: BLE001 - raised by the caller below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(self.nodes[i],)) for i in indexes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def cluster_status(self) -> dict:
        """CLUSTERSTATUS of the collection, asked of the first node that answers."""
        last = None
        for node in self.nodes:
            if node.base_url is None or node._proc is None:
                continue
            try:
                data = _solr_api(f"{node.base_url}/admin/collections?action=CLUSTERSTATUS"
                                 f"&collection={self.collection}&wt=json", timeout=10)
                return data["cluster"]
            except SolrError as exc:
                last = exc
        raise SolrError(f"aucun nœud ne répond : {last}")

    def replica_states(self) -> list[dict]:
        """Each replica of the collection: core, node (base_url), state, leader, live."""
        cluster = self.cluster_status()
        live = set(cluster.get("live_nodes", []))
        found = []
        shards = cluster["collections"][self.collection]["shards"]
        for shard, data in sorted(shards.items()):
            for replica in data["replicas"].values():
                found.append({"shard": shard, "core": replica["core"],
                              "base_url": replica["base_url"], "state": replica["state"],
                              "leader": replica.get("leader") == "true",
                              "live": replica["node_name"] in live})
        return found

    def all_active(self) -> bool:
        try:
            replicas = self.replica_states()
        except (SolrError, KeyError):
            return False
        return (len(replicas) == self.shards * self.replicas
                and all(r["state"] == "active" and r["live"] for r in replicas)
                and sum(r["leader"] for r in replicas) == self.shards)

    def wait_active(self, timeout: float | None = None) -> None:
        """Wait until every replica is active on a live node, each shard with its leader."""
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        while not self.all_active():
            if time.monotonic() > deadline:
                raise SolrError(f"répliques pas toutes actives : {self._states()}")
            time.sleep(0.2)

    def _states(self) -> object:
        try:
            return self.replica_states()
        except (SolrError, KeyError) as exc:
            return exc

    def node_index(self, base_url: str) -> int:
        return self.node_urls.index(base_url)

    def kill_node(self, index: int) -> None:
        """Kill node `index` at once (SIGKILL); its index stays on disk."""
        self.nodes[index].kill()

    def start_node(self, index: int) -> None:
        """Start node `index` again, on the same port and with the same home."""
        node = self.nodes[index]
        node.requested_port = node.port
        node.start()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        self.zookeeper.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="solr_server.py",
        description="Un vrai Solr 9 local, assemblé depuis Maven Central, pour les tests et "
                    "le développement.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="télécharger les jars de Solr (cache)")
    p_fetch.add_argument("--print-lib", action="store_true", help="afficher le répertoire lib")
    p_serve = sub.add_parser("serve", help="démarrer Solr au premier plan (Ctrl-C pour arrêter)")
    p_serve.add_argument("--port", type=int, default=0, help="port (0 = libre ; défaut 0)")
    p_serve.add_argument("--home", help="solr home persistant (défaut : temporaire)")
    p_cloud = sub.add_parser(
        "cloud", help="démarrer un SolrCloud (un ZooKeeper, N nœuds Solr) avec la collection "
                      "pratiques ; s'arrête à la fin de l'entrée standard, Ctrl-C ou SIGTERM")
    p_cloud.add_argument("--nodes", type=int, required=True, help="nombre de nœuds Solr")
    p_cloud.add_argument("--shards", type=int, default=1, help="shards (défaut 1)")
    p_cloud.add_argument("--replicas", type=int, default=None,
                         help="répliques de chaque shard (défaut : une par nœud)")
    p_cloud.add_argument("--heap", default=CLOUD_HEAP,
                         help=f"tas de chaque nœud (-Xmx ; défaut {CLOUD_HEAP})")
    args = parser.parse_args(argv)

    try:
        if args.command == "fetch":
            lib = ensure_jars()
            if args.print_lib:
                print(lib)
            return 0

        def _term(_signum, _frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _term)
        if args.command == "cloud":
            return _cloud(args)
        server = SolrServer(args.port, home=args.home)
        try:
            server.start()
            print(server.url, flush=True)
            print(f"solr: prêt en {server.startup_seconds:.1f} s, journal {server.log_path}"
                  " — Ctrl-C pour arrêter", file=sys.stderr, flush=True)
            code = server.wait()
            print(f"solr: java s'est arrêté (code {code})\n{server.log_tail()}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            server.stop()
    except SolrError as exc:
        print(f"solr: {exc}", file=sys.stderr)
        return 1


def _cloud(args: argparse.Namespace) -> int:
    """``cloud``: one line on stdout once every replica is active, then wait for the end of
    the standard input (or SIGTERM, Ctrl-C) and stop everything."""
    cloud = SolrCloud(args.nodes, args.shards, args.replicas, heap=args.heap)
    try:
        cloud.start()
        print(cloud.ready_line(), flush=True)
        print(f"solrcloud: prêt en {cloud.startup_seconds:.1f} s — fin de l'entrée standard, "
              "Ctrl-C ou SIGTERM pour arrêter", file=sys.stderr, flush=True)
        while sys.stdin.buffer.read(65536):
            pass
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        cloud.stop()


if __name__ == "__main__":
    sys.exit(main())
