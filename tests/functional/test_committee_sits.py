"""The committee as it really sits (issue 14) and its papers (issue 16): members' institutions,
attendance, a session recorded after it was held, corrected decisions, the motifs of a coup de
cœur and the coups de cœur of a period, the session's dossier and minutes as PDF."""
import csv
import io

import pypdf
import pytest
import webtest
from sqlalchemy.orm import Session

from recueil.models import AgendaItem, CommitteeSession, Transition, User

from . import test_committee
from .helpers import csrf, seq
from .test_committee import (
    DECLARANT_1,
    DECLARANT_2,
    MEMBER_A,
    MEMBER_B,
    MOTIVATION,
    create_staff,
    decide,
    fill_grid,
    held_session,
    practice_now,
    read,
    send_decisions,
    signed_in,
    text,
    tick,
)
from .test_publication import run_publication

committee = test_committee.committee
SYNTHESIS = "/gestion/comite/seances/{}/synthese"


def set_institution(engine, email, kind, name):
    with Session(engine) as session:
        user = session.query(User).filter_by(email=email).one()
        user.institution_type, user.institution_nom = kind, name
        session.commit()


@pytest.fixture
def seated(committee, engine):
    """Alice sits for the State, Bruno for a département."""
    set_institution(engine, MEMBER_A, "etat", "Direction générale de la cohésion sociale")
    set_institution(engine, MEMBER_B, "departement", "Conseil départemental de Maine-et-Loire")
    return committee


def member_ids(engine):
    return {u.email: u.id for u in read(engine, User)}


# -- attendance ----------------------------------------------------------------------------
def test_the_synthesis_shows_attendance_by_institution_and_the_missing_balance(seated, engine):
    session_id = held_session(seated)
    page = seated.secretariat.get(f"/gestion/comite/seances/{session_id}")
    assert "Les présences ne sont pas encore enregistrées." in page
    form = page.forms["presences"]
    assert "Alice État (État – Direction générale de la cohésion sociale)" in form.text
    tick(form, str(member_ids(engine)[MEMBER_A]), str(member_ids(engine)[MEMBER_B]))
    done = form.submit("enregistrer").follow()
    assert "Présences enregistrées : 2 membre(s) présent(s)." in done
    synthesis = seated.secretariat.get(SYNTHESIS.format(session_id))
    table = synthesis.html.select_one("#presences table")
    rows = {tr.th.text.strip(): tr.find_all("td")[0].text
            for tr in table.find("tbody").find_all("tr")}
    assert rows == {"État": "1", "Département": "1", "Association": "0",
                    "France Enfance Protégée": "0", "ONPE": "0"}
    warning = synthesis.html.select_one("#equilibre").text
    assert "Aucun membre présent pour : Association." in warning

    # an association joins: the balance is kept, the warning goes
    create_staff(engine, "chloe@association.example.org", "Chloé Association", "comite")
    set_institution(engine, "chloe@association.example.org", "association", "La Sauvegarde")
    form = seated.secretariat.get(f"/gestion/comite/seances/{session_id}").forms["presences"]
    tick(form, *(str(i) for e, i in member_ids(engine).items() if e != DECLARANT_1
                 and e != "sophie.secretariat@france-enfance-protegee.example.fr"))
    form.submit("enregistrer")
    synthesis = seated.secretariat.get(SYNTHESIS.format(session_id))
    assert synthesis.html.select_one("#equilibre") is None


def test_only_members_can_be_ticked_present_and_only_by_the_secretariat(seated, engine):
    session_id = held_session(seated)
    page = seated.secretariat.get(f"/gestion/comite/seances/{session_id}")
    secretary = member_ids(engine)["sophie.secretariat@france-enfance-protegee.example.fr"]
    params = [("csrf_token", csrf(page)), ("__formid__", "presences"),
              *seq("presents", [str(secretary)]), ("enregistrer", "enregistrer")]
    refused = seated.secretariat.post(f"/gestion/comite/seances/{session_id}/presences", params,
                                      status=400)
    assert "« Membres présents » : une personne cochée n'est pas membre du comité" in refused
    seated.alice.post(f"/gestion/comite/seances/{session_id}/presences",
                      [("csrf_token", csrf(seated.alice.get("/gestion")))], status=403)
    with Session(engine) as session:
        assert session.get(CommitteeSession, session_id).attendees == []


