"""Moderators check declarations (spec §3): the queue, the review page and each decision,
with the e-mails the declarant receives and the refusals that change nothing."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import Attachment, Practice, Transition, User
from recueil.services.passwords import hash_password

from ..factories import make_practice
from .helpers import LINK, fill_until, link_from, sign_in_declarant, start_draft

PASSWORD = "une phrase de passe de modération"
MODERATOR = "moderatrice@fep.example.fr"
DECLARANT = "claire.martin@departement.example.fr"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
CONFLICT = "Cette pratique a été modifiée entre-temps par une autre personne"


# --- helpers ------------------------------------------------------------------------------------

@pytest.fixture
def factory(wsgi_app, testapp):
    """Sessions to write the tests' data, committed before the requests read it."""
    return wsgi_app.registry["dbsession_factory"]


def staff(factory, email=MODERATOR, *roles):
    with factory() as session:
        user = User(email=email, nom="Mélanie", password_hash=hash_password(PASSWORD))
        for role in roles or ("moderateur",):
            user.add_role(role)
        session.add(user)
        session.commit()


def sign_in(app, email=MODERATOR):
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = PASSWORD
    return form.submit("connexion").follow()


@pytest.fixture
def moderator(factory, testapp):
    """The test's app, signed in as a moderator."""
    staff(factory)
    sign_in(testapp)
    return testapp


def practices(factory, *specs) -> list[uuid.UUID]:
    """Practices made from (status, fields) pairs, committed; their ids in order."""
    ids = []
    with factory() as session:
        for status, fields in specs:
            fields = dict(fields)
            unsent = fields.pop("reference", "") is None
            practice = make_practice(session, status=status, **fields)
            if unsent:  # never sent: no reference yet
                practice.reference = None
            ids.append(practice.id)
        session.commit()
    return ids


