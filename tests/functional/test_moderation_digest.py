"""Moderators are told what arrived: a daily digest e-mail that each person may turn on or
off, and the count of what waits in the header of their pages."""
import datetime as dt

import webtest
from pyramid.scripting import prepare

from recueil.models import Transition
from recueil.services.moderation.digest import send_digest

from ..conftest import NOW
from ..factories import make_practice
from .test_moderation import MODERATOR, sign_in, staff

ADMIN = "admin@fep.example.fr"
SECOND_MODERATOR = "second.moderateur@fep.example.fr"


def _arrived(factory, status, from_status, to_status, hours_ago, **fields):
    with factory() as session:
        practice = make_practice(session, status=status, **fields)
        practice.transitions.append(Transition(
            from_status=from_status, to_status=to_status, actor="tests",
            created_at=NOW - dt.timedelta(hours=hours_ago)))
        session.commit()
        return practice.reference


def _run(wsgi_app):
    env = prepare(registry=wsgi_app.registry)
    # as `recueil resume` runs it: a request of its own, whose host is not the site's
    env["request"].host = "127.0.0.1:6543"
    try:
        with env["request"].tm:
            return send_digest(env["request"])
    finally:
        env["closer"]()


def test_the_digest_tells_each_moderator_what_arrived_since_yesterday(
        wsgi_app, testapp, mailbox):
    factory = wsgi_app.registry["dbsession_factory"]
    staff(factory, MODERATOR)
    staff(factory, SECOND_MODERATOR)
    staff(factory, ADMIN, "administrateur")
    declared = _arrived(factory, "soumise", "brouillon", "soumise", 3,
                        intitule="Une équipe mobile")
    completed = _arrived(factory, "en_moderation", "complement_demande", "en_moderation", 20,
                         intitule="Un accueil de jour")
    _arrived(factory, "soumise", "brouillon", "soumise", 30, intitule="Une déclaration d'avant")

    # the second moderator no longer wants it; the administrator asks for it
    second = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.41"})
    home = sign_in(second, SECOND_MODERATOR)
    assert home.forms["resume-quotidien"]["resume_quotidien"].checked
    form = home.forms["resume-quotidien"]
    form["resume_quotidien"] = False
    page = form.submit().follow()
    assert "Vous ne recevrez plus le résumé quotidien" in page
    assert not page.forms["resume-quotidien"]["resume_quotidien"].checked
    admin = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.42"})
    home = sign_in(admin, ADMIN)
    assert not home.forms["resume-quotidien"]["resume_quotidien"].checked
    form = home.forms["resume-quotidien"]
    form["resume_quotidien"] = True
    form.submit().follow()

    mailbox.messages.clear()
    digest = _run(wsgi_app)
    assert sorted(digest.recipients) == [ADMIN, MODERATOR]
    assert sorted(m["To"] for m in mailbox.messages) == [ADMIN, MODERATOR]
    [message] = mailbox.to(MODERATOR)
    assert message["Subject"] == ("Modération : 1 déclaration(s) reçue(s), "
                                  "1 pratique(s) complétée(s)")
    body = mailbox.body(message)
    assert f"{declared} – Une équipe mobile" in body
    assert f"{completed} – Un accueil de jour" in body
    assert "Une déclaration d'avant" not in body
    assert "À traiter en tout : 3." in body
    # every link on the site's address (recueil.public_url), never on the request's host
    assert "http://localhost/gestion/moderation" in body
    assert "127.0.0.1" not in body


def test_no_digest_on_a_day_without_arrivals(wsgi_app, testapp, mailbox):
    factory = wsgi_app.registry["dbsession_factory"]
    staff(factory, MODERATOR)
    _arrived(factory, "soumise", "brouillon", "soumise", 30)
    mailbox.messages.clear()
    assert _run(wsgi_app).recipients == []
    assert mailbox.messages == []


def test_the_header_counts_what_waits_for_moderators_only(wsgi_app, testapp):
    factory = wsgi_app.registry["dbsession_factory"]
    staff(factory, MODERATOR)
    staff(factory, ADMIN, "administrateur")
    for hours in (1, 2):
        _arrived(factory, "soumise", "brouillon", "soumise", hours)
    page = sign_in(testapp, MODERATOR)
    link = page.html.select_one("header a.a-traiter")
    assert link.get_text(strip=True) == "À traiter (2)"
    assert link["href"].endswith("/gestion/moderation")
    admin = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.43"})
    assert sign_in(admin, ADMIN).html.select_one("header a.a-traiter") is None