# -- a session recorded after it was held --------------------------------------------------
def held_params(page, engine, date, decisions, presents=(MEMBER_A, MEMBER_B)):
    ids = member_ids(engine)
    params = [("_charset_", "UTF-8"), ("__formid__", "seance-tenue"), ("csrf_token", csrf(page)),
              ("date", date), ("lieu", "Angers, conseil départemental"),
              *seq("presents", [str(ids[e]) for e in presents])]
    for practice, values in decisions.items():
        key = practice.id.hex
        params += [(f"decision_{key}", values.get("decision", "")),
                   (f"motivation_{key}", values.get("motivation", "")),
                   (f"complements_{key}", values.get("complements", "")),
                   (f"coup_de_coeur_{key}", "true" if values.get("coup") else "false"),
                   *seq(f"motifs_coup_de_coeur_{key}", values.get("motifs", []))]
    return params + [("enregistrer", "enregistrer")]


def test_a_session_is_recorded_after_it_was_held_in_one_go(seated, engine, mailbox):
    app = seated.secretariat
    page = app.get("/gestion/comite/seances/tenue")
    assert seated.first.titre in page and seated.second.titre in page
    done = app.post("/gestion/comite/seances/tenue", held_params(page, engine, "13/11/2026", {
        seated.first: {"decision": "selectionnee", "coup": True,
                       "motifs": ["originalite", "efficacite"]},
        seated.second: {"decision": "non_retenue", "motivation": MOTIVATION},
    }))
    assert done.status_int == 302
    synthesis = done.follow()
    assert "La séance du 13/11/2026 est enregistrée avec 2 décision(s)" in synthesis
    assert "coup de cœur du comité (Originalité, Efficacité)" in synthesis
    [session] = read(engine, CommitteeSession)
    assert str(session.date) == "2026-11-13"
    first = practice_now(engine, seated.first)
    assert first.status == "selectionnee" and first.motifs_coup_de_coeur == [
        "originalite", "efficacite"]
    # the real steps of the workflow, in their order
    history = sorted(read(engine, Transition, practice_id=seated.second.id), key=lambda t: t.id)
    steps = [(t.from_status, t.to_status) for t in history][1:]
    assert steps == [("recevable", "inscrite"), ("inscrite", "non_retenue")]
    assert mailbox.messages == []  # sent from the synthesis, as for any session
    send_decisions(app, session.id)
    assert "par son originalité et son efficacité" in text(mailbox, mailbox.to(DECLARANT_1)[0])
    assert f"Motivation du comité :\n{MOTIVATION}" in text(mailbox, mailbox.to(DECLARANT_2)[0])


def test_the_held_session_form_checks_each_decision(seated, engine):
    app = seated.secretariat
    page = app.get("/gestion/comite/seances/tenue")
    future = app.post("/gestion/comite/seances/tenue", held_params(page, engine, "30/11/2026", {
        seated.first: {"decision": "selectionnee"}}), status=400)
    assert "la séance n'a pas encore eu lieu (nous sommes le 23/11/2026)" in future
    refused = app.post("/gestion/comite/seances/tenue", held_params(page, engine, "20/11/2026", {
        seated.first: {"decision": "selectionnee", "coup": True},
        seated.second: {"decision": "non_retenue"},
    }), status=400)
    assert "« Motifs du coup de cœur » : cochez au moins un motif" in refused
    assert "« Motivation du comité » : une pratique non retenue l'est pour une raison" in refused
    nothing = app.post("/gestion/comite/seances/tenue",
                       held_params(page, engine, "20/11/2026", {}), status=400)
    assert "Indiquez la décision du comité pour au moins une pratique" in nothing
    assert read(engine, CommitteeSession) == [] and read(engine, AgendaItem) == []
    assert practice_now(engine, seated.first).status == "recevable"
    # a member does not record sessions
    seated.alice.get("/gestion/comite/seances/tenue", status=403)


# -- corrections ---------------------------------------------------------------------------
def correction_form(page, practice):
    forms = {id(f): f for f in page.forms.values()
             if f.action.split("#")[0].endswith(f"/pratiques/{practice.id}/correction")}
    [form] = forms.values()
    return form


