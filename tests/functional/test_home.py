"""The home page: search bar, calls to action, key figures, the committee's coups de cœur,
the newest practices and fiches, entry points by thématique and by public."""
import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import event


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def titles(page, section: str) -> list[str]:
    return [a.get_text(strip=True) for a in page.html.select(f"#{section} .fr-card__title a")]


def figures(page) -> dict[str, str]:
    return {tile["id"]: " ".join(tile.get_text(" ", strip=True).split())
            for tile in page.html.select("#chiffres .fr-tile")}


def entries(page, field: str) -> dict[str, tuple[str, str]]:
    """label -> (detail, link) of the entry points of one vocabulary."""
    found = {}
    for tile in page.html.select(f'ul[aria-labelledby="entrees-{field}"] .fr-tile'):
        link = tile.select_one(".fr-tile__title a")
        detail = tile.select_one(".fr-tile__detail").get_text(strip=True)
        found[link.get_text(strip=True)] = (detail, link["href"])
    return found


def total(page) -> str:
    return page.html.select_one("#resultats-nombre").get_text(strip=True)


@pytest.fixture
def collection(publish):
    """Four published practices, one published fiche, and what must never show."""
    day = dt.date
    practices = {
        "a": publish(intitule="Soutien scolaire en foyer", date_publication=day(2026, 10, 1),
                     thematiques=["education"], publics=["enfants"], echelle="departementale",
                     departements=["49"], regions=["52"]),
        "b": publish(intitule="Groupe de parole des parents", date_publication=day(2026, 11, 1),
                     coup_de_coeur=True, thematiques=["education", "sante-mentale"],
                     publics=["parents"], echelle="departementale", departements=["44"],
                     regions=["52"]),
        "c": publish(intitule="Accueil mère-enfant", date_publication=day(2025, 1, 10),
                     thematiques=["violences-conjugales"], publics=["enfants"],
                     echelle="departementale", departements=["75"], regions=["11"]),
        "d": publish(intitule="Prévenir le harcèlement au collège",
                     date_publication=day(2026, 6, 1), thematiques=["harcelement"],
                     publics=["adolescents"]),
        "fiche": publish(intitule="Fiche : le parrainage de proximité", niveau=2,
                         date_publication=day(2026, 9, 1), thematiques=["education"],
                         publics=["enfants", "professionnels"], echelle="departementale",
                         departements=["49"], regions=["52"]),
    }
    publish(status="depubliee", intitule="Coup de cœur dépublié", coup_de_coeur=True,
            date_publication=day(2026, 11, 20), departements=["13"], regions=["93"])
    publish(status="selectionnee", intitule="Sélectionnée pas encore en ligne",
            thematiques=["violences-sexuelles"])
    publish(status="brouillon", intitule="Brouillon caché", niveau=2)
    return practices


def test_the_home_page_shows_the_newest_publications_and_the_coups_de_coeur(testapp, collection):
    page = testapp.get("/")
    assert titles(page, "dernieres-pratiques") == [
        "Groupe de parole des parents", "Soutien scolaire en foyer",
        "Prévenir le harcèlement au collège",
    ]
    assert titles(page, "dernieres-fiches") == ["Fiche : le parrainage de proximité"]
    assert titles(page, "coups-de-coeur") == ["Groupe de parole des parents"]
    card = page.html.select_one("#coups-de-coeur .fr-card")
    badge = card.select_one(".fr-badge.coup-de-coeur")
    assert badge.get_text(strip=True) == "Coup de cœur du comité"
    assert "Publiée le 01/11/2026" in card.get_text(" ", strip=True)
    fiche = page.html.select_one("#dernieres-fiches .fr-card")
    assert "Fiche ONPE" in [b.get_text(strip=True) for b in fiche.select(".fr-badge")]
    for hidden in ("dépublié", "caché", "pas encore"):
        assert hidden not in page.text
    # every card leads to its practice's page
    link = page.html.select_one("#coups-de-coeur .fr-card__title a")["href"]
    assert urlsplit(link).path == f"/pratiques/{collection['b'].id}"
    more = page.html.find("a", string="Voir tous les coups de cœur du comité")["href"]
    result = testapp.get(more)
    assert total(result) == "1 pratique"


