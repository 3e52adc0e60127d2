"""Every protected route × every role of spec §1 (plus anonymous and another declarant).

The matrix is checked against the application's route table: a new route without an
entry here fails `test_every_route_has_an_entry`.
"""
import datetime as dt
import re
import uuid

import pytest
import webtest

from recueil.models import (
    AgendaItem,
    AgreementRequest,
    Attachment,
    CommitteeSession,
    Essaimage,
    ImportBatch,
    SearchAlert,
    User,
)
from recueil.services import agreements, alerts
from recueil.services.imports import Options, Report
from recueil.services.passwords import hash_password

from ..conftest import _clean
from ..factories import make_practice

PASSWORD = "mot de passe de la matrice"
OWNER = "proprietaire@association.example.org"
OTHER = "autre@association.example.org"
STAFF = ("moderateur", "comite", "secretariat", "redacteur_onpe", "administrateur")
PERSONAS = ("anonyme", "declarant", "autre_declarant", *STAFF)

# expected answers
OK, FORBIDDEN, SIGN_IN, DECLARE, ALLOWED = 200, 403, "connexion", "declarer", "allowed"


def public():
    return {p: OK for p in PERSONAS}


def staff_only(*roles, ok=OK):
    expected = {p: (ok if p in roles else FORBIDDEN) for p in PERSONAS}
    expected["anonyme"] = SIGN_IN
    return expected


def declarant_only(owner_only=True, ok=OK):
    expected = {p: FORBIDDEN for p in PERSONAS}
    expected.update(anonyme=DECLARE, declarant=ok, autre_declarant=FORBIDDEN if owner_only else ok)
    return expected


ANY_STAFF = STAFF
COMMITTEE = ("comite", "secretariat")

