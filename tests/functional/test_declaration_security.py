"""The declaration's defences, through the browser's eyes: ownership, links, CSRF, rate limits,
escaping, and attachments checked on their content."""
import re

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import Attachment, Practice, RateEvent

from .helpers import (
    CONTACT,
    PRESENTATION,
    RESULTATS,
    csrf,
    fill_until,
    link_from,
    post_step,
    sign_in_declarant,
    start_draft,
)

OWNER = "claire.martin@departement.example.fr"
OTHER = "marc.leroy@association.example.org"
SECRET = "Projet confidentiel de Claire"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 60


def practices(engine):
    with engine.connect() as connection:
        return connection.execute(sa.select(Practice.__table__)).all()


def attachments(engine):
    with engine.connect() as connection:
        return connection.execute(sa.select(Attachment.__table__)).all()


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def finish(testapp, page, contact=CONTACT):
    """From the « contact » step (or the « résultats » step), up to the récapitulatif."""
    if page.request.path.endswith("/resultats"):
        page = post_step(testapp, page, RESULTATS).follow()
    return post_step(testapp, page, contact).follow()


def request_link(testapp, address, status=302, **kw):
    page = testapp.get("/declarer", **kw)
    form = page.forms["formulaire"]
    form["courriel"] = address
    return form.submit("envoyer", status=status, **kw)


# --- ownership ---------------------------------------------------------------------------------

@pytest.fixture
def claires_draft(testapp, mailbox):
    """Claire's draft, up to the « résultats » step, with a PDF attached; then Marc signs in."""
    space = sign_in_declarant(testapp, mailbox, OWNER)
    page = fill_until(testapp, start_draft(testapp, space), "resultats",
                      presentation={"intitule": SECRET})
    form = page.forms["formulaire"]
    for name, value in RESULTATS.items():
        form[name] = value
    form["fichier"] = [("rapport-claire.pdf", PDF, "application/pdf")]
    form.submit("suivant").follow()
    resultats = testapp.get(page.request.path)
    attachment = resultats.html.find("a", string="rapport-claire.pdf")["href"]
    marc = sign_in_declarant(testapp, mailbox, OTHER)
    return {"step": page.request.path, "attachment": attachment, "marc_space": marc}


def test_another_declarant_cannot_open_a_draft(testapp, claires_draft):
    assert SECRET not in claires_draft["marc_space"]
    step = claires_draft["step"]
    base = step.rsplit("/etape/", 1)[0]
    for url in (step, step.replace("resultats", "presentation"),
                step.replace("resultats", "recapitulatif"), base, base + "/envoyee",
                claires_draft["attachment"]):
        page = testapp.get(url, status=403)
        assert "Accès refusé" in page
        assert SECRET not in page and "Maine-et-Loire" not in page
        assert PDF not in page.body


def test_another_declarant_cannot_post_to_a_draft(testapp, engine, claires_draft):
    before = practices(engine)
    token = csrf(claires_draft["marc_space"])
    step = claires_draft["step"]
    presentation = step.replace("resultats", "presentation")
    values = [("csrf_token", token), ("intitule", "Détourné par Marc"), ("suivant", "suivant")]
    testapp.post(presentation, values, status=403)
    testapp.post(step.replace("resultats", "recapitulatif"),
                 [("csrf_token", token), ("envoyer", "")], status=403)
    testapp.post(claires_draft["attachment"], {"csrf_token": token}, status=403)
    assert practices(engine) == before
    [row] = before
    assert row.intitule == SECRET and row.status == "brouillon" and row.declarant_courriel == OWNER
    assert len(attachments(engine)) == 1


def test_an_unknown_practice_is_refused_as_another_persons_is(testapp, claires_draft):
    """Otherwise a declarant could tell which ids exist."""
    others = testapp.get(claires_draft["step"], status=403)  # Marc is signed in
    for path in ("/mon-espace/pratiques/00000000-0000-0000-0000-000000000000/etape/conditions",
                 "/mon-espace/pratiques/pas-un-identifiant/etape/conditions"):
        assert testapp.get(path, status=403).html.h1 == others.html.h1


def test_anonymous_visitors_are_sent_to_the_link_request(testapp, mailbox, claires_draft):
    testapp.reset()
    page = testapp.get("/mon-espace", status=302)
    assert page.location.endswith("/declarer")
    assert "Pour ouvrir votre espace, suivez le lien personnel" in page.follow()
    step = testapp.get(claires_draft["step"], status=302)
    assert step.location.endswith("/declarer")
    assert SECRET not in step.follow()