def test_a_sent_decision_is_corrected_and_the_declarant_told_it_replaces_the_first(
        seated, engine, mailbox):
    session_id = held_session(seated)
    decide(seated.secretariat, session_id, seated.first, "selectionnee")
    decide(seated.secretariat, session_id, seated.second, "non_retenue", motivation=MOTIVATION)
    send_decisions(seated.secretariat, session_id)
    mailbox.messages.clear()

    form = correction_form(seated.secretariat.get(SYNTHESIS.format(session_id)), seated.second)
    form["decision"] = "selectionnee"
    form["motivation"] = ""
    refused = form.submit("corriger", status=400)
    assert "« Motif de la correction » est obligatoire" in refused
    form = correction_form(refused, seated.second)
    form["decision"] = "selectionnee"
    form["motivation"] = ""
    form["motif_correction"] = "Erreur de saisie : le comité l'a sélectionnée à l'unanimité."
    form["coup_de_coeur"] = True
    tick(form, "pertinence")
    done = form.submit("corriger").follow()
    assert "Le déclarant a reçu la décision corrigée, qui remplace la précédente." in done
    assert "(auparavant : Non retenue)" in done

    second = practice_now(engine, seated.second)
    assert (second.status, second.coup_de_coeur) == ("selectionnee", True)
    [item] = read(engine, AgendaItem, practice_id=second.id)
    assert (item.decision, item.previous_decision) == ("selectionnee", "non_retenue")
    assert item.corrected_by == "sophie.secretariat@france-enfance-protegee.example.fr"
    assert item.corrected_at is not None
    [corrected] = read(engine, Transition, practice_id=second.id, to_status="selectionnee")
    assert corrected.from_status == "non_retenue"
    assert corrected.comment == ("Décision corrigée : « Non retenue » devient « Sélectionnée ». "
                                 "Motif : Erreur de saisie : le comité l'a sélectionnée à "
                                 "l'unanimité.")
    [message] = mailbox.to(DECLARANT_2)
    assert message["Subject"] == f"Décision corrigée – Votre pratique {second.reference} a été " \
        "sélectionnée"
    body = text(mailbox, message)
    assert "Ce courriel remplace le précédent, qui vous annonçait la décision « Non retenue »" \
        in body
    assert "le comité l'a sélectionnée à l'unanimité" in body
    assert "publiée dans le recueil des pratiques inspirantes le 30 novembre 2026" in body


def test_a_decision_is_corrected_until_the_practice_is_published(seated, engine, clock,
                                                                  wsgi_app, mailbox):
    session_id = held_session(seated)
    decide(seated.secretariat, session_id, seated.first, "selectionnee")
    decide(seated.secretariat, session_id, seated.second, "non_retenue", motivation=MOTIVATION)
    # before the sending, a correction changes the decision and tells nobody yet
    form = correction_form(seated.secretariat.get(SYNTHESIS.format(session_id)), seated.first)
    form["decision"] = "ajournee"
    form["complements"] = "Le budget détaillé."
    form["motif_correction"] = "Le comité a demandé le budget."
    assert "Le déclarant a reçu" not in form.submit("corriger").follow()
    assert practice_now(engine, seated.first).status == "ajournee"
    assert mailbox.messages == []
    form = correction_form(seated.secretariat.get(SYNTHESIS.format(session_id)), seated.first)
    form["decision"] = "selectionnee"
    form["complements"] = ""
    form["motif_correction"] = "Le budget était joint."
    form.submit("corriger")
    send_decisions(seated.secretariat, session_id)
    clock.advance(days=7)
    run_publication(wsgi_app, clock)
    assert practice_now(engine, seated.first).status == "publiee"
    page = seated.secretariat.get(SYNTHESIS.format(session_id))
    assert not [f for f in page.forms.values() if f.action.split("#")[0].endswith(
        f"/pratiques/{seated.first.id}/correction")]
    refused = seated.secretariat.post(
        f"/gestion/comite/seances/{session_id}/pratiques/{seated.first.id}/correction",
        {"csrf_token": csrf(page), "version": str(practice_now(engine, seated.first).version),
         "decision": "non_retenue", "motivation": MOTIVATION, "motif_correction": "Trop tard."},
        status=400)
    assert "ne se corrige plus : elle est publiée" in refused
    assert practice_now(engine, seated.first).status == "publiee"


