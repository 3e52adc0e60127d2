"""The selection committee: the secretariat builds a session's agenda, each member fills a
review grid, the secretariat reads them side by side, records the decisions and sends them."""
import dataclasses
import datetime as dt
import re
import uuid

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from recueil.models import AgendaItem, CommitteeSession, Practice, ReviewGrid, Transition, User
from recueil.models.committee import CRITERIA
from recueil.services import workflow
from recueil.services.passwords import hash_password
from tests.factories import make_practice

from .helpers import csrf, seq

PASSWORD = "un mot de passe assez long"
SECRETARIAT = "sophie.secretariat@france-enfance-protegee.example.fr"
MEMBER_A = "alice.etat@solidarites.example.gouv.fr"
MEMBER_B = "bruno.departement@departement.example.fr"
DECLARANT_1 = "porteuse.une@association.example.org"
DECLARANT_2 = "porteur.deux@departement.example.fr"
TODAY = "23/11/2026"  # the tests' clock
MOTIVATION = "Le bilan chiffré ne permet pas encore d'apprécier les effets de la pratique."


def create_staff(engine, email: str, nom: str, *roles: str) -> int:
    with Session(engine) as session:
        user = User(email=email, nom=nom, password_hash=hash_password(PASSWORD))
        for role in roles:
            user.add_role(role)
        session.add(user)
        session.commit()
        return user.id


def signed_in(wsgi_app, email: str, app=None) -> webtest.TestApp:
    app = app or webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.20"})
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    assert form.submit("connexion").status_int == 302
    return app


def add_practice(wsgi_app, status="recevable", **fields) -> Practice:
    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = make_practice(session, status=status, **fields)
        session.commit()
    return practice


def read(engine, model, **where):
    with Session(engine, expire_on_commit=False) as session:
        return session.scalars(select(model).filter_by(**where)).all()


def practice_now(engine, practice) -> Practice:
    with Session(engine) as session:
        found = session.get(Practice, practice.id)
        session.expunge(found)
        return found


@dataclasses.dataclass
class Committee:
    secretariat: webtest.TestApp
    alice: webtest.TestApp
    bruno: webtest.TestApp
    first: Practice
    second: Practice


@pytest.fixture
def committee(testapp, wsgi_app, engine):
    """A secretariat and two members, each in their own browser; two admissible practices."""
    create_staff(engine, SECRETARIAT, "Sophie Secrétariat", "secretariat")
    create_staff(engine, MEMBER_A, "Alice État", "comite")
    create_staff(engine, MEMBER_B, "Bruno Département", "comite")
    first = add_practice(wsgi_app, intitule="Des visites médiatisées dans un lieu neutre",
                         declarant_courriel=DECLARANT_1,
                         contact_courriel="claire.martin.secrete@association.example.org",
                         contact_telephone="02 41 00 00 00")
    second = add_practice(wsgi_app, intitule="Un parrainage de proximité pour les jeunes majeurs",
                          declarant_courriel=DECLARANT_2, date_mise_en_oeuvre=dt.date(2026, 3, 1))
    return Committee(signed_in(wsgi_app, SECRETARIAT, testapp), signed_in(wsgi_app, MEMBER_A),
                     signed_in(wsgi_app, MEMBER_B), first, second)


# -- driving the pages as people do ---------------------------------------------------------
def create_session(app, date=TODAY, lieu="Paris, ministère des Solidarités") -> int:
    form = app.get("/gestion/comite/seances/nouvelle").forms["seance"]
    form["date"] = date
    form["lieu"] = lieu
    page = form.submit("creer")
    assert page.status_int == 302, page.text
    return int(page.location.rsplit("/", 1)[1])


def post_agenda(app, session_id: int, *practices, status=302):
    page = app.get(f"/gestion/comite/seances/{session_id}")
    params = [("_charset_", "UTF-8"), ("__formid__", "ordre-du-jour"), ("csrf_token", csrf(page))]
    params += seq("pratiques", [str(p.id) for p in practices]) + [("inscrire", "inscrire")]
    return app.post(f"/gestion/comite/seances/{session_id}/ordre-du-jour", params, status=status)


