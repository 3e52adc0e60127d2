"""Requests no page of the site sends — bytes that are not UTF-8, a multipart body without
its boundary, Deform's list markers out of pairs, numbers beyond any id, flash messages
piling up — get the French 400 page (or the API's JSON error), never a traceback, and
change nothing."""
import pytest
import sqlalchemy as sa
import webob

from recueil.models import Practice, User
from recueil.services.passwords import hash_password

from .helpers import PRESENTATION, csrf, fill_until, params, sign_in_declarant, start_draft

PASSWORD = "une phrase de passe pour tout gérer"
EVERYONE = "tous-les-roles@fep.example.fr"
TOO_BIG = "99999999999999999999"


@pytest.fixture
def staff(testapp, wsgi_app):
    """The test's app, signed in with every staff role."""
    with wsgi_app.registry["dbsession_factory"]() as session:
        user = User(email=EVERYONE, password_hash=hash_password(PASSWORD))
        for role in ("moderateur", "secretariat", "redacteur_onpe", "administrateur"):
            user.add_role(role)
        session.add(user)
        session.commit()
    form = testapp.get("/connexion").forms["connexion"]
    form["courriel"] = EVERYONE
    form["mot_de_passe"] = PASSWORD
    form.submit(status=302)
    return testapp


def refused(response, says: str) -> None:
    assert response.status_int == 400
    assert response.html.h1.text == "Demande non valide"
    assert says in response.html.find(id="erreur").text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path, name", [
    ("/pratiques?q=%FF", "q"),
    ("/pratiques?thematiques=education&q=caf%C3", "q"),
    ("/?%FF=1", "\ufffd"),
    ("/carte?departements=%E9", "departements"),
    ("/declarer?suite=%FF%FE", "suite"),
])
def test_an_address_whose_parameters_are_not_utf8(testapp, path, name):
    refused(testapp.get(path, status=400), f"Le paramètre « {name} » de l'adresse contient des "
                                           "caractères qui ne sont pas du texte valide.")


def test_the_api_answers_bad_parameters_in_json(testapp):
    answer = testapp.get("/api/pratiques?q=%FF", status=400)
    assert answer.json == {
        "erreur": "Le paramètre « q » de l'adresse contient des caractères qui ne sont pas du "
                  "texte valide.",
        "parametre": "q",
    }


@pytest.mark.parametrize("path", ["/pages/\xff", "/pratiques/\xc3(",
                                  "/gestion/comite/seances/\xff"])
def test_a_path_that_is_not_utf8(wsgi_app, path):
    # the bytes of the path as the server hands them over (WebTest would refuse to send them)
    response = webob.Request.blank("/", environ={"PATH_INFO": path}).get_response(wsgi_app)
    assert response.status_int == 400
    assert "L'adresse demandée contient des caractères qui ne sont pas du texte valide." in \
        response.text


@pytest.mark.parametrize("path", ["/connexion", "/declarer"])
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_its_boundary(testapp, wsgi_app, path, content_type):
    # sent as it is: WebTest would add a boundary of its own
    request = webob.Request.blank(path, method="POST", content_type=content_type,
                                  body=b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb")
    response = request.get_response(wsgi_app)
    assert response.status_int == 400
    assert "Le formulaire envoyé est mal formé : il n'a pas pu être lu." in response.text


def _intitule(engine):
    with engine.connect() as connection:
        return connection.scalar(sa.select(Practice.intitule))


@pytest.mark.parametrize("cut", [
    lambda items: [i for i in items if i != ("__end__", "thematiques:sequence")],
    lambda items: [i for i in items if i != ("__start__", "publics:sequence")],
    lambda items: [("__start__", "publics:liste") if i == ("__start__", "publics:sequence")
                   else i for i in items],
    lambda items: items + [("__end__", "")],
], ids=["start-without-end", "end-without-start", "unknown-kind", "end-of-nothing"])
def test_a_form_whose_list_markers_do_not_pair_up(testapp, mailbox, engine, cut):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "localisation")
    items = cut(params(page, dict(PRESENTATION, intitule="Changé par un formulaire cassé")))
    response = testapp.post(page.request.path.replace("localisation", "presentation"), items,
                            status=400)
    refused(response, "Le formulaire envoyé est incomplet ou a été modifié")
    assert _intitule(engine) == PRESENTATION["intitule"]


@pytest.mark.parametrize("path", [
    f"/gestion/comite/seances/{TOO_BIG}",
    f"/gestion/comite/seances/{TOO_BIG}/synthese",
    f"/gestion/admin/imports/{TOO_BIG}",
    "/gestion/admin/imports/2147483648",
])
def test_an_id_beyond_the_integer_range(staff, path):
    refused(staff.get(path, status=400), "n'est pas un numéro valide")


def test_an_id_within_the_range_that_does_not_exist_is_not_found(staff):
    staff.get("/gestion/comite/seances/2147483647", status=404)
    staff.get("/gestion/admin/imports/2147483647", status=404)


@pytest.mark.parametrize("account", ["abc", TOO_BIG, "", "1.5", "-1", "１"])
def test_the_roles_form_with_an_account_that_is_not_an_id(staff, engine, account):
    page = staff.get("/gestion/admin/comptes")
    response = staff.post("/gestion/admin/comptes", {
        "csrf_token": csrf(page), "roles_de": account, "role": "moderateur", "actif": "on",
    }, status=400)
    refused(response, "« Compte »")
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize("page", [TOO_BIG, "-3", "abc"])
def test_the_moderation_queue_with_a_page_out_of_range(staff, page):
    assert staff.get("/gestion/moderation", {"page": page}).status_int == 200


def test_flash_messages_never_overflow_the_session_cookie(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "resultats")
    # « Précédent » with an invalid step keeps what was typed and says so in a flash
    # message; forty of them, never read, would weigh more than a cookie can carry
    for _ in range(40):
        testapp.post(page.request.path, params(page, {"budget_annuel": "beaucoup"},
                                               button="precedent"), status=302)
    shown = testapp.get(page.request.path.replace("resultats", "localisation"))
    messages = shown.html.select(".fr-alert--info p")
    assert 1 <= len(messages) < 40
    assert "L'étape « Objectifs, moyens et résultats » n'est pas" in messages[-1].text
    assert len(testapp.cookies["recueil_session"]) < 4096


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data; boundary=x; charset=inconnu",
])
def test_a_form_in_another_charset(testapp, content_type):
    response = testapp.request("/connexion", method="POST", body=b"courriel=%E9",
                               content_type=content_type, status=400)
    refused(response, "Le formulaire envoyé n'est pas encodé en UTF-8")