# --- personal links ----------------------------------------------------------------------------

def test_a_link_lasts_fourteen_days(testapp, mailbox, clock):
    request_link(testapp, OWNER)
    link = link_from(mailbox, OWNER)
    assert "valable 14 jours" in mailbox.body(mailbox.to(OWNER)[-1])
    testapp.reset()
    clock.advance(days=13, hours=23, minutes=59)
    assert testapp.get(link).follow().request.path == "/mon-espace"


@pytest.mark.parametrize("age", [{"days": 14}, {"days": 15}])
def test_an_expired_link_opens_nothing(testapp, mailbox, clock, age):
    request_link(testapp, OWNER)
    link = link_from(mailbox, OWNER)
    testapp.reset()
    clock.advance(**age)
    page = testapp.get(link, status=410)
    assert "Ce lien a expiré" in page and "Demandez-en un nouveau" in page
    assert testapp.get("/mon-espace", status=302).location.endswith("/declarer")


def alter(text: str, index: int) -> str:
    replacement = "B" if text[index] != "B" else "C"
    return text[:index] + replacement + text[index + 1:]


def test_an_altered_link_is_refused(testapp, mailbox):
    request_link(testapp, OWNER)
    link = link_from(mailbox, OWNER)
    prefix, token = link.rsplit("/", 1)
    payload, signature = token.split(".")
    testapp.reset()
    altered = [
        f"{payload}.{alter(signature, len(signature) // 2)}",
        f"{payload}.{alter(signature, 0)}",
        f"{alter(payload, len(payload) // 2)}.{signature}",
        f"{alter(payload, 0)}.{signature}",
        payload,
        f"{payload}.",
        f".{signature}",
        f"{payload}.{signature}x",
        f"{payload}.%C3%A9{signature[1:]}",  # characters outside ASCII
        f"%C3%A9{payload[1:]}.{signature}",
        f"{payload}.{signature}%00",
    ]
    for token in altered:
        page = testapp.get(f"{prefix}/{token}", status=400)
        assert "Ce lien n'est pas valide" in page
    assert testapp.get("/mon-espace", status=302).location.endswith("/declarer")
    # the genuine link still works
    assert testapp.get(link).follow().request.path == "/mon-espace"


def test_a_link_only_leads_inside_the_space(testapp, mailbox):
    request_link(testapp, OWNER)
    link = link_from(mailbox, OWNER)
    for target in ("https://exemple.invalid/", "//exemple.invalid/mon-espace", "/mon-espace//x",
                   "/gestion"):
        response = testapp.get(link, {"suite": target}, status=302)
        assert response.location == "http://localhost/mon-espace"


# --- CSRF --------------------------------------------------------------------------------------

def test_posts_without_the_csrf_token_change_nothing(testapp, mailbox, engine):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    before = practices(engine)
    values = [(k, v) for k, v in PRESENTATION.items() if not isinstance(v, list)]
    for token in (None, "", "jeton-invente"):
        posted = (values + ([("csrf_token", token)] if token is not None else [])
                  + [("suivant", "suivant")])
        refused = testapp.post(page.request.path, posted, status=400)
        assert "Formulaire expiré" in refused
        testapp.post("/mon-espace/nouvelle", {"csrf_token": token} if token is not None else {},
                     status=400)
    assert practices(engine) == before
    [row] = before
    assert row.intitule is None and row.etapes_validees == ["conditions"]

    mails = len(mailbox.messages)
    testapp.post("/declarer", {"courriel": OTHER, "envoyer": "envoyer"}, status=400)
    testapp.post("/mon-espace/deconnexion", {}, status=400)
    assert len(mailbox.messages) == mails
    assert testapp.get("/mon-espace").status_int == 200


def test_the_csrf_token_of_another_session_is_refused(testapp, mailbox, engine):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    other = webtest.TestApp(testapp.app, extra_environ={"REMOTE_ADDR": "192.0.2.11"})
    foreign = csrf(other.get("/declarer"))
    assert foreign != csrf(page)
    testapp.post(page.request.path, [("csrf_token", foreign), ("intitule", "x"), ("suivant", "")],
                 status=400)
    assert practices(engine)[0].intitule is None


# --- rate limits -------------------------------------------------------------------------------

