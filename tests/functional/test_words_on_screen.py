"""No codes on screen: roles and counts read as French, wide tables scroll from the keyboard."""
from .test_moderation import MODERATOR, practices, sign_in, staff


def test_the_staff_home_names_roles_in_french(wsgi_app, testapp):
    staff(wsgi_app.registry["dbsession_factory"], MODERATOR)
    home = sign_in(testapp)
    assert f"Connecté(e) en tant que {MODERATOR} (Modérateur)" in " ".join(home.html.text.split())
    assert "(moderateur)" not in home.text


def test_the_queue_tabs_space_counts_and_its_table_scrolls(wsgi_app, testapp):
    factory = wsgi_app.registry["dbsession_factory"]
    staff(factory, MODERATOR)
    practices(factory, ("soumise", {}), ("soumise", {}))
    sign_in(testapp)
    page = testapp.get("/gestion/moderation")
    tab = page.html.select_one("#etat-a_traiter > span")
    assert tab.get_text() == "À traiter (2)"
    region = page.html.select_one("#file-moderation-tableau .fr-table__container")
    assert region["tabindex"] == "0" and region["aria-label"]


def test_the_opendata_table_scrolls_from_the_keyboard(testapp):
    page = testapp.get("/opendata")
    region = page.html.select_one("#table-champs .fr-table__container")
    assert region["tabindex"] == "0" and region["role"] == "region"
    assert region["aria-label"] == "Les champs des fichiers (tableau défilant)"
