"""The informational pages: shipped with the application, read by everyone, edited by
administrators without a deploy (preview, French errors, no lost edit, no injected HTML)."""
import datetime as dt
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import Page
from recueil.services.pages import ABOUT, LEGAL, load_pages, shipped_pages

from .test_admin import sign_in, staff

ADMIN = "admin@fep.example.fr"
OTHER_ADMIN = "autre.admin@fep.example.fr"


@pytest.fixture(autouse=True)
def shipped_texts(wsgi_app):
    """Each test starts from the shipped texts and gives them back (the table is reference data)."""
    factory = wsgi_app.registry["dbsession_factory"]

    def reload():
        with factory() as session:
            session.execute(sa.delete(Page))
            load_pages(session)
            session.commit()

    reload()
    yield
    reload()


@pytest.fixture
def admin(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, ADMIN, "administrateur")
        staff(session, OTHER_ADMIN, "administrateur")
        staff(session, "moderatrice@fep.example.fr", "moderateur")
        session.commit()
    sign_in(testapp, ADMIN)
    return testapp


def other_app(wsgi_app, email=None, address="192.0.2.20"):
    app = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": address})
    if email:
        sign_in(app, email)
    return app


def content(page):
    return page.html.select_one(".page-information__contenu")


def stored(engine, slug):
    with engine.connect() as connection:
        return connection.execute(sa.select(Page.titre, Page.contenu, Page.updated_by)
                                  .where(Page.slug == slug)).one()


# -- reading ------------------------------------------------------------------------------------
def test_every_shipped_page_is_online_with_its_markup(testapp):
    texts = shipped_pages()
    assert set(texts) == set(ABOUT) | set(LEGAL)
    for slug, (titre, _) in texts.items():
        page = testapp.get(f"/pages/{slug}")
        assert page.html.h1.get_text(strip=True) == titre
        assert content(page).find("p") is not None
    page = testapp.get("/pages/qui-gere-le-recueil")
    headings = [h.get_text(strip=True) for h in content(page).find_all("h2")]
    assert "Le comité de sélection" in headings
    criteria = [li.get_text(strip=True) for li in content(page).find("ul").find_all("li")]
    assert "son antériorité d'un an ;" in criteria
    assert content(page).find("strong").get_text() == "une semaine après la tenue de la séance"
    link = content(page).find("a", string="voir les coups de cœur")
    assert testapp.get(link["href"]).status_int == 200
    testapp.get("/pages/inconnue", status=404)


def test_about_page_footer_and_navigation_lead_to_the_pages(testapp):
    home = testapp.get("/")
    nav = {a.get_text(strip=True): a["href"] for a in home.html.select("nav.fr-nav a.fr-nav__link")}
    about = testapp.get(nav["À propos"])
    tiles = [a.get_text(strip=True) for a in about.html.select("#pages-a-propos .fr-tile__title a")]
    assert tiles == [shipped_pages()[slug][0] for slug in ABOUT]
    assert "Quoique non transposables" not in about  # only each page's first paragraph
    assert "considérée comme utile par les acteurs qui la portent" in about
    footer = home.html.select_one("#pied-de-page")
    paths = {urlsplit(a["href"]).path for a in footer.find_all("a")}
    assert {f"/pages/{slug}" for slug in ABOUT + LEGAL} <= paths
    for slug in ABOUT + LEGAL:
        testapp.get(f"/pages/{slug}", status=200)
    page = testapp.get("/pages/comment-contribuer")
    current = page.html.select_one(
        'nav[aria-labelledby="autres-pages-titre"] a[aria-current="page"]')
    assert current.get_text(strip=True) == "Comment faire connaître une pratique ?"
    declare = content(page).find("a", string="Accéder au formulaire")
    assert urlsplit(declare["href"]).path == "/declarer"


