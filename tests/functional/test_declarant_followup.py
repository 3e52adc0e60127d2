"""A declarant answers a request for complements through the form's own steps, and can
withdraw a practice until a decision is taken (spec §3)."""
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from recueil.clock import FixedClock
from recueil.models import Attachment, Practice, Transition
from recueil.services import workflow

from ..factories import make_practice
from .helpers import csrf, sign_in_declarant

OWNER = "claire.martin@departement.example.fr"
OTHER = "marc.leroy@association.example.org"
MESSAGE = "Précisez le lieu des visites et joignez le dernier bilan."
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
MODERATOR = workflow.Actor(label="moderatrice@fep.example.fr", roles=("moderateur",))


@pytest.fixture
def factory(wsgi_app, testapp):
    return wsgi_app.registry["dbsession_factory"]


def practice_in(factory, clock, status, asked=False, **fields) -> uuid.UUID:
    """Claire's practice in `status`; with `asked`, a moderator asked for complements."""
    with factory() as session:
        practice = make_practice(
            session, status="en_moderation" if asked else status, declarant_courriel=OWNER,
            echelle="departementale", departements=["49"], regions=["52"], **fields,
        )
        practice.attachments.append(Attachment(
            filename="ancien-bilan.pdf", media_type="application/pdf", size=len(PDF),
            sha256="0" * 64, content=PDF))
        session.flush()
        if asked:
            workflow.apply(session, FixedClock(clock.now()), practice, "ask_complements", MODERATOR,
                           comment=MESSAGE, keep_snapshot=True)
        session.commit()
        return practice.id


def state(engine, practice_id) -> tuple:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(Practice.status, Practice.version, Practice.intitule)
            .where(Practice.id == practice_id)).one()
        history = connection.execute(
            sa.select(sa.func.count()).select_from(Transition)
            .where(Transition.practice_id == practice_id)).scalar()
    return (*row, history)


def url(practice_id, what="") -> str:
    return f"/mon-espace/pratiques/{practice_id}" + (f"/{what}" if what else "")


# --- complements --------------------------------------------------------------------------------

def test_the_declarant_sees_the_request_in_their_space(testapp, mailbox, factory, clock):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    space = sign_in_declarant(testapp, mailbox, OWNER)
    link = space.html.find("a", string="Apporter les compléments demandés")
    assert link["href"] == f"http://localhost{url(practice_id, 'complements')}"
    view = testapp.get(url(practice_id))
    callout = view.html.find(id="complements-demandes")
    assert MESSAGE in callout.text
    assert callout.find("a")["href"].endswith(url(practice_id, "complements"))


def test_complements_asked_after_an_adjournment_show_the_committees_request(
        testapp, mailbox, factory, clock):
    request = "Le comité souhaite connaître le coût par famille accompagnée."
    secretariat = workflow.Actor(label="secretariat@fep.example.fr", roles=("secretariat",))
    with factory() as session:
        practice = make_practice(session, status="inscrite", declarant_courriel=OWNER)
        workflow.apply(session, clock, practice, "postpone", secretariat, comment=request)
        workflow.apply(session, clock, practice, "ask_postponed_complements", secretariat)
        session.commit()
        practice_id = practice.id
    sign_in_declarant(testapp, mailbox, OWNER)
    assert request in testapp.get(url(practice_id)).html.find(id="complements-demandes").text
    overview = testapp.get(url(practice_id, "complements"))
    assert request in overview.html.find(id="message-moderation").text
    overview.forms["renvoi"].submit("renvoyer").follow()
    with factory() as session:
        assert session.get(Practice, practice_id).status == "en_moderation"


def test_complements_are_only_open_when_asked(testapp, mailbox, factory, clock):
    practice_id = practice_in(factory, clock, "en_moderation")
    sign_in_declarant(testapp, mailbox, OWNER)
    view = testapp.get(url(practice_id))
    assert view.html.find(id="complements-demandes") is None
    redirect = testapp.get(url(practice_id, "complements"), status=302)
    assert redirect.location.endswith(url(practice_id))
    assert "Aucun complément n'est demandé" in redirect.follow()
    testapp.get(url(practice_id, "complements"), {"rubrique": "presentation"}, status=302)


