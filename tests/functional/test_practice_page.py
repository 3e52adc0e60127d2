"""A visitor reads a published practice and writes to its holder through the relay form."""
import datetime as dt
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from .helpers import csrf

HOLDER = "porteuse.secrete@association.example.org"
SENDER = "julie.bernard@departement.example.fr"


@pytest.fixture
def practice(publish):
    return publish(
        intitule="Des visites médiatisées dans un lieu neutre",
        nom_entite="Sauvegarde de l'enfance du Maine-et-Loire",
        description="Un lieu d'accueil pour maintenir les liens entre parents et enfants placés.",
        date_mise_en_oeuvre=dt.date(2021, 9, 15),
        echelle="locale", departements=["49"], regions=["52"], lieu="Angers",
        types_intervention=["accueil-jour", "autre"],
        types_intervention_autre="Visites médiatisées",
        thematiques=["liens-parents-enfants"], publics=["enfants", "parents"],
        relais="association",
        objectifs="Maintenir le lien parent-enfant.", moyens="Deux éducateurs à mi-temps.",
        bilan="120 visites par an.", budget_annuel=45000, nombre_beneficiaires=60,
        coup_de_coeur=True,
        contact_nom="Claire Martin", contact_fonction="Cheffe de service",
        contact_courriel=HOLDER, contact_telephone="02 41 00 00 00",
        accord_nom="Paul Durand", accord_fonction="Directeur enfance famille",
        accord_courriel="paul.durand@departement.example.fr",
    )


def url_of(practice) -> str:
    return f"/pratiques/{practice.id}"


def test_the_page_shows_every_public_field_and_no_personal_one(testapp, practice):
    page = testapp.get(url_of(practice))
    assert page.html.h1.get_text(strip=True) == "Des visites médiatisées dans un lieu neutre"
    assert "Des visites médiatisées dans un lieu neutre – Recueil" in page.html.title.text
    for shown in ("Sauvegarde de l'enfance du Maine-et-Loire", "maintenir les liens entre parents",
                  "15/09/2021", "Locale", "Angers", "Maine-et-Loire (49)", "Pays de la Loire",
                  "Accueil de jour", "Visites médiatisées",
                  "Distanciation et maintien parents/enfants", "Enfants", "Parents", "Association",
                  "Maintenir le lien parent-enfant.",
                  "Deux éducateurs à mi-temps.", "120 visites par an.", "45\u202f000 €", "60",
                  practice.reference, "Coup de cœur du comité"):
        assert shown in page.text, shown
    for hidden in (HOLDER, "Claire Martin", "Cheffe de service", "02 41 00 00 00", "Paul Durand",
                   "Directeur enfance famille", "paul.durand@departement.example.fr",
                   "declarant@example.org"):
        assert hidden not in page.text, hidden


def test_vocabularies_and_territories_link_to_the_filtered_search(testapp, practice):
    page = testapp.get(url_of(practice))
    links = {a.get_text(strip=True): a["href"] for a in page.html.select(".fiche a.fr-tag")}
    assert parse_qsl(urlsplit(links["Distanciation et maintien parents/enfants"]).query) == [
        ("thematiques", "liens-parents-enfants")]
    assert urlsplit(links["Maine-et-Loire (49)"]).path == "/pratiques"
    assert parse_qsl(urlsplit(links["Maine-et-Loire (49)"]).query) == [("departements", "49")]
    assert parse_qsl(urlsplit(links["Pays de la Loire"]).query) == [("regions", "52")]
    assert parse_qsl(urlsplit(links["Locale"]).query) == [("echelle", "locale")]
    assert parse_qsl(urlsplit(links["Parents"]).query) == [("publics", "parents")]
    found = testapp.get(links["Maine-et-Loire (49)"])
    assert "Des visites médiatisées dans un lieu neutre" in found


def test_a_print_button_and_the_print_hint(testapp, practice):
    page = testapp.get(url_of(practice))
    button = page.html.select_one("button[data-imprimer]")
    assert button.get_text(strip=True) == "Imprimer" and button["type"] == "button"
    assert "Imprimer" in page.html.select_one("[data-imprimer-aide]").text
    assert page.html.find("script", src=lambda s: s and s.endswith("/catalogue.js"))
    assert not page.html.select("script:not([src])")  # no inline script