# -- editing ------------------------------------------------------------------------------------
def test_an_administrator_previews_then_saves_and_the_public_sees_it(admin, wsgi_app, engine):
    listing = admin.get("/gestion/admin/pages")
    rows = listing.html.select("#liste-pages tbody tr")
    assert len(rows) == len(ABOUT + LEGAL)
    assert all("Texte initial, jamais modifié" in row.get_text() for row in rows)
    page = listing.click(description="Mentions légales", href="/gestion/admin/pages/")
    assert "Texte initial du recueil, jamais modifié" in page
    form = page.forms["page"]
    assert form["titre"].value == "Mentions légales"
    assert "## Éditeur" in form["contenu"].value
    typed = "## Hébergement\n\nLe site est hébergé par **un prestataire public**.\n\n- un\n- deux"
    form["contenu"] = typed
    preview = form.submit("previsualiser")
    shown = preview.html.select_one("#apercu .apercu")
    assert shown.find("h2").get_text() == "Hébergement"
    assert shown.find("strong").get_text() == "un prestataire public"
    assert [li.get_text() for li in shown.find_all("li")] == ["un", "deux"]
    assert preview.forms["page"]["contenu"].value == typed
    assert "Hébergement" not in other_app(wsgi_app).get("/pages/mentions-legales")  # not saved yet

    saved = preview.forms["page"].submit("enregistrer").follow()
    assert "La page « Mentions légales » est enregistrée" in saved
    assert saved.html.select_one("#derniere-modification").get_text(strip=True) == (
        f"Dernière modification le 23/11/2026 à 10:30 par {ADMIN}.")
    public = other_app(wsgi_app).get("/pages/mentions-legales")
    assert content(public).find("h2").get_text() == "Hébergement"
    assert "Éditeur" not in content(public).get_text()
    assert "Dernière mise à jour le 23/11/2026" in public
    listing = admin.get("/gestion/admin/pages")
    row = listing.html.find("a", string="Mentions légales").find_parent("tr")
    assert ADMIN in row.get_text()

    # a new version of the application brings its texts: the edited page keeps the admin's
    with wsgi_app.registry["dbsession_factory"]() as session:
        session.execute(sa.update(Page).where(Page.slug == "accessibilite")
                        .values(contenu="Un texte d'une version précédente."))
        load_pages(session)
        session.commit()
    assert stored(engine, "mentions-legales").contenu == typed
    assert stored(engine, "accessibilite").contenu == shipped_pages()["accessibilite"][1]


@pytest.mark.parametrize("utc, paris", [
    (dt.datetime(2027, 1, 14, 17, 5), "14/01/2027 à 18:05"),  # winter: UTC+1
    (dt.datetime(2027, 7, 14, 17, 5), "14/07/2027 à 19:05"),  # summer: UTC+2
    (dt.datetime(2027, 7, 14, 22, 30), "15/07/2027 à 00:30"),  # already the next day in Paris
])
def test_times_are_shown_on_the_clocks_of_france(admin, wsgi_app, clock, utc, paris):
    clock.current = utc  # the database stores UTC
    form = admin.get("/gestion/admin/pages/mentions-legales").forms["page"]
    form["contenu"] = "## Hébergement\n\nUn prestataire public."
    saved = form.submit("enregistrer").follow()
    assert saved.html.select_one("#derniere-modification").get_text(strip=True) == (
        f"Dernière modification le {paris} par {ADMIN}.")
    row = admin.get("/gestion/admin/pages").html.find("a", string="Mentions légales")
    assert f"{paris} par {ADMIN}" in row.find_parent("tr").get_text()
    public = other_app(wsgi_app).get("/pages/mentions-legales")
    assert f"Dernière mise à jour le {paris.split()[0]}" in public


def test_a_title_can_change_too(admin, wsgi_app):
    form = admin.get("/gestion/admin/pages/comment-consulter").forms["page"]
    form["titre"] = "Consulter et réutiliser le recueil"
    form.submit("enregistrer").follow()
    public = other_app(wsgi_app).get("/pages/comment-consulter")
    assert public.html.h1.get_text(strip=True) == "Consulter et réutiliser le recueil"
    assert "Consulter et réutiliser le recueil" in other_app(wsgi_app).get("/a-propos")


def test_errors_name_the_field_keep_the_text_and_save_nothing(admin, engine):
    before = stored(engine, "accessibilite")
    form = admin.get("/gestion/admin/pages/accessibilite").forms["page"]
    form["titre"] = "   "
    form["contenu"] = "Voir [ce lien](javascript:alert(1))."
    failed = form.submit("enregistrer")
    assert failed.html.select_one("#page-erreurs") is not None
    assert "« Titre » est obligatoire : renseignez ce champ." in failed
    assert ("« Contenu » : l'adresse du lien « javascript:alert(1) » n'est pas acceptée" in failed)
    assert failed.forms["page"]["contenu"].value == "Voir [ce lien](javascript:alert(1))."
    assert failed.html.title.get_text().startswith("Erreur")
    form = failed.forms["page"]
    form["titre"] = "x" * 201
    form["contenu"] = "Correct."
    assert "« Titre » : 200 caractères au maximum." in form.submit("previsualiser")
    assert stored(engine, "accessibilite") == before


