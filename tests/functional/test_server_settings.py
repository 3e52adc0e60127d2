"""The WSGI server of production.ini holds a surge of clients that keep their connections
open: waitress, as one process of the production is set."""
import configparser
import http.client
import pathlib
import threading

import waitress

PRODUCTION_INI = pathlib.Path(__file__).resolve().parents[2] / "production.ini"
#: more clients than waitress's default limit of open connections (100)
SURGE = 150


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_a_surge_of_clients_keeping_their_connections_is_served():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PRODUCTION_INI, encoding="utf-8")
    server_section = parser["server:main"]
    server = waitress.create_server(
        _hello, host="127.0.0.1", port=0, threads=server_section.getint("threads"),
        connection_limit=server_section.getint("connection_limit"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    clients = []
    try:
        for _ in range(SURGE):
            client = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=5)
            client.request("GET", "/")
            clients.append(client)
        # every client is answered while all of them keep their connection open (past the
        # limit, the last ones would wait for a connection to close: a timeout here)
        answers = []
        for client in clients:
            response = client.getresponse()
            answers.append((response.status, response.read()))
        assert answers == [(200, b"ok")] * SURGE
    finally:
        for client in clients:
            client.close()
        server.close()
        thread.join(5)
