"""Real services for the tests: a migrated database (SQLite, or PostgreSQL when
RECUEIL_TEST_DATABASE_URL names a server), a local SMTP server, the WSGI application."""
import datetime as dt
import email
import email.policy
import os
import socket
import uuid

import pytest
import sqlalchemy as sa
import transaction
import webtest
from aiosmtpd.controller import Controller
from pyramid.scripting import prepare
from sqlalchemy.orm import Session

from opendata.links import Links
from recueil import main
from recueil.clock import FixedClock
from recueil.migrations import upgrade
from recueil.models.meta import Base
from recueil.services.references import load_reference_data

#: Tables that initdb fills and the tests never change (a test that edits a page restores it).
REFERENCE_TABLES = {"regions", "departements", "vocabulary_terms", "pages", "alembic_version"}
NOW = dt.datetime(2026, 11, 23, 9, 30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What the local SMTP server received, as parsed e-mail messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_rcpt = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str):
        return [m for m in self.messages if address in m.envelope_rcpt]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.messages.clear()
    return smtp_server.handler


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server_url = os.environ.get("RECUEIL_TEST_DATABASE_URL")
    if not server_url:
        path = tmp_path_factory.mktemp("db") / "recueil-test.sqlite"
        yield f"sqlite:///{path}"
        return
    name = f"recueil_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server_url).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url):
    engine = sa.create_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_settings(database_url, engine, smtp_server):
    return {
        "sqlalchemy.url": database_url,
        "recueil.secret": "secret-de-test",
        "search.backend": "sql",
        "mail.host": "127.0.0.1",
        "mail.port": str(smtp_server.port),
        "mail.default_sender": "Recueil <ne-pas-repondre@recueil.test>",
        "recueil.public_url": "http://localhost",
        "retry.attempts": "1",
        # the application of the whole session warms up (below); the few built by a test
        # for its own settings need not
        "recueil.warm_up": "false",
    }


@pytest.fixture
def ini_file(tmp_path, app_settings):
    """The test application's settings as an .ini file, for the commands' ``--config``;
    keyword arguments add or replace settings (``**{"search.backend": "solr"}``)."""
    def write(**extra):
        settings = {**app_settings, **extra}
        lines = ["[app:main]", "use = egg:recueil"]
        lines += [f"{key} = {value.replace('%', '%%')}" for key, value in settings.items()]
        path = tmp_path / "test.ini"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(path)
    return write


@pytest.fixture
def links(wsgi_app):
    """The public addresses of the open-data files, as the application builds them."""
    env = prepare(registry=wsgi_app.registry)
    try:
        yield Links.from_request(env["request"])
    finally:
        env["closer"]()


@pytest.fixture(scope="session")
def wsgi_app(app_settings):
    return main({}, **{**app_settings, "recueil.warm_up": "true"})


def _clean(engine):
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture
def clock(wsgi_app):
    clock = FixedClock(NOW)
    previous = wsgi_app.registry["clock"]
    wsgi_app.registry["clock"] = clock
    yield clock
    wsgi_app.registry["clock"] = previous


@pytest.fixture
def testapp(wsgi_app, engine, clock, mailbox):
    app = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.10"})
    yield app
    _clean(engine)


@pytest.fixture
def dbsession(wsgi_app, engine):
    """A session outside any request, committed by the test through `transaction`."""
    from recueil.models import get_tm_session

    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    session = get_tm_session(wsgi_app.registry["dbsession_factory"], tm)
    yield session
    if tm.isDoomed() or tm.get().status == "Active":
        tm.abort()
    session.close()
    _clean(engine)


@pytest.fixture
def publish(wsgi_app, testapp):
    """Commit a practice through the application's sessions, so that the index follows."""
    from .factories import make_practice

    def publish(**fields):
        with wsgi_app.registry["dbsession_factory"]() as session:
            practice = make_practice(session, **fields)
            session.commit()
        return practice

    return publish