# -- coups de cœur -------------------------------------------------------------------------
def test_a_coup_de_coeur_says_why_publicly_and_is_listed_for_its_period(
        seated, engine, clock, wsgi_app, testapp):
    session_id = held_session(seated)
    refused = decide(seated.secretariat, session_id, seated.first, "selectionnee", coup=True,
                     motifs=[], status=400)
    assert "« Motifs du coup de cœur » : cochez au moins un motif" in refused
    decide(seated.secretariat, session_id, seated.first, "selectionnee", coup=True,
           motifs=["pertinence", "efficacite"])
    decide(seated.secretariat, session_id, seated.second, "selectionnee")
    send_decisions(seated.secretariat, session_id)
    clock.advance(days=7)
    run_publication(wsgi_app, clock)

    public = testapp.get(f"/pratiques/{seated.first.id}")
    motifs = public.html.select_one(".motifs-coup-de-coeur")
    assert " ".join(motifs.text.split()) == "Coup de cœur du comité pour : pertinence, efficacité."
    found = testapp.get("/pratiques", {"motifs_coup_de_coeur": "efficacite"})
    assert seated.first.titre in found and seated.second.titre not in found
    assert "Motif du coup de cœur : Efficacité" in found

    listing = seated.alice.get("/gestion/comite/coups-de-coeur",
                               {"du": "01/11/2026", "au": "30/11/2026"})
    rows = listing.html.select("table tbody tr")
    assert len(rows) == 1 and "Pertinence, Efficacité" in rows[0].text
    empty = seated.alice.get("/gestion/comite/coups-de-coeur", {"du": "24/11/2026"})
    assert "Aucun coup de cœur pour cette période." in empty
    bad = seated.alice.get("/gestion/comite/coups-de-coeur", {"du": "31/02/2026"}, status=400)
    assert "« Du » : le 31/02/2026 n'existe pas" in bad

    download = seated.alice.get(listing.html.select_one("a.fr-link--download")["href"])
    assert download.content_type == "text/csv"
    assert 'filename="coups-de-coeur-du-2026-11-01-au-2026-11-30.csv"' in \
        download.headers["Content-Disposition"]
    assert download.body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(download.body.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Référence", "Intitulé", "Entité"]
    assert len(table) == 2 and table[1][1] == seated.first.titre
    assert table[1][5] == "Pertinence, Efficacité" and table[1][6] == "Publiée"
    assert table[1][7] == f"http://localhost/pratiques/{seated.first.id}"
    anonymous = webtest.TestApp(wsgi_app)
    assert "/connexion" in anonymous.get("/gestion/comite/coups-de-coeur.csv",
                                         status=302).location


# -- the committee's papers ----------------------------------------------------------------
def pdf_text(response) -> tuple[int, str]:
    assert response.content_type == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.body))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_dossier_and_the_minutes_of_a_session(seated, engine, wsgi_app, testapp):
    session_id = held_session(seated)
    pages, words = pdf_text(seated.alice.get(f"/gestion/comite/seances/{session_id}/dossier.pdf"))
    # the agenda, then each practice on its own page
    assert pages >= 3
    assert "Dossier de la séance du 23 novembre 2026" in words
    assert "Ordre du jour" in words and seated.first.titre in words
    assert "Notes de la modération" in words and "Documents joints" in words
    assert "claire.martin.secrete@association.example.org" not in words

    form = seated.secretariat.get(f"/gestion/comite/seances/{session_id}").forms["presences"]
    tick(form, str(member_ids(engine)[MEMBER_A]))
    form.submit("enregistrer")
    fill_grid(seated.alice, session_id, seated.first, 3)
    fill_grid(seated.bruno, session_id, seated.first, 4)
    decide(seated.secretariat, session_id, seated.first, "selectionnee", coup=True)
    decide(seated.secretariat, session_id, seated.second, "non_retenue", motivation=MOTIVATION)
    response = seated.secretariat.get(f"/gestion/comite/seances/{session_id}/releve.pdf")
    assert 'filename="releve-seance-2026-11-23.pdf"' in response.headers["Content-Disposition"]
    pages, words = pdf_text(response)
    flat = " ".join(words.split())
    assert pages >= 1
    assert "Relevé de décisions de la séance du 23 novembre 2026" in flat
    assert "Alice État (Direction générale de la cohésion sociale)" in flat
    assert "aucun membre présent pour Département, Association" in flat
    assert "Décision : Sélectionnée – coup de cœur du comité (Pertinence)" in flat
    assert f"Motivation : {' '.join(MOTIVATION.split())}" in flat
    assert "Moyenne générale 3,5" in flat
    # the papers are the committee's alone
    create_staff(engine, "mod@france-enfance-protegee.example.fr", "Modérateur", "moderateur")
    moderator = signed_in(wsgi_app, "mod@france-enfance-protegee.example.fr")
    for paper in ("dossier.pdf", "releve.pdf"):
        moderator.get(f"/gestion/comite/seances/{session_id}/{paper}", status=403)
        anonymous = webtest.TestApp(wsgi_app)
        assert "/connexion" in anonymous.get(
            f"/gestion/comite/seances/{session_id}/{paper}", status=302).location
