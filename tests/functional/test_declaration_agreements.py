"""The declaration keeps to FEP's form: what it does not ask is optional, shown to moderators
and to the committee as « Non renseigné », and asked for as a complement; the declarant says
the hierarchy agrees; the département representative confirms the prior agreement from a
signed link, and moderators see the answer and may send the request again."""
import datetime as dt
import re

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from recueil.models import AgendaItem, CommitteeSession, Practice, Transition, User
from recueil.services.passwords import hash_password

from .helpers import (
    CONDITIONS,
    CONTACT,
    LOCALISATION,
    PRESENTATION,
    RESULTATS,
    csrf,
    fill_until,
    post_step,
    sign_in_declarant,
    start_draft,
)

PASSWORD = "une phrase de passe de modération"
MODERATOR = "moderatrice@fep.example.fr"
MEMBER = "membre.comite@departement.example.fr"
DECLARANT = "claire.martin@departement.example.fr"
REPRESENTATIVE = CONTACT["accord_courriel"]
AGREEMENT_LINK = re.compile(r"https?://[^/\s]+(/accord/[^\s]+)")
#: step 5 with the representative only: the contact person's details are optional
REPRESENTATIVE_ONLY = {k: v for k, v in CONTACT.items() if k.startswith("accord_")}


def staff_app(wsgi_app, engine, email=MODERATOR, role="moderateur"):
    with Session(engine) as session:
        user = User(email=email, nom="Mélanie", password_hash=hash_password(PASSWORD))
        user.add_role(role)
        session.add(user)
        session.commit()
    app = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    form.submit("connexion").follow()
    return app


def declare(testapp, mailbox, resultats=None, contact=None) -> Practice:
    """A declaration sent through the form, with the given steps 4 and 5."""
    space = sign_in_declarant(testapp, mailbox, DECLARANT)
    page = fill_until(testapp, start_draft(testapp, space), "resultats")
    return send(testapp, page, resultats, contact)


def send(testapp, page, resultats=None, contact=None) -> Practice:
    """From step 4 of a draft: steps 4 and 5, then « Envoyer »."""
    page = post_step(testapp, page, resultats or {}).follow()
    page = post_step(testapp, page, REPRESENTATIVE_ONLY if contact is None else contact).follow()
    assert page.forms["envoi"].submit().status_int == 302
    return practice_in(testapp)


def practice_in(testapp) -> Practice:
    with testapp.app.registry["dbsession_factory"]() as session:
        practice = session.scalars(select(Practice)).one()
        session.expunge(practice)
        return practice


def agreement_path(mailbox) -> str:
    body = mailbox.body(mailbox.to(REPRESENTATIVE)[-1])
    return AGREEMENT_LINK.search(body).group(1)


def history(engine, practice) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Transition.comment).where(
            Transition.practice_id == practice.id).order_by(Transition.id)))


@pytest.fixture
def moderator(wsgi_app, engine, testapp):
    return staff_app(wsgi_app, engine)


# --- fields FEP's form does not ask ---------------------------------------------------------------

def test_a_declaration_without_the_fields_fep_does_not_ask_reaches_moderation(
        testapp, mailbox, moderator):
    practice = declare(testapp, mailbox)
    assert mailbox.to(DECLARANT), "accusé de réception"
    # the declarant is the contact person when they name nobody else
    assert practice.contact_courriel == DECLARANT
    assert practice.objectifs is None and practice.budget_annuel is None

    page = moderator.get(f"/gestion/moderation/{practice.id}")
    assert "Déclaration complète" in page.html.find(id="completude").text
    missing = [li.text for li in page.html.find(id="non-renseigne").find_all("li")]
    assert missing == ["Objectifs", "Moyens humains et financiers", "Bilan chiffré et qualitatif",
                       "Budget annuel (en euros)", "Nombre de bénéficiaires par an",
                       "Nom de la personne à contacter", "Fonction de la personne à contacter",
                       "Téléphone de la personne à contacter"]
    assert page.text.count("Non renseigné") >= 5  # the list, and each empty field

    # the request for complements proposes the missing fields
    page = page.forms["prendre-en-charge"].submit().follow()
    form = page.forms["demander-complements"]
    assert form["commentaire"].value.startswith(
        "Pour que le comité de sélection puisse examiner votre pratique, merci de renseigner :")
    assert "- Objectifs\n" in form["commentaire"].value
    form.submit().follow()
    body = mailbox.body(mailbox.to(DECLARANT)[-1])
    assert "Des compléments sont demandés" in mailbox.to(DECLARANT)[-1]["Subject"]
    assert "- Moyens humains et financiers" in body


def test_a_complete_declaration_has_nothing_missing(testapp, mailbox, moderator):
    practice = declare(testapp, mailbox, resultats=RESULTATS, contact=CONTACT)
    page = moderator.get(f"/gestion/moderation/{practice.id}")
    assert page.html.find(id="non-renseigne") is None