def review_url(session_id, practice) -> str:
    return f"/gestion/comite/seances/{session_id}/pratiques/{practice.id}"


def fill_grid(app, session_id, practice, notes, avis="favorable", commentaire="", prefix="",
              status=302):
    """`notes` is one rating for every criterion, or a dict criterion -> rating."""
    form = app.get(review_url(session_id, practice)).forms["grille"]
    for code in CRITERIA:
        note = notes if isinstance(notes, int) else notes.get(code)
        if note is not None:
            form[f"note_{code}"] = str(note)
        form[f"commentaire_{code}"] = f"{prefix}{code}"
    form["avis"] = avis
    form["commentaire"] = commentaire
    return form.submit("enregistrer", status=status)


def decision_form(page, practice):
    forms = {id(f): f for f in page.forms.values()
             if f.action.split("#")[0].endswith(f"/pratiques/{practice.id}/decision")}
    assert len(forms) == 1, "aucun formulaire de décision pour cette pratique"
    return next(iter(forms.values()))


def tick(form, *codes):
    """Tick the checkboxes of these codes (a choice of codes posts each as « valeur »)."""
    for field in form.fields.get("valeur", []):
        field.checked = field._value in codes


def decide(app, session_id, practice, decision, motivation="", complements="", coup=False,
           status=302, page=None, motifs=None):
    """A coup de cœur comes with its motifs: « pertinence » unless `motifs` says otherwise."""
    page = page or app.get(f"/gestion/comite/seances/{session_id}/synthese")
    form = decision_form(page, practice)
    form["decision"] = decision
    form["motivation"] = motivation
    form["complements"] = complements
    form["coup_de_coeur"] = coup
    tick(form, *(motifs if motifs is not None else (["pertinence"] if coup else [])))
    return form.submit("enregistrer", status=status)


def send_decisions(app, session_id, status=302):
    token = csrf(app.get("/gestion"))  # the staff home's sign-out form carries it
    return app.post(f"/gestion/comite/seances/{session_id}/envoi",
                    {"csrf_token": token, "envoyer": "envoyer"}, status=status)


def text(mailbox, message) -> str:
    """An e-mail's text with the line ends a reader sees."""
    return mailbox.body(message).replace("\r\n", "\n")


def held_session(committee) -> int:
    """A session of today with both practices on its agenda."""
    session_id = create_session(committee.secretariat)
    post_agenda(committee.secretariat, session_id, committee.first, committee.second)
    return session_id


# -- sessions and agenda --------------------------------------------------------------------
def test_the_secretariat_creates_a_session_and_builds_its_agenda(committee, engine):
    app = committee.secretariat
    assert "Aucune séance" in app.get("/gestion/comite")
    session_id = create_session(app, date="02/12/2026", lieu="Lyon, conseil départemental")
    page = app.get(f"/gestion/comite/seances/{session_id}")
    assert "Séance du 2 décembre 2026" in page
    assert "Publication des pratiques sélectionnées le 9 décembre 2026" in page
    form = page.forms["ordre-du-jour"]
    assert committee.first.titre in form.text and committee.second.titre in form.text

    post_agenda(app, session_id, committee.first, committee.second).follow()
    assert practice_now(engine, committee.first).status == "inscrite"
    assert practice_now(engine, committee.second).status == "inscrite"
    [first] = read(engine, Transition, practice_id=committee.first.id, to_status="inscrite")
    assert first.actor == SECRETARIAT and first.from_status == "recevable"

    listing = app.get("/gestion/comite")
    row = listing.html.find("a", string=re.compile("02/12/2026")).find_parent("tr").text
    assert "Lyon, conseil départemental" in row and "2 pratiques" in row and "À venir" in row
    page = app.get(f"/gestion/comite/seances/{session_id}")
    assert "Aucune pratique recevable n'attend de séance." in page

    # taken off before any decision, the practice is admissible again, without its grids
    fill_grid(committee.alice, session_id, committee.second, 3)
    page = app.get(f"/gestion/comite/seances/{session_id}")
    remove = next(f for f in page.forms.values() if "pratique" in f.fields
                  and f["pratique"].value == str(committee.second.id))
    assert "retirée de l'ordre du jour" in remove.submit("retirer").follow()
    assert practice_now(engine, committee.second).status == "recevable"
    assert [i.practice_id for i in read(engine, AgendaItem)] == [committee.first.id]
    assert read(engine, ReviewGrid) == []
    assert "1 pratique" in app.get("/gestion/comite")