#: route name -> (method, path, expected answer per persona). GETs first; POSTs that change
#: things come last, in an order that keeps the data the later entries need.
MATRIX = {
    "home": ("GET", "/", public()),
    "pages.show": ("GET", "/pages/mentions-legales", public()),
    "static.earlier": ("GET", "/static/v-000000000000/recueil.css",
                       {p: ALLOWED for p in PERSONAS}),
    "pages.about": ("GET", "/a-propos", public()),
    "catalogue.search": ("GET", "/pratiques", public()),
    "catalogue.api": ("GET", "/api/pratiques", public()),
    "api.description": ("GET", "/api/openapi.json", public()),
    "api.documentation": ("GET", "/api", public()),
    "catalogue.feed": ("GET", "/pratiques.atom?thematiques=education", public()),
    "alerts.new": ("GET", "/alertes/nouvelle?thematiques=education", public()),
    "alerts.requested": ("GET", "/alertes/demande-envoyee", public()),
    "alerts.confirm": ("GET", "/alertes/confirmer/{alert_confirmation}", public()),
    "alerts.manage": ("GET", "/alertes/gerer/{alert_link}", public()),
    "alerts.unsubscribe": ("GET", "/alertes/desabonnement/{alert_link}", public()),
    "agreements.confirm": ("GET", "/accord/{agreement}", public()),
    "catalogue.show": ("GET", "/pratiques/{published}", public()),
    "catalogue.map": ("GET", "/carte", public()),
    "catalogue.stats": ("GET", "/statistiques", public()),
    "opendata.page": ("GET", "/opendata", public()),
    "opendata.csv": ("GET", "/opendata/pratiques-inspirantes.csv", public()),
    "opendata.json": ("GET", "/opendata/pratiques-inspirantes.json", public()),
    "opendata.schema": ("GET", "/opendata/schema.json", public()),
    "opendata.datapackage": ("GET", "/opendata/datapackage.json", public()),
    "opendata.catalogue": ("GET", "/opendata/catalogue.jsonld", public()),
    "opendata.atom": ("GET", "/opendata/nouveautes.atom", public()),
    "operations.health": ("GET", "/sante", public()),
    # only from metrics.allowed_addresses (127.0.0.1 and ::1): the personas are elsewhere
    "operations.metrics": ("GET", "/metriques", {p: 404 for p in PERSONAS}),
    "declaration.start": ("GET", "/declarer", public()),
    "declaration.link_sent": ("GET", "/declarer/lien-envoye", public()),
    "auth.signin": ("GET", "/connexion", public()),
    "declaration.space": ("GET", "/mon-espace", declarant_only(owner_only=False)),
    "declaration.my_data": ("GET", "/mon-espace/mes-donnees", declarant_only(owner_only=False)),
    "declaration.export_data": ("GET", "/mon-espace/mes-donnees/export",
                                declarant_only(owner_only=False)),
    "declaration.erase_data": ("GET", "/mon-espace/mes-donnees/effacement",
                               declarant_only(owner_only=False)),
    "declaration.step": ("GET", "/mon-espace/pratiques/{draft}/etape/conditions", declarant_only()),
    "declaration.attachment": ("GET", "/mon-espace/pratiques/{draft}/pieces/{attachment}",
                               declarant_only()),
    "declaration.view": ("GET", "/mon-espace/pratiques/{submitted}", declarant_only()),
    "declaration.submitted": ("GET", "/mon-espace/pratiques/{submitted}/envoyee", declarant_only()),
    "declaration.complements": ("GET", "/mon-espace/pratiques/{complements}/complements",
                                declarant_only()),
    "staff.home": ("GET", "/gestion", staff_only(*ANY_STAFF)),
    "auth.password": ("GET", "/gestion/mot-de-passe", staff_only(*ANY_STAFF)),
    "moderation.queue": ("GET", "/gestion/moderation", staff_only("moderateur")),
    "essaimages.queue": ("GET", "/gestion/essaimages", staff_only("moderateur")),
    "moderation.review": ("GET", "/gestion/moderation/{submitted}", staff_only("moderateur")),
    "moderation.attachment": ("GET",
                              "/gestion/moderation/{submitted}/pieces/{submitted_attachment}",
                              staff_only("moderateur")),
    "committee.sessions": ("GET", "/gestion/comite", staff_only(*COMMITTEE)),
    "committee.session": ("GET", "/gestion/comite/seances/{session}", staff_only(*COMMITTEE)),
    "committee.review": ("GET", "/gestion/comite/seances/{session}/pratiques/{listed}",
                         staff_only(*COMMITTEE)),
    "committee.attachment": ("GET", "/gestion/comite/seances/{session}/pratiques/{listed}"
                             "/pieces/{listed_attachment}",
                             staff_only(*COMMITTEE)),
    "committee.session_new": ("GET", "/gestion/comite/seances/nouvelle", staff_only("secretariat")),
    "committee.synthesis": ("GET", "/gestion/comite/seances/{session}/synthese",
                            staff_only("secretariat")),
    "committee.session_held": ("GET", "/gestion/comite/seances/tenue", staff_only("secretariat")),
    "committee.favourites": ("GET", "/gestion/comite/coups-de-coeur", staff_only(*COMMITTEE)),
    "committee.favourites_csv": ("GET", "/gestion/comite/coups-de-coeur.csv",
                                 staff_only(*COMMITTEE)),
    "committee.dossier": ("GET", "/gestion/comite/seances/{session}/dossier.pdf",
                          staff_only(*COMMITTEE)),
    "committee.minutes": ("GET", "/gestion/comite/seances/{session}/releve.pdf",
                          staff_only(*COMMITTEE)),
    "fiches.list": ("GET", "/gestion/fiches", staff_only("redacteur_onpe")),
    "fiches.new": ("GET", "/gestion/fiches/nouvelle", staff_only("redacteur_onpe")),
    "fiches.edit": ("GET", "/gestion/fiches/{fiche}", staff_only("redacteur_onpe")),
    "admin.home": ("GET", "/gestion/admin", staff_only("administrateur")),
    "admin.users": ("GET", "/gestion/admin/comptes", staff_only("administrateur")),
    "admin.practice": ("GET", "/gestion/admin/pratiques/{published}", staff_only("administrateur")),
    "admin.imports": ("GET", "/gestion/admin/imports", staff_only("administrateur")),
    "admin.import": ("GET", "/gestion/admin/imports/{import_batch}", staff_only("administrateur")),
    "admin.pages": ("GET", "/gestion/admin/pages", staff_only("administrateur")),
    "admin.page": ("GET", "/gestion/admin/pages/mentions-legales", staff_only("administrateur")),
    "admin.personal_data": ("GET", "/gestion/admin/donnees-personnelles",
                            staff_only("administrateur")),
    "admin.vocabularies": ("GET", "/gestion/admin/vocabulaires", staff_only("administrateur")),
    "admin.vocabulary_add": ("GET", "/gestion/admin/vocabulaires/thematiques/ajouter",
                             staff_only("administrateur")),
    "admin.vocabulary_term": ("GET", "/gestion/admin/vocabulaires/thematiques/termes/education",
                              staff_only("administrateur")),
    # state-changing routes: the allowed persona's empty form is refused for its content,
    # never for its authorisation
    "catalogue.contact": ("POST", "/pratiques/{published}/contact", {p: ALLOWED for p in PERSONAS}),
    "catalogue.essaimage": ("POST", "/pratiques/{published}/essaimage",
                            {p: ALLOWED for p in PERSONAS}),
    # no action given: nothing is decided
    "essaimages.decide": ("POST", "/gestion/essaimages/{essaimage}",
                          staff_only("moderateur", ok=ALLOWED)),
    "declaration.new": ("POST", "/mon-espace/nouvelle",
                        declarant_only(owner_only=False, ok=ALLOWED)),
    "moderation.agreement": ("POST", "/gestion/moderation/{submitted}/accord",
                             staff_only("moderateur", ok=ALLOWED)),
    "committee.agenda": ("POST", "/gestion/comite/seances/{session}/ordre-du-jour",
                         staff_only("secretariat", ok=ALLOWED)),
    "committee.decide": ("POST", "/gestion/comite/seances/{session}/pratiques/{listed}/decision",
                         staff_only("secretariat", ok=ALLOWED)),
    "committee.send_decisions": ("POST", "/gestion/comite/seances/{session}/envoi",
                                 staff_only("secretariat", ok=ALLOWED)),
    "committee.attendance": ("POST", "/gestion/comite/seances/{session}/presences",
                             staff_only("secretariat", ok=ALLOWED)),
    "committee.correct": ("POST",
                          "/gestion/comite/seances/{session}/pratiques/{listed}/correction",
                          staff_only("secretariat", ok=ALLOWED)),
    "staff.digest": ("POST", "/gestion/resume-quotidien", staff_only(*ANY_STAFF, ok=ALLOWED)),
    "fiches.transition": ("POST", "/gestion/fiches/{fiche}/publication",
                          staff_only("redacteur_onpe", ok=ALLOWED)),
    "declaration.withdraw": ("POST", "/mon-espace/pratiques/{withdrawable}/retirer",
                             declarant_only(ok=ALLOWED)),
    "declaration.access": ("GET", "{link}", public() | {p: 302 for p in PERSONAS}),
    "declaration.signout": ("POST", "/mon-espace/deconnexion",
                            declarant_only(owner_only=False, ok=ALLOWED)),
    "auth.signout": ("POST", "/deconnexion", {p: ALLOWED for p in PERSONAS}),
    # an account that does not exist: the personas' own sessions go on
    "admin.user_sessions": ("POST", "/gestion/admin/comptes/999999999/sessions",
                            staff_only("administrateur", ok=ALLOWED)),
    # no direction given: nothing moves
    "admin.vocabulary_move": ("POST",
                              "/gestion/admin/vocabulaires/thematiques/termes/education/deplacer",
                              staff_only("administrateur", ok=ALLOWED)),
}


