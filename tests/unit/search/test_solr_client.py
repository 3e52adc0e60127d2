"""How the Solr backend reaches Solr, configured once from the settings: kept-alive
connections, a timeout, credentials, certificates; every failure is SearchUnavailable.

The server here is a real local one that answers each request with the bytes a test gives
(what a Solr behind a proxy may answer, a silent or broken one); tests/contract/ speaks to
a real Solr."""
import base64
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from recueil.search.interfaces import SearchUnavailable
from recueil.search.query import SearchRequest
from recueil.search.solr import SolrSearch

EMPTY = b'{"response":{"numFound":0,"docs":[]},"facet_counts":{"facet_fields":{}}}'


def answer(body: bytes = EMPTY, status: str = "200 OK") -> bytes:
    return (b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (status.encode(), len(body), body))


class ScriptedServer:
    """Accepts connections on 127.0.0.1; for each request read, sends the next answer of the
    script, or, for None, closes the connection after the previous answer (`closed` is set
    then)."""

    def __init__(self, answers, tls: ssl.SSLContext | None = None):
        self.answers = list(answers)
        self.requests = []
        self.connections = 0
        self.closed = threading.Event()
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _read_request(conn, pending: bytes) -> tuple[bytes | None, bytes]:
        while b"\r\n\r\n" not in pending:
            chunk = conn.recv(65536)
            if not chunk:
                return None, b""
            pending += chunk
        head, _, rest = pending.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += conn.recv(65536)
        return head + b"\r\n\r\n" + rest[:length], rest[length:]

    def _serve(self):
        while self.answers:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed
                return
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except OSError:  # a client that refused the certificate
                    conn.close()
                    continue
            self.connections += 1
            pending = b""
            with conn:
                while self.answers:
                    request, pending = self._read_request(conn, pending)
                    if request is None:
                        break
                    self.requests.append(request)
                    reply = self.answers.pop(0)
                    conn.sendall(reply)
                    if self.answers and self.answers[0] is None:
                        self.answers.pop(0)
                        break
            self.closed.set()

    def close(self):
        self.listener.close()


@pytest.fixture
def serve():
    servers = []

    def start(*answers, tls=None):
        server = ScriptedServer(answers, tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _url(server, scheme="http", credentials=""):
    return f"{scheme}://{credentials}127.0.0.1:{server.port}/solr/pratiques"


def test_searches_share_one_kept_alive_connection(serve):
    server = serve(answer(), answer(), answer())
    solr = SolrSearch(_url(server))
    for q in ("jardin", "potager", ""):
        assert solr.search(SearchRequest(q=q)).total == 0
    assert server.connections == 1
    assert all(r.startswith(b"GET /solr/pratiques/recherche/?q=") for r in server.requests)


def test_a_connection_solr_closed_while_idle_is_opened_again(serve):
    server = serve(answer(), None, answer())
    solr = SolrSearch(_url(server))
    assert solr.search(SearchRequest(q="jardin")).total == 0
    assert server.closed.wait(5)  # Solr dropped the idle connection
    assert solr.search(SearchRequest(q="jardin")).total == 0
    assert server.connections == 2


def _authorization(request: bytes) -> bytes | None:
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"authorization":
            return value.strip()
    return None


def test_credentials_of_the_settings_reach_solr_and_never_its_messages(serve):
    refused = answer(b'{"error":{"msg":"refus\\u00e9","code":401}}', "401 Unauthorized")
    server = serve(answer(), refused)
    solr = SolrSearch.from_settings({"solr.url": _url(server, credentials="indexeur:s%C3%A9same@")})
    assert solr.search(SearchRequest()).total == 0
    with pytest.raises(SearchUnavailable) as error:
        solr.search(SearchRequest())
    expected = b"Basic " + base64.b64encode("indexeur:sésame".encode())
    assert [_authorization(r) for r in server.requests] == [expected, expected]
    assert "401" in str(error.value) and "refusé" in str(error.value)
    assert "sésame" not in str(error.value) and "s%C3%A9same" not in str(error.value)

    server = serve(answer())
    solr = SolrSearch.from_settings({"solr.url": _url(server), "solr.username": "lecteur",
                                     "solr.password": "mot de passe"})
    solr.search(SearchRequest())
    expected = b"Basic " + base64.b64encode(b"lecteur:mot de passe")
    assert _authorization(server.requests[0]) == expected


def test_a_silent_solr_is_unavailable_after_the_timeout(serve):
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/solr/pratiques"
        solr = SolrSearch.from_settings({"solr.url": url, "solr.timeout": "0.2"})
        with pytest.raises(SearchUnavailable, match="timed out"):
            solr.search(SearchRequest(q="jardin"))
    finally:
        listener.close()


@pytest.mark.parametrize("reply", [
    answer(b"<html>Bad gateway</html>", "502 Bad Gateway"),
    b"SSH-2.0-OpenSSH\r\n\r\n",
])
def test_what_is_not_an_answer_of_solr_is_unavailable(serve, reply):
    server = serve(reply, None, reply)
    solr = SolrSearch(_url(server))
    with pytest.raises(SearchUnavailable):
        solr.search(SearchRequest(q="jardin"))
    with pytest.raises(SearchUnavailable):
        solr.commit()


def test_a_search_answered_with_something_else_than_json_is_unavailable(serve):
    server = serve(answer(b"<html>Portail captif</html>"))
    with pytest.raises(SearchUnavailable):
        SolrSearch(_url(server)).search(SearchRequest(q="jardin"))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key."""
    if shutil.which("openssl") is None:
        # « make test » installs it: a missing tool is a failure, never a skipped test
        pytest.fail("openssl est nécessaire pour créer un certificat (paquet Debian openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def test_tls_is_verified_against_the_certificates_of_the_settings(serve, certificate):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    server = serve(answer(), tls=context)
    unknown = SolrSearch.from_settings({"solr.url": _url(server, "https")})
    with pytest.raises(SearchUnavailable, match="(?i)certificate"):
        unknown.search(SearchRequest())
    trusted = SolrSearch.from_settings({"solr.url": _url(server, "https"),
                                        "solr.ca_bundle": str(cert)})
    assert trusted.search(SearchRequest(q="jardin")).total == 0


def test_a_redirect_is_not_followed_and_the_credentials_go_nowhere_else(serve):
    elsewhere = serve(answer())
    moved = (b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/solr/pratiques/recherche/\r\n"
             b"Content-Length: 0\r\n\r\n" % elsewhere.port)
    server = serve(moved)
    solr = SolrSearch.from_settings({"solr.url": _url(server), "solr.username": "lecteur",
                                     "solr.password": "secret"})
    with pytest.raises(SearchUnavailable, match="302"):
        solr.search(SearchRequest(q="jardin"))
    assert elsewhere.connections == 0 and not elsewhere.requests