def test_the_representative_is_named_in_full(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox, DECLARANT)
    page = fill_until(testapp, start_draft(testapp, space), "contact")
    page = post_step(testapp, page, {"accord_courriel": REPRESENTATIVE})
    assert page.status_int == 200
    assert "« Nom du représentant du département » est obligatoire" in page.text
    assert "« Fonction du représentant » est obligatoire" in page.text
    # the contact person's details are not asked for
    assert "« Courriel de la personne à contacter » est obligatoire" not in page.text


def test_the_committee_sees_what_is_missing_but_not_the_personal_fields(
        testapp, wsgi_app, engine, mailbox):
    practice = declare(testapp, mailbox)
    with Session(engine) as session:
        stored = session.get(Practice, practice.id)
        stored.status = "inscrite"
        committee = CommitteeSession(date=dt.date(2026, 12, 10), lieu="Paris",
                                     created_at=dt.datetime(2026, 11, 20))
        committee.items.append(AgendaItem(practice_id=practice.id, position=1))
        session.add(committee)
        session.commit()
        session_id = committee.id
    member = staff_app(wsgi_app, engine, MEMBER, "comite")
    page = member.get(f"/gestion/comite/seances/{session_id}/pratiques/{practice.id}")
    missing = [li.text for li in page.html.find(id="non-renseigne").find_all("li")]
    assert missing == ["Objectifs", "Moyens humains et financiers", "Bilan chiffré et qualitatif",
                       "Budget annuel (en euros)", "Nombre de bénéficiaires par an"]
    assert "grille" in page.forms


# --- the hierarchy's agreement --------------------------------------------------------------------

def test_the_declarant_ticks_the_hierarchy_s_agreement(testapp, mailbox, moderator):
    space = sign_in_declarant(testapp, mailbox, DECLARANT)
    page = start_draft(testapp, space)
    assert "Je déclare cette pratique avec l'accord de ma hiérarchie" in page.text
    refused = post_step(testapp, page, {"accepte_conditions": "true"})
    assert refused.status_int == 200
    assert ("Pour continuer, cochez « Je déclare cette pratique avec l'accord de ma "
            "hiérarchie ».") in refused.text
    # what was ticked stays ticked
    assert refused.forms["formulaire"]["accepte_conditions"].checked
    assert not refused.forms["formulaire"]["accord_hierarchie"].checked

    page = post_step(testapp, refused, CONDITIONS).follow()
    # kept in the draft: the step shows it ticked when the declarant comes back
    back = testapp.get(page.request.path.replace("/presentation", "/conditions"))
    assert back.forms["formulaire"]["accord_hierarchie"].checked

    page = post_step(testapp, page, PRESENTATION).follow()
    page = post_step(testapp, page, LOCALISATION).follow()
    practice = send(testapp, page)
    assert practice.accord_hierarchie is True
    review = moderator.get(f"/gestion/moderation/{practice.id}")
    assert ("le déclarant déclare la pratique avec l'accord de sa hiérarchie"
            in review.html.find(id="accord-hierarchie").text)


# --- the representative confirms ------------------------------------------------------------------

def test_the_representative_confirms_from_the_link_and_moderators_see_it(
        testapp, mailbox, moderator, engine, clock):
    practice = declare(testapp, mailbox)
    message = mailbox.to(REPRESENTATIVE)[-1]
    assert "Confirmez-vous votre accord" in message["Subject"]
    body = mailbox.body(message)
    assert "Bonjour Paul Durand," in body and DECLARANT in body and "valable 30 jours" in body

    review = moderator.get(f"/gestion/moderation/{practice.id}")
    assert "En attente de réponse" in review.html.find(id="accord-representant").text

    representative = webtest.TestApp(testapp.app, extra_environ={"REMOTE_ADDR": "192.0.2.40"})
    page = representative.get(agreement_path(mailbox))
    assert page.headers["Cache-Control"] == "no-store"
    assert practice.intitule in page.text
    # opening the link answers nothing: a mail gateway may open every link
    assert "En attente de réponse" in moderator.get(
        f"/gestion/moderation/{practice.id}").html.find(id="accord-representant").text

    clock.advance(hours=2)
    done = page.forms["reponse"].submit("confirmer")
    assert done.status_int == 200
    assert "vous avez confirmé votre accord préalable" in done.text
    again = representative.get(agreement_path(mailbox)).forms["reponse"].submit("confirmer")
    assert "vous avez confirmé votre accord préalable" in again.text
    answers = [c for c in history(engine, practice) if c and "représentant" in c]
    assert answers == ["Accord préalable confirmé par le représentant du département"]

    review = moderator.get(f"/gestion/moderation/{practice.id}")
    shown = review.html.find(id="accord-representant").text
    assert "Accord confirmé" in shown and "23/11/2026 à 12:30" in shown
    assert "renvoyer-accord" not in review.forms  # nothing left to ask

    # they may change their mind while the link is valid
    declined = representative.get(agreement_path(mailbox)).forms["reponse"].submit("refuser")
    assert "vous avez indiqué ne pas confirmer cet accord" in declined.text
    review = moderator.get(f"/gestion/moderation/{practice.id}")
    assert "Accord non confirmé" in review.html.find(id="accord-representant").text
    assert "Accord préalable non confirmé par le représentant du département" in review.text


