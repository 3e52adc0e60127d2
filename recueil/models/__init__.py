"""Database wiring: engine, session factory and the transaction-bound request session."""
import zope.sqlalchemy
from sqlalchemy import engine_from_config, event
from sqlalchemy.orm import configure_mappers, sessionmaker

from .access import AccessLink, RateEvent  # noqa: F401
from .alert import SearchAlert  # noqa: F401
from .committee import AgendaItem, CommitteeSession, ReviewGrid  # noqa: F401
from .erasure import Erasure  # noqa: F401
from .essaimage import ESSAIMAGE_STATUSES, Essaimage  # noqa: F401
from .imports import ImportBatch  # noqa: F401
from .meta import Base  # noqa: F401
from .page import Page  # noqa: F401
from .practice import (  # noqa: F401
    MULTI_FIELDS,
    PERSONAL_FIELDS,
    PUBLIC_FIELDS,
    AgreementRequest,
    Attachment,
    Practice,
    PracticeTerm,
    Transition,
)
from .reference import ReferenceCounter  # noqa: F401
from .search import IndexTask, SearchChange, SearchTerm  # noqa: F401
from .territory import Departement, Region  # noqa: F401
from .user import ROLES, STAFF_ROLES, User, UserRole  # noqa: F401
from .vocabulary import VOCABULARIES, VocabularyChange, VocabularyTerm  # noqa: F401

configure_mappers()


def _sqlite_pragmas(dbapi_connection, _connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def get_engine(settings, prefix="sqlalchemy."):
    engine = engine_from_config(settings, prefix)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def get_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None):
    """A session joined to the transaction manager: pyramid_tm commits or aborts it."""
    dbsession = session_factory(info={"request": request})
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # the transaction's user note is never read; computing it reads the session cookie and
    # the signed-in account on every request, the public API's included
    settings.setdefault("tm.annotate_user", "false")
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = get_engine(settings)
    session_factory = get_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory
    config.registry["db_engine"] = engine

    def dbsession(request):
        dbsession = request.environ.get("app.dbsession")
        if dbsession is None:
            dbsession = get_tm_session(session_factory, request.tm, request=request)
        return dbsession

    config.add_request_method(dbsession, reify=True)