def test_the_session_form_checks_its_fields(committee, engine):
    form = committee.secretariat.get("/gestion/comite/seances/nouvelle").forms["seance"]
    form["date"] = "31/02/2026"
    page = form.submit("creer", status=400)
    assert "« Date de la séance » : le 31/02/2026 n'existe pas" in page
    assert "« Lieu » est obligatoire" in page
    form = page.forms["seance"]
    form["date"] = "20/11/2026"
    form["lieu"] = "x" * 201
    page = form.submit("creer", status=400)
    assert "la date est passée (nous sommes le 23/11/2026)" in page
    assert "« Lieu » : 200 caractères au maximum" in page
    assert read(engine, CommitteeSession) == []


def test_only_admissible_practices_go_on_the_agenda(committee, wsgi_app, engine):
    app = committee.secretariat
    session_id = create_session(app)
    in_review = add_practice(wsgi_app, status="en_moderation", intitule="Encore en modération")
    page = app.get(f"/gestion/comite/seances/{session_id}")
    assert "Encore en modération" not in page.forms["ordre-du-jour"].text

    # a hand-made request with the practice, alone or among admissible ones, changes nothing
    refused = post_agenda(app, session_id, committee.first, in_review, status=400)
    assert ("« Encore en modération » ne peut pas être inscrite : elle est « En modération », "
            "et seules les pratiques déclarées recevables par la modération peuvent l'être."
            ) in refused
    assert read(engine, AgendaItem) == []
    assert practice_now(engine, committee.first).status == "recevable"
    assert practice_now(engine, in_review).status == "en_moderation"
    # twice on the same agenda
    post_agenda(app, session_id, committee.first)
    again = post_agenda(app, session_id, committee.first, status=400)
    assert "est déjà à l'ordre du jour de cette séance" in again
    assert len(read(engine, AgendaItem)) == 1
    # unknown ids and empty choices
    unknown = post_agenda(app, session_id, Practice(id=uuid.uuid4()), status=400)
    assert "n'existe plus" in unknown
    assert "cochez au moins une pratique" in post_agenda(app, session_id, status=400)


def test_committee_pages_are_for_the_committee(committee, wsgi_app, engine, testapp):
    session_id = held_session(committee)
    anonymous = webtest.TestApp(wsgi_app)
    assert anonymous.get("/gestion/comite", status=302).location.startswith(
        "http://localhost/connexion")
    create_staff(engine, "mod@france-enfance-protegee.example.fr", "Modérateur", "moderateur")
    moderator = signed_in(wsgi_app, "mod@france-enfance-protegee.example.fr")
    for path in ("/gestion/comite", f"/gestion/comite/seances/{session_id}",
                 review_url(session_id, committee.first)):
        assert "Accès refusé" in moderator.get(path, status=403)
    # members read sessions and practices, but the secretariat's pages are not theirs
    assert committee.alice.get("/gestion/comite").status_int == 200
    assert "Nouvelle séance" not in committee.alice.get("/gestion/comite")
    committee.alice.get("/gestion/comite/seances/nouvelle", status=403)
    committee.alice.get(f"/gestion/comite/seances/{session_id}/synthese", status=403)
    page = committee.alice.get(f"/gestion/comite/seances/{session_id}")
    assert "ordre-du-jour" not in page.forms and "Retirer" not in page
    token = csrf(committee.alice.get(review_url(session_id, committee.first)))
    committee.alice.post(f"/gestion/comite/seances/{session_id}/ordre-du-jour",
                         {"csrf_token": token, "retirer": "1",
                          "pratique": str(committee.first.id)}, status=403)
    assert practice_now(engine, committee.first).status == "inscrite"
    # unknown sessions, and practices not on this agenda
    committee.alice.get("/gestion/comite/seances/999", status=404)
    committee.alice.get("/gestion/comite/seances/abc", status=404)
    other = add_practice(wsgi_app, status="recevable")
    committee.alice.get(review_url(session_id, other), status=404)


