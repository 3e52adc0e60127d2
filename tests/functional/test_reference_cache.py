"""The vocabularies and territories are read once per process, not for every request, and an
edited label still shows: at once when this process saved it, within seconds otherwise."""
import pytest
import sqlalchemy as sa

from recueil.models import VocabularyTerm

EDITED = "Éducation et scolarité"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _education_label(testapp) -> tuple[str, str]:
    """The label of « education » in the facets and in a published practice's record."""
    answer = testapp.get("/api/pratiques").json
    facet = next(value["libelle"] for value in answer["facettes"]["thematiques"]
                 if value["code"] == "education")
    record = answer["resultats"][0]["thematiques"][0]["libelle"]
    return facet, record


def _reads_of_references(engine, work) -> list[str]:
    seen = []

    def note(conn, cursor, statement, _parameters, context, executemany):
        if "vocabulary_terms" in statement or "departements" in statement:
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


@pytest.fixture
def cache(wsgi_app):
    cache = wsgi_app.registry["references_cache"]
    clock, cache.clock = cache.clock, Clock()
    cache.invalidate()
    yield cache
    cache.clock = clock
    cache.invalidate()


def _set_label(session_or_connection, label: str) -> None:
    session_or_connection.execute(
        sa.update(VocabularyTerm)
        .where(VocabularyTerm.vocabulary == "thematiques", VocabularyTerm.code == "education")
        .values(label=label))


def test_requests_share_the_reference_data(testapp, wsgi_app, cache, publish):
    publish(thematiques=["education"])
    testapp.get("/api/pratiques")
    reads = _reads_of_references(wsgi_app.registry["db_engine"],
                                 lambda: (testapp.get("/api/pratiques"), testapp.get("/pratiques")))
    assert reads == []


def test_a_label_saved_by_this_process_shows_at_once(testapp, wsgi_app, cache, publish):
    publish(thematiques=["education"])
    assert _education_label(testapp) == ("Éducation", "Éducation")
    factory = wsgi_app.registry["dbsession_factory"]

    def save(label):  # as an administration page would, through the application's sessions
        with factory() as session:
            term = session.scalars(sa.select(VocabularyTerm).where(
                VocabularyTerm.vocabulary == "thematiques", VocabularyTerm.code == "education",
            )).one()
            term.label = label
            session.commit()

    save(EDITED)
    try:
        assert _education_label(testapp) == (EDITED, EDITED)
        assert EDITED in testapp.get("/pratiques").text
    finally:
        save("Éducation")
    assert _education_label(testapp) == ("Éducation", "Éducation")


def test_a_label_saved_by_another_process_shows_within_seconds(testapp, engine, cache, publish):
    publish(thematiques=["education"])
    assert _education_label(testapp) == ("Éducation", "Éducation")
    try:
        with engine.begin() as connection:  # another process: nothing tells this one
            _set_label(connection, EDITED)
        assert _education_label(testapp) == ("Éducation", "Éducation")
        cache.clock.now += cache.max_age
        assert _education_label(testapp) == (EDITED, EDITED)
    finally:
        with engine.begin() as connection:
            _set_label(connection, "Éducation")
    cache.clock.now += cache.max_age
    assert _education_label(testapp) == ("Éducation", "Éducation")


def test_a_change_rolled_back_is_never_shown(testapp, wsgi_app, cache, publish):
    publish(thematiques=["education"])
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        _set_label(session, EDITED)
        session.flush()
        cache.clock.now += cache.max_age  # read again while the change is not committed
        assert _education_label(testapp) == ("Éducation", "Éducation")
        session.rollback()
    cache.clock.now += cache.max_age
    assert _education_label(testapp) == ("Éducation", "Éducation")


def test_a_bulk_update_by_this_process_shows_at_once(testapp, wsgi_app, cache, publish):
    publish(thematiques=["education"])
    assert _education_label(testapp) == ("Éducation", "Éducation")
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        _set_label(session, EDITED)
        session.commit()
    try:
        assert _education_label(testapp) == (EDITED, EDITED)
    finally:
        with factory() as session:
            _set_label(session, "Éducation")
            session.commit()
    assert _education_label(testapp) == ("Éducation", "Éducation")
