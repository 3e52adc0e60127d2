"""A real local Solr 9, assembled from Maven Central, for the tests and for development.

Standard library only (importable by the tests and by the Makefile).

    from solr_server import SolrServer, ensure_jars
    with SolrServer() as solr:          # free port on 127.0.0.1
        solr.url                        # http://127.0.0.1:N/solr/pratiques

On the command line:

    python tools/solr/solr_server.py fetch            # downloads the jars (cached)
    python tools/solr/solr_server.py serve [--port P] # runs Solr in the foreground

Maven copies the jars into ``<cache>/<hash of pom.xml>/lib``; the cache is
``$RECUEIL_SOLR_CACHE`` or, when unset, ``~/.cache/recueil-solr``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = [
    "CORE",
    "TEMPLATE_DIR",
    "SolrError",
    "SolrServer",
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
    temporary directory removed on stop. Attributes after ``start()``: ``port``,
    ``base_url`` (…/solr), ``url`` (…/solr/pratiques), ``home``, ``log_path``,
    ``startup_seconds``.
    """

    def __init__(self, port: int = 0, *, home: str | os.PathLike | None = None,
                 cache_dir: str | os.PathLike | None = None,
                 template: str | os.PathLike = TEMPLATE_DIR,
                 startup_timeout: float = STARTUP_TIMEOUT, java: str = "java",
                 jvm_opts: list[str] | None = None):
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
        if self.persistent_home:
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
        cmd = [self.java, *self.jvm_opts, f"-Dsolr.log.dir={logs}",
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
    args = parser.parse_args(argv)

    try:
        if args.command == "fetch":
            lib = ensure_jars()
            if args.print_lib:
                print(lib)
            return 0
        server = SolrServer(args.port, home=args.home)

        def _term(_signum, _frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _term)
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


if __name__ == "__main__":
    sys.exit(main())