@pytest.fixture(scope="module")
def world(wsgi_app, engine, smtp_server):
    """Accounts for every persona, signed in once, and the practices the paths name."""
    factory = wsgi_app.registry["dbsession_factory"]
    password_hash = hash_password(PASSWORD)
    with factory() as session:
        for role in STAFF:
            user = User(email=f"{role}@fep.example.fr", password_hash=password_hash)
            user.add_role(role)
            session.add(user)
        draft = make_practice(session, status="brouillon", declarant_courriel=OWNER)
        submitted = make_practice(session, status="soumise", declarant_courriel=OWNER)
        listed = make_practice(session, status="inscrite", declarant_courriel=OWNER)
        for practice in (draft, submitted, listed):
            practice.attachments.append(Attachment(
                filename="note.pdf", media_type="application/pdf", size=9, sha256="0" * 64,
                content=b"%PDF-1.4\n"))
        session.flush()
        ids = {
            "draft": draft.id,
            "submitted": submitted.id,
            "submitted_attachment": submitted.attachments[0].id,
            "complements": make_practice(session, status="complement_demande",
                                         declarant_courriel=OWNER).id,
            "withdrawable": make_practice(session, status="soumise", declarant_courriel=OWNER).id,
            "published": make_practice(session, declarant_courriel=OWNER).id,
            "listed": listed.id,
            "listed_attachment": listed.attachments[0].id,
            "attachment": draft.attachments[0].id,
            "fiche": make_practice(session, status="brouillon", niveau=2,
                                   declarant_courriel=None).id,
        }
        committee = CommitteeSession(date=dt.date(2026, 12, 10), lieu="Paris",
                                     created_at=dt.datetime(2026, 11, 1))
        committee.items.append(AgendaItem(practice_id=ids["listed"], position=1))
        session.add(committee)
        session.flush()
        ids["session"] = committee.id
        batch = ImportBatch(filename="initiatives.csv", content=b"intitule\n", size=9,
                            sha256="0" * 64, publier=False, valides_seulement=False,
                            status="en_attente", actor="tests", created_at=dt.datetime(2026, 11, 1),
                            report=Report(Options()).as_dict(), created=0, updated=0,
                            unchanged=0, skipped=0)
        session.add(batch)
        session.flush()
        ids["import_batch"] = batch.id
        essaimage = Essaimage(practice_id=ids["published"], structure="Une équipe",
                              departement="46", recit="Repris.", courriel=OTHER,
                              status="a_moderer", created_at=dt.datetime(2026, 11, 1))
        session.add(essaimage)
        session.flush()
        ids["essaimage"] = essaimage.id
        alert = SearchAlert(email=OTHER, query="thematiques=education",
                            description="Thématique : Éducation", nonce="0" * 32,
                            created_at=wsgi_app.registry["clock"].now(), confirmed_at=None)
        session.add(alert)
        session.flush()
        ids["alert_confirmation"] = alerts.confirm_token("secret-de-test", alert)
        ids["alert_link"] = alerts.link_token("secret-de-test", alert)
        submitted.agreement = AgreementRequest(etat="attendue", demande_le=dt.datetime(2026, 11, 1))
        session.flush()
        ids["agreement"] = agreements.token("secret-de-test", submitted, dt.datetime(2100, 1, 1))
        session.commit()
    yield {"ids": ids, "factory": factory}
    _clean(engine)