def state(engine, practice_id) -> tuple:
    """What a refused action must leave untouched: status, version, duplicate link, history."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(Practice.status, Practice.version, Practice.doublon_de_id)
            .where(Practice.id == practice_id)
        ).one()
        history = connection.execute(
            sa.select(sa.func.count()).select_from(Transition)
            .where(Transition.practice_id == practice_id)
        ).scalar()
    return (*row, history)


def review_url(practice_id) -> str:
    return f"/gestion/moderation/{practice_id}"


def act(app, practice_id, action, status=302, page=None, **fields):
    """Post one of the review page's forms as the moderator's browser would."""
    page = page or app.get(review_url(practice_id))
    form = {
        "start_review": "prendre-en-charge", "ask_complements": "demander-complements",
        "declare_admissible": "recevable", "declare_inadmissible": "irrecevable",
        "mark_duplicate": "doublon",
    }[action]
    if form in page.forms:
        form = page.forms[form]
        for name, value in fields.items():
            form[name] = value
        return form.submit(status=status)
    # the page does not offer it: the request is written by hand, with the page's token
    params = {"csrf_token": token(app), "version": str(fields.pop("version", state_version(page))),
              "action": action, **fields}
    return app.post(review_url(page.request.path.rsplit("/", 1)[-1]), params, status=status)


def token(app) -> str:
    return app.get("/gestion").html.find("input", {"name": "csrf_token"})["value"]


def state_version(page) -> int:
    hidden = page.html.find("input", {"name": "version"})
    return int(hidden["value"]) if hidden else 1


def rows(page) -> list[str]:
    table = page.html.find("table", id="file-moderation")
    if table is None:
        return []
    return [tr.find_all("td")[1].find("a").text for tr in table.find("tbody").find_all("tr")]


def text(page, **where) -> str:
    """The text of one element of the page, spaces collapsed."""
    return " ".join(page.html.find(**where).text.split())


def tab(page, code) -> str:
    return " ".join(page.html.find("a", id=f"etat-{code}").text.split())


# --- access -------------------------------------------------------------------------------------

def test_only_moderators_open_the_moderation_pages(testapp, factory, wsgi_app):
    [practice_id] = practices(factory, ("soumise", {}))
    redirect = testapp.get("/gestion/moderation", status=302)
    assert redirect.location.startswith("http://localhost/connexion")
    testapp.get(review_url(practice_id), status=302)

    staff(factory, "comite@fep.example.fr", "comite")
    sign_in(testapp, "comite@fep.example.fr")
    assert "Accès refusé" in testapp.get("/gestion/moderation", status=403)
    testapp.get(review_url(practice_id), status=403)
    testapp.post(review_url(practice_id), {"action": "start_review"}, status=403)
    testapp.post(review_url(practice_id), {"csrf_token": token(testapp), "action": "start_review",
                                           "version": "1"}, status=403)

    other = webtest.TestApp(wsgi_app)
    staff(factory, "moderateur@fep.example.fr", "moderateur")
    sign_in(other, "moderateur@fep.example.fr")
    assert other.get("/gestion/moderation").status_int == 200
    assert "Modération" in other.get("/gestion")


def test_a_draft_is_not_shown_to_moderators(moderator, factory):
    [draft] = practices(factory, ("brouillon", {"reference": None}))
    moderator.get(review_url(draft), status=404)
    moderator.get(review_url("pas-un-identifiant"), status=404)
    moderator.get(review_url(uuid.uuid4()), status=404)


# --- the queue ----------------------------------------------------------------------------------

def test_the_queue_counts_filters_and_sorts(moderator, factory):
    day = dt.datetime(2026, 10, 1, 10, 0)

    def later(days):
        return day + dt.timedelta(days=days)

    practices(
        factory,
        ("soumise", {"intitule": "Bravo soumise ancienne", "submitted_at": day,
                     "echelle": "departementale", "departements": ["49"], "regions": ["52"]}),
        ("soumise", {"intitule": "Alpha soumise récente", "submitted_at": later(20),
                     "echelle": "departementale", "departements": ["75"], "regions": ["11"]}),
        ("en_moderation", {"intitule": "Charlie en modération", "submitted_at": later(5),
                           "source": "departements-de-france"}),
        ("complement_demande", {"intitule": "Delta compléments", "submitted_at": later(10)}),
        ("recevable", {"intitule": "Echo recevable", "submitted_at": day}),
        ("irrecevable", {"intitule": "Foxtrot irrecevable", "submitted_at": day}),
        ("retiree", {"intitule": "Golf retirée", "submitted_at": day}),
        ("retiree", {"intitule": "Brouillon retiré", "reference": None}),
        ("publiee", {"intitule": "Hotel publiée"}),
        ("brouillon", {"intitule": "India brouillon", "reference": None}),
    )
    page = moderator.get("/gestion/moderation")
    assert tab(page, "a_traiter") == "À traiter (4)"
    assert tab(page, "soumise") == "Soumise (2)"
    assert tab(page, "en_moderation") == "En modération (1)"
    assert tab(page, "complement_demande") == "Complément demandé (1)"
    assert tab(page, "recevable") == "Recevable (1)"
    assert tab(page, "irrecevable") == "Irrecevable (1)"
    assert tab(page, "doublon") == "Doublon (0)"
    assert tab(page, "retiree") == "Retirée (1)"  # a draft withdrawn before sending is not counted
    # oldest submitted first by default
    assert rows(page) == ["Bravo soumise ancienne", "Charlie en modération", "Delta compléments",
                          "Alpha soumise récente"]
    assert "4 pratiques." in page
    assert page.html.find("div", class_="fr-alert--warning") is None  # no filter to complain about

    newest = moderator.get("/gestion/moderation", {"tri": "recentes"})
    assert rows(newest) == list(reversed(rows(page)))
    by_title = moderator.get("/gestion/moderation", {"tri": "titre"})
    assert rows(by_title)[0] == "Alpha soumise récente"

    # the tags keep the other filters and the filters stay in the URL
    form = page.forms["filtres-moderation"]
    form["statut"] = "soumise"
    form["departement"] = "49"
    filtered = form.submit()
    assert "statut=soumise" in filtered.request.url and "departement=49" in filtered.request.url
    assert rows(filtered) == ["Bravo soumise ancienne"]
    assert tab(filtered, "a_traiter") == "À traiter (1)"
    assert "departement=49" in filtered.html.find("a", id="etat-recevable")["href"]

    assert rows(moderator.get("/gestion/moderation", {"statut": "recevable"})) == ["Echo recevable"]
    assert rows(moderator.get("/gestion/moderation", {"statut": "retiree"})) == ["Golf retirée"]
    assert rows(moderator.get("/gestion/moderation", {"source": "departements-de-france"})) == [
        "Charlie en modération"]
    form_only = moderator.get("/gestion/moderation", {"source": "formulaire"})
    assert "Delta compléments" in rows(form_only)
    assert rows(moderator.get("/gestion/moderation", {"du": "2026-10-04", "au": "11/10/2026"})) == [
        "Charlie en modération", "Delta compléments"]
    # a date that cannot be read is named, and ignored
    odd = moderator.get("/gestion/moderation", {"du": "31/02/2026", "statut": "n-importe-quoi"})
    assert "« Reçue à partir du » : le 31/02/2026 n'existe pas" in odd
    assert len(rows(odd)) == 4


def test_the_queue_shows_every_place_of_a_practice(moderator, factory):
    practices(
        factory,
        ("soumise", {"intitule": "Une pratique locale", "echelle": "locale", "lieu": "Angers",
                     "departements": ["49", "53", "72", "85"], "regions": ["52"]}),
        ("soumise", {"intitule": "Une pratique nationale", "echelle": "nationale",
                     "departements": [], "regions": []}),
    )
    page = moderator.get("/gestion/moderation", {"tri": "titre"})
    places = [row.select("td")[2].get_text(strip=True) for row in page.html.select("tbody tr")]
    # all four départements (a card of the catalogue shows three), and the place named
    assert places == ["Angers, Maine-et-Loire (49), Mayenne (53), Sarthe (72), Vendée (85)",
                      "France entière"]


def test_the_queue_is_paginated_with_its_filters(moderator, factory):
    day = dt.datetime(2026, 9, 1, 8, 0)
    practices(factory, *[
        ("soumise", {"intitule": f"Pratique {n:02d}", "submitted_at": day + dt.timedelta(hours=n)})
        for n in range(23)
    ])
    first = moderator.get("/gestion/moderation", {"statut": "soumise"})
    assert len(rows(first)) == 20 and rows(first)[0] == "Pratique 00"
    pages = first.html.find("nav", class_="fr-pagination")
    second_url = pages.find("a", title="Page 2")["href"]
    assert "statut=soumise" in second_url and "page=2" in second_url
    second = moderator.get(second_url)
    assert rows(second) == ["Pratique 20", "Pratique 21", "Pratique 22"]
    # a page past the end shows the last one
    past_the_end = moderator.get("/gestion/moderation", {"statut": "soumise", "page": "9"})
    assert rows(past_the_end) == rows(second)


# --- the review page ----------------------------------------------------------------------------

def test_the_review_page_shows_everything_a_moderator_checks(moderator, factory, clock):
    published = practices(factory, (
        "publiee", {"intitule": "Visites médiatisées en lieu neutre",
                    "description": "Des visites médiatisées entre parents et enfants."}))[0]
    with factory() as session:
        practice = make_practice(
            session, status="soumise",
            intitule="Visites médiatisées pour les enfants placés",
            description="Des visites médiatisées dans un lieu neutre pour les parents.",
            date_mise_en_oeuvre=dt.date(2026, 3, 1),  # under a year before the clock's day
            echelle="locale", departements=["49"], regions=["52"], lieu=None,
            thematiques=["education", "autre"], thematiques_autre=None, objectifs=None,
            contact_nom="Claire Martin", contact_telephone="02 41 00 00 00",
            accord_nom="Paul Durand", submitted_at=dt.datetime(2026, 11, 2, 9, 0),
        )
        practice.attachments.append(Attachment(
            filename="bilan 2025.pdf", media_type="application/pdf", size=len(PDF), sha256="0" * 64,
            content=PDF))
        session.commit()
        practice_id = practice.id
    page = moderator.get(review_url(practice_id))
    whole = text(page, name="main")
    # every field, personal ones included
    for shown in ("Visites médiatisées pour les enfants placés", "Claire Martin",
                  "02 41 00 00 00", "Paul Durand", "contact@example.org", "accord@example.org",
                  "reçue le 02/11/2026"):
        assert shown in whole, shown
    # its age, with the warning under one year
    anteriorite = text(page, id="anteriorite")
    assert "Antériorité : 8 mois (mise en œuvre le 01/03/2026)" in anteriorite
    assert "Moins d'un an d'antériorité" in anteriorite
    # what the form would refuse, with the form's own messages
    completude = text(page, id="completude")
    assert "Déclaration incomplète" in completude
    assert "Objectifs" not in completude  # optional at declaration: listed as missing
    assert "Objectifs" in text(page, id="non-renseigne")
    assert "« Thématique » : vous avez choisi « Autre », précisez lequel." in completude
    assert "« Lieu » : pour une action locale, indiquez la commune" in completude
    # the similar published practices, linked
    similar = page.html.find(id="semblables")
    assert similar.find("a", href=f"http://localhost/pratiques/{published}")
    # attachments are downloaded, never rendered
    link = page.html.find(id="pieces-jointes").find("a")["href"]
    download = moderator.get(link)
    assert download.body == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "bilan%202025.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    moderator.get(review_url(practice_id) + f"/pieces/{uuid.uuid4()}", status=404)
    # the history, and only the step a soumise practice allows
    assert page.html.find("table", id="historique").find("tbody").find_all("tr")
    assert "prendre-en-charge" in page.forms and "recevable" not in page.forms


def test_a_complete_practice_passes_the_check(moderator, factory):
    [practice_id] = practices(factory, ("en_moderation", {}))
    page = moderator.get(review_url(practice_id))
    assert "Déclaration complète" in text(page, id="completude")
    assert "Moins d'un an" not in page
    assert "Antériorité : 6 ans et 10 mois" in text(page, id="anteriorite")


def test_precisions_for_autre_are_checked(moderator, factory):
    [practice_id] = practices(factory, ("en_moderation", {
        "thematiques": ["education", "autre"], "thematiques_autre": None}))
    completude = text(moderator.get(review_url(practice_id)), id="completude")
    assert "« Thématique » : vous avez choisi « Autre », précisez lequel." in completude


# --- the whole round trip -----------------------------------------------------------------------

def declare(wsgi_app, mailbox) -> tuple[webtest.TestApp, uuid.UUID]:
    """A declarant declares a practice through the form; their app and the practice's id."""
    app = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.20"})
    space = sign_in_declarant(app, mailbox, DECLARANT)
    summary = fill_until(app, start_draft(app, space), "recapitulatif")
    submitted = summary.forms["envoi"].submit("envoyer").follow()
    practice_id = uuid.UUID(submitted.request.path.split("/")[3])
    return app, practice_id


