"""« Cette pratique nous a inspirés » (essaimage): a team tells a published practice it took
it up, the moderators publish or refuse the account, the declarant hears of it, and the
practice page, the catalogue, the statistics and the map show the spread."""
import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import Essaimage, Practice, Transition, User
from recueil.services.passwords import hash_password

from .helpers import csrf

PASSWORD = "une phrase de passe pour les essaimages"
MODERATOR = "moderatrice@fep.example.fr"
DECLARANT = "claire.martin@departement.example.fr"
AUTHOR = "equipe.reprise@departement-lot.example.fr"
RECIT = ("Nous avons ouvert un lieu de visites médiatisées à Cahors en 2024, sur le modèle "
         "d'Angers, avec une psychologue en plus.")


@pytest.fixture
def factory(wsgi_app, testapp):
    return wsgi_app.registry["dbsession_factory"]


@pytest.fixture
def practice(publish):
    return publish(intitule="Des visites médiatisées dans un lieu neutre",
                   declarant_courriel=DECLARANT, echelle="locale", departements=["49"],
                   regions=["52"], lieu="Angers")


def staff(factory, email=MODERATOR, role="moderateur"):
    with factory() as session:
        user = User(email=email, nom="Mélanie", password_hash=hash_password(PASSWORD))
        user.add_role(role)
        session.add(user)
        session.commit()


def sign_in(app, email=MODERATOR):
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    return form.submit("connexion").follow()


@pytest.fixture
def moderator(wsgi_app, factory):
    staff(factory)
    app = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.99"})
    sign_in(app)
    return app


def tell(testapp, practice, status=302, **typed):
    """Fill the essaimage form of the practice's page and send it."""
    page = testapp.get(f"/pratiques/{practice.id}")
    form = page.forms["formulaire-essaimage"]
    values = {"structure": "Service de l'aide sociale à l'enfance du Lot",
              "departement": "46", "recit": RECIT, "courriel": AUTHOR, **typed}
    for name, value in values.items():
        form[name] = value
    return form.submit("envoyer", status=status)