# -- review grids ---------------------------------------------------------------------------
def test_a_member_reads_the_practice_and_fills_a_grid(committee, engine):
    session_id = held_session(committee)
    page = committee.alice.get(f"/gestion/comite/seances/{session_id}")
    assert page.text.count("À remplir") == 2
    review = committee.alice.get(review_url(session_id, committee.second))
    assert "Un parrainage de proximité pour les jeunes majeurs" in review
    assert "Ancienneté le jour de la séance : 8 mois – moins d'un an" in review
    # the declared fields, not the personal ones
    review = committee.alice.get(review_url(session_id, committee.first))
    assert "Des objectifs." in review and "Un bilan." in review and "Pièces jointes" in review
    assert "claire.martin.secrete@association.example.org" not in review
    assert "02 41 00 00 00" not in review and DECLARANT_1 not in review
    assert "Ancienneté le jour de la séance : 6 ans et 10 mois." in review

    saved = fill_grid(committee.alice, session_id, committee.first, 3, avis="reserve",
                      commentaire="Le budget mériterait d'être détaillé.")
    assert "Votre grille pour « Des visites médiatisées dans un lieu neutre » est enregistrée" \
        in saved.follow()
    [grid] = read(engine, ReviewGrid)
    assert grid.avis == "reserve" and grid.commentaire == "Le budget mériterait d'être détaillé."
    assert grid.notes["bilan"] == {"note": 3, "commentaire": "bilan"}
    assert set(grid.notes) == set(CRITERIA)

    # the grid comes back filled, and is edited, never duplicated
    form = committee.alice.get(review_url(session_id, committee.first)).forms["grille"]
    assert form["note_anteriorite"].value == "3" and form["avis"].value == "reserve"
    assert form["commentaire"].value == "Le budget mériterait d'être détaillé."
    fill_grid(committee.alice, session_id, committee.first, 4)
    [grid] = read(engine, ReviewGrid)
    assert grid.avis == "favorable" and grid.notes["recevabilite"]["note"] == 4
    assert grid.commentaire is None
    page = committee.alice.get(f"/gestion/comite/seances/{session_id}")
    assert page.text.count("À remplir") == 1 and "Remplie" in page


def test_the_grid_is_checked_on_the_server(committee, engine):
    session_id = held_session(committee)
    page = fill_grid(committee.alice, session_id, committee.first,
                     {"recevabilite": 4, "bilan": 2}, avis="defavorable", status=400)
    for label in ("Antériorité d'un an", "Qualité et méthode de la rédaction",
                  "Adéquation entre objectifs et moyens financiers"):
        assert f"« {label} » : choisissez une note de 1 à 4." in page
    # what was typed is kept
    form = page.forms["grille"]
    assert form["note_bilan"].value == "2" and form["commentaire_bilan"].value == "bilan"
    # an unfavourable opinion says why
    page = fill_grid(committee.alice, session_id, committee.first, 2, avis="defavorable",
                     status=400)
    assert "« Commentaire » : pour un avis « Défavorable », dites pourquoi." in page
    form = page.forms["grille"]
    # forged values and long comments
    form["note_anteriorite"].force_value("7")
    form["commentaire_transposition"] = "x" * 501
    page = form.submit("enregistrer", status=400)
    assert "« Antériorité d'un an » : choisissez une note de 1 à 4." in page
    assert ("« Commentaire sur « Possibilités d'appropriation, de modélisation, "
            "de transposition » » : 500 caractères au maximum") in page
    assert read(engine, ReviewGrid) == []