def test_take_ask_complements_resubmit_and_admit(moderator, wsgi_app, mailbox, engine):
    declarant, practice_id = declare(wsgi_app, mailbox)
    queue = moderator.get("/gestion/moderation")
    assert rows(queue) == ["Des visites médiatisées dans un lieu neutre"]

    taken = act(moderator, practice_id, "start_review").follow()
    assert "Vous avez pris en charge cette pratique." in taken
    assert taken.html.find(id="etat").text == "En modération"

    # a request for complements needs its message
    before = state(engine, practice_id)
    refused = act(moderator, practice_id, "ask_complements", status=400, page=taken,
                  commentaire="  ")
    assert "« Demander des compléments » : indiquez le message au déclarant." in refused
    assert state(engine, practice_id) == before

    mailbox.messages.clear()
    message = "Merci de préciser le bilan chiffré : combien de familles en 2025 ?"
    asked = act(moderator, practice_id, "ask_complements", page=refused,
                commentaire=message).follow()
    assert f"Un courriel a été envoyé au déclarant ({DECLARANT})." in asked
    assert asked.html.find(id="etat").text == "Complément demandé"
    [mail] = mailbox.to(DECLARANT)
    body = mailbox.body(mail)
    assert "Des compléments sont demandés pour votre pratique PI-2026-" in mail["Subject"]
    assert message in body
    path = LINK.search(body).group(1)
    assert "suite=%2Fmon-espace%2Fpratiques%2F" in path and "complements" in path

    # the declarant follows the fresh link, from a new browser, straight to the complements
    browser = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.21"})
    page = browser.get(path).follow()
    assert page.request.path == f"/mon-espace/pratiques/{practice_id}/complements"
    assert message in page.html.find(id="message-moderation").text
    edit = page.click(href=r"rubrique=resultats")
    form = edit.forms["formulaire"]
    form["bilan"] = "140 visites en 2025 pour 52 familles ; 80 % disent le lien renforcé."
    form["fichier"] = [("bilan-2025.pdf", PDF, "application/pdf")]
    overview = form.submit("enregistrer").follow()
    assert "La rubrique « Objectifs, moyens et résultats » est enregistrée." in overview
    sent = overview.forms["renvoi"].submit("renvoyer").follow()
    assert "Vos compléments sont envoyés" in sent
    assert sent.html.find("span", class_="fr-badge").text == "En modération"
    assert "Compléments envoyés par le déclarant" in sent  # their own history
    assert "en_moderation" not in sent

    # the moderator sees what changed since the request
    review = moderator.get(review_url(practice_id))
    changes = review.html.find("table", id="modifications")
    text = " ".join(changes.text.split())
    assert "Bilan chiffré et qualitatif" in text
    assert "120 visites par an" in text and "140 visites en 2025 pour 52 familles" in text
    assert "Pièces jointes" in text and "bilan-2025.pdf" in text
    assert "Intitulé" not in text
    history = " ".join(review.html.find("table", id="historique").text.split())
    assert "Complément demandé → En modération" in history
    assert "Compléments envoyés par le déclarant" in history

    mailbox.messages.clear()
    admitted = act(moderator, practice_id, "declare_admissible", page=review).follow()
    assert admitted.html.find(id="etat").text == "Recevable"
    assert "Votre pratique PI-2026-" in mailbox.to(DECLARANT)[-1]["Subject"]
    assert state(engine, practice_id)[0] == "recevable"
    # nothing more for a moderator to do
    assert "Aucune action de modération n'est possible" in admitted


