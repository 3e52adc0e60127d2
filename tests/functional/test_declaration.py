"""A professional declares a practice, from the link request to the receipt."""
import datetime as dt

import sqlalchemy as sa

from recueil.models import Practice

from .helpers import (
    CONTACT,
    PRESENTATION,
    fill_until,
    link_from,
    post_step,
    sign_in_declarant,
    start_draft,
)

ADDRESS = "claire.martin@departement.example.fr"


def test_whole_declaration_from_link_to_receipt(testapp, mailbox, engine):
    page = testapp.get("/declarer")
    assert "Déclarer une pratique inspirante" in page
    form = page.forms["formulaire"]
    form["courriel"] = ADDRESS
    sent = form.submit("envoyer").follow()
    assert ADDRESS in sent

    [mail] = mailbox.to(ADDRESS)
    assert mail["Subject"] == "Votre lien personnel pour déclarer une pratique inspirante"
    space = testapp.get(link_from(mailbox, ADDRESS)).follow()
    assert "Mon espace" in space and "Vous n'avez encore déclaré aucune pratique" in space

    page = start_draft(testapp, space)
    assert "Étape 1 sur 6" in page and "J'ai lu et j'accepte les conditions ci-dessus" in page
    page = fill_until(testapp, page, "recapitulatif")
    assert "Étape 6 sur 6" in page
    for shown in ("Des visites médiatisées dans un lieu neutre", "15/09/2021",
                  "Accueil de jour", "Visites médiatisées", "Maine-et-Loire", "Loire-Atlantique",
                  "Pays de la Loire", "45\u202f000 €", "Paul Durand"):
        assert shown in page, shown

    done = page.forms["envoi"].submit("envoyer").follow()
    assert "Votre pratique a bien été envoyée" in done
    year = dt.date(2026, 1, 1).year
    assert f"PI-{year}-0001" in done

    receipts = [m for m in mailbox.to(ADDRESS) if "Accusé de réception" in m["Subject"]]
    assert len(receipts) == 1
    body = mailbox.body(receipts[0])
    assert f"PI-{year}-0001" in body and "Des visites médiatisées" in body
    follow = testapp.get(link_from(mailbox, ADDRESS)).follow()
    assert "Soumise" in follow and "Déclaration envoyée" in follow

    space = testapp.get("/mon-espace")
    assert "Soumise" in space and f"PI-{year}-0001" in space

    with engine.connect() as connection:
        row = connection.execute(sa.select(Practice.__table__)).one()
    assert row.status == "soumise"
    assert row.intitule == "Des visites médiatisées dans un lieu neutre"
    assert row.date_mise_en_oeuvre == dt.date(2021, 9, 15)
    assert row.budget_annuel == 45000


def test_each_step_is_kept_as_a_draft(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "localisation")
    space = testapp.get("/mon-espace")
    assert "Des visites médiatisées dans un lieu neutre" in space and "Brouillon" in space
    resumed = space.click("Des visites médiatisées dans un lieu neutre").maybe_follow()
    assert "Étape 3 sur 6" in resumed
    # the presentation step shows what was saved
    back = testapp.get(page.request.path.replace("localisation", "presentation"))
    assert back.html.find("input", {"name": "intitule"})["value"] == PRESENTATION["intitule"]


def test_previous_keeps_what_was_typed_even_when_incomplete(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    typed = {"intitule": "Un intitulé en cours d'écriture", "description": "Début de description"}
    back = post_step(testapp, page, typed, button="precedent").follow()
    assert "Étape 1 sur 6" in back
    again = testapp.get(page.request.path)
    assert again.html.find("input", {"name": "intitule"})["value"] == typed["intitule"]
    assert again.html.find("textarea", {"name": "description"}).text == typed["description"]


def test_a_rejected_step_stores_nothing_and_keeps_what_was_typed(testapp, mailbox, engine):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    values = dict(PRESENTATION, intitule="x" * 101)
    failed = post_step(testapp, page, values)
    assert "Le formulaire contient des erreurs" in failed
    assert "« Intitulé de la pratique » : 100 caractères au maximum" in failed
    assert failed.html.find("input", {"name": "intitule"})["value"] == "x" * 101
    assert failed.html.find("input", {"name": "nom_entite"})["value"] == PRESENTATION["nom_entite"]
    with engine.connect() as connection:
        row = connection.execute(sa.select(Practice.__table__)).one()
    assert row.intitule is None and row.nom_entite is None
    assert row.etapes_validees == ["conditions"]


def test_a_younger_practice_is_accepted_with_a_warning(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "recapitulatif",
                      presentation={"date_mise_en_oeuvre": "01/06/2026"})
    assert "depuis moins d'un an" in page
    done = page.forms["envoi"].submit("envoyer").follow()
    assert "bien été envoyée" in done


def test_the_territory_follows_the_scale(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "localisation",
                      presentation={"echelle": "locale"})
    assert page.html.find("select", {"name": "departements"}) is not None
    assert page.html.find("input", {"name": "lieu"}) is not None
    failed = post_step(testapp, page, {})
    assert "pour une action locale, choisissez un département" in failed
    assert "pour une action locale, indiquez la commune" in failed
    page = post_step(testapp, page, {"departements": "2A", "lieu": "Ajaccio"}).follow()
    assert "Étape 4 sur 6" in page


def test_the_receipt_is_not_sent_when_nothing_is_submitted(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "contact")
    failed = post_step(testapp, page, dict(CONTACT, accord_courriel="pas-une-adresse"))
    assert "« Courriel du représentant du département » : l'adresse n'est pas valide" in failed
    assert not [m for m in mailbox.messages if "Accusé" in m["Subject"]]
