"""The address given with an essaimage account is personal data: the person downloads it, an
erasure removes it (and the accounts nobody will publish), the purge removes it a while after
the moderators' decision, and the privacy page says so."""
import datetime as dt

import pytest
import sqlalchemy as sa
from pyramid.scripting import prepare

from recueil.models import Essaimage
from recueil.services import personal_data
from recueil.services.retention import purge

from ..factories import make_practice
from .helpers import sign_in_declarant

AUTHOR = "equipe.reprise@departement-lot.example.fr"


@pytest.fixture
def factory(wsgi_app, testapp):
    return wsgi_app.registry["dbsession_factory"]


@pytest.fixture
def accounts(factory, clock):
    """Three accounts sent with the same address: published, refused, waiting."""
    now = clock.now()
    with factory() as session:
        practice = make_practice(session, intitule="Des visites médiatisées",
                                 nombre_essaimages=1)
        ids = {}
        for status, structure in (("publie", "Service ASE du Lot"),
                                  ("refuse", "Cabinet privé"),
                                  ("a_moderer", "Maison d'enfants du Lot")):
            essaimage = Essaimage(
                practice_id=practice.id, structure=structure, departement="46",
                recit=f"Le récit de {structure}.", courriel=AUTHOR, status=status,
                created_at=now - dt.timedelta(days=3),
                decided_at=None if status == "a_moderer" else now - dt.timedelta(days=1),
                decided_by=None if status == "a_moderer" else "moderatrice@fep.example.fr")
            session.add(essaimage)
            session.flush()
            ids[status] = essaimage.id
        ids["practice"] = practice.id
        session.commit()
    return ids


def rows(engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        return dict(connection.execute(
            sa.select(Essaimage.status, Essaimage.courriel).order_by(Essaimage.id)).all())


def in_request(wsgi_app, work):
    env = prepare(registry=wsgi_app.registry)
    try:
        request = env["request"]
        with request.tm:
            return work(request)
    finally:
        env["closer"]()


def test_the_person_downloads_their_accounts(testapp, mailbox, accounts):
    space = sign_in_declarant(testapp, mailbox, AUTHOR)
    data = space.click(linkid="mes-donnees").click(linkid="telecharger").json
    assert [(e["structure"], e["etat"], e["departement"]) for e in data["essaimages"]] == [
        ("Service ASE du Lot", "publie", "46"), ("Cabinet privé", "refuse", "46"),
        ("Maison d'enfants du Lot", "a_moderer", "46")]
    assert data["essaimages"][0]["recit"] == "Le récit de Service ASE du Lot."
    assert data["essaimages"][0]["etat_libelle"] == "Publié"


def test_an_erasure_removes_the_address_and_the_unpublished_accounts(
        wsgi_app, testapp, accounts, engine):
    plan = in_request(wsgi_app, lambda request: [
        e.structure for e in personal_data.plan(request.dbsession, AUTHOR.upper()).essaimages])
    assert plan == ["Service ASE du Lot", "Cabinet privé", "Maison d'enfants du Lot"]
    in_request(wsgi_app, lambda request: personal_data.erase(
        request.dbsession, request.clock, AUTHOR, personal_data.by_the_person()))
    assert rows(engine) == {"publie": None}
    page = testapp.get(f"/pratiques/{accounts['practice']}")
    assert "Service ASE du Lot" in page.html.select_one("#essaimages").text


def test_the_purge_removes_the_address_a_year_after_the_decision(
        wsgi_app, clock, accounts, engine):
    done = in_request(wsgi_app, lambda request: purge(
        request.dbsession, request.clock, wsgi_app.registry["retention"]))
    assert done.essaimages == 0 and done.nothing
    clock.advance(days=366)
    done = in_request(wsgi_app, lambda request: purge(
        request.dbsession, request.clock, wsgi_app.registry["retention"]))
    assert done.essaimages == 2
    # the decisions stay on record without the address; a waiting account keeps it
    assert rows(engine) == {"publie": None, "refuse": None, "a_moderer": AUTHOR}
    assert in_request(wsgi_app, lambda request: purge(
        request.dbsession, request.clock, wsgi_app.registry["retention"])).nothing


def test_the_privacy_page_says_what_becomes_of_the_address(testapp):
    page = testapp.get("/pages/donnees-personnelles")
    text = page.html.select_one("main").get_text(" ", strip=True)
    assert "Dire qu'une pratique vous a inspirés" in text
    assert "n'est jamais publiée" in text
    assert "effacée 12 mois après la publication ou le refus du récit" in text
