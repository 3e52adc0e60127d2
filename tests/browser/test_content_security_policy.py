"""Under its Content-Security-Policy, every kind of page still works in Chromium: the DSFR's
scripts and ours run, and the browser reports no violation."""
import re

import pytest

from recueil.models import Attachment, User
from recueil.services.passwords import hash_password

from ..factories import make_practice
from ..functional.helpers import LINK

DECLARANT = "lea.girard@association.example.org"
STAFF = "equipe@fep.example.fr"
PASSWORD = "mot de passe du navigateur"
ROLES = ("moderateur", "comite", "secretariat", "redacteur_onpe", "administrateur")

#: what the browser reports, both ways: the DOM event and the console line
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every policy violation and script error it meets."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: problems.append((message.text, message.location["url"]))
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append((str(error), "")))
    return page, problems


def visit(page, problems, url, status=200):
    response = page.goto(url)
    assert response.status == status, url
    if status != 200:  # the browser reports the document's own status as an error
        problems[:] = [(text, where) for text, where in problems if where != url]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
    # the DSFR's script marks the document once it runs
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    violations = page.evaluate("window.__violations")
    assert violations == [], f"{url} : {violations}"
    assert problems == [], f"{url} : {problems}"


@pytest.fixture
def data(wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        published = make_practice(session, echelle="departementale", departements=["49"],
                                  regions=["52"])
        fiche = make_practice(session, niveau=2, declarant_courriel=None)
        complements = make_practice(session, status="complement_demande",
                                    declarant_courriel=DECLARANT)
        complements.attachments.append(Attachment(
            filename="bilan.pdf", media_type="application/pdf", size=9, sha256="0" * 64,
            content=b"%PDF-1.4\n"))
        user = User(email=STAFF, password_hash=hash_password(PASSWORD))
        for role in ROLES:
            user.add_role(role)
        session.add(user)
        session.commit()
        return {"published": published.id, "fiche": fiche.id, "complements": complements.id}


def test_public_pages_work_under_the_policy(live_server, watched, data):
    page, problems = watched
    for path in ("/", "/carte", "/statistiques", "/opendata", "/a-propos",
                 "/pages/mentions-legales", "/declarer", "/connexion",
                 f"/pratiques/{data['fiche']}"):
        visit(page, problems, live_server + path)
    visit(page, problems, live_server + "/page-qui-n-existe-pas", status=404)
    assert page.get_by_role("heading", name="Page introuvable").is_visible()

    # catalogue.js: a ticked box applies the filter at once
    visit(page, problems, live_server + "/pratiques")
    page.locator("#filtres .fr-checkbox-group label").first.click()
    page.wait_for_url(re.compile(r"/pratiques\?.+="))
    visit(page, problems, page.url)

    # and shows the practice's print button, hidden without script
    visit(page, problems, live_server + f"/pratiques/{data['published']}")
    assert page.get_by_role("button", name="Imprimer").is_visible()


def test_a_declarants_pages_work_under_the_policy(live_server, watched, data, mailbox):
    page, problems = watched
    visit(page, problems, live_server + "/declarer")
    page.get_by_label("Votre adresse électronique professionnelle").fill(DECLARANT)
    page.get_by_role("button", name="Recevoir mon lien").click()
    page.get_by_text("Un lien personnel vient d'être envoyé").wait_for()
    path = LINK.search(mailbox.body(mailbox.to(DECLARANT)[-1])).group(1)
    visit(page, problems, live_server + path)
    assert page.url.endswith("/mon-espace")

    # the attachment list's forms, side by side with their document
    visit(page, problems, live_server + f"/mon-espace/pratiques/{data['complements']}/complements")
    assert page.get_by_role("button", name="Retirer").is_visible()

    page.goto(live_server + "/mon-espace")
    page.get_by_role("button", name="Déclarer une nouvelle pratique").click()
    page.locator("label", has_text="J'ai lu et j'accepte les conditions ci-dessus").click()
    page.locator("label", has_text="avec l'accord de ma hiérarchie").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    visit(page, problems, page.url)
    # recueil.js: the live character counter
    description = page.get_by_label(re.compile("^Description de la pratique"))
    description.fill("Un accueil")
    counter = page.locator("#" + description.get_attribute("id") + "-compteur")
    assert counter.inner_text() == "10 sur 1000 caractères max."


def test_staff_pages_work_under_the_policy(live_server, watched, data):
    page, problems = watched
    visit(page, problems, live_server + "/connexion")
    page.locator("input[name=courriel]").fill(STAFF)
    page.locator("input[name=mot_de_passe]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/gestion"))
    for path in ("/gestion", "/gestion/moderation", "/gestion/comite",
                 "/gestion/comite/seances/nouvelle", "/gestion/fiches",
                 f"/gestion/fiches/{data['fiche']}", "/gestion/admin", "/gestion/admin/comptes",
                 "/gestion/admin/imports", "/gestion/admin/pages",
                 f"/gestion/admin/pratiques/{data['published']}", "/gestion/mot-de-passe"):
        visit(page, problems, live_server + path)