@pytest.mark.parametrize("status", ["brouillon", "soumise", "en_moderation", "selectionnee",
                                    "depubliee", "retiree"])
def test_only_published_practices_have_a_page(testapp, mailbox, publish, practice, status):
    hidden = publish(status=status, intitule="Pas encore publique", contact_courriel=HOLDER)
    assert testapp.get(url_of(hidden), status=404).status_int == 404
    assert "Pas encore publique" not in testapp.get("/pratiques")
    token = csrf(testapp.get(url_of(practice)))
    testapp.post(f"/pratiques/{hidden.id}/contact", {
        "csrf_token": token, "nom": "Julie", "courriel": SENDER, "message": "Bonjour",
        "site_web": "",
    }, status=404)
    assert mailbox.messages == []


def test_unknown_or_malformed_ids_are_404(testapp):
    testapp.get(f"/pratiques/{uuid.uuid4()}", status=404)
    testapp.get("/pratiques/pas-un-uuid", status=404)
    testapp.get("/pratiques/1%20OR%201=1", status=404)


def test_html_in_fields_is_escaped(testapp, publish):
    nasty = publish(intitule="<script>alert('intitulé')</script>",
                    description="<img src=x onerror=alert(1)> & co",
                    lieu="<b>Angers</b>", echelle="locale", departements=["49"], regions=["52"])
    page = testapp.get(url_of(nasty))
    assert "<script>alert(" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in page.text
    assert "<b>Angers</b>" not in page.text
    listing = testapp.get("/pratiques")
    assert "<script>alert(" not in listing.text and "&lt;script&gt;" in listing.text


def test_similar_practices_are_published_ones(testapp, publish, practice):
    publish(intitule="Visites médiatisées en Sarthe",
            description="Des visites médiatisées parents.")
    publish(status="soumise", intitule="Visites médiatisées non publiées",
            description="Des visites médiatisées parents enfants.")
    page = testapp.get(url_of(practice))
    similar = [a.get_text(strip=True) for a in page.html.select("ul.similaires a")]
    assert "Visites médiatisées en Sarthe" in similar
    assert "Visites médiatisées non publiées" not in page.text
    assert practice.intitule not in similar


def contact_form(page):
    return page.forms["formulaire-contact"]


def write(testapp, practice, message="Bonjour, pourrions-nous échanger sur votre dispositif ?",
          nom="Julie Bernard", courriel=SENDER, site_web="", extra_environ=None, status=None):
    extra_environ = dict(extra_environ or {})
    page = testapp.get(url_of(practice), extra_environ=extra_environ)
    form = contact_form(page)
    form["nom"] = nom
    form["courriel"] = courriel
    form["message"] = message
    form["site_web"] = site_web
    return form.submit("envoyer", extra_environ=extra_environ, status=status)


def test_the_message_is_relayed_to_the_holder_who_answers_the_sender(testapp, mailbox, practice):
    page = testapp.get(url_of(practice))
    honeypot = page.html.find("input", {"name": "site_web"})
    assert honeypot["tabindex"] == "-1"
    assert honeypot.find_parent(attrs={"aria-hidden": "true"}) is not None
    assert "champ-piege" in honeypot.find_parent("div")["class"]

    done = write(testapp, practice, nom="Élise Dupont-Martin")
    assert done.status_int == 302
    shown = done.follow()
    assert "Votre message a été transmis" in shown
    assert HOLDER not in shown.text

    [mail] = mailbox.to(HOLDER)
    assert mail["Reply-To"].addresses[0].addr_spec == SENDER
    assert mail["Reply-To"].addresses[0].display_name == "Élise Dupont-Martin"
    assert "ne-pas-repondre@recueil.test" in mail["From"]
    assert practice.intitule in mail["Subject"]
    body = mailbox.body(mail)
    assert "Bonjour, pourrions-nous échanger sur votre dispositif ?" in body
    assert "Élise Dupont-Martin" in body and SENDER in body
    assert f"http://localhost/pratiques/{practice.id}" in body
    # the sender receives nothing, and never the holder's address
    assert mailbox.to(SENDER) == []
    assert all(HOLDER not in m.envelope_rcpt or m is mail for m in mailbox.messages)