# --- refusals and decisions ---------------------------------------------------------------------

def test_inadmissible_needs_a_reason_sent_to_the_declarant(moderator, factory, engine, mailbox):
    [practice_id] = practices(factory, ("en_moderation", {"declarant_courriel": DECLARANT}))
    before = state(engine, practice_id)
    page = act(moderator, practice_id, "declare_inadmissible", status=400, commentaire="")
    assert "« Déclarer irrecevable » : indiquez le motif." in page.html.find(id="erreur").text
    assert state(engine, practice_id) == before
    assert mailbox.to(DECLARANT) == []

    reason = "La pratique relève de la formation continue, pas de la protection de l'enfance."
    done = act(moderator, practice_id, "declare_inadmissible", page=page,
               commentaire=reason).follow()
    assert done.html.find(id="etat").text == "Irrecevable"
    [mail] = mailbox.to(DECLARANT)
    assert "n'a pas été déclarée recevable" in mail["Subject"]
    assert reason in mailbox.body(mail)
    assert link_from(mailbox, DECLARANT).startswith("/acces/")
    assert reason in " ".join(done.html.find("table", id="historique").text.split())


def test_a_duplicate_is_linked_to_its_original(moderator, factory, engine, mailbox):
    original, copy = practices(
        factory,
        ("publiee", {"intitule": "Un relais parentalité dans les collèges",
                     "description": "Un relais parentalité accueille les parents au collège."}),
        ("en_moderation", {"intitule": "Relais parentalité au collège",
                           "description": "Accueillir les parents au collège : un relais.",
                           "declarant_courriel": DECLARANT}),
    )
    page = moderator.get(review_url(copy))
    form = page.forms["doublon"]
    assert form["original"].options[0][0] == str(original)
    form["original"] = str(original)
    done = form.submit().follow()
    assert "La pratique est signalée comme doublon de PI-2024-" in done
    assert done.html.find(id="etat").text == "Doublon"
    status, _, doublon_de, _ = state(engine, copy)
    assert status == "doublon" and doublon_de == original
    assert done.html.find(id="original").find("a")["href"].endswith(str(original))
    with engine.connect() as connection:
        reference = connection.execute(
            sa.select(Practice.reference).where(Practice.id == original)).scalar()
    [mail] = mailbox.to(DECLARANT)
    assert reference in mailbox.body(mail)
    assert f"http://localhost/pratiques/{original}" in mailbox.body(mail)


