"""The HTTP/1.1 client of the Solr backend, against a real local server that answers each
request with the bytes a test gives (the forms Jetty uses, and broken ones)."""
import socket
import threading

import pytest

from recueil.search import http


class ScriptedServer:
    """Accepts connections on 127.0.0.1; for each request read, sends the next answer of the
    script (bytes, or None to close the connection without answering); an answer saying
    « Connection: close » is followed by the close."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_request(self, conn, pending: bytes) -> tuple[bytes | None, bytes]:
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
            except OSError:
                return
            self.connections += 1
            pending = b""
            with conn:
                while self.answers:
                    request, pending = self._read_request(conn, pending)
                    if request is None:
                        break
                    self.requests.append(request)
                    answer = self.answers.pop(0)
                    if answer is None:
                        break
                    conn.sendall(answer)
                    if b"\r\nConnection: close\r\n" in answer:
                        break

    def close(self):
        self.listener.close()


@pytest.fixture
def serve():
    servers = []

    def start(*answers):
        server = ScriptedServer(answers)
        servers.append(server)
        return server, http.Connection("127.0.0.1", server.port)

    yield start
    for server in servers:
        server.close()


def test_a_body_of_content_length_and_the_connection_kept(serve):
    server, connection = serve(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
        b'{"ok":true}',
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno")
    assert connection.request("GET", "/solr/select?q=a", None, {}, 5) == (200, b'{"ok":true}')
    assert connection.request("POST", "/solr/update", b'{"commit":{}}',
                              {"Content-Type": "application/json"}, 5) == (404, b"no")
    assert server.connections == 1
    first, second = server.requests
    assert first.startswith(b"GET /solr/select?q=a HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}".encode() in first
    assert second.endswith(b'Content-Length: 13\r\n\r\n{"commit":{}}')


def test_a_chunked_body_with_extensions_and_trailers(serve):
    _, connection = serve(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n1\r\n \r\n6\r\nmonde!\r\n0\r\nX-Trailer: 1\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbis")
    assert connection.request("GET", "/a", None, {}, 5) == (200, b"hello monde!")
    assert connection.request("GET", "/b", None, {}, 5) == (200, b"bis")


def test_a_body_that_ends_with_the_connection(serve):
    server, connection = serve(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end",
                               b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert connection.request("GET", "/a", None, {}, 5) == (200, b"to the end")
    assert connection.sock is None  # closed, as the server asked
    assert connection.request("GET", "/b", None, {}, 5) == (200, b"ok")
    assert server.connections == 2


def test_a_connection_closed_before_any_answer_is_lost_and_one_cut_short_is_an_error(serve):
    _, connection = serve(None)
    with pytest.raises(http.ConnectionLost):
        connection.request("GET", "/a", None, {}, 5)
    assert connection.sock is None
    _, connection = serve(b"HTTP/1.1 200 OK\r\nContent-Len")
    with pytest.raises(http.HTTPError) as error:
        connection.request("GET", "/a", None, {}, 5)
    assert not isinstance(error.value, http.ConnectionLost)
    _, connection = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
    with pytest.raises(http.HTTPError):
        connection.request("GET", "/a", None, {}, 5)


def test_what_is_not_http_is_refused(serve):
    _, connection = serve(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(http.HTTPError, match="ligne d'état"):
        connection.request("GET", "/a", None, {}, 5)


def test_a_silent_server_times_out(serve):
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        connection = http.Connection("127.0.0.1", listener.getsockname()[1])
        with pytest.raises(TimeoutError):
            connection.request("GET", "/a", None, {}, 0.2)
        assert connection.sock is None
    finally:
        listener.close()


def test_solr_opens_again_once_a_connection_closed_while_idle(serve):
    from recueil.search.interfaces import SearchUnavailable
    from recueil.search.solr import SolrSearch

    def ok(value: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(value), value)

    server, _ = serve(ok(b'{"n":1}'), None, ok(b'{"n":2}'))
    solr = SolrSearch(f"http://127.0.0.1:{server.port}/solr/pratiques")
    assert solr._request("GET", "/select?q=a") == {"n": 1}
    assert solr._request("GET", "/select?q=b") == {"n": 2}
    assert server.connections == 2
    assert server.requests[1] == server.requests[2]  # the same request, sent again
    assert server.requests[2].startswith(b"GET /solr/pratiques/select?q=b HTTP/1.1\r\n")

    server, _ = serve(None)  # a new connection that fails is not tried again
    with pytest.raises(SearchUnavailable, match="Solr injoignable"):
        SolrSearch(f"http://127.0.0.1:{server.port}/solr")._request("GET", "/select")
    assert server.connections == 1
