"""Staff sign in at /connexion with an e-mail and a password; the session cookie is guarded."""
import pytest
import sqlalchemy as sa
import webtest
from sqlalchemy.orm import Session

from recueil.models import RateEvent, User
from recueil.services.passwords import hash_password

from .helpers import csrf, sign_in_declarant

EMAIL = "moderatrice@france-enfance-protegee.example.fr"
PASSWORD = "un mot de passe assez long"


def create_user(engine, email=EMAIL, password=PASSWORD, roles=("moderateur",), active=True):
    with Session(engine) as session:
        user = User(email=email, nom="Mélanie Moderatrice", password_hash=hash_password(password),
                    active=active)
        for role in roles:
            user.add_role(role)
        session.add(user)
        session.commit()
        return user.id


@pytest.fixture
def moderator(engine, testapp):
    return create_user(engine)


def sign_in(testapp, email=EMAIL, password=PASSWORD, status=302, suite=None):
    page = testapp.get("/connexion", params={"suite": suite} if suite else {})
    form = page.forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = password
    return form.submit("connexion", status=status)


def test_a_moderator_signs_in_and_reaches_the_staff_pages(testapp, moderator):
    testapp.get("/gestion", status=302)
    response = sign_in(testapp)
    assert response.location == "http://localhost/gestion"
    home = response.follow()
    assert "Gestion du recueil" in home and EMAIL in home
    assert "Connexion" not in home.html.find("header").text


def test_the_address_is_not_case_sensitive(testapp, moderator):
    sign_in(testapp, email="  Moderatrice@France-Enfance-Protegee.example.FR ")
    assert testapp.get("/gestion").status_int == 200


def test_anonymous_visitors_get_the_sign_in_page_and_come_back(testapp, moderator):
    redirect = testapp.get("/gestion", status=302)
    assert redirect.location.startswith("http://localhost/connexion?suite=")
    page = redirect.follow()
    assert "Connexion" in page and page.forms["connexion"]
    form = page.forms["connexion"]
    form["courriel"] = EMAIL
    form["mot_de_passe"] = PASSWORD
    assert form.submit("connexion").location == "http://localhost/gestion"


@pytest.mark.parametrize("suite", ["//exemple.invalid/", "https://exemple.invalid/"])
def test_sign_in_never_leads_away(testapp, moderator, suite):
    assert sign_in(testapp, suite=suite).location == "http://localhost/gestion"


@pytest.mark.parametrize("email, password", [
    (EMAIL, "un mauvais mot de passe"),
    (EMAIL, PASSWORD.upper()),
    ("inconnu@france-enfance-protegee.example.fr", PASSWORD),
])
def test_wrong_credentials_are_refused_without_saying_which(testapp, moderator, email, password):
    page = sign_in(testapp, email, password, status=400)
    assert "Adresse électronique ou mot de passe incorrect." in page
    assert page.forms["connexion"]["courriel"].value == email
    assert page.forms["connexion"]["mot_de_passe"].value == ""
    assert password not in page
    assert testapp.get("/gestion", status=302).location.startswith("http://localhost/connexion")


def test_an_empty_form_names_its_fields(testapp, moderator):
    page = sign_in(testapp, "", "", status=200)
    assert "« Adresse électronique » est obligatoire" in page
    assert "« Mot de passe » est obligatoire" in page


def test_an_inactive_account_cannot_sign_in(testapp, engine):
    create_user(engine, active=False)
    assert "mot de passe incorrect" in sign_in(testapp, status=400)


