"""Selected practices go online one week after their session, by a scheduled job (spec §3)."""
import datetime as dt

import pytest
from pyramid.scripting import prepare

from recueil.models import Transition
from recueil.scripts.cli import main as cli
from recueil.services.committee import publish_due
from recueil.services.workflow import SYSTEM

from . import test_committee
from .test_committee import (
    DECLARANT_1,
    DECLARANT_2,
    MOTIVATION,
    decide,
    held_session,
    practice_now,
    read,
    send_decisions,
    text,
)

#: two members, a secretariat and two admissible practices (see test_committee)
committee = test_committee.committee


def run_publication(wsgi_app, clock):
    """What the cron job does, with the tests' clock."""
    env = prepare(registry=wsgi_app.registry)
    try:
        request = env["request"]
        with request.tm:
            published = publish_due(request.dbsession, clock, request)
            return [(p.practice.id, p.url) for p in published]
    finally:
        env["closer"]()


@pytest.fixture
def decided(committee, mailbox):
    """Today's session: the first practice selected (coup de cœur), the second rejected,
    the decisions sent."""
    session_id = held_session(committee)
    decide(committee.secretariat, session_id, committee.first, "selectionnee", coup=True)
    decide(committee.secretariat, session_id, committee.second, "non_retenue",
           motivation=MOTIVATION)
    send_decisions(committee.secretariat, session_id)
    assert len(mailbox.messages) == 2
    mailbox.messages.clear()
    return committee


def test_a_selected_practice_is_published_on_the_seventh_day(decided, wsgi_app, clock, mailbox,
                                                             engine, testapp):
    first, second = decided.first, decided.second
    testapp.get(f"/pratiques/{first.id}", status=404)

    clock.advance(days=6)
    assert run_publication(wsgi_app, clock) == []
    testapp.get(f"/pratiques/{first.id}", status=404)
    assert mailbox.messages == []

    clock.advance(days=1)
    url = f"http://localhost/pratiques/{first.id}"
    assert run_publication(wsgi_app, clock) == [(first.id, url)]
    practice = practice_now(engine, first)
    assert practice.status == "publiee" and practice.coup_de_coeur
    assert practice.date_publication == dt.date(2026, 11, 30)
    [published] = read(engine, Transition, practice_id=first.id, to_status="publiee")
    assert (published.from_status, published.actor) == ("selectionnee", SYSTEM.label)
    assert published.actor_user_id is None
    assert published.comment == ("Sélectionnée par le comité de sélection lors de sa séance du "
                                 "23/11/2026")

    page = testapp.get(f"/pratiques/{first.id}")
    assert "Des visites médiatisées dans un lieu neutre" in page
    # the search index followed the publication
    assert "Des visites médiatisées dans un lieu neutre" in testapp.get(
        "/pratiques", {"q": "visites médiatisées"})

    [message] = mailbox.to(DECLARANT_1)
    assert message["Subject"] == f"Votre pratique {practice.reference} est en ligne"
    assert url in text(mailbox, message)
    assert "réuni le 23 novembre 2026" in text(mailbox, message)
    assert len(mailbox.messages) == 1

    # run again, as cron does every few minutes: nothing more
    assert run_publication(wsgi_app, clock) == []
    clock.advance(days=30)
    assert run_publication(wsgi_app, clock) == []
    assert len(mailbox.messages) == 1
    assert len(read(engine, Transition, practice_id=first.id, to_status="publiee")) == 1

    # the rejected one never goes online
    assert practice_now(engine, second).status == "non_retenue"
    testapp.get(f"/pratiques/{second.id}", status=404)
    assert mailbox.to(DECLARANT_2) == []


def test_a_late_run_publishes_what_is_due_and_dates_it_that_day(decided, wsgi_app, clock, engine):
    clock.advance(days=9)
    assert [pid for pid, _ in run_publication(wsgi_app, clock)] == [decided.first.id]
    assert practice_now(engine, decided.first).date_publication == dt.date(2026, 12, 2)


def test_nothing_is_published_before_the_declarants_are_told(committee, wsgi_app, clock, engine,
                                                            mailbox, testapp):
    session_id = held_session(committee)
    decide(committee.secretariat, session_id, committee.first, "selectionnee")
    clock.advance(days=8)
    assert run_publication(wsgi_app, clock) == []
    assert practice_now(engine, committee.first).status == "selectionnee"
    assert mailbox.messages == []
    # once the decisions are sent (late), the next run publishes it
    decide(committee.secretariat, session_id, committee.second, "non_retenue",
           motivation=MOTIVATION)
    send_decisions(committee.secretariat, session_id)
    body = text(mailbox, mailbox.to(DECLARANT_1)[0])
    assert "le 1er décembre 2026" in body  # the day it can really go online, not a past date
    assert [pid for pid, _ in run_publication(wsgi_app, clock)] == [committee.first.id]
    testapp.get(f"/pratiques/{committee.first.id}", status=200)


def test_the_command_publishes_and_says_what_it_did(decided, ini_file, engine, capsys,
                                                    mailbox):
    """`recueil publish-due` runs on the real clock: a session more than a week ago is due."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from recueil.clock import SystemClock
    from recueil.models import CommitteeSession

    real_today = SystemClock().today()
    with Session(engine) as session:
        session.execute(update(CommitteeSession).values(date=real_today - dt.timedelta(days=7)))
        session.commit()
    ini = ini_file(**{"recueil.public_url": "https://pratiques.example.fr"})
    assert cli(["--config", str(ini), "publish-due"]) == 0
    out = capsys.readouterr().out
    today = f"{real_today:%d/%m/%Y}"
    practice = practice_now(engine, decided.first)
    assert practice.status == "publiee"
    url = f"https://pratiques.example.fr/pratiques/{practice.id}"
    assert (f"1 pratique(s) publiée(s) le {today} ; "
            "leurs déclarants sont prévenus par courriel :") in out
    assert f"{practice.reference} – {practice.titre} : {url}" in out
    assert url in text(mailbox, mailbox.to(DECLARANT_1)[0])

    assert cli(["--config", str(ini), "publish-due"]) == 0
    assert capsys.readouterr().out == f"Aucune pratique à publier le {today}.\n"
    assert len(mailbox.messages) == 1


def test_the_declarant_reads_the_publication_and_reaches_the_public_page(
        decided, wsgi_app, clock, engine, mailbox, testapp):
    from .helpers import sign_in_declarant

    first = decided.first
    clock.advance(days=7)
    run_publication(wsgi_app, clock)
    space = sign_in_declarant(testapp, mailbox, DECLARANT_1)
    link = space.html.select_one("a.page-publique")
    assert link is not None and link["href"].endswith(f"/pratiques/{first.id}")
    testapp.get(link["href"], status=200)
    view = testapp.get(f"/mon-espace/pratiques/{first.id}")
    events = [li.get_text(" ", strip=True) for li in view.html.select("#historique li")]
    assert any(e.endswith("Publiée – Sélectionnée par le comité de sélection lors de sa séance "
                          "du 23/11/2026") for e in events), events
    assert view.html.select_one("#page-publique a")["href"].endswith(f"/pratiques/{first.id}")