def test_the_honeypot_pretends_and_sends_nothing(testapp, mailbox, practice):
    done = write(testapp, practice, site_web="https://promo.example.com")
    assert "Votre message a été transmis" in done.follow()
    assert mailbox.messages == []


def test_the_form_is_checked_and_keeps_what_was_typed(testapp, mailbox, practice):
    page = write(testapp, practice, message="x" * 2001, courriel="pas-une-adresse")
    assert page.status_int == 200
    assert "Erreur" in page.html.title.text
    assert "2000 caractères au maximum" in page.text
    assert "l'adresse n'est pas valide" in page.text
    assert contact_form(page)["nom"].value == "Julie Bernard"
    assert mailbox.messages == []
    empty = write(testapp, practice, nom="", message="")
    assert "« Votre nom » est obligatoire" in empty.text
    assert mailbox.messages == []


def test_the_form_needs_its_csrf_token(testapp, mailbox, practice):
    page = testapp.get(url_of(practice))
    fields = {"nom": "Julie", "courriel": SENDER, "message": "Bonjour", "site_web": ""}
    testapp.post(f"/pratiques/{practice.id}/contact", fields, status=400)
    testapp.post(f"/pratiques/{practice.id}/contact", dict(fields, csrf_token="faux"), status=400)
    assert mailbox.messages == []
    ok = testapp.post(f"/pratiques/{practice.id}/contact", dict(fields, csrf_token=csrf(page)))
    assert ok.status_int == 302 and len(mailbox.to(HOLDER)) == 1


def test_five_messages_per_hour_from_one_connection(testapp, mailbox, clock, practice):
    for _ in range(5):
        assert write(testapp, practice).status_int == 302
    refused = write(testapp, practice, status=429)
    assert "réessayez dans une heure" in refused.text
    assert refused.html.select_one("div.fr-alert--error[role=alert]") is not None
    assert contact_form(refused)["message"].value.startswith("Bonjour")
    assert len(mailbox.to(HOLDER)) == 5
    # another connection is not concerned, and an hour later this one may write again
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert write(testapp, practice, extra_environ=other).status_int == 302
    clock.advance(hours=1, minutes=1)
    assert write(testapp, practice).status_int == 302
    assert len(mailbox.to(HOLDER)) == 7


def test_twenty_messages_per_day_for_one_practice(testapp, mailbox, clock, publish, practice):
    for number in range(20):
        address = {"REMOTE_ADDR": f"198.51.100.{number + 1}"}
        assert write(testapp, practice, extra_environ=address).status_int == 302
    refused = write(testapp, practice, extra_environ={"REMOTE_ADDR": "203.0.113.1"}, status=429)
    assert "Réessayez demain" in refused.text
    other = publish(intitule="Une autre pratique", contact_courriel="autre@example.org")
    assert write(testapp, other, extra_environ={"REMOTE_ADDR": "203.0.113.1"}).status_int == 302
    clock.advance(days=1, minutes=1)
    assert write(testapp, practice, extra_environ={"REMOTE_ADDR": "203.0.113.1"}).status_int == 302
    assert len(mailbox.to(HOLDER)) == 21


def test_a_message_refused_for_the_practice_does_not_count_against_the_sender(
        testapp, mailbox, publish, practice):
    for number in range(20):
        address = {"REMOTE_ADDR": f"198.51.100.{number + 1}"}
        assert write(testapp, practice, extra_environ=address).status_int == 302
    sender = {"REMOTE_ADDR": "203.0.113.9"}
    # five refusals for the full practice: the sender's own hourly quota stays untouched
    for _ in range(5):
        write(testapp, practice, extra_environ=sender, status=429)
    other = publish(intitule="Une autre pratique", contact_courriel="autre@example.org")
    for _ in range(5):
        assert write(testapp, other, extra_environ=sender).status_int == 302
    assert len(mailbox.to("autre@example.org")) == 5


def test_without_a_contact_address_there_is_no_form(testapp, mailbox, publish):
    silent = publish(intitule="Fiche sans contact", contact_courriel=None)
    page = testapp.get(url_of(silent))
    assert "formulaire-contact" not in page.forms
    assert "ne peut pas être contacté" in page.text