def test_an_answer_needs_the_form_s_token(testapp, mailbox):
    declare(testapp, mailbox)
    representative = webtest.TestApp(testapp.app, extra_environ={"REMOTE_ADDR": "192.0.2.40"})
    path = agreement_path(mailbox)
    representative.get(path)
    refused = representative.post(path, {"confirmer": "confirmer"}, status=400)
    assert "Formulaire expiré" in refused.text
    page = representative.get(path)
    nothing = representative.post(path, {"csrf_token": csrf(page)}, status=400)
    assert "Choisissez « Je confirme » ou « Je ne confirme pas »." in nothing.text


def test_an_expired_or_forged_link_gets_a_clear_page(testapp, mailbox, clock):
    declare(testapp, mailbox)
    path = agreement_path(mailbox)
    page = testapp.get(path)
    token = path.rsplit("/", 1)[1]
    payload, _, signature = token.partition(".")
    forged = testapp.get(f"/accord/{payload[:-2]}xx.{signature}", status=400)
    assert "Ce lien n'est pas valide" in forged.text
    for garbage in ("abc", "%C3%A9t%C3%A9", "a.b.c", "." * 300):
        assert "Ce lien n'est pas valide" in testapp.get(f"/accord/{garbage}", status=400).text

    clock.advance(days=30, seconds=1)
    expired = testapp.get(path, status=410)
    assert "Ce lien a expiré" in expired.text
    posted = testapp.post(path, {"csrf_token": csrf(page), "confirmer": "confirmer"}, status=410)
    assert "Ce lien a expiré" in posted.text


def test_a_moderator_sends_the_request_again_a_few_times_a_day(
        testapp, mailbox, moderator, engine):
    practice = declare(testapp, mailbox)
    first = agreement_path(mailbox)
    for _ in range(3):
        review = moderator.get(f"/gestion/moderation/{practice.id}")
        page = review.forms["renvoyer-accord"].submit().follow()
        assert ("La demande de confirmation est renvoyée au représentant du département "
                f"({REPRESENTATIVE})") in page.text
    assert len(mailbox.to(REPRESENTATIVE)) == 4
    assert history(engine, practice).count(
        "Demande de confirmation de l'accord préalable renvoyée au représentant du "
        "département") == 3
    refused = page.forms["renvoyer-accord"].submit().follow()
    assert "La demande a déjà été renvoyée 3 fois ces dernières 24 heures" in refused.text
    assert len(mailbox.to(REPRESENTATIVE)) == 4
    # an earlier e-mail's link still works
    assert testapp.get(first).forms["reponse"]


def test_sending_again_needs_the_moderator_and_the_token(testapp, mailbox, moderator, wsgi_app):
    practice = declare(testapp, mailbox)
    # the declarant's own session is no moderator's
    refused = testapp.post(f"/gestion/moderation/{practice.id}/accord",
                           {"csrf_token": csrf(testapp.get("/mon-espace"))}, status=403)
    assert refused.status_int == 403
    moderator.post(f"/gestion/moderation/{practice.id}/accord", {}, status=400)
    anonymous = webtest.TestApp(wsgi_app)
    assert "/connexion" in anonymous.post(f"/gestion/moderation/{practice.id}/accord",
                                          status=302).location
    assert len(mailbox.to(REPRESENTATIVE)) == 1


def test_another_representative_named_in_complements_is_asked_in_turn(
        testapp, mailbox, moderator):
    practice = declare(testapp, mailbox)
    first = agreement_path(mailbox)
    review = moderator.get(f"/gestion/moderation/{practice.id}")
    review = review.forms["prendre-en-charge"].submit().follow()
    review.forms["demander-complements"].submit().follow()

    overview = testapp.get(f"/mon-espace/pratiques/{practice.id}/complements")
    form = overview.click(href=r"rubrique=contact").forms["formulaire"]
    form["accord_nom"] = "Nadia Benali"
    form["accord_courriel"] = "nadia.benali@departement.example.fr"
    form.submit("enregistrer").follow()
    testapp.get(f"/mon-espace/pratiques/{practice.id}/complements").forms["renvoi"].submit(
        "renvoyer").follow()

    message = mailbox.to("nadia.benali@departement.example.fr")[-1]
    assert "Bonjour Nadia Benali," in mailbox.body(message)
    # the first representative's link no longer answers for this practice
    assert "Ce lien n'est pas valide" in testapp.get(first, status=400).text
    review = moderator.get(f"/gestion/moderation/{practice.id}")
    shown = review.html.find(id="accord-representant").text
    assert "nadia.benali@departement.example.fr" in shown and "En attente de réponse" in shown