def _persona(wsgi_app, smtp_server, persona):
    app = webtest.TestApp(
        wsgi_app, extra_environ={"REMOTE_ADDR": f"198.51.100.{PERSONAS.index(persona) + 1}"}
    )
    if persona in STAFF:
        form = app.get("/connexion").forms["connexion"]
        form["courriel"] = f"{persona}@fep.example.fr"
        form["mot_de_passe"] = PASSWORD
        form.submit(status=302)
    elif persona in ("declarant", "autre_declarant"):
        # a link issued as the e-mail would carry it: signing in again after a sign-out must
        # not run into the hourly limit of link requests
        app.get(_link_path(wsgi_app, OWNER if persona == "declarant" else OTHER), status=302)
    return app


def _link_path(wsgi_app, address) -> str:
    from recueil.services import access

    with wsgi_app.registry["dbsession_factory"]() as session:
        token = access.issue(session, wsgi_app.registry["clock"], "secret-de-test", address, 14)
        session.commit()
    return f"/acces/{token}"


@pytest.fixture(scope="module")
def apps(wsgi_app, smtp_server, world):
    return {p: _persona(wsgi_app, smtp_server, p) for p in PERSONAS}


def test_every_route_has_an_entry(wsgi_app):
    routes = {entry["introspectable"]["name"]
              for entry in wsgi_app.registry.introspector.get_category("routes")}
    routes = {name for name in routes if not name.startswith("__")}  # static views
    assert routes - set(MATRIX) == set(), "routes sans entrée dans la matrice"
    assert set(MATRIX) - routes == set(), "entrées de la matrice sans route"