def test_a_member_never_sees_another_members_grid(committee, engine):
    session_id = held_session(committee)
    fill_grid(committee.alice, session_id, committee.first, 2, avis="defavorable",
              commentaire="Avis confidentiel d'Alice", prefix="Alice pense que ")
    page = committee.bruno.get(review_url(session_id, committee.first))
    assert "Alice" not in page and "confidentiel" not in page
    form = page.forms["grille"]
    assert form["avis"].value is None and form["note_bilan"].value is None
    assert form["commentaire"].value == ""
    assert "À remplir" in committee.bruno.get(f"/gestion/comite/seances/{session_id}")
    committee.bruno.get(f"/gestion/comite/seances/{session_id}/synthese", status=403)
    # Bruno's grid is his own: saving it leaves Alice's untouched
    fill_grid(committee.bruno, session_id, committee.first, 4)
    grids = {g.member.email: g for g in _grids(engine)}
    assert grids[MEMBER_A].avis == "defavorable" and grids[MEMBER_B].avis == "favorable"
    page = committee.bruno.get(review_url(session_id, committee.first))
    assert "Avis confidentiel d'Alice" not in page


def _grids(engine):
    with Session(engine) as session:
        grids = session.scalars(select(ReviewGrid)).all()
        for grid in grids:
            grid.member  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        return grids


def test_the_secretariat_does_not_fill_grids(committee, engine):
    session_id = held_session(committee)
    page = committee.secretariat.get(review_url(session_id, committee.first))
    assert "grille" not in page.forms and "synthèse" in page
    token = csrf(committee.secretariat.get(f"/gestion/comite/seances/{session_id}"))
    committee.secretariat.post(review_url(session_id, committee.first),
                               {"csrf_token": token}, status=403)
    assert read(engine, ReviewGrid) == []


# -- synthesis, decisions, sending ----------------------------------------------------------
def test_the_committee_selects_one_practice_and_rejects_the_other(committee, engine, mailbox):
    session_id = held_session(committee)
    fill_grid(committee.alice, session_id, committee.first, 4, commentaire="Très transposable.")
    fill_grid(committee.bruno, session_id, committee.first,
              {**dict.fromkeys(CRITERIA, 3), "bilan": 2}, avis="reserve",
              commentaire="Le bilan reste qualitatif.")
    fill_grid(committee.alice, session_id, committee.second, 2, avis="defavorable",
              commentaire="Trop récente.")
    fill_grid(committee.bruno, session_id, committee.second, 1, avis="defavorable",
              commentaire="Moins d'un an de recul.")

    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    first = synthesis.html.find(id=re.compile("^pratique-")).find("table")
    headers = [th.text.strip() for th in first.find("thead").find_all("th")]
    assert headers == ["Critère", "Alice État", "Bruno Département", "Moyenne"]
    rows = {tr.th.text.strip(): [(td.text.split() or [""])[0] for td in tr.find_all("td")]
            for tr in first.find("tbody").find_all("tr")}
    assert rows["Recevabilité"] == ["4", "3", "3,5"]
    assert rows["Bilan chiffré et qualitatif"] == ["4", "2", "3"]
    assert rows["Moyenne générale"] == ["", "", "3,4"]
    assert "Très transposable." in synthesis and "Le bilan reste qualitatif." in synthesis
    assert "Favorable : 1 · Favorable avec réserves : 1 · Défavorable : 0" in synthesis
    assert "Favorable : 0 · Favorable avec réserves : 0 · Défavorable : 2" in synthesis
    assert "2 pratique(s) sur 2 sans décision" in synthesis
    assert "envoyer-decisions" not in synthesis.forms

    done = decide(committee.secretariat, session_id, committee.first, "selectionnee", coup=True)
    assert ("Décision enregistrée pour « Des visites médiatisées dans un lieu neutre » : "
            "Sélectionnée. Coup de cœur du comité.") in done.follow()
    decide(committee.secretariat, session_id, committee.second, "non_retenue",
           motivation=MOTIVATION)
    first, second = practice_now(engine, committee.first), practice_now(engine, committee.second)
    assert (first.status, first.coup_de_coeur) == ("selectionnee", True)
    assert (second.status, second.coup_de_coeur) == ("non_retenue", False)
    items = {i.practice_id: i for i in read(engine, AgendaItem)}
    assert items[second.id].decision == "non_retenue" and items[second.id].motivation == MOTIVATION
    assert items[first.id].decided_by == SECRETARIAT
    [rejected] = read(engine, Transition, practice_id=second.id, to_status="non_retenue")
    assert rejected.comment == MOTIVATION and rejected.actor == SECRETARIAT
    assert mailbox.messages == []  # nothing leaves before the secretariat sends

    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    assert "Décision : Sélectionnée – coup de cœur du comité" in synthesis
    assert f"Motivation : {MOTIVATION}" in synthesis
    sent = synthesis.forms["envoyer-decisions"].submit("envoyer").follow()
    assert ("Décisions envoyées aux déclarants : 1 sélectionnée(s), 1 non retenue(s), "
            "0 ajournée(s).") in sent
    [selected] = mailbox.to(DECLARANT_1)
    assert selected["Subject"] == f"Votre pratique {first.reference} a été sélectionnée"
    body = text(mailbox, selected)
    assert "réuni le 23 novembre 2026" in body
    assert "publiée dans le recueil des pratiques inspirantes le 30 novembre 2026." in body
    assert "coup de cœur" in body
    [not_selected] = mailbox.to(DECLARANT_2)
    assert not_selected["Subject"] == f"Votre pratique {second.reference} n'a pas été retenue"
    assert f"Motivation du comité :\n{MOTIVATION}" in text(mailbox, not_selected)
    assert len(mailbox.messages) == 2

    # a second click sends nothing more
    again = send_decisions(committee.secretariat, session_id).follow()
    assert "Les décisions de cette séance ont déjà été envoyées, le 23/11/2026 à 10:30" in again
    assert "aucun courriel n'a été renvoyé" in again
    assert len(mailbox.messages) == 2
    assert "Décisions envoyées" in committee.secretariat.get("/gestion/comite")
    # selected is not published: the public page waits for the publication day
    committee.secretariat.get(f"/pratiques/{first.id}", status=404)
    # the grids are closed once the decisions are sent
    closed = committee.alice.get(review_url(session_id, committee.first))
    assert "grille" not in closed.forms and "les grilles ne se modifient plus" in closed
    refused = committee.alice.post(review_url(session_id, committee.first),
                                   {"csrf_token": csrf(committee.alice.get("/gestion"))},
                                   status=400)
    assert "les grilles ne se modifient plus" in refused