def accounts(engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(sa.select(
            Essaimage.structure, Essaimage.departement, Essaimage.status, Essaimage.courriel)
            .order_by(Essaimage.id)).all()


def queue_item(page, essaimage_id):
    return page.html.select_one(f"#recit-{essaimage_id}")


def decide(app, essaimage_id, action, status=302, **fields):
    page = app.get("/gestion")
    return app.post(f"/gestion/essaimages/{essaimage_id}",
                    {"csrf_token": csrf(page), "action": action, **fields}, status=status)


def only_id(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.select(Essaimage.id))


# -- the form --------------------------------------------------------------------------------

def test_the_form_asks_four_things_with_a_counter_and_no_inline_script(testapp, practice):
    page = testapp.get(f"/pratiques/{practice.id}")
    section = page.html.select_one("#essaimage")
    assert section.h2.get_text(strip=True) == "Cette pratique nous a inspirés"
    form = section.select_one("form#formulaire-essaimage")
    assert form["method"] == "post"
    assert urlsplit(form["action"]).path == f"/pratiques/{practice.id}/essaimage"
    labels = [label.find(string=True, recursive=False).strip()
              for label in form.select("label.fr-label")
              if label.find(string=True, recursive=False)]
    assert labels[:4] == ["Votre structure", "Votre département", "Ce que vous en avez fait",
                          "Votre adresse électronique"]
    options = {o["value"]: o.get_text() for o in form.select("select[name=departement] option")}
    assert options["2A"] == "2A – Corse-du-Sud" and options["974"] == "974 – La Réunion"
    # the live counter of the account, drawn by the page's own script (CSP: 'self' only)
    recit = form.select_one("textarea[name=recit]")
    assert recit["data-limite"] == "500"
    assert form.select_one(f"#{recit['id']}-compteur").get_text(" ", strip=True) == \
        "0 sur 500 caractères max."
    assert page.html.find("script", src=lambda s: s and s.endswith("/recueil.js"))
    assert not page.html.select("script:not([src])")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "n'est jamais publiée" in section.text
    # both forms of the page keep their own ids
    ids = [tag["id"] for tag in page.html.select("[id]")]
    assert len(ids) == len(set(ids))


def test_an_account_goes_to_the_moderators_and_is_not_shown_yet(testapp, practice, engine,
                                                                mailbox):
    done = tell(testapp, practice)
    assert urlsplit(done.location).path == f"/pratiques/{practice.id}"
    page = done.follow()
    assert "Votre récit a été transmis à l'équipe du recueil" in page.text
    assert accounts(engine) == [("Service de l'aide sociale à l'enfance du Lot", "46",
                                 "a_moderer", AUTHOR)]
    assert RECIT not in page.text and AUTHOR not in page.text
    assert not page.html.select("#essaimages")
    assert mailbox.messages == []  # nobody is told before the moderators publish it


def test_the_form_works_without_javascript_by_a_plain_post(testapp, practice, engine):
    page = testapp.get(f"/pratiques/{practice.id}")
    testapp.post(f"/pratiques/{practice.id}/essaimage", {
        "csrf_token": csrf(page), "structure": "Maison d'enfants du Lot", "departement": "46",
        "recit": "Repris tel quel.", "courriel": AUTHOR, "envoyer": "envoyer"}, status=302)
    assert accounts(engine)[0][:3] == ("Maison d'enfants du Lot", "46", "a_moderer")


@pytest.mark.parametrize("typed, message", [
    ({"structure": ""}, "« Votre structure » est obligatoire : renseignez ce champ."),
    ({"departement": ""}, "« Votre département » est obligatoire : choisissez-le dans la liste."),
    ({"recit": "x" * 501}, "« Ce que vous en avez fait » : 500 caractères au maximum ; le texte "
                           "saisi en compte 501, raccourcissez-le."),
    ({"courriel": "equipe@lot"}, "« Votre adresse électronique » : l'adresse n'est pas valide"),
])
def test_bad_input_is_named_in_french_and_what_was_typed_is_kept(testapp, practice, engine,
                                                                 typed, message):
    page = tell(testapp, practice, status=200, **typed)
    assert page.html.title.text.startswith("Erreur – ")
    errors = page.html.select_one("#formulaire-essaimage-erreurs")
    assert message in errors.get_text(" ", strip=True)
    form = page.forms["formulaire-essaimage"]
    expected = {"structure": "Service de l'aide sociale à l'enfance du Lot",
                "departement": "46", "recit": RECIT, "courriel": AUTHOR, **typed}
    for name, value in expected.items():
        assert (form[name].value or "") == value, name
    assert accounts(engine) == []


def test_an_unknown_departement_is_refused(testapp, practice, engine):
    page = testapp.get(f"/pratiques/{practice.id}")
    answer = testapp.post(f"/pratiques/{practice.id}/essaimage", {
        "csrf_token": csrf(page), "structure": "Une équipe", "departement": "99",
        "recit": "Repris.", "courriel": AUTHOR, "envoyer": "envoyer"})
    assert "« Votre département » : « 99 » ne fait pas partie des valeurs proposées." in answer
    assert accounts(engine) == []


def test_a_post_without_its_csrf_token_is_refused(testapp, practice, engine):
    testapp.post(f"/pratiques/{practice.id}/essaimage", {
        "structure": "Une équipe", "departement": "46", "recit": "Repris.", "courriel": AUTHOR},
        status=400)
    assert accounts(engine) == []


def test_the_trap_field_records_nothing(testapp, practice, engine):
    tell(testapp, practice, site_web="http://spam.example.com").follow()
    assert accounts(engine) == []


def test_accounts_are_rate_limited_per_connection_keeping_what_was_typed(testapp, practice,
                                                                        engine):
    for number in range(5):
        tell(testapp, practice, structure=f"Équipe {number}")
    page = tell(testapp, practice, status=429, structure="Équipe de trop")
    assert "Récit non envoyé" in page.text
    assert "réessayez dans une heure" in page.text
    assert page.forms["formulaire-essaimage"]["structure"].value == "Équipe de trop"
    assert len(accounts(engine)) == 5


def test_only_published_practices_take_accounts(testapp, publish, practice):
    draft = publish(status="soumise")
    testapp.get(f"/pratiques/{draft.id}", status=404)
    token = csrf(testapp.get(f"/pratiques/{practice.id}"))
    testapp.post(f"/pratiques/{draft.id}/essaimage", {"csrf_token": token, "structure": "x"},
                 status=404)


# -- moderation ------------------------------------------------------------------------------

def test_only_moderators_open_the_list(testapp, factory, practice):
    assert "/connexion" in testapp.get("/gestion/essaimages", status=302).location
    staff(factory, "comite@fep.example.fr", "comite")
    sign_in(testapp, "comite@fep.example.fr")
    testapp.get("/gestion/essaimages", status=403)
    testapp.post("/gestion/essaimages/1", {"csrf_token": csrf(testapp.get("/gestion")),
                                           "action": "publier"}, status=403)


def test_publishing_shows_the_account_and_tells_the_declarant(testapp, moderator, practice,
                                                              engine, mailbox):
    tell(testapp, practice)
    essaimage_id = only_id(engine)
    listing = moderator.get("/gestion/essaimages")
    item = queue_item(listing, essaimage_id)
    text = item.get_text(" ", strip=True)
    for shown in ("Service de l'aide sociale à l'enfance du Lot", "Lot (46)", RECIT, AUTHOR,
                  practice.reference):
        assert shown in text, shown
    assert "Gestion" in moderator.get("/gestion").text
    assert "Essaimages" in moderator.get("/gestion").html.select_one("main").text

    done = decide(moderator, essaimage_id, "publier").follow()
    assert "Le récit de Service de l'aide sociale à l'enfance du Lot est publié" in done.text
    assert "informée par courriel" in done.text
    assert accounts(engine)[0][2] == "publie"

    page = testapp.get(f"/pratiques/{practice.id}")
    section = page.html.select_one("#essaimages")
    assert section.h2.get_text(" ", strip=True) == "Cette pratique a inspiré une autre équipe"
    shown = section.get_text(" ", strip=True)
    assert "Service de l'aide sociale à l'enfance du Lot" in shown and "Lot (46)" in shown
    assert RECIT in shown and "le 23/11/2026" in shown
    assert AUTHOR not in page.text

    [message] = mailbox.to(DECLARANT)
    assert "a inspiré une autre équipe" in message["Subject"]
    body = mailbox.body(message)
    assert "Service de l'aide sociale à l'enfance du Lot" in body and "Lot (46)" in body
    assert RECIT in body.replace("\n  ", " ").replace("\n", " ")
    assert f"/pratiques/{practice.id}#essaimages" in body
    assert AUTHOR not in body

    with engine.connect() as connection:
        assert connection.scalar(sa.select(Practice.nombre_essaimages)) == 1
        notes = connection.scalars(sa.select(Transition.comment)
                                   .where(Transition.practice_id == practice.id)).all()
    assert "Essaimage publié : Service de l'aide sociale à l'enfance du Lot (46)." in notes
    # decided, it stays in the list of the published ones, with who decided
    published = moderator.get("/gestion/essaimages?statut=publie")
    item = queue_item(published, essaimage_id)
    assert MODERATOR in item.text
    assert not item.select(f"#decision-{essaimage_id}")  # only its withdrawal is offered
    assert item.select_one(f"#retrait-{essaimage_id} button").get_text() == "Retirer de la page"


def test_a_refused_account_stays_out_of_the_page_with_its_note(testapp, moderator, practice,
                                                               engine, mailbox):
    tell(testapp, practice)
    essaimage_id = only_id(engine)
    done = decide(moderator, essaimage_id, "refuser", motif="Publicité pour un cabinet privé.")
    assert "est refusé" in done.follow().text
    assert accounts(engine)[0][2] == "refuse"
    assert not testapp.get(f"/pratiques/{practice.id}").html.select("#essaimages")
    refused = moderator.get("/gestion/essaimages?statut=refuse")
    assert "Publicité pour un cabinet privé." in queue_item(refused, essaimage_id).text
    assert mailbox.to(DECLARANT) == []
    with engine.connect() as connection:
        assert connection.scalar(sa.select(Practice.nombre_essaimages)) == 0


def test_an_account_is_decided_once(testapp, moderator, practice, engine, mailbox, clock):
    tell(testapp, practice)
    essaimage_id = only_id(engine)
    clock.advance(hours=14)  # 23:30 UTC on 23 November: already the 24th in Paris
    decide(moderator, essaimage_id, "publier")
    again = decide(moderator, essaimage_id, "refuser").follow()
    assert "Ce récit a déjà été traité (publié le 24/11/2026 par" in again.text
    assert accounts(engine)[0][2] == "publie"
    assert len(mailbox.to(DECLARANT)) == 1
    unknown = decide(moderator, essaimage_id + 1000, "publier").follow()
    assert "Ce récit n'existe plus." in unknown.text
    decide(moderator, essaimage_id, "effacer").follow()
    assert accounts(engine)[0][2] == "publie"


def test_a_published_account_is_withdrawn_with_its_motif(testapp, moderator, spread, engine):
    with engine.connect() as connection:
        lot, gironde = connection.scalars(sa.select(Essaimage.id).order_by(Essaimage.id)).all()

    refused = decide(moderator, lot, "retirer", motif="  ").follow()
    assert "donnez le motif du retrait (champ « Motif du retrait »)" in refused.text
    assert [a[2] for a in accounts(engine)] == ["publie", "publie"]

    done = decide(moderator, lot, "retirer", motif="L'équipe ne l'a finalement pas repris.")
    assert "Le récit de Service de l'aide sociale à l'enfance du Lot est retiré" in (
        done.follow().text)
    assert [a[2] for a in accounts(engine)] == ["retire", "publie"]
    page = testapp.get(f"/pratiques/{spread.id}")
    section = page.html.select_one("#essaimages")
    assert section.h2.get_text(" ", strip=True) == "Cette pratique a inspiré une autre équipe"
    assert "Lot (46)" not in section.text and "Association girondine" in section.text
    assert testapp.get("/api/pratiques?essaimee=true").json["resultats"][0][
        "nombre_essaimages"] == 1
    withdrawn = moderator.get("/gestion/essaimages?statut=retire")
    item = queue_item(withdrawn, lot)
    assert "L'équipe ne l'a finalement pas repris." in item.text and not item.select("form")
    with engine.connect() as connection:
        notes = connection.scalars(sa.select(Transition.comment)
                                   .where(Transition.practice_id == spread.id)).all()
    assert ("Essaimage retiré de la page : Service de l'aide sociale à l'enfance du Lot "
            "(46).") in notes
    # the motif is the moderators' alone: the declarant reads the history in their space
    assert not [note for note in notes if "finalement" in (note or "")]

    # withdrawn once; a waiting or withdrawn account cannot be withdrawn
    again = decide(moderator, lot, "retirer", motif="Encore.").follow()
    assert "Ce récit a déjà été traité (retiré le" in again.text
    decide(moderator, gironde, "retirer", motif="Doublon d'un autre récit.")
    assert not testapp.get(f"/pratiques/{spread.id}").html.select("#essaimages")
    assert testapp.get("/api/pratiques?essaimee=true").json["resultats"] == []


def test_a_decision_needs_the_csrf_token(testapp, moderator, practice, engine):
    tell(testapp, practice)
    moderator.post(f"/gestion/essaimages/{only_id(engine)}", {"action": "publier"}, status=400)
    assert accounts(engine)[0][2] == "a_moderer"


def test_a_practice_without_declarant_is_published_without_e_mail(testapp, moderator, publish,
                                                                  engine, mailbox):
    practice = publish(declarant_courriel=None)
    tell(testapp, practice)
    done = decide(moderator, only_id(engine), "publier").follow()
    assert "Aucun courriel n'a été envoyé" in done.text
    assert mailbox.messages == []


# -- where it shows ----------------------------------------------------------------------------

@pytest.fixture
def spread(testapp, moderator, publish, engine):
    """Two published practices, one taken up twice (Lot, Gironde), the other never."""
    taken = publish(intitule="Des visites médiatisées dans un lieu neutre",
                    date_publication=dt.date(2025, 1, 1))
    publish(intitule="Un café des parents", date_publication=dt.date(2025, 2, 1))
    tell(testapp, taken)
    tell(testapp, taken, structure="Association girondine", departement="33")
    with engine.connect() as connection:
        ids = connection.scalars(sa.select(Essaimage.id).order_by(Essaimage.id)).all()
    for essaimage_id in ids:
        decide(moderator, essaimage_id, "publier")
    return taken


def test_the_catalogue_filters_on_practices_taken_up(testapp, spread):
    page = testapp.get("/pratiques")
    box = page.html.select_one("input[name=essaimee][value=true]")
    assert box is not None
    label = page.html.select_one(f"label[for={box['id']}]").get_text(" ", strip=True)
    assert "Reprise ailleurs au moins une fois" in label
    filtered = testapp.get("/pratiques?essaimee=true")
    titles = [a.get_text(strip=True) for a in filtered.html.select(".fr-card__title a")]
    assert titles == ["Des visites médiatisées dans un lieu neutre"]
    assert "Essaimage : Reprise ailleurs au moins une fois" in filtered.text
    api = testapp.get("/api/pratiques?essaimee=true").json
    assert [r["intitule"] for r in api["resultats"]] == [
        "Des visites médiatisées dans un lieu neutre"]
    assert api["resultats"][0]["nombre_essaimages"] == 2
    facets = testapp.get("/api/pratiques").json["facettes"]
    facet = {v["code"]: v["nombre"] for v in facets["essaimee"]}
    assert facet == {"true": 1}
    testapp.get("/api/pratiques?essaimee=peut-etre", status=400)


def test_the_page_lists_every_team(testapp, spread):
    page = testapp.get(f"/pratiques/{spread.id}")
    section = page.html.select_one("#essaimages")
    assert section.h2.get_text(" ", strip=True) == "Cette pratique a inspiré 2 autres équipes"
    assert [li.strong.get_text() for li in section.select("li")] == [
        "Association girondine", "Service de l'aide sociale à l'enfance du Lot"]


def test_the_statistics_and_the_map_show_the_spread(testapp, spread):
    stats = testapp.get("/statistiques")
    summary = stats.html.select_one("#essaimage-resume")
    assert summary.get_text(" ", strip=True).startswith(
        "1 pratique reprise ailleurs au moins une fois (50 % des pratiques publiées), "
        "d'après 2 récits publiés")
    assert parse_qsl(urlsplit(summary.a["href"]).query) == [("essaimee", "true")]
    rows = [[cell.get_text(strip=True) for cell in tr.select("th, td")][:2]
            for tr in stats.html.select("#stat-essaimage-departements tbody tr")]
    assert rows == [["Gironde (33)", "1"], ["Lot (46)", "1"]]

    carte = testapp.get("/carte")
    table = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
             for tr in carte.html.select("#tableau-departements tbody tr")}
    assert table["Lot (46)"][-1] == "1" and table["Gironde (33)"][-1] == "1"
    assert table["Ain (01)"][-1] == "0"
    lot = carte.html.select_one('[data-departement="46"] title').get_text()
    assert lot == "Lot (46) : 0 pratique, 1 pratique reprise ici"