def test_key_figures_count_what_they_link_to(testapp, collection):
    page = testapp.get("/")
    assert figures(page) == {
        "chiffre-pratiques": "4 pratiques inspirantes publiées",
        "chiffre-fiches": "1 fiche dispositif de l'ONPE",
        "chiffre-departements": "3 départements couverts",
        "chiffre-coups-de-coeur": "1 coup de cœur du comité",
    }
    links = {tile["id"]: tile.select_one("a")["href"]
             for tile in page.html.select("#chiffres .fr-tile")}
    assert total(testapp.get(links["chiffre-pratiques"])) == "4 pratiques"
    assert total(testapp.get(links["chiffre-fiches"])) == "1 pratique"
    assert urlsplit(links["chiffre-departements"]).path == "/carte"


def test_entry_points_by_thematique_and_public_give_their_counts(testapp, collection):
    page = testapp.get("/")
    thematiques = entries(page, "thematiques")
    assert {label: detail for label, (detail, _) in thematiques.items()} == {
        "Éducation": "3 pratiques",
        "Violences conjugales": "1 pratique",
        "Harcèlement": "1 pratique",
        "Santé mentale": "1 pratique",
    }
    # in the vocabulary's order, and each leads to the search it counts
    assert list(thematiques) == [
        "Éducation", "Violences conjugales", "Harcèlement", "Santé mentale"]
    url = thematiques["Éducation"][1]
    assert query_of(url) == [("thematiques", "education")]
    assert total(testapp.get(url)) == "3 pratiques"
    publics = entries(page, "publics")
    assert {label: detail for label, (detail, _) in publics.items()} == {
        "Adolescents": "1 pratique",
        "Enfants": "3 pratiques",
        "Parents": "1 pratique",
        "Professionnels": "1 pratique",
    }
    assert total(testapp.get(publics["Enfants"][1])) == "3 pratiques"


def test_search_bar_and_the_two_calls_to_action(testapp, collection):
    page = testapp.get("/")
    form = page.forms["recherche-accueil"]
    assert form.method.lower() == "get" and urlsplit(form.action).path == "/pratiques"
    label = page.html.find("label", {"for": "recherche-accueil-q"})
    assert label.get_text(strip=True) == "Rechercher dans le recueil"
    form["q"] = "parents"
    result = form.submit()
    assert total(result) == "1 pratique"
    declare = page.html.select_one("#appel-declarer")
    assert declare.get_text(strip=True) == "Accéder au formulaire"
    assert urlsplit(declare["href"]).path == "/declarer"
    assert declare.find_parent(class_="fr-callout").h2.get_text(strip=True) == (
        "Faites connaître vos pratiques inspirantes")
    consult = page.html.select_one("#appel-consulter")
    assert consult.get_text(strip=True) == "Consulter le recueil"
    assert urlsplit(consult["href"]).path == "/pratiques"
    testapp.get(declare["href"], status=200)


def test_the_home_page_before_any_publication(testapp):
    page = testapp.get("/")
    assert "Aucune pratique n'est encore publiée" in page
    assert figures(page) == {
        "chiffre-pratiques": "0 pratique inspirante publiée",
        "chiffre-departements": "0 département couvert",
        "chiffre-coups-de-coeur": "0 coup de cœur du comité",
    }
    assert page.html.select_one("#coups-de-coeur") is None
    assert page.html.select_one("#dernieres-fiches") is None
    assert page.html.select_one("#entrees") is None


def test_the_badge_shows_in_search_results_and_on_the_practice_page(testapp, collection):
    page = testapp.get("/pratiques", {"tri": "publication"})
    cards = {card.select_one(".fr-card__title a").get_text(strip=True): card
             for card in page.html.select(".liste-resultats .fr-card")}
    badge = cards["Groupe de parole des parents"].select_one(".coup-de-coeur")
    assert badge.get_text(strip=True) == "Coup de cœur du comité"
    assert "fr-badge" in badge["class"]
    assert cards["Soutien scolaire en foyer"].select_one(".coup-de-coeur") is None
    filtered = testapp.get("/pratiques", {"coup_de_coeur": "true"})
    found = filtered.html.select(".liste-resultats .fr-card__title a")
    assert [a.get_text(strip=True) for a in found] == ["Groupe de parole des parents"]
    practice = testapp.get(f"/pratiques/{collection['b'].id}")
    badge = practice.html.select_one(".coup-de-coeur")
    assert badge.get_text(strip=True) == "Coup de cœur du comité"
    assert testapp.get(f"/pratiques/{collection['a'].id}").html.select_one(".coup-de-coeur") is None


def test_the_home_page_reads_the_database_a_few_times_only(testapp, wsgi_app, collection):
    statements = []
    engine = wsgi_app.registry["db_engine"]

    def count(conn, cursor, statement, _parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        testapp.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # the counts come from one search, the three lists from one query and their loading
    assert len(statements) <= 25, "\n\n".join(statements)