def test_a_member_cannot_decide(committee, engine, mailbox):
    session_id = held_session(committee)
    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    form = decision_form(synthesis, committee.first)
    params = {"csrf_token": csrf(committee.alice.get(review_url(session_id, committee.first))),
              "version": form["version"].value, "decision": "selectionnee"}
    page = committee.alice.post(form.action, params, status=403)
    assert "Accès refusé" in page
    committee.alice.post(f"/gestion/comite/seances/{session_id}/envoi",
                         {"csrf_token": params["csrf_token"]}, status=403)
    assert practice_now(engine, committee.first).status == "inscrite"
    assert all(i.decision is None for i in read(engine, AgendaItem))
    assert mailbox.messages == []


def test_a_decision_is_taken_once(committee, engine):
    session_id = held_session(committee)
    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    form = decision_form(synthesis, committee.first)
    decide(committee.secretariat, session_id, committee.first, "selectionnee")
    version = practice_now(engine, committee.first).version
    # the form is gone; a hand-made post with the current version is refused
    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    assert not [f for f in synthesis.forms.values() if f.action == form.action]
    page = committee.secretariat.post(form.action, {
        "csrf_token": csrf(synthesis), "version": str(version), "decision": "non_retenue",
        "motivation": "Changement d'avis.",
    }, status=400)
    assert ("Une décision est déjà enregistrée pour « Des visites médiatisées dans un lieu "
            "neutre » : « Sélectionnée », le 23/11/2026 à 10:30") in page
    practice = practice_now(engine, committee.first)
    assert (practice.status, practice.version) == ("selectionnee", version)
    assert read(engine, Transition, practice_id=committee.first.id, to_status="non_retenue") == []