def test_ten_failures_lock_the_account_for_that_connection_for_an_hour(testapp, moderator,
                                                                        clock, engine, wsgi_app):
    for attempt in range(10):
        page = sign_in(testapp, password=f"essai numéro {attempt}", status=400)
        assert "mot de passe incorrect" in page
    locked = sign_in(testapp, status=429)
    assert ("Trop d'essais infructueux pour ce compte depuis votre connexion : réessayez dans "
            "une heure.") in locked
    testapp.get("/gestion", status=302)
    # the lock counts per account, whatever the case typed
    assert sign_in(testapp, email=EMAIL.upper(), status=429)
    # another account is not locked
    create_user(engine, email="secretariat@france-enfance-protegee.example.fr",
                roles=("secretariat",))
    sign_in(testapp, email="secretariat@france-enfance-protegee.example.fr")
    testapp.reset()
    # nor is the account from another connection
    elsewhere = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "198.51.100.7"})
    sign_in(elsewhere)
    assert elsewhere.get("/gestion").status_int == 200
    # an hour later the right password works again
    clock.advance(hours=1)
    sign_in(testapp)
    assert testapp.get("/gestion").status_int == 200


def test_a_stranger_cannot_lock_the_owner_out(testapp, moderator, wsgi_app):
    stranger = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "203.0.113.66"})
    answers = [sign_in(stranger, password=f"devinette {n}", status="*").status_int
               for n in range(15)]
    assert answers == [400] * 10 + [429] * 5
    # the owner, from their own connection, signs in at the first try
    sign_in(testapp)
    assert testapp.get("/gestion").status_int == 200


def test_one_connection_cannot_try_account_after_account(testapp, moderator, engine, clock):
    for n in range(30):
        sign_in(testapp, email=f"agent{n}@france-enfance-protegee.example.fr",
                password="Printemps2026!", status=400)
    stopped = sign_in(testapp, email="agent30@france-enfance-protegee.example.fr",
                      password="Printemps2026!", status=429)
    assert "Trop d'essais infructueux depuis votre connexion : réessayez dans une heure." \
        in stopped
    # stopped for every account, the real one with its right password included: the
    # connection cannot tell a right guess from a wrong one any more
    sign_in(testapp, status=429)
    testapp.get("/gestion", status=302)
    clock.advance(hours=1)
    sign_in(testapp)


def test_failures_are_counted_in_the_database(testapp, moderator, engine):
    sign_in(testapp, password="pas le bon mot de passe", status=400)
    with engine.connect() as connection:
        keys = connection.execute(sa.select(RateEvent.key)).scalars().all()
    assert sorted(keys) == ["connexion:client:192.0.2.10",
                            f"connexion:compte:{EMAIL} 192.0.2.10"]


def test_sign_out_needs_the_csrf_token(testapp, moderator):
    home = sign_in(testapp).follow()
    token = csrf(home)
    testapp.post("/deconnexion", {}, status=400)
    testapp.post("/deconnexion", {"csrf_token": "jeton-invente"}, status=400)
    assert testapp.get("/gestion").status_int == 200

    [signout] = {
        f.action: f for f in home.forms.values() if f.action.endswith("/deconnexion")
    }.values()
    assert signout["csrf_token"].value == token
    out = signout.submit()
    assert out.status_int == 302
    assert "Vous êtes déconnecté(e)." in out.follow()
    testapp.get("/gestion", status=302)
    # the old token died with the session
    testapp.post("/deconnexion", {"csrf_token": token}, status=400)


def test_sign_in_renews_the_csrf_token(testapp, moderator):
    before = csrf(testapp.get("/connexion"))
    after = csrf(sign_in(testapp).follow())
    assert before != after


def test_the_session_cookie_is_http_only_and_same_site_lax(testapp, moderator):
    response = sign_in(testapp)
    [cookie] = [v for k, v in response.headerlist
                if k.lower() == "set-cookie" and v.startswith("recueil_session=")]
    attributes = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes


def test_a_declarant_link_does_not_open_the_staff_pages(testapp, mailbox, moderator):
    sign_in_declarant(testapp, mailbox)
    testapp.get("/gestion", status=403)


def test_a_staff_member_cannot_open_a_declarants_draft(testapp, mailbox, moderator):
    space = sign_in_declarant(testapp, mailbox)
    draft = space.forms["nouvelle-pratique"].submit().follow()
    testapp.reset()
    sign_in(testapp)
    page = testapp.get(draft.request.path, status=403)
    assert "Accès refusé" in page
