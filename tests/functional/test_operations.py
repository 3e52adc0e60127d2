"""What the load balancer and the operator read: /sante, /metriques and the logs."""
import datetime as dt
import logging
import re

import pytest
import webtest

from recueil import main
from recueil.models import IndexTask
from recueil.requestlog import KeyValueFormatter

from ..conftest import NOW, free_port
from ..factories import make_practice

LINE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def test_health_says_the_database_and_the_search_answer(testapp):
    response = testapp.get("/sante")
    assert response.status_int == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {
        "statut": "ok",
        "base_de_donnees": {"joignable": True},
        "recherche": {"moteur": "base", "joignable": True, "secours": False},
        "file_indexation": {"longueur": 0, "age_plus_ancienne_secondes": None},
    }


@pytest.fixture
def solr_down(app_settings, testapp):
    """The application on a Solr that does not answer (nothing listens on its port)."""
    app = main({}, **{**app_settings, "search.backend": "solr",
                      "solr.url": f"http://127.0.0.1:{free_port()}/solr/pratiques"})
    app.registry["clock"] = testapp.app.registry["clock"]
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


def test_health_with_solr_down_serves_from_the_database_and_shows_the_queue(solr_down,
                                                                          wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        make_practice(session)
        session.add(IndexTask(practice_id=make_practice(session).id,
                              created_at=NOW - dt.timedelta(minutes=15), attempts=3))
        session.commit()
    response = solr_down.get("/sante")
    assert response.status_int == 200  # the database answers the searches meanwhile
    assert response.json["statut"] == "degrade"
    assert response.json["recherche"] == {"moteur": "solr", "joignable": False, "secours": True}
    queue = response.json["file_indexation"]
    assert queue["longueur"] == 1
    assert queue["age_plus_ancienne_secondes"] == 900.0


def test_health_answers_503_when_the_database_does_not(app_settings, tmp_path):
    app = main({}, **{**app_settings,
                      "sqlalchemy.url": f"sqlite:///{tmp_path}/absent/recueil.sqlite"})
    response = webtest.TestApp(app).get("/sante", status=503)
    assert response.json["statut"] == "indisponible"
    assert response.json["base_de_donnees"] == {"joignable": False}


def test_metrics_are_read_from_the_listed_addresses_only(testapp, app_settings):
    testapp.get("/api/pratiques")
    testapp.get("/metriques", status=404)  # 192.0.2.10, not listed
    testapp.get("/metriques", extra_environ={"REMOTE_ADDR": "not an address"}, status=404)
    text = testapp.get("/metriques", extra_environ={"REMOTE_ADDR": "127.0.0.1"}).text
    assert re.search(r'recueil_requests_total\{[^}]*route="catalogue.api"[^}]*\} [1-9]', text)
    assert "recueil_request_duration_seconds_bucket{" in text
    assert "recueil_index_queue_length 0.0" in text

    network = main({}, **{**app_settings, "metrics.allowed_addresses": "10.0.0.1 192.0.2.0/24"})
    webtest.TestApp(network, extra_environ={"REMOTE_ADDR": "192.0.2.10"}).get("/metriques")
    webtest.TestApp(network, extra_environ={"REMOTE_ADDR": "127.0.0.1"}).get("/metriques",
                                                                             status=404)


def counter(text: str, name: str, **labels) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_search_fallbacks_and_emails(solr_down, testapp, mailbox):
    def metrics():
        return solr_down.get("/metriques").text

    before = metrics()
    solr_down.get("/api/pratiques", {"q": "parents"})
    page = testapp.get("/declarer")
    form = page.forms["formulaire"]
    form["courriel"] = "claire.martin@departement.example.fr"
    form.submit("envoyer").follow()
    after = metrics()
    for name, labels in (("recueil_search_fallbacks_total", {"operation": "recherche"}),
                         ("recueil_search_errors_total", {"backend": "solr"}),
                         ("recueil_mails_sent_total", {})):
        assert counter(after, name, **labels) == counter(before, name, **labels) + 1, name


@pytest.fixture
def log_lines(caplog):
    """The lines the application logs, as production writes them."""
    caplog.set_level(logging.INFO, logger="recueil")
    formatter = KeyValueFormatter()
    return lambda: [formatter.format(record) for record in caplog.records]


def test_logs_are_one_key_value_line_per_event_with_the_request_id_and_no_personal_data(
        solr_down, testapp, mailbox, log_lines):
    address = "jean.dupont@departement.example.fr"
    answer = solr_down.get("/api/pratiques", {"q": f"contact {address}"},
                           headers={"X-Request-Id": "proxy-1234abcd"})
    assert answer.headers["X-Request-Id"] == "proxy-1234abcd"
    page = testapp.get("/declarer")
    form = page.forms["formulaire"]
    form["courriel"] = address
    sent = form.submit("envoyer")
    lines = log_lines()
    assert lines
    for line in lines:
        assert "\n" not in line
        fields = dict(LINE.findall(line))
        assert {"time", "level", "logger", "request_id", "msg"} <= set(fields), line
        assert "@" not in line and "dupont" not in line.lower(), line
    fallbacks = [line for line in lines if "servie par la base" in line]
    assert fallbacks and all("request_id=proxy-1234abcd" in line for line in fallbacks)
    requests = [dict(LINE.findall(line)) for line in lines if 'msg=requête' in line]
    assert {(r["route"], r["status"]) for r in requests} >= {
        ("catalogue.api", "200"), ("declaration.start", "302")}
    assert any(r["request_id"] == sent.headers["X-Request-Id"] for r in requests)


@pytest.mark.parametrize("offered", ["court", "x" * 65, "a b c d e f g h", "id\ninjecte=1"])
def test_an_unsafe_request_id_is_replaced(testapp, offered):
    response = testapp.get("/sante", headers={"X-Request-Id": offered.replace("\n", " ")})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