def test_a_duplicate_by_reference_and_its_refusals(moderator, factory, engine):
    original, copy, other_copy = practices(
        factory, ("recevable", {}), ("en_moderation", {}), ("doublon", {}))
    with engine.connect() as connection:
        references = dict(connection.execute(sa.select(Practice.id, Practice.reference)).all())
    before = state(engine, copy)
    for value, message in (
        ("", "indiquez la pratique originale"),
        ("PI-1999-9999", "Aucune pratique ne porte la référence « PI-1999-9999 »."),
        ("n'importe quoi", "n'est pas une référence de pratique"),
        (references[copy], "Une pratique ne peut pas être le doublon d'elle-même."),
        (references[other_copy], "est elle-même un doublon"),
    ):
        page = act(moderator, copy, "mark_duplicate", status=400, reference=value)
        assert message in page.html.find(id="erreur").text, value
        assert state(engine, copy) == before
    done = act(moderator, copy, "mark_duplicate", reference=references[original].lower()).follow()
    assert done.html.find(id="etat").text == "Doublon"
    assert state(engine, copy)[2] == original
    history = " ".join(done.html.find("table", id="historique").text.split())
    assert f"Doublon de {references[original]}" in history


IMPOSSIBLE = "« {} » est impossible : la pratique est « {} »."