def test_html_typed_by_an_administrator_is_shown_as_text(admin, wsgi_app):
    form = admin.get("/gestion/admin/pages/donnees-personnelles").forms["page"]
    form["titre"] = "Données <em>personnelles</em>"
    form["contenu"] = (
        "<script>alert('page')</script>\n\n"
        "## <img src=x onerror=alert(1)>\n\n"
        "- [lien](https://example.org/\"onmouseover=\"alert(1))\n"
        "- **<b>gras</b>**"
    )
    preview = form.submit("previsualiser")
    assert preview.html.select_one("#apercu script") is None
    preview.forms["page"].submit("enregistrer").follow()
    public = other_app(wsgi_app).get("/pages/donnees-personnelles")
    body = content(public)
    assert body.find_all(["script", "img", "b", "em"]) == []
    assert public.html.h1.get_text() == "Données <em>personnelles</em>"
    assert "<script>alert('page')</script>" in body.get_text()
    link = body.find("a")
    assert list(link.attrs) == ["href"] and "onmouseover" in link["href"]
    assert "&lt;script&gt;" in public.text and "<script>alert" not in public.text


def test_a_stale_edit_is_refused_rather_than_overwriting(admin, wsgi_app, engine):
    mine = admin.get("/gestion/admin/pages/pratique-inspirante").forms["page"]
    other = other_app(wsgi_app, OTHER_ADMIN, "192.0.2.21")
    theirs = other.get("/gestion/admin/pages/pratique-inspirante").forms["page"]
    theirs["contenu"] = "Le texte de l'autre administrateur."
    theirs.submit("enregistrer").follow()

    mine["contenu"] = "Mon texte, écrit en même temps."
    refused = mine.submit("enregistrer", status=409)
    assert "enregistrée par quelqu'un d'autre pendant que vous la modifiiez" in refused
    assert refused.forms["page"]["contenu"].value == "Mon texte, écrit en même temps."
    current = refused.html.select_one("#version-enregistree").get_text()
    assert "Le texte de l'autre administrateur." in current
    assert OTHER_ADMIN in refused.html.select_one("#derniere-modification").get_text()
    assert stored(engine, "pratique-inspirante").contenu == "Le texte de l'autre administrateur."

    # having seen the other version, the administrator may knowingly replace it
    refused.forms["page"].submit("enregistrer").follow()
    assert stored(engine, "pratique-inspirante") == (
        "Qu'est-ce qu'une pratique inspirante ?", "Mon texte, écrit en même temps.", ADMIN)


def test_only_administrators_edit_and_only_with_the_form_token(admin, wsgi_app, engine):
    before = stored(engine, "mentions-legales")
    form = admin.get("/gestion/admin/pages/mentions-legales").forms["page"]
    token = form["csrf_token"].value
    values = {"titre": "Piratée", "contenu": "Texte forgé.", "version": form["version"].value,
              "enregistrer": "enregistrer"}

    anonymous = other_app(wsgi_app)
    response = anonymous.post("/gestion/admin/pages/mentions-legales", values, status=302)
    assert urlsplit(response.location).path == "/connexion"
    moderator = other_app(wsgi_app, "moderatrice@fep.example.fr", "192.0.2.22")
    moderator.get("/gestion/admin/pages", status=403)
    moderator.get("/gestion/admin/pages/mentions-legales", status=403)
    moderator_token = moderator.get("/gestion").html.find("input", {"name": "csrf_token"})["value"]
    moderator.post("/gestion/admin/pages/mentions-legales",
                   dict(values, csrf_token=moderator_token), status=403)

    refused = admin.post("/gestion/admin/pages/mentions-legales", values, status=400)
    assert "Formulaire expiré" in refused.html.title.get_text()
    admin.post("/gestion/admin/pages/mentions-legales", dict(values, csrf_token="faux"), status=400)
    assert stored(engine, "mentions-legales") == before
    # the same request with the administrator's token goes through
    admin.post("/gestion/admin/pages/mentions-legales", dict(values, csrf_token=token), status=302)
    assert stored(engine, "mentions-legales") == ("Piratée", "Texte forgé.", ADMIN)


def test_the_accessibility_statement_names_the_version_of_axe_that_checks_the_pages(testapp):
    import json
    import pathlib

    package = pathlib.Path(__file__).resolve().parents[2] / "package.json"
    version = json.loads(package.read_text())["devDependencies"]["axe-core"]
    page = testapp.get("/pages/accessibilite")
    assert f"axe-core</strong> (version {version})" in page.text
    assert "320 pixels" in page.text