def _path(template, world, smtp_server, wsgi_app):
    if template == "{link}":
        return _link_path(wsgi_app, OWNER)
    return template.format(**world["ids"])


@pytest.mark.parametrize("route", list(MATRIX))
def test_route_answers_each_persona_as_expected(route, apps, world, smtp_server, wsgi_app):
    method, template, expected = MATRIX[route]
    path = _path(template, world, smtp_server, wsgi_app)
    for persona in PERSONAS:
        response = ask(route, method, path, persona, apps, wsgi_app, smtp_server)
        _check(route, persona, expected[persona], response)


SIGN_OUTS = ("declaration.signout", "auth.signout")


def ask(route, method, path, persona, apps, wsgi_app, smtp_server):
    """One persona's request to one route, as every walk of the routes makes it."""
    if route == "declaration.access":  # the link is the credential: whoever follows it
        app = webtest.TestApp(wsgi_app)
    elif route in SIGN_OUTS:  # ends the session: a fresh one
        app = _persona(wsgi_app, smtp_server, persona)
    else:
        app = apps[persona]
    if method == "GET":
        response = app.get(path, expect_errors=True)
    else:
        response = app.post(path, {"csrf_token": _csrf(app)}, expect_errors=True)
    if route in SIGN_OUTS:
        # signing out ends the account's sessions everywhere, the shared persona's too
        apps[persona] = _persona(wsgi_app, smtp_server, persona)
    return response


def _csrf(app) -> str:
    page = app.get("/declarer")
    return page.html.find("input", {"name": "csrf_token"})["value"]


def _check(route, persona, expected, response):
    where = f"{route} pour {persona} : {response.status}"
    location = response.headers.get("Location", "")
    if expected == SIGN_IN:
        assert response.status_int == 302 and "/connexion" in location, where
    elif expected == DECLARE:
        assert response.status_int == 302 and location.endswith("/declarer"), where
    elif expected == ALLOWED:
        assert response.status_int not in (401, 403, 404, 405), where
        assert not re.search(r"/(connexion|declarer)(\?|$)", location), where
    else:
        assert response.status_int == expected, where


def _unknown(value):
    """An id of the same kind as `value` that no row has."""
    return uuid.uuid4() if isinstance(value, uuid.UUID) else 2_000_000_000


@pytest.mark.parametrize("route", [
    route for route, (_, template, expected) in MATRIX.items()
    if "{" in template and template != "{link}" and expected != public()
    and set(expected.values()) != {ALLOWED}
])
def test_an_unknown_id_is_answered_as_an_existing_one(route, apps, world):
    """Who may not see a record gets the same answer whether it exists or not: otherwise the
    answers would tell which ids exist."""
    method, template, expected = MATRIX[route]
    unknown = template.format(**{k: _unknown(v) for k, v in world["ids"].items()})
    refused = [p for p in PERSONAS if expected[p] in (SIGN_IN, DECLARE, FORBIDDEN)]
    assert refused
    for persona in refused:
        app = apps[persona]
        if method == "GET":
            response = app.get(unknown, expect_errors=True)
        else:
            response = app.post(unknown, {"csrf_token": _csrf(app)}, expect_errors=True)
        _check(route, persona, expected[persona], response)