@pytest.mark.parametrize("status, action, message", [
    ("soumise", "declare_admissible", IMPOSSIBLE.format("Déclarer recevable", "Soumise")),
    ("soumise", "ask_complements", IMPOSSIBLE.format("Demander des compléments", "Soumise")),
    ("en_moderation", "start_review", IMPOSSIBLE.format("Prendre en charge", "En modération")),
    ("complement_demande", "declare_inadmissible",
     IMPOSSIBLE.format("Déclarer irrecevable", "Complément demandé")),
    ("recevable", "mark_duplicate", IMPOSSIBLE.format("Signaler un doublon", "Recevable")),
    ("publiee", "declare_admissible", IMPOSSIBLE.format("Déclarer recevable", "Publiée")),
    ("en_moderation", "select", "Cette action n'est pas une action de modération."),
    ("en_moderation", "n-importe-quoi", "Cette action n'est pas une action de modération."),
])
def test_forbidden_transitions_change_nothing(moderator, factory, engine, mailbox,
                                              status, action, message):
    [practice_id] = practices(factory, (status, {}))
    before = state(engine, practice_id)
    params = {"csrf_token": token(moderator), "version": str(before[1]), "action": action,
              "commentaire": "Un motif",
              "reference": "PI-2024-0001"}
    refused = moderator.post(review_url(practice_id), params, status=400)
    assert message in refused.html.find(id="erreur").text
    assert state(engine, practice_id) == before
    assert mailbox.messages == []


def test_a_form_without_its_version_is_refused_as_stale(moderator, factory, engine):
    [practice_id] = practices(factory, ("soumise", {}))
    before = state(engine, practice_id)
    refused = moderator.post(review_url(practice_id),
                             {"csrf_token": token(moderator), "action": "start_review"},
                             status=409)
    assert CONFLICT in refused
    assert state(engine, practice_id) == before


def test_two_moderators_on_the_same_practice(moderator, factory, wsgi_app, engine, mailbox):
    [practice_id] = practices(factory, ("en_moderation", {"declarant_courriel": DECLARANT}))
    staff(factory, "second@fep.example.fr", "moderateur")
    second = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.30"})
    sign_in(second, "second@fep.example.fr")
    first_page = moderator.get(review_url(practice_id))
    second_page = second.get(review_url(practice_id))

    act(moderator, practice_id, "ask_complements", page=first_page,
        commentaire="Précisez le public visé.").follow()
    after_first = state(engine, practice_id)
    mailbox.messages.clear()

    refused = act(second, practice_id, "declare_inadmissible", status=409, page=second_page,
                  commentaire="Hors sujet.")
    assert CONFLICT in refused.html.find(id="erreur").text
    # the page now shows the practice as it is, and what was typed is kept
    assert refused.html.find(id="etat").text == "Complément demandé"
    assert state(engine, practice_id) == after_first
    assert mailbox.messages == []
    history = text(second.get(review_url(practice_id)), name="table", id="historique")
    assert "Hors sujet." not in history and "Précisez le public visé." in history


def test_a_practice_without_declarant_is_moderated_without_e_mail(moderator, factory, mailbox):
    [practice_id] = practices(factory, ("en_moderation", {"declarant_courriel": None,
                                                          "source": "departements-de-france"}))
    done = act(moderator, practice_id, "declare_admissible").follow()
    assert "Aucun courriel n'a été envoyé : la pratique n'a pas d'adresse de déclarant." in done
    assert mailbox.messages == []
