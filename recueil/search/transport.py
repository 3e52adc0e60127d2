"""The HTTP side of the Solr client: the session pysolr is given, on urllib3's connection pools.

pysolr calls `get` and `post` on its session, as on a requests session, and reads the answer's
`status_code`, `headers`, `content` and, for an error, `json()`. SolrSession offers exactly
that on urllib3, the library requests is itself built on, which does the HTTP: kept-alive
connections per host, timeouts, TLS. What requests adds around each call (cookies, redirects,
hooks, proxies, merging of settings, the address parsed three times) serves no call to Solr and
cost 0.4 to 0.8 ms of each search of the API (bench/RESULTS.md).

Failures are raised as requests' exceptions, the ones pysolr turns into SolrError with the
address and the cause: a timeout as Timeout, anything else on the way as ConnectionError.
"""
from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Mapping
from typing import Any

import certifi
import orjson
import requests
import urllib3

#: kept-alive connections per Solr node (the threads of a process, waitress's or a reindex's
#: senders, each hold one at a time), and nodes whose connections are kept
POOL_SIZE = 10


class SolrAnswer:
    """An answer of Solr, read whole: what pysolr reads of a requests response."""

    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers: Mapping[str, str], content: bytes):
        self.status_code = status_code
        #: case-insensitive (urllib3's HTTPHeaderDict)
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.content)


class SolrSession:
    """Kept-alive connections to Solr, with the credentials, the certificate authorities and
    the headers of every call set once."""

    def __init__(self, username: str | None = None, password: str | None = None,
                 ca_bundle: str | None = None):
        #: answers travel on the local network: compressing them would cost both ends more
        #: time than it saves
        self.headers = {"Accept-Encoding": "identity"}
        if username:
            # in UTF-8, as Solr reads it (urllib3's helper would write Latin-1)
            pair = f"{username}:{password or ''}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        # how to reach Solr is the settings' business: no proxy taken from the environment,
        # no redirect followed (its credentials would go with it), no retry: a failure is
        # reported at once (to the next SolrCloud node, or to the embedded backend)
        self.pools = urllib3.PoolManager(
            num_pools=POOL_SIZE, maxsize=POOL_SIZE, retries=False,
            cert_reqs="CERT_REQUIRED", ca_certs=ca_bundle or certifi.where())

    def request(self, method: str, url: str, params: Mapping[str, Any] | None = None,
                data: bytes | str | None = None, headers: Mapping[str, str] | None = None,
                timeout: float | None = None, files: Any = None, auth: Any = None) -> SolrAnswer:
        """One call, its answer read whole. pysolr passes `files` and `auth` to every call;
        the credentials are the session's, and no file is ever sent to Solr here."""
        if files or auth:
            raise ValueError("la session Solr n'envoie pas de fichiers et tient seule "
                             "l'authentification")
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
        parts = urllib.parse.urlsplit(url)
        try:
            # straight to the node's pool: urllib3 would otherwise check the encoding of the
            # whole address twice more, byte by byte (pysolr has encoded it)
            pool = self.pools.connection_from_host(parts.hostname, parts.port, parts.scheme)
            answer = pool.urlopen(
                method.upper(), f"{parts.path}?{parts.query}" if parts.query else parts.path,
                body=data, headers={**self.headers, **(headers or {})}, timeout=timeout,
                redirect=False, retries=False, assert_same_host=False)
        except urllib3.exceptions.TimeoutError as error:
            raise requests.exceptions.Timeout(str(error)) from error
        except urllib3.exceptions.HTTPError as error:
            raise requests.exceptions.ConnectionError(str(error)) from error
        return SolrAnswer(answer.status, answer.headers, answer.data)

    def get(self, url: str, **kwargs: Any) -> SolrAnswer:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> SolrAnswer:
        return self.request("POST", url, **kwargs)
