"""Two real application processes on the same database, as production runs several: what one
of them changes (a publication withdrawn, a vocabulary label, a session closed) the other
shows within two seconds, and /metriques adds up the requests of both."""
import http.client
import json
import os
import select
import subprocess
import sys
import textwrap
import time
import urllib.parse

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import VocabularyTerm

from ..factories import make_practice
from .test_admin import PASSWORD, staff

#: seconds within which a change made through one process shows in the other
WITHIN = 2.0

SERVE = textwrap.dedent("""\
    import json, sys
    from waitress import create_server
    from recueil import main

    server = create_server(main({}, **json.loads(sys.argv[1])), host="127.0.0.1", port=0,
                           threads=4)
    print(server.effective_port, flush=True)
    server.run()
    """)


class Proxy:
    """A WSGI application that passes each request on to a server over HTTP, so that WebTest
    (forms, cookies) drives a real process."""

    def __init__(self, port: int):
        self.port = port

    def __call__(self, environ, start_response):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        path = urllib.parse.quote(environ["PATH_INFO"])
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {key[5:].replace("_", "-").title(): value
                   for key, value in environ.items() if key.startswith("HTTP_")}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").title()] = environ[key]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        connection.close()
        start_response(f"{response.status} {response.reason}",
                       [(k, v) for k, v in response.getheaders()
                        if k.lower() not in ("transfer-encoding", "connection")])
        return [content]


@pytest.fixture
def processes(app_settings, testapp, tmp_path):
    """Two application processes serving the test database, with shared metrics files."""
    metrics = tmp_path / "metriques"
    metrics.mkdir()
    environ = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(metrics), PYTHONWARNINGS="ignore")
    started = []
    try:
        for _ in range(2):
            started.append(subprocess.Popen(
                [sys.executable, "-c", SERVE, json.dumps(app_settings)], env=environ,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        apps = []
        for process in started:
            ready, _, _ = select.select([process.stdout], [], [], 120)
            assert ready, "le processus n'a pas démarré"
            port = int(process.stdout.readline())
            apps.append(webtest.TestApp(Proxy(port), extra_environ={"HTTP_HOST": "localhost"}))
        yield apps
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def within(seconds: float, check) -> float:
    """How long `check()` took to become true, asked again and again; fails after `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"pas vu en moins de {seconds} s"
    return time.monotonic() - started


def sign_in(app, email):
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    return form.submit().follow()


def test_what_one_process_changes_the_other_shows_within_two_seconds(processes, wsgi_app,
                                                                     engine):
    first, second = processes
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        moderator = staff(session, "moderation@fep.example.fr", "moderateur").id
        practice = make_practice(session, intitule="Un potager partagé",
                                 thematiques=["harcelement"]).id
        session.commit()
    with engine.connect() as connection:
        saved = connection.execute(sa.select(VocabularyTerm.__table__).where(
            VocabularyTerm.vocabulary == "thematiques",
            VocabularyTerm.code == "harcelement")).one()._asdict()

    # both processes hold the catalogue and the labels in memory
    for app in processes:
        assert app.get("/api/pratiques", {"q": "potager"}).json["total"] == 1
    sign_in(first, "admin@fep.example.fr")
    sign_in(second, "moderation@fep.example.fr")
    assert second.get("/gestion/moderation").status_int == 200

    try:
        # a practice withdrawn through the first
        page = first.get(f"/gestion/admin/pratiques/{practice}")
        form = page.forms["depublication"]
        form["motif"] = "Coordonnées périmées"
        form.submit("depublier").follow()
        within(WITHIN, lambda: second.get("/api/pratiques", {"q": "potager"}).json["total"] == 0)
        assert second.get(f"/pratiques/{practice}", status=404)

        # a label edited through the first
        page = first.get(f"/gestion/admin/pratiques/{practice}")
        page.forms["republication"].submit("republier").follow()
        form = first.get("/gestion/admin/vocabulaires/thematiques/termes/harcelement")
        form = form.forms["libelle"]
        form["libelle"] = "Harcèlement et cyberharcèlement"
        form.submit("enregistrer").follow()

        def relabelled():
            answer = second.get("/api/pratiques", {"q": "potager"}).json
            return answer["resultats"] and answer["resultats"][0]["thematiques"] == [
                {"code": "harcelement", "libelle": "Harcèlement et cyberharcèlement"}]

        within(WITHIN, relabelled)

        # the moderator's sessions closed through the first
        users = first.get("/gestion/admin/comptes")
        first.post(f"/gestion/admin/comptes/{moderator}/sessions",
                   {"csrf_token": users.html.find("input", {"name": "csrf_token"})["value"]})
        within(WITHIN, lambda: "/connexion" in second.get(
            "/gestion/moderation", status="*").headers.get("Location", ""))
    finally:
        with engine.begin() as connection:
            connection.execute(sa.update(VocabularyTerm.__table__)
                               .where(VocabularyTerm.id == saved["id"]).values(**saved))

    # the metrics of both processes add up, whichever answers
    asked = {"first": 0, "second": 0}
    for name, app in zip(asked, processes, strict=True):
        for _ in range(3):
            app.get("/sante")
            asked[name] += 1
    assert served(first.get("/metriques").text, "operations.health") == sum(asked.values())


def served(text: str, route: str) -> float:
    """The requests of `route` answered 200, in Prometheus's text format."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("recueil_requests_total{") and f'route="{route}"' in line \
                and 'status="200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total
