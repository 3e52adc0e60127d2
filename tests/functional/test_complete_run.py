"""The whole life of two practices, as the people involved live it, through WebTest:
declared, complements asked and given, admissible, on a session's agenda, reviewed by two
members, one selected and published a week later, the other not selected and never public."""
import uuid

import sqlalchemy as sa
import webtest

from recueil.models import Practice

from .helpers import LINK
from .test_committee import (
    MEMBER_A,
    MEMBER_B,
    SECRETARIAT,
    create_session,
    create_staff,
    decide,
    fill_grid,
    post_agenda,
    send_decisions,
    signed_in,
)
from .test_moderation import DECLARANT, act, declare, review_url, sign_in, staff
from .test_publication import run_publication


def _status(engine, practice_id):
    with engine.connect() as connection:
        return connection.scalar(sa.select(Practice.status).where(Practice.id == practice_id))


def _admit(moderator, wsgi_app, mailbox, practice_id, ask_complements):
    act(moderator, practice_id, "start_review").follow()
    if ask_complements:
        act(moderator, practice_id, "ask_complements",
            commentaire="Merci de chiffrer le bilan pour 2025.").follow()
        path = LINK.search(mailbox.body(mailbox.to(DECLARANT)[-1])).group(1)
        browser = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
        page = browser.get(path).follow()
        edit = page.click(href=r"rubrique=resultats")
        form = edit.forms["formulaire"]
        form["bilan"] = "140 visites en 2025 pour 52 familles."
        overview = form.submit("enregistrer").follow()
        overview.forms["renvoi"].submit("renvoyer").follow()
        review = moderator.get(review_url(practice_id))
        assert "140 visites en 2025" in review.html.find("table", id="modifications").text
    act(moderator, practice_id, "declare_admissible").follow()


def test_from_declaration_to_publication(testapp, wsgi_app, engine, mailbox, clock):
    staff(wsgi_app.registry["dbsession_factory"])
    sign_in(testapp)
    moderator = testapp
    _, first = declare(wsgi_app, mailbox)
    _, second = declare(wsgi_app, mailbox)
    _admit(moderator, wsgi_app, mailbox, first, ask_complements=True)
    _admit(moderator, wsgi_app, mailbox, second, ask_complements=False)
    assert {_status(engine, first), _status(engine, second)} == {"recevable"}

    create_staff(engine, SECRETARIAT, "Sophie", "secretariat")
    create_staff(engine, MEMBER_A, "Alice", "comite")
    create_staff(engine, MEMBER_B, "Bruno", "comite")
    secretariat, alice, bruno = (
        signed_in(wsgi_app, email) for email in (SECRETARIAT, MEMBER_A, MEMBER_B)
    )
    practices = [_Ref(first), _Ref(second)]
    session_id = create_session(secretariat)
    post_agenda(secretariat, session_id, *practices)
    assert {_status(engine, first), _status(engine, second)} == {"inscrite"}

    for member, note in ((alice, 4), (bruno, 3)):
        for practice in practices:
            fill_grid(member, session_id, practice, note)
    synthesis = secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    assert "3,5" in synthesis or "3.5" in synthesis  # the average of the two grids

    decide(secretariat, session_id, practices[0], "selectionnee", coup=True)
    decide(secretariat, session_id, practices[1], "non_retenue",
           motivation="Le bilan ne permet pas encore d'apprécier les effets.")
    mailbox.messages.clear()
    send_decisions(secretariat, session_id)
    decisions = mailbox.to(DECLARANT)
    assert len(decisions) == 2
    bodies = [mailbox.body(m) for m in decisions]
    assert any("a été sélectionnée" in m["Subject"] for m in decisions)
    assert any("n'a pas été retenue" in m["Subject"] for m in decisions)
    assert any("Le bilan ne permet pas encore d'apprécier les effets." in b for b in bodies)

    public = webtest.TestApp(wsgi_app)
    public.get(f"/pratiques/{first}", status=404)  # not before J+7
    clock.advance(days=6)
    assert run_publication(wsgi_app, clock) == []
    public.get(f"/pratiques/{first}", status=404)
    clock.advance(days=1)
    assert [p for p, _ in run_publication(wsgi_app, clock)] == [first]
    page = public.get(f"/pratiques/{first}")
    assert "Coup de cœur" in page
    assert _status(engine, first) == "publiee"
    assert any(f"/pratiques/{first}" in mailbox.body(m) for m in mailbox.to(DECLARANT))
    assert run_publication(wsgi_app, clock) == []  # the job is idempotent

    public.get(f"/pratiques/{second}", status=404)
    assert _status(engine, second) == "non_retenue"
    assert public.get("/api/pratiques").json["total"] == 1


class _Ref:
    """What the committee helpers need of a practice: its id."""

    def __init__(self, practice_id: uuid.UUID):
        self.id = practice_id