def test_three_link_requests_per_address_and_hour(testapp, mailbox, clock, engine):
    for _ in range(3):
        request_link(testapp, OWNER)
    assert len(mailbox.to(OWNER)) == 3
    clock.advance(minutes=59)
    refused = request_link(testapp, OWNER.upper(), status=429)
    assert "Trop de demandes de lien en peu de temps" in refused
    assert "Réessayez dans une heure" in refused
    assert refused.html.find("input", {"name": "courriel"})["value"] == OWNER.upper()
    assert len(mailbox.to(OWNER)) == 3
    # another address from the same connection is not concerned
    request_link(testapp, OTHER)
    assert len(mailbox.to(OTHER)) == 1
    # an hour after the first requests, the address may ask again
    clock.advance(minutes=1)
    request_link(testapp, OWNER)
    assert len(mailbox.to(OWNER)) == 4


def test_twenty_link_requests_per_client_and_hour(testapp, mailbox, clock):
    token = csrf(testapp.get("/declarer"))
    for n in range(20):
        testapp.post("/declarer", {"csrf_token": token, "courriel": f"personne{n}@example.fr",
                                   "envoyer": "envoyer"}, status=302)
    assert len(mailbox.messages) == 20
    refused = testapp.post("/declarer", {"csrf_token": token, "courriel": "personne20@example.fr",
                                         "envoyer": "envoyer"}, status=429)
    assert "Trop de demandes de lien en peu de temps" in refused
    assert len(mailbox.messages) == 20 and not mailbox.to("personne20@example.fr")
    # another connection may still ask
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    request_link(testapp, "personne20@example.fr", extra_environ=elsewhere)
    assert len(mailbox.to("personne20@example.fr")) == 1
    # and this one again an hour later
    clock.advance(hours=1)
    request_link(testapp, "personne21@example.fr")
    assert len(mailbox.to("personne21@example.fr")) == 1


def test_rate_events_are_counted_in_the_database(testapp, mailbox, engine):
    request_link(testapp, OWNER)
    assert count(engine, RateEvent.__table__) == 2  # one for the address, one for the client


def test_rate_events_older_than_a_day_are_deleted(testapp, mailbox, clock, engine):
    request_link(testapp, OWNER)
    clock.advance(hours=23)
    request_link(testapp, OTHER)
    assert count(engine, RateEvent.__table__) == 4  # all still within a day
    clock.advance(hours=1, minutes=1)
    # a failed sign-in, counted by the same limiter, deletes the events of the first request
    failed = testapp.get("/connexion").forms["connexion"]
    failed["courriel"] = OWNER
    failed["mot_de_passe"] = "ce compte n'existe pas"
    failed.submit(status=400)
    with engine.connect() as connection:
        keys = set(connection.scalars(sa.select(RateEvent.key)))
    assert keys == {f"lien:courriel:{OTHER}", "lien:client:192.0.2.10",
                    f"connexion:compte:{OWNER} 192.0.2.10", "connexion:client:192.0.2.10"}


# --- escaping ----------------------------------------------------------------------------------

HTML = "<script>alert(1)</script><b>gras</b>"
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;gras&lt;/b&gt;")


def assert_escaped(page, times=1):
    body = page.text
    assert "<script>alert" not in body and "<b>gras" not in body
    assert body.count(ESCAPED[0]) >= times, body
    assert body.count(ESCAPED[1]) >= times


HOSTILE_PRESENTATION = dict(
    PRESENTATION, echelle="locale", intitule="Intitulé " + HTML, description="Description " + HTML,
    nom_entite="Entité " + HTML, types_intervention=["autre"],
    types_intervention_autre="Type " + HTML,
    thematiques=["autre"], thematiques_autre="Thème " + HTML, publics=["autre"],
    publics_autre="Public " + HTML, relais="autre", relais_autre="Relais " + HTML,
)
HOSTILE_CONTACT = dict(CONTACT, contact_nom="Nom " + HTML, contact_fonction="Fonction " + HTML,
                       accord_nom="Accord " + HTML)


