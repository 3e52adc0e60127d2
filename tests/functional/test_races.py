"""Drills of the races a busy day brings: two people, or one impatient click, writing the same
record at the same moment. The later writes land while the first one is being written (a
listener runs them, as real requests, at its flush), so each race is played the same way on
SQLite and PostgreSQL: the first write the database accepts wins, every other request gets
the conflict page (409) saying what the record has become, and nothing of theirs is written."""
import contextlib

import sqlalchemy as sa
import webtest
from sqlalchemy import event
from sqlalchemy.orm import Session

from recueil.models import Practice, Transition

from .helpers import PRESENTATION, fill_until, post_step, sign_in_declarant, start_draft
from .test_fiches import create, editor  # noqa: F401 (fixture)
from .test_moderation import DECLARANT, act, factory, moderator, practices, sign_in, staff  # noqa: F401


@contextlib.contextmanager
def landing_during_flush(*requests):
    """Run each of `requests` while the previous one is writing (at its first flush), the
    first of them while the request made inside this block is; their answers, in the order
    the requests started."""
    pending = list(requests)
    answers = []

    def land(session, _flush_context, _instances):
        if pending:
            request = pending.pop(0)
            answers.append(None)
            slot = len(answers) - 1
            answers[slot] = request()

    event.listen(Session, "before_flush", land)
    try:
        yield answers
    finally:
        event.remove(Session, "before_flush", land)
    assert not pending, "une requête n'a pas eu lieu"


def history(engine, practice_id) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(Transition.from_status, Transition.to_status, Transition.comment)
            .where(Transition.practice_id == practice_id).order_by(Transition.id))]


def test_two_moderators_deciding_at_the_same_moment(moderator, factory, wsgi_app, engine,  # noqa: F811
                                                    mailbox):
    [practice_id] = practices(factory, ("en_moderation", {"declarant_courriel": DECLARANT}))
    staff(factory, "second@fep.example.fr", "moderateur")
    second = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
    sign_in(second, "second@fep.example.fr")
    first_page = moderator.get(f"/gestion/moderation/{practice_id}")
    second_page = second.get(f"/gestion/moderation/{practice_id}")

    with landing_during_flush(lambda: act(second, practice_id, "ask_complements",
                                          page=second_page, status="*",
                                          commentaire="Précisez le public visé.")) as landed:
        refused = act(moderator, practice_id, "declare_inadmissible", page=first_page,
                      status="*", commentaire="Hors sujet.")
    [won] = landed
    assert won.status_int == 302
    assert refused.status_int == 409
    assert "Cette pratique a été modifiée entre-temps par une autre personne" in refused
    assert (refused.html.find(id="etat-actuel").text
            == "La pratique est maintenant « Complément demandé »."
    )
    reload = refused.html.find("a", string="Recharger la pratique")
    assert reload["href"] == f"http://localhost/gestion/moderation/{practice_id}"
    # only the winner's decision is written, and only its e-mail sent
    assert history(engine, practice_id)[-1] == (
        "en_moderation", "complement_demande", "Précisez le public visé.")
    assert not any("Hors sujet." in (comment or "") for *_, comment in history(engine,
                                                                               practice_id))
    assert len(mailbox.to(DECLARANT)) == 1


def test_a_triple_click_on_publier_publishes_once(editor, engine):  # noqa: F811
    edit_page = create(editor)
    clicks = [lambda: act_fiche(editor, edit_page) for _ in range(2)]
    with landing_during_flush(*clicks) as landed:
        first = act_fiche(editor, edit_page)
    answers = [first, *landed]
    # the innermost click was written first; the two others met a newer version
    assert [a.status_int for a in answers] == [409, 409, 302]
    for refused in answers[:2]:
        assert "Fiche modifiée entre-temps" in refused.html.h1.text
        assert refused.html.find(id="etat-actuel").text == "La fiche est maintenant « Publiée »."
    with engine.connect() as connection:
        fiche_id, status = connection.execute(
            sa.select(Practice.id, Practice.status).where(Practice.niveau == 2)).one()
    assert status == "publiee"
    assert [t[:2] for t in history(engine, fiche_id)].count(("brouillon", "publiee")) == 1
    assert editor.get(f"/pratiques/{fiche_id}").status_int == 200


def act_fiche(app, edit_page):
    return edit_page.forms["publication"].submit("publier", status="*")


def test_a_step_saved_from_two_tabs_at_once(testapp, mailbox, engine):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    with landing_during_flush(lambda: post_step(
            testapp, page, dict(PRESENTATION, intitule="Saisi dans l'autre onglet"),
            status="*")) as landed:
        refused = post_step(testapp, page, dict(PRESENTATION, intitule="Saisi ici"), status="*")
    [won] = landed
    assert won.status_int == 302
    assert refused.status_int == 409
    assert "modifiée entre-temps" in refused.html.find(id="erreur").text
    assert refused.html.find("a", string="Recharger la pratique")["href"] == \
        f"http://localhost{page.request.path}"
    with engine.connect() as connection:
        assert connection.scalar(sa.select(Practice.intitule)) == "Saisi dans l'autre onglet"
