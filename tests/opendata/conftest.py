"""Open-data fixtures: committed practices, the export's addresses, an .ini for the command,
and a local HTTP server that speaks the part of data.gouv.fr's API the publication uses."""
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from opendata.vocabularies import Vocabularies
from tests.conftest import _clean, free_port


@pytest.fixture
def db(wsgi_app, engine):
    """A plain session on the application's database; the test commits; cleaned afterwards."""
    session = wsgi_app.registry["dbsession_factory"]()
    yield session
    session.close()
    _clean(engine)


@pytest.fixture
def vocabularies(wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        return Vocabularies.load(session)


# -- a local data.gouv.fr -----------------------------------------------------------------------
def parse_multipart(content_type: str, body: bytes) -> dict:
    """field name -> (filename, content type, bytes), parsed by hand to see exact bytes."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    parts = {}
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = dict(
            item.strip().split("=", 1) for item in headers["content-disposition"].split(";")[1:]
        )
        name = disposition["name"].strip('"')
        parts[name] = (disposition.get("filename", "").strip('"'), headers.get("content-type"),
                       content.removesuffix(b"\r\n"))
    return parts


class FakeDataGouv:
    """Datasets, keys and what was received; `fail` makes an upload answer an error."""

    def __init__(self):
        self.key = "cle-de-test"
        self.dataset_id = "jeu-pratiques"
        self.resources = {kind: f"ressource-{kind}"
                          for kind in ("csv", "json", "schema", "datapackage")}
        self.requests = []  # (method, path, headers)
        self.uploads = []  # (resource id, {field: (filename, type, bytes)}, headers)
        self.fail = {}  # resource id -> HTTP status (0: drop the connection)
        self.forbidden = False  # the key is valid but may not write to the dataset
        self.server = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/api/1"

    def dataset(self) -> dict:
        return {
            "id": self.dataset_id,
            "title": "Pratiques inspirantes en protection de l'enfance",
            "resources": [
                {"id": rid, "title": f"Fichier {kind}",
                 "latest": f"https://www.data.gouv.fr/fr/datasets/r/{rid}"}
                for kind, rid in self.resources.items()
            ] + [{"id": "autre-ressource", "title": "Documentation"}],
        }

    def settings(self, **overrides) -> dict:
        settings = {"datagouv.url": self.api_url, "datagouv.dataset_id": self.dataset_id}
        settings.update({f"datagouv.resource_ids.{k}": v for k, v in self.resources.items()})
        settings.update(overrides)
        return settings


def _handler(fake: FakeDataGouv):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self, status: int, payload: dict):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _authorised(self) -> bool:
            if self.headers.get("X-API-KEY") != fake.key:
                self._answer(401, {"message": "Invalid API Key"})
                return False
            return True

        def do_GET(self):
            fake.requests.append(("GET", self.path, self.headers))
            if self.path == "/api/1/me/":
                if self._authorised():
                    self._answer(200, {"id": "u1", "first_name": "Camille", "last_name": "Martin"})
            elif self.path == f"/api/1/datasets/{fake.dataset_id}/":
                self._answer(200, fake.dataset())
            elif self.path.startswith("/api/1/datasets/"):
                self._answer(404, {"message": "Not found"})
            else:
                self._answer(404, {"message": "Unknown endpoint"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            fake.requests.append(("POST", self.path, self.headers))
            prefix = f"/api/1/datasets/{fake.dataset_id}/resources/"
            if not (self.path.startswith(prefix) and self.path.endswith("/upload/")):
                self._answer(404, {"message": "Not found"})
                return
            rid = self.path[len(prefix):-len("/upload/")]
            if not self._authorised():
                return
            if fake.forbidden:
                self._answer(403, {"message": "Forbidden"})
                return
            if rid in fake.fail:
                status = fake.fail[rid]
                if status == 0:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._answer(status, {"message": "Erreur interne du serveur"})
                return
            parts = parse_multipart(self.headers["Content-Type"], body)
            fake.uploads.append((rid, parts, self.headers))
            content = parts["file"][2]
            self._answer(200, {
                "id": rid, "title": parts["file"][0],
                "checksum": {"type": "sha1", "value": hashlib.sha1(content).hexdigest()},
                "filesize": len(content),
            })

    return Handler


@pytest.fixture
def datagouv():
    fake = FakeDataGouv()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens."""
    return free_port()