def test_a_step_is_edited_with_the_forms_rules(testapp, mailbox, factory, clock, engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    overview = testapp.get(url(practice_id, "complements"))
    assert MESSAGE in overview.html.find(id="message-moderation").text
    edit = overview.click(href=r"rubrique=presentation")
    form = edit.forms["formulaire"]
    assert form["intitule"].value.startswith("Pratique numéro")
    before = state(engine, practice_id)
    form["intitule"] = "x" * 101
    form["date_mise_en_oeuvre"] = "31/02/2020"
    failed = form.submit("enregistrer")
    assert "« Intitulé de la pratique » : 100 caractères au maximum" in failed
    assert "le 31/02/2020 n'existe pas" in failed
    assert failed.forms["formulaire"]["intitule"].value == "x" * 101  # what was typed is kept
    assert state(engine, practice_id) == before

    form = failed.forms["formulaire"]
    form["intitule"] = "Visites médiatisées au centre social"
    form["date_mise_en_oeuvre"] = "15/01/2020"
    saved = form.submit("enregistrer").follow()
    assert "La rubrique « Présentation de la pratique » est enregistrée." in saved
    assert state(engine, practice_id)[2] == "Visites médiatisées au centre social"
    assert state(engine, practice_id)[0] == "complement_demande"
    testapp.get(url(practice_id, "complements"), {"rubrique": "recapitulatif"}, status=404)
    testapp.get(url(practice_id, "complements"), {"rubrique": "conditions"}, status=404)


def test_a_new_scale_asks_for_the_territory_before_sending_back(testapp, mailbox, factory, clock,
                                                                engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    edit = testapp.get(url(practice_id, "complements"), {"rubrique": "presentation"})
    form = edit.forms["formulaire"]
    form["echelle"] = "locale"
    localisation = form.submit("enregistrer").follow()
    assert "L'échelle de l'action a changé : indiquez maintenant son territoire." in localisation
    assert "rubrique=localisation" in localisation.request.url

    # sending back now is refused, and changes nothing
    overview = testapp.get(url(practice_id, "complements"))
    section = " ".join(overview.html.find(id="rubrique-localisation").text.split())
    assert "« Lieu » : pour une action locale, indiquez la commune ou le territoire." in section
    before = state(engine, practice_id)
    refused = overview.forms["renvoi"].submit("renvoyer", status=400)
    assert ("Votre déclaration ne peut pas encore être renvoyée : complétez « Localisation »."
            in refused.html.find(id="erreur").text)
    assert state(engine, practice_id) == before

    form = localisation.forms["formulaire"]
    form["departements"] = "49"
    form["lieu"] = "Angers"
    form.submit("enregistrer").follow()
    sent = testapp.get(url(practice_id, "complements")).forms["renvoi"].submit("renvoyer").follow()
    assert "Vos compléments sont envoyés" in sent
    assert state(engine, practice_id)[0] == "en_moderation"


def test_a_national_scale_clears_the_territory(testapp, mailbox, factory, clock, engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    edit = testapp.get(url(practice_id, "complements"), {"rubrique": "presentation"})
    form = edit.forms["formulaire"]
    form["echelle"] = "nationale"
    overview = form.submit("enregistrer").follow()
    assert "Toute la France" in overview.html.find(id="rubrique-localisation").text
    overview.forms["renvoi"].submit("renvoyer").follow()
    with engine.connect() as connection:
        terms = connection.execute(sa.text(
            "SELECT count(*) FROM practice_terms WHERE field IN ('regions', 'departements')"
        )).scalar()
    assert terms == 0
    assert state(engine, practice_id)[0] == "en_moderation"


def test_documents_are_added_and_removed_then_sent_back(testapp, mailbox, factory, clock, engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    overview = testapp.get(url(practice_id, "complements"))
    section = overview.html.find(id="rubrique-resultats")
    assert section.find("a", string="ancien-bilan.pdf")
    [remove] = [f for f in overview.forms.values() if "retirer" in f.fields]
    overview = remove.submit().follow()
    assert "Le document « ancien-bilan.pdf » a été retiré." in overview
    edit = overview.click(href=r"rubrique=resultats")
    form = edit.forms["formulaire"]
    form["fichier"] = [("bilan-2025.pdf", PDF, "application/pdf")]
    overview = form.submit("enregistrer").follow()
    assert overview.html.find(id="rubrique-resultats").find("a", string="bilan-2025.pdf")

    mailbox.messages.clear()
    form = overview.forms["renvoi"]
    form["message"] = "J'ai joint le bilan 2025."
    sent = form.submit("renvoyer").follow()
    assert sent.request.path == url(practice_id)
    [receipt] = mailbox.to(OWNER)
    assert "ont bien été reçus" in receipt["Subject"]
    with engine.connect() as connection:
        last = connection.execute(
            sa.select(Transition.from_status, Transition.to_status, Transition.actor,
                      Transition.comment)
            .where(Transition.practice_id == practice_id).order_by(Transition.id.desc())).first()
    assert last == ("complement_demande", "en_moderation", OWNER,
                    "Compléments envoyés par le déclarant : J'ai joint le bilan 2025.")
    # once sent back, the complements page is closed
    testapp.get(url(practice_id, "complements"), status=302)


def test_another_declarant_cannot_answer_or_withdraw(testapp, mailbox, factory, clock, engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    overview = testapp.get(url(practice_id, "complements"))
    version = overview.forms["renvoi"]["version"].value
    before = state(engine, practice_id)
    space = sign_in_declarant(testapp, mailbox, OTHER)
    token = csrf(space)
    testapp.get(url(practice_id, "complements"), status=403)
    testapp.get(url(practice_id, "complements"), {"rubrique": "presentation"}, status=403)
    testapp.post(url(practice_id, "complements"),
                 {"csrf_token": token, "version": version, "renvoyer": "renvoyer"}, status=403)
    testapp.post(url(practice_id, "complements") + "?rubrique=presentation",
                 {"csrf_token": token, "intitule": "Volé"}, status=403)
    testapp.post(url(practice_id, "retirer"),
                 {"csrf_token": token, "version": version, "confirmer": "confirmer"}, status=403)
    assert state(engine, practice_id) == before


def test_a_stale_page_cannot_send_back(testapp, mailbox, factory, clock, engine):
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    overview = testapp.get(url(practice_id, "complements"))
    # meanwhile, in another tab, a step is saved
    edit = testapp.get(url(practice_id, "complements"), {"rubrique": "contact"})
    form = edit.forms["formulaire"]
    form["contact_nom"] = "Claire Martin-Durand"
    form.submit("enregistrer").follow()
    before = state(engine, practice_id)
    refused = overview.forms["renvoi"].submit("renvoyer", status=409)
    assert "Cette pratique a été modifiée entre-temps" in refused.html.find(id="erreur").text
    assert state(engine, practice_id) == before


def test_a_change_landing_during_the_save_is_refused_whole(testapp, mailbox, factory, clock,
                                                          engine):
    """The race no version check can see: another change commits after the page was read and
    before it is written; the database refuses the write and the conflict page says so."""
    practice_id = practice_in(factory, clock, "complement_demande", asked=True)
    sign_in_declarant(testapp, mailbox, OWNER)
    form = testapp.get(url(practice_id, "complements"), {"rubrique": "contact"}).forms["formulaire"]
    form["contact_nom"] = "Claire Martin-Durand"
    landed = []

    def other_change_lands(session, _flush_context, _instances):
        if not landed:
            landed.append(True)
            with engine.begin() as connection:
                connection.execute(sa.update(Practice).where(Practice.id == practice_id).values(
                    version=Practice.version + 1, contact_nom="Changé ailleurs"))

    event.listen(Session, "before_flush", other_change_lands)
    try:
        refused = form.submit("enregistrer", status=409)
    finally:
        event.remove(Session, "before_flush", other_change_lands)
    assert "Cette pratique a été modifiée entre-temps" in refused.html.find(id="erreur").text
    reload = refused.html.find("a", string="Recharger la pratique")
    assert reload["href"] == f"http://localhost{url(practice_id, 'complements')}"
    with engine.connect() as connection:
        assert connection.scalar(sa.select(Practice.contact_nom)
                                 .where(Practice.id == practice_id)) == "Changé ailleurs"


# --- withdrawal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["soumise", "en_moderation", "complement_demande", "recevable"])
def test_a_practice_is_withdrawn_after_confirmation(testapp, mailbox, factory, clock, engine,
                                                    status):
    practice_id = practice_in(factory, clock, status)
    sign_in_declarant(testapp, mailbox, OWNER)
    view = testapp.get(url(practice_id))
    confirmation = view.click(linkid="retirer")
    assert "Ce retrait est définitif" in confirmation
    before = state(engine, practice_id)
    # the form needs its token
    testapp.post(url(practice_id, "retirer"), {"confirmer": "confirmer"}, status=400)
    # a POST without the confirmation only asks for it
    asked = testapp.post(url(practice_id, "retirer"), {"csrf_token": csrf(confirmation)})
    assert "Confirmer le retrait" in asked
    assert state(engine, practice_id) == before

    form = confirmation.forms["retrait"]
    form["motif"] = "La pratique s'est arrêtée faute de financement."
    done = form.submit("confirmer").follow()
    assert "est retirée : elle ne sera ni examinée ni publiée" in done
    assert done.html.find("span", class_="fr-badge").text == "Retirée"
    assert "La pratique s'est arrêtée faute de financement." in done
    status_after, _, _, history = state(engine, practice_id)
    assert status_after == "retiree" and history == before[3] + 1
    assert done.html.find(id="retirer") is None


@pytest.mark.parametrize("status", ["publiee", "irrecevable", "non_retenue", "retiree"])
def test_a_practice_after_a_decision_cannot_be_withdrawn(testapp, mailbox, factory, clock, engine,
                                                         status):
    practice_id = practice_in(factory, clock, status)
    space = sign_in_declarant(testapp, mailbox, OWNER)
    view = testapp.get(url(practice_id))
    assert view.html.find(id="retirer") is None
    page = testapp.get(url(practice_id, "retirer"))
    assert "Cette pratique ne peut plus être retirée" in page
    assert "retrait" not in page.forms
    before = state(engine, practice_id)
    refused = testapp.post(url(practice_id, "retirer"),
                           {"csrf_token": csrf(space), "version": str(before[1]),
                            "confirmer": "confirmer"},
                           status=400)
    assert "« Retirer ma pratique » est impossible" in refused.html.find(id="erreur").text
    assert state(engine, practice_id) == before
