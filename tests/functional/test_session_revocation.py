"""Sessions end on the server's side: a copied cookie dies with sign-out, a password change or
an administrator's « fermer toutes ses sessions »; a new personal link replaces the old ones."""
import base64

import pytest
import webtest

from .helpers import csrf, link_from, sign_in_declarant
from .test_staff_signin import EMAIL, PASSWORD, create_user, sign_in

DECLARANT = "claire.martin@departement.example.fr"
NEW_PASSWORD = "une toute nouvelle phrase de passe"


@pytest.fixture
def moderator_id(engine, testapp):
    return create_user(engine)


def browser(wsgi_app, number: int = 20) -> webtest.TestApp:
    return webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": f"192.0.2.{number}"})


def copy_of(wsgi_app, testapp) -> webtest.TestApp:
    """Another browser holding a copy of the session cookie (stolen, or left on a shared PC)."""
    thief = browser(wsgi_app, 66)
    thief.set_cookie("recueil_session", testapp.cookies["recueil_session"])
    return thief


def cookie_contents(testapp) -> bytes:
    value = testapp.cookies["recueil_session"].strip('"')
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def ask_link(testapp, address=DECLARANT):
    form = testapp.get("/declarer").forms["formulaire"]
    form["courriel"] = address
    return form.submit("envoyer").follow()


# --- staff ----------------------------------------------------------------------------------

def test_a_cookie_copied_before_sign_out_opens_nothing_after(testapp, wsgi_app, moderator_id):
    home = sign_in(testapp).follow()
    thief = copy_of(wsgi_app, testapp)
    assert thief.get("/gestion").status_int == 200
    testapp.post("/deconnexion", {"csrf_token": csrf(home)}, status=302)
    assert "/connexion" in thief.get("/gestion", status=302).location
    assert "/connexion" in testapp.get("/gestion", status=302).location
    sign_in(testapp).follow()  # signing in again opens a new session
    assert testapp.get("/gestion").status_int == 200
    assert "/connexion" in thief.get("/gestion", status=302).location


def test_a_password_change_ends_the_other_sessions(testapp, wsgi_app, moderator_id):
    sign_in(testapp)
    elsewhere = browser(wsgi_app)
    sign_in(elsewhere)
    form = testapp.get("/gestion/mot-de-passe").forms["mot-de-passe"]
    form["actuel"] = PASSWORD
    form["nouveau"] = form["confirmation"] = NEW_PASSWORD
    assert "Votre mot de passe a été changé" in form.submit("changer").follow()
    assert testapp.get("/gestion").status_int == 200  # the session that changed it goes on
    assert "/connexion" in elsewhere.get("/gestion", status=302).location
    assert sign_in(elsewhere, password=NEW_PASSWORD).follow().status_int == 200


def test_an_administrator_ends_every_session_of_an_account(testapp, wsgi_app, engine,
                                                           moderator_id):
    create_user(engine, email="admin@fep.example.fr", roles=("administrateur",))
    member, other = browser(wsgi_app, 21), browser(wsgi_app, 22)
    sign_in(member)
    sign_in(other)
    sign_in(testapp, email="admin@fep.example.fr")
    page = testapp.get("/gestion/admin/comptes")
    form = page.forms[f"sessions-{moderator_id}"]
    assert form.action.endswith(f"/gestion/admin/comptes/{moderator_id}/sessions")
    # a forged post, without the page's token, changes nothing
    testapp.post(form.action, {"csrf_token": "jeton-invente"}, status=400)
    assert member.get("/gestion").status_int == 200

    done = form.submit().follow()
    assert f"Toutes les sessions de {EMAIL} sont fermées" in done
    for session in (member, other):
        assert "/connexion" in session.get("/gestion", status=302).location
    assert testapp.get("/gestion/admin/comptes").status_int == 200  # the administrator's own
    assert sign_in(member).follow().status_int == 200  # the account itself still works


def test_only_an_administrator_may_end_sessions(testapp, wsgi_app, engine, moderator_id):
    sign_in(testapp)
    token = csrf(testapp.get("/gestion"))
    testapp.post(f"/gestion/admin/comptes/{moderator_id}/sessions", {"csrf_token": token},
                 status=403)
    anonymous = browser(wsgi_app)
    token = csrf(anonymous.get("/connexion"))
    response = anonymous.post(f"/gestion/admin/comptes/{moderator_id}/sessions",
                              {"csrf_token": token}, status=302)
    assert "/connexion" in response.location
    assert testapp.get("/gestion").status_int == 200


# --- declarants -----------------------------------------------------------------------------

def test_a_declarants_sign_out_ends_the_copied_cookie_and_the_links(testapp, wsgi_app, mailbox):
    space = sign_in_declarant(testapp, mailbox, DECLARANT)
    link = link_from(mailbox, DECLARANT)
    thief = copy_of(wsgi_app, testapp)
    assert thief.get("/mon-espace").status_int == 200
    signout = [f for f in space.forms.values() if f.action.endswith("/mon-espace/deconnexion")]
    signout[0].submit(status=302)
    assert thief.get("/mon-espace", status=302).location.endswith("/declarer")
    # the link in the e-mail no longer opens the space, for anyone
    refused = browser(wsgi_app).get(link, status=410)
    assert "Ce lien n'est plus valable" in refused
    assert testapp.get(link, status=410)
    testapp.get("/mon-espace", status=302)


def test_a_new_link_replaces_the_older_ones(testapp, wsgi_app, mailbox):
    ask_link(testapp)
    first = link_from(mailbox, DECLARANT)
    opened = browser(wsgi_app, 23)
    opened.get(first, status=302)  # a session opened with the first link
    mailbox.messages.clear()
    ask_link(testapp)
    second = link_from(mailbox, DECLARANT)
    assert second != first
    assert "Ce lien n'est plus valable" in browser(wsgi_app).get(first, status=410)
    assert browser(wsgi_app).get(second, status=302).location == "http://localhost/mon-espace"
    # replacing a link does not sign anyone out
    assert opened.get("/mon-espace").status_int == 200


def test_the_session_cookie_never_carries_the_declarants_address(testapp, mailbox):
    sent = ask_link(testapp)
    assert DECLARANT in sent  # the page says where the link went…
    assert DECLARANT.encode() not in cookie_contents(testapp)  # …and the cookie forgets it
    testapp.get(link_from(mailbox, DECLARANT)).follow()
    contents = cookie_contents(testapp)
    assert DECLARANT.encode() not in contents and b"claire" not in contents
    assert testapp.get("/mon-espace").status_int == 200