def test_the_decision_form_asks_what_each_decision_needs(committee, engine):
    session_id = held_session(committee)
    page = decide(committee.secretariat, session_id, committee.first, "non_retenue", status=400)
    assert "« Motivation du comité » : une pratique non retenue l'est pour une raison" in page
    page = decide(committee.secretariat, session_id, committee.first, "ajournee", status=400,
                  page=page)
    assert "« Compléments demandés » : dites au déclarant ce qu'il doit apporter" in page
    page = decide(committee.secretariat, session_id, committee.first, "non_retenue", coup=True,
                  motivation=MOTIVATION, page=page, status=400)
    assert "« Coup de cœur » : seule une pratique sélectionnée peut le recevoir." in page
    assert decision_form(page, committee.first)["motivation"].value == MOTIVATION
    page = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    form = decision_form(page, committee.first)
    form["decision"].force_value("publiee")
    assert "« Décision du comité » : choisissez une décision proposée." in form.submit(
        "enregistrer", status=400)
    assert practice_now(engine, committee.first).status == "inscrite"


def test_two_secretaries_deciding_at_once_conflict(committee, wsgi_app, engine):
    session_id = held_session(committee)
    colleague = "second.secretariat@france-enfance-protegee.example.fr"
    create_staff(engine, colleague, "Samuel Secrétariat", "secretariat")
    other = signed_in(wsgi_app, colleague)
    mine = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    theirs = other.get(f"/gestion/comite/seances/{session_id}/synthese")

    decide(committee.secretariat, session_id, committee.first, "selectionnee", page=mine)
    before = practice_now(engine, committee.first)
    page = decide(other, session_id, committee.first, "non_retenue", motivation=MOTIVATION,
                  page=theirs, status=409)
    assert ("Cette pratique a été modifiée entre-temps par une autre personne : rechargez la page "
            "pour voir son état actuel, puis recommencez.") in page
    after = practice_now(engine, committee.first)
    assert (after.status, after.version) == ("selectionnee", before.version)
    assert not after.coup_de_coeur
    [item] = read(engine, AgendaItem, practice_id=committee.first.id)
    assert item.decision == "selectionnee" and item.motivation is None
    assert item.decided_by == SECRETARIAT


def test_decisions_are_sent_once_every_practice_has_one(committee, engine, mailbox):
    session_id = held_session(committee)
    decide(committee.secretariat, session_id, committee.first, "selectionnee")
    page = send_decisions(committee.secretariat, session_id, status=400)
    assert ("Les décisions ne peuvent pas encore être envoyées : 1 pratique(s) de l'ordre du "
            "jour n'ont pas de décision (« Un parrainage de proximité pour les jeunes "
            "majeurs »).") in page
    [session] = read(engine, CommitteeSession)
    assert session.decisions_sent_at is None
    assert mailbox.messages == []
    # and an undecided practice can still be taken off; a decided one cannot
    page = committee.secretariat.get(f"/gestion/comite/seances/{session_id}")
    removable = [f for f in page.forms.values() if "pratique" in f.fields]
    assert [f["pratique"].value for f in removable] == [str(committee.second.id)]
    refused = committee.secretariat.post(
        f"/gestion/comite/seances/{session_id}/ordre-du-jour",
        {"csrf_token": csrf(page), "pratique": str(committee.first.id), "retirer": "retirer"},
        status=400)
    assert "a déjà reçu une décision : elle reste à l'ordre du jour" in refused
    assert practice_now(engine, committee.first).status == "selectionnee"


def test_decisions_wait_for_the_session_day(committee, engine):
    session_id = create_session(committee.secretariat, date="24/11/2026")
    post_agenda(committee.secretariat, session_id, committee.first)
    page = decide(committee.secretariat, session_id, committee.first, "selectionnee", status=400)
    assert "La séance du 24/11/2026 n'a pas encore eu lieu" in page
    assert practice_now(engine, committee.first).status == "inscrite"


