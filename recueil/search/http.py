"""A small HTTP/1.1 client for the searches and updates sent to Solr.

One kept-alive connection, one request at a time, the whole answer read as bytes. It does
only what Solr's answers need: a status line, headers, then a body of Content-Length bytes,
in chunks, or up to the end of the connection. The standard library's http.client parses
the headers of each answer with the e-mail package; a search of the public API runs just
after waiting for Solr, on a processor whose caches the wait has cooled, and that parsing
was a visible part of its time (bench/RESULTS.md).
"""
import socket
import ssl

#: past this size, an answer's headers are refused (Solr's are a few hundred bytes)
MAX_HEAD = 64 * 1024
READ_SIZE = 256 * 1024


class HTTPError(OSError):
    """The server's answer is not HTTP/1.x as expected, or the connection ended too soon."""


class ConnectionLost(HTTPError):
    """The server closed the connection before answering: a kept-alive connection that it
    closed while idle, worth opening again once."""


class Connection:
    def __init__(self, host: str, port: int | None, secure: bool = False):
        self.host = host
        self.port = port or (443 if secure else 80)
        self.secure = secure
        default = (secure and self.port == 443) or (not secure and self.port == 80)
        self.host_header = host if default else f"{host}:{self.port}"
        self.sock = None
        self._buffer = bytearray()

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
                self._buffer.clear()

    def _connect(self, timeout: float) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        # a request and its body leave at once, not after the acknowledgement of the headers
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.secure:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock
        self._buffer.clear()

    def request(self, method: str, target: str, body: bytes | None, headers: dict,
                timeout: float) -> tuple[int, bytes]:
        """(status, body) of one exchange; OSError (HTTPError, ConnectionLost, timeouts) when
        it fails, the connection then closed."""
        if self.sock is None:
            self._connect(timeout)
        else:
            self.sock.settimeout(timeout)
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host_header}"]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.sock.sendall(data + body if body else data)
            return self._answer(method)
        except BaseException:
            self.close()
            raise

    def _fill(self) -> None:
        chunk = self.sock.recv(READ_SIZE)
        if not chunk:
            raise ConnectionLost("connexion fermée par le serveur")
        self._buffer += chunk

    def _line(self) -> bytes:
        buffer = self._buffer
        while (end := buffer.find(b"\r\n")) < 0:
            if len(buffer) > MAX_HEAD:
                raise HTTPError("ligne de réponse trop longue")
            self._fill()
        line = bytes(buffer[:end])
        del buffer[:end + 2]
        return line

    def _exactly(self, size: int) -> bytes:
        buffer = self._buffer
        while len(buffer) < size:
            self._fill()
        data = bytes(buffer[:size])
        del buffer[:size]
        return data

    def _answer(self, method: str) -> tuple[int, bytes]:
        buffer = self._buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            if len(buffer) > MAX_HEAD:
                raise HTTPError("en-têtes de réponse trop longs")
            try:
                self._fill()
            except ConnectionLost:
                if buffer:  # part of an answer, then nothing
                    raise HTTPError("réponse interrompue") from None
                raise
        head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        del buffer[:end + 4]
        version, _, rest = head[0].partition(" ")
        if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
            raise HTTPError(f"ligne d'état inattendue : {head[0][:100]!r}")
        status = int(rest[:3])
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        keep = fields.get("connection", "").lower() != "close" and version != "HTTP/1.0"
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in fields:
            try:
                size = int(fields["content-length"])
            except ValueError:
                raise HTTPError("Content-Length illisible") from None
            body = self._exactly(size)
        else:  # the body ends with the connection
            try:
                while True:
                    self._fill()
            except ConnectionLost:
                pass
            body = bytes(buffer)
            keep = False
        if not keep:
            self.close()
        return status, body

    def _chunked(self) -> bytes:
        parts = []
        while True:
            size_line = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise HTTPError("taille de morceau illisible") from None
            if size == 0:
                while self._line():  # trailers, up to the empty line
                    pass
                return b"".join(parts)
            parts.append(self._exactly(size))
            if self._line():
                raise HTTPError("morceau mal terminé")