def test_html_typed_in_fields_is_shown_as_text(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")

    # the step form on redisplay, after an error
    failed = post_step(testapp, page, dict(HOSTILE_PRESENTATION, date_mise_en_oeuvre="31/02/2024"))
    assert "Le formulaire contient des erreurs" in failed
    assert_escaped(failed, times=7)
    # the step form shown again from what was saved
    post_step(testapp, failed, HOSTILE_PRESENTATION).follow()
    assert_escaped(testapp.get(page.request.path), times=7)

    localisation = testapp.get(page.request.path.replace("presentation", "localisation"))
    failed = post_step(testapp, localisation, {"departements": "49"})
    failed = post_step(testapp, failed, {"departements": "49", "lieu": "Lieu " + HTML})
    recap = finish(testapp, failed.follow(), contact=HOSTILE_CONTACT)
    assert "Étape 6 sur 6" in recap
    assert_escaped(recap, times=11)

    assert_escaped(testapp.get("/mon-espace"))

    done = recap.forms["envoi"].submit("envoyer").follow()
    assert "bien été envoyée" in done
    assert_escaped(done)
    view = testapp.get(done.request.path.rsplit("/", 1)[0])
    assert "Soumise" in view
    assert_escaped(view, times=11)
    assert_escaped(testapp.get("/mon-espace"))

    [receipt] = [m for m in mailbox.to(OWNER) if "Accusé de réception" in m["Subject"]]
    assert receipt.get_content_type() == "text/plain"
    assert not [part for part in receipt.walk() if part.get_content_type() == "text/html"]
    assert "Intitulé " + HTML in mailbox.body(receipt)  # plain text: shown as typed


# --- attachments -------------------------------------------------------------------------------

def resultats_page(testapp, mailbox):
    space = sign_in_declarant(testapp, mailbox)
    return fill_until(testapp, start_draft(testapp, space), "resultats")


def submit_files(page, files, **values):
    form = page.forms["formulaire"]
    for name, value in dict(RESULTATS, **values).items():
        form[name] = value
    multiple = "multiple" in page.html.find("input", {"name": "fichier"}).attrs
    if multiple or len(files) == 1:
        form["fichier"] = files if multiple else files[0]
        return form.submit("suivant")
    # more files than the browser would send: the request is written by hand, in form order
    fields = [(n, v) for n, v in form.submit_fields()
              if n not in ("__start__", "fichier", "__end__")]
    fields += [("__start__", "pieces_jointes:sequence")]
    fields += [("fichier", webtest.Upload(*file)) for file in files]
    fields += [("__end__", "pieces_jointes:sequence"), ("suivant", "suivant")]
    return page.test_app.post(page.request.path, fields)


def test_a_pdf_is_stored_and_listed(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    assert page.html.find("input", {"type": "file", "name": "fichier"}) is not None
    submit_files(page, [("rapport.pdf", PDF, "application/pdf")]).follow()
    [stored] = attachments(engine)
    assert stored.filename == "rapport.pdf" and stored.media_type == "application/pdf"
    assert stored.size == len(PDF) and bytes(stored.content) == PDF

    again = testapp.get(page.request.path)
    link = again.html.find("a", string="rapport.pdf")
    assert link is not None
    download = testapp.get(link["href"])
    assert download.body == PDF and download.content_type == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    recap = finish(testapp, testapp.get(page.request.path.replace("resultats", "contact")))
    assert "rapport.pdf" in recap


@pytest.mark.parametrize("content", [ELF, PE], ids=["elf", "pe"])
def test_a_renamed_executable_is_refused(testapp, mailbox, engine, content):
    page = resultats_page(testapp, mailbox)
    failed = submit_files(page, [("rapport.pdf", content, "application/pdf")])
    assert failed.status_int == 200
    assert "Le formulaire contient des erreurs" in failed
    message = ("« Pièces jointes » : le contenu de « rapport.pdf » n'est pas celui d'un PDF, "
               "d'un document OpenDocument ou Word")
    assert message in failed.text.replace("&#171;", "«").replace("&#187;", "»")
    assert failed.html.find("textarea", {"name": "objectifs"}).text == RESULTATS["objectifs"]
    assert attachments(engine) == []
    [row] = practices(engine)
    assert "resultats" not in row.etapes_validees and row.objectifs is None


def test_a_good_file_is_not_stored_beside_a_bad_one(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    failed = submit_files(page, [("bon.pdf", PDF, "application/pdf"),
                                 ("mauvais.pdf", ELF, "application/pdf")])
    assert "mauvais.pdf" in failed and failed.status_int == 200
    assert attachments(engine) == []


def test_a_hostile_file_name_is_shown_as_text(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    name = "<img src=x onerror=alert(1)><b>gras.pdf"  # no slash: a path is cut at the last one

    def assert_name_escaped(response):
        assert "<img src=x" not in response.text and "<b>gras" not in response.text
        assert "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;gras.pdf" in response.text

    failed = submit_files(page, [(name, ELF, "application/pdf")])
    assert "Le formulaire contient des erreurs" in failed
    assert_name_escaped(failed)
    submit_files(failed, [(name, PDF, "application/pdf")]).follow()
    resultats = testapp.get(page.request.path)
    assert_name_escaped(resultats)
    download = testapp.get(resultats.html.find("a", string=name)["href"])
    assert "<" not in download.headers["Content-Disposition"]
    assert " " not in download.headers["Content-Disposition"].split(";", 1)[1].strip()
    assert_name_escaped(
        finish(testapp, testapp.get(page.request.path.replace("resultats", "contact")))
    )
    [remove] = [f for f in resultats.forms.values() if "/pieces/" in (f.action or "")]
    assert_name_escaped(remove.submit().follow())  # the flash message


def test_no_more_than_three_documents(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    files = [(f"doc{n}.pdf", PDF, "application/pdf") for n in range(4)]
    failed = submit_files(page, files)
    assert "3 documents au maximum" in failed
    assert attachments(engine) == []
    submit_files(failed, files[:2]).follow()
    again = testapp.get(page.request.path)
    assert "multiple" not in again.html.find("input", {"type": "file"}).attrs  # one slot left
    failed = submit_files(again, files[2:])
    assert "2 déjà joint(s), 2 envoyé(s)" in failed
    assert len(attachments(engine)) == 2
    submit_files(failed, files[2:3]).follow()
    full = testapp.get(page.request.path)
    assert full.html.find("input", {"type": "file"}) is None
    assert "Trois documents sont déjà joints" in full
    assert len(attachments(engine)) == 3


def test_removing_an_attachment_needs_the_csrf_token(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    submit_files(page, [("rapport.pdf", PDF, "application/pdf")]).follow()
    again = testapp.get(page.request.path)
    [remove] = [f for f in again.forms.values() if "/pieces/" in (f.action or "")]

    testapp.post(remove.action, {}, status=400)
    testapp.post(remove.action, {"csrf_token": "jeton-invente"}, status=400)
    assert len(attachments(engine)) == 1

    done = remove.submit().follow()
    assert "Le document « rapport.pdf » a été retiré." in done
    assert done.html.find("a", string="rapport.pdf") is None
    assert attachments(engine) == []
    # the slots are free again
    assert done.html.find("input", {"type": "file", "name": "fichier"}) is not None
    testapp.post(remove.action, {"csrf_token": csrf(done)}, status=404)


def test_attachments_are_frozen_once_submitted(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    submit_files(page, [("rapport.pdf", PDF, "application/pdf")]).follow()
    resultats = testapp.get(page.request.path)
    [remove] = [f for f in resultats.forms.values() if "/pieces/" in (f.action or "")]
    recap = finish(testapp, testapp.get(page.request.path.replace("resultats", "contact")))
    recap.forms["envoi"].submit("envoyer").follow()
    testapp.post(remove.action, {"csrf_token": csrf(recap)}, status=400)
    assert len(attachments(engine)) == 1
    assert re.search(r"PI-\d{4}-0001", testapp.get("/mon-espace").text)


# --- what a browser would never send -----------------------------------------------------------

def test_nul_characters_never_reach_the_database(testapp, mailbox, engine):
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "presentation")
    page = post_step(testapp, page, dict(PRESENTATION, intitule="Des visites\x00 médiatisées",
                                         types_intervention_autre="Visites\x00")).follow()
    [row] = practices(engine)
    assert row.intitule == "Des visites médiatisées" and row.types_intervention_autre == "Visites"
    page = post_step(testapp, page, {"departements": ["49"]}).follow()
    submit_files(page, [("rap\x00port.pdf", PDF, "application/pdf")]).follow()
    assert [a.filename for a in attachments(engine)] == ["rapport.pdf"]


@pytest.mark.parametrize("field, typed", [("budget_annuel", "9" * 30),
                                          ("nombre_beneficiaires", "3000000000")])
def test_numbers_too_large_for_the_database_are_refused(testapp, mailbox, engine, field, typed):
    page = resultats_page(testapp, mailbox)
    failed = post_step(testapp, page, dict(RESULTATS, **{field: typed}))
    assert "est trop grand ; vérifiez-le." in failed
    assert failed.html.find("input", {"name": field})["value"] == typed
    assert practices(engine)[0].objectifs is None