def test_a_postponed_practice_goes_back_to_its_declarant(committee, wsgi_app, engine, mailbox):
    session_id = held_session(committee)
    complements = "Joignez le bilan de la deuxième année et le budget détaillé."
    decide(committee.secretariat, session_id, committee.first, "ajournee", complements=complements)
    decide(committee.secretariat, session_id, committee.second, "selectionnee")
    assert practice_now(engine, committee.first).status == "ajournee"
    send_decisions(committee.secretariat, session_id)

    practice = practice_now(engine, committee.first)
    assert practice.status == "complement_demande"
    asked = read(engine, Transition, practice_id=practice.id, to_status="complement_demande")
    assert [t.comment for t in asked] == [complements]
    [message] = mailbox.to(DECLARANT_1)
    body = text(mailbox, message)
    assert "a ajourné l'examen de votre pratique" in body
    assert f"Compléments demandés par le comité :\n{complements}" in body
    link = re.search(r"http://localhost(/acces/\S+)", body).group(1)
    declarant = webtest.TestApp(wsgi_app)
    space = declarant.get(link)
    assert space.location == f"http://localhost/mon-espace/pratiques/{practice.id}/complements"
    assert complements in space.follow()
    # the selected one is told its publication date
    assert "le 30 novembre 2026" in mailbox.body(mailbox.to(DECLARANT_2)[0])


def withdraw(wsgi_app, clock, practice, email):
    """The declarant withdraws the practice from their space (spec §3: before a decision)."""
    declarant = workflow.Actor(label=email, roles=("declarant",), declarant_email=email)
    with wsgi_app.registry["dbsession_factory"]() as session:
        workflow.apply(session, clock, session.get(Practice, practice.id), "withdraw", declarant)
        session.commit()


def test_a_practice_withdrawn_by_its_declarant_needs_no_decision(committee, wsgi_app, clock,
                                                                  engine, mailbox):
    session_id = held_session(committee)
    withdraw(wsgi_app, clock, committee.second, DECLARANT_2)
    synthesis = committee.secretariat.get(f"/gestion/comite/seances/{session_id}/synthese")
    assert "Son déclarant a retiré cette pratique" in synthesis
    assert {f.id for f in synthesis.forms.values() if "decision" in f.fields} == {
        decision_form(synthesis, committee.first).id}
    assert "Retirée par son déclarant" in committee.secretariat.get(
        f"/gestion/comite/seances/{session_id}")
    decide(committee.secretariat, session_id, committee.first, "non_retenue",
           motivation=MOTIVATION)
    sent = send_decisions(committee.secretariat, session_id).follow()
    assert "0 sélectionnée(s), 1 non retenue(s), 0 ajournée(s)" in sent
    assert [m.envelope_rcpt for m in mailbox.messages] == [[DECLARANT_1]]
    assert practice_now(engine, committee.second).status == "retiree"


def test_a_withdrawn_practice_leaves_the_agenda_withdrawn(committee, wsgi_app, clock, engine):
    session_id = held_session(committee)
    withdraw(wsgi_app, clock, committee.second, DECLARANT_2)
    page = committee.secretariat.get(f"/gestion/comite/seances/{session_id}")
    remove = next(f for f in page.forms.values() if "pratique" in f.fields
                  and f["pratique"].value == str(committee.second.id))
    remove.submit("retirer").follow()
    assert [i.practice_id for i in read(engine, AgendaItem)] == [committee.first.id]
    assert practice_now(engine, committee.second).status == "retiree"


def test_members_download_the_documents_of_the_practices_on_their_agenda(
        committee, wsgi_app, engine, testapp):
    from recueil.models import Attachment

    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = session.get(Practice, committee.first.id)
        practice.attachments.append(Attachment(
            filename="bilan 2025.pdf", media_type="application/pdf", size=9, sha256="0" * 64,
            content=b"%PDF-1.4\n"))
        session.commit()
        attachment_id = practice.attachments[0].id
    session_id = held_session(committee)
    review = committee.alice.get(review_url(session_id, committee.first))
    link = review.html.select_one("#pieces-jointes a")
    assert link.get_text().startswith("bilan 2025.pdf")
    download = committee.alice.get(link["href"])
    assert download.body == b"%PDF-1.4\n"
    assert download.content_disposition.startswith("attachment;")
    # the same document reached through a session whose agenda does not list the practice
    other = create_session(committee.secretariat, date="30/11/2026")
    committee.alice.get(f"{review_url(other, committee.first)}/pieces/{attachment_id}", status=404)
