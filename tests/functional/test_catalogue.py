"""A visitor searches the catalogue: facets with counts, removable filters, sort, pages."""
import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest


def titles(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.html.select(".liste-resultats .fr-card__title a")]


def checkbox(page, facet: str, code: str):
    return page.html.select_one(f'#filtres input[type=checkbox][name="{facet}"][value="{code}"]')


def option_label(page, facet: str, code: str) -> str:
    box = checkbox(page, facet, code)
    assert box is not None, f"pas de case {facet}={code}"
    return page.html.find("label", {"for": box["id"]}).get_text(" ", strip=True)


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


@pytest.fixture
def three(publish):
    """Three published practices and one of every unpublished kind."""
    a = publish(intitule="Soutien scolaire en foyer", thematiques=["education"],
                publics=["enfants"], echelle="departementale", departements=["49"], regions=["52"])
    b = publish(intitule="Groupe de parole des parents", thematiques=["education", "sante-mentale"],
                publics=["parents"], echelle="departementale", departements=["44"], regions=["52"])
    c = publish(intitule="Accueil mère-enfant", thematiques=["violences-conjugales"],
                publics=["enfants"], echelle="departementale", departements=["75"], regions=["11"],
                coup_de_coeur=True)
    for status in ("brouillon", "soumise", "en_moderation", "depubliee"):
        publish(status=status, intitule=f"Pratique {status} cachée", thematiques=["education"])
    return a, b, c


def test_the_catalogue_lists_published_practices_with_facet_counts(testapp, three):
    page = testapp.get("/pratiques")
    assert page.html.select_one("#resultats-nombre").get_text(strip=True) == "3 pratiques"
    assert sorted(titles(page)) == sorted(p.intitule for p in three)
    assert "cachée" not in page.text
    assert option_label(page, "thematiques", "education") == "Éducation (2)"
    assert option_label(page, "thematiques", "sante-mentale") == "Santé mentale (1)"
    assert option_label(page, "thematiques", "harcelement") == "Harcèlement (0)"
    assert option_label(page, "publics", "enfants") == "Enfants (2)"
    assert option_label(page, "regions", "52") == "Pays de la Loire (2)"
    assert option_label(page, "coup_de_coeur", "true") == "Coup de cœur (1)"
    assert option_label(page, "niveau", "1").endswith("(3)")
    # each facet is a fieldset with its legend, each option a checkbox
    legends = [legend.get_text(strip=True)
               for legend in page.html.select("#filtres fieldset.facette > legend")]
    assert legends[:4] == ["Thématique", "Public visé", "Échelle de l'action", "Région"]
    assert "Année de mise en œuvre" in legends and "Coup de cœur du comité" in legends
    card = page.html.select_one(".liste-resultats li .coup-de-coeur")
    assert card is not None and card.get_text(strip=True) == "Coup de cœur du comité"


def test_values_of_one_facet_add_up_and_facets_narrow_each_other(testapp, three):
    either = testapp.get("/pratiques", [("thematiques", "sante-mentale"),
                                        ("thematiques", "violences-conjugales")])
    assert "2 pratiques" in either.html.select_one("#resultats-nombre").text
    assert sorted(titles(either)) == ["Accueil mère-enfant", "Groupe de parole des parents"]

    both = testapp.get("/pratiques", [("thematiques", "education"), ("publics", "enfants")])
    assert titles(both) == ["Soutien scolaire en foyer"]
    assert both.html.select_one("#resultats-nombre").get_text(strip=True) == "1 pratique"
    # a facet's counts ignore its own choice but follow the others
    assert option_label(both, "thematiques", "education") == "Éducation (1)"
    assert option_label(both, "thematiques", "violences-conjugales") == "Violences conjugales (1)"
    assert option_label(both, "publics", "enfants") == "Enfants (1)"
    assert option_label(both, "publics", "parents") == "Parents (1)"
    assert checkbox(both, "thematiques", "education").has_attr("checked")
    assert not checkbox(both, "publics", "parents").has_attr("checked")


def test_filters_apply_without_javascript(testapp, three):
    page = testapp.get("/pratiques")
    form = page.forms["filtres"]
    assert form.method.lower() == "get"
    for field in form.fields["publics"]:
        if field._value == "parents":
            field.checked = True
    result = form.submit()
    assert titles(result) == ["Groupe de parole des parents"]
    assert ("publics", "parents") in query_of(result.request.url)
    assert page.html.select_one("#filtres button[type=submit]").get_text(strip=True) == "Filtrer"


def test_each_tag_removes_exactly_one_filter(testapp, three):
    page = testapp.get("/pratiques", [("q", "parole"), ("thematiques", "education"),
                                      ("publics", "parents"), ("tri", "anciennete")])
    tags = {a["aria-label"]: a["href"] for a in page.html.select("ul.fr-tags-group a.fr-tag")}
    assert set(tags) == {
        "Retirer le filtre Recherche : « parole »",
        "Retirer le filtre Thématique : Éducation",
        "Retirer le filtre Public visé : Parents",
    }
    after = query_of(tags["Retirer le filtre Thématique : Éducation"])
    assert sorted(after) == [("publics", "parents"), ("q", "parole"), ("tri", "anciennete")]
    after = query_of(tags["Retirer le filtre Recherche : « parole »"])
    assert sorted(after) == [
        ("publics", "parents"), ("thematiques", "education"), ("tri", "anciennete")]
    shown = testapp.get(tags["Retirer le filtre Public visé : Parents"])
    assert sorted(titles(shown)) == ["Groupe de parole des parents"]
    reset = page.html.find("a", string="Réinitialiser la recherche")
    assert urlsplit(reset["href"]).path == "/pratiques" and not urlsplit(reset["href"]).query


def test_the_search_bar_keeps_the_filters(testapp, three):
    page = testapp.get("/pratiques", [("publics", "enfants")])
    bar = page.html.select_one("form#recherche[method=get] > div.fr-search-bar[role=search]")
    assert bar is not None and bar.select_one("input[type=search][name=q]") is not None
    form = page.forms["recherche"]
    form["q"] = "foyer"
    result = form.submit()
    assert titles(result) == ["Soutien scolaire en foyer"]
    assert sorted(query_of(result.request.url)) == [("publics", "enfants"), ("q", "foyer")]


def test_text_search_ignores_accents_elisions_and_plurals(testapp, publish):
    publish(intitule="Des ateliers éducatifs pour l'enfant", description="Activités du mercredi.")
    publish(intitule="Un relais pour les familles", description="Accueil des parents.")
    page = testapp.get("/pratiques", {"q": "educatif enfants"})
    assert titles(page) == ["Des ateliers éducatifs pour l'enfant"]
    assert "Recherche « educatif enfants »" in page.html.title.text


def test_the_query_is_escaped_and_the_title_names_it(testapp, three):
    page = testapp.get("/pratiques", {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert page.html.title.text.startswith("Recherche « <script>alert(1)</script> »")
    assert "Aucune pratique ne correspond" in page.text


def test_unknown_or_invalid_parameters_are_dropped(testapp, three):
    page = testapp.get("/pratiques", [("thematiques", "inconnue"), ("thematiques", "education"),
                                      ("foo", "bar"), ("annee_min", "deux-mille"),
                                      ("tri", "hasard"), ("page", "zéro"), ("par_page", "1000")])
    assert page.status_int == 200
    assert sorted(titles(page)) == ["Groupe de parole des parents", "Soutien scolaire en foyer"]
    assert page.html.find("option", {"value": "pertinence"}).has_attr("selected")
    long_query = testapp.get("/pratiques", {"q": "x" * 500})
    assert long_query.status_int == 200 and "200 premiers caractères" in long_query.text


def test_year_range_and_counts_per_year(testapp, publish):
    for year in (2015, 2019, 2019, 2023):
        publish(intitule=f"Depuis {year}", date_mise_en_oeuvre=dt.date(year, 3, 1))
    page = testapp.get("/pratiques")
    counts = [li.get_text(" ", strip=True) for li in page.html.select("ul.annees li")]
    assert counts == ["2015 (1)", "2019 (2)", "2023 (1)"]
    ranged = testapp.get("/pratiques", {"annee_min": "2016", "annee_max": "2022"})
    assert titles(ranged) == ["Depuis 2019", "Depuis 2019"]
    assert ranged.html.find("input", {"name": "annee_min"})["value"] == "2016"
    tags = [a["aria-label"] for a in ranged.html.select("a.fr-tag")]
    assert tags == ["Retirer le filtre Mise en œuvre depuis 2016",
                    "Retirer le filtre Mise en œuvre jusqu'en 2022"]
    # the per-year counts ignore the year range itself
    assert len(ranged.html.select("ul.annees li")) == 3
    one_year = testapp.get(ranged.html.select("ul.annees a")[0]["href"])
    assert titles(one_year) == ["Depuis 2015"]


def test_departements_are_offered_under_their_region(testapp, three):
    page = testapp.get("/pratiques")
    offered = {i["value"] for i in page.html.select("#filtres input[name=departements]")}
    assert offered == {"44", "49", "75"}  # those with practices
    group = checkbox(page, "departements", "49").find_parent("fieldset")
    assert group.legend.get_text(strip=True) == "Pays de la Loire"
    assert option_label(page, "departements", "49") == "49 – Maine-et-Loire (1)"

    region = testapp.get("/pratiques", {"regions": "52"})
    offered = {i["value"] for i in region.html.select("#filtres input[name=departements]")}
    assert offered == {"44", "49", "53", "72", "85"}  # every département of the région
    assert option_label(region, "departements", "53") == "53 – Mayenne (0)"
    assert option_label(region, "regions", "11") == "Île-de-France (1)"


def test_sort_orders(testapp, publish):
    publish(intitule="Ancienne", date_mise_en_oeuvre=dt.date(2010, 1, 1),
            date_publication=dt.date(2024, 5, 1))
    publish(intitule="Récente", date_mise_en_oeuvre=dt.date(2022, 1, 1),
            date_publication=dt.date(2025, 5, 1))
    publish(intitule="Moyenne", date_mise_en_oeuvre=dt.date(2016, 1, 1),
            date_publication=dt.date(2023, 5, 1))
    oldest = testapp.get("/pratiques", {"tri": "anciennete"})
    assert titles(oldest) == ["Ancienne", "Moyenne", "Récente"]
    page = testapp.get("/pratiques", {"tri": "publication"})
    assert titles(page) == ["Récente", "Ancienne", "Moyenne"]
    assert page.html.find("option", {"value": "publication"}).has_attr("selected")
    form = page.forms["tri"]
    form["tri"] = "anciennete"
    assert titles(form.submit()) == ["Ancienne", "Moyenne", "Récente"]


def test_pagination(testapp, publish):
    for number in range(25):
        publish(intitule=f"Pratique paginée {number:02d}", thematiques=["education"],
                date_publication=dt.date(2024, 1, 1) + dt.timedelta(days=number))
    page = testapp.get("/pratiques", {"thematiques": "education"})
    assert page.html.select_one("#resultats-nombre").get_text(strip=True) == "25 pratiques"
    assert len(titles(page)) == 20
    nav = page.html.select_one("nav.fr-pagination")
    current = nav.select_one("[aria-current=page]")
    # a link to itself: an anchor without an address is one a search engine cannot follow
    assert current.get_text(strip=True) == "1"
    assert dict(query_of(current["href"])).get("page", "1") == "1"
    assert dict(query_of(current["href"]))["thematiques"] == "education"
    assert nav.select_one(".fr-pagination__link--prev")["aria-disabled"] == "true"
    following = nav.select_one(".fr-pagination__link--next")["href"]
    assert sorted(query_of(following)) == [("page", "2"), ("thematiques", "education")]
    second = testapp.get(following)
    assert len(titles(second)) == 5
    assert not set(titles(second)) & set(titles(page))
    current = second.html.select_one("nav.fr-pagination [aria-current=page]")
    assert current.get_text(strip=True) == "2"
    assert "page 2" in second.html.title.text
    small = testapp.get("/pratiques", {"par_page": "10", "page": "3"})
    assert len(titles(small)) == 5
    assert testapp.get("/pratiques", {"page": "9"}).html.find(string=lambda s: "première page" in s)


def test_navigation_and_header_search_lead_to_the_catalogue(testapp, three):
    home = testapp.get("/")
    nav = {a.get_text(strip=True): a["href"] for a in home.html.select("nav.fr-nav a.fr-nav__link")}
    assert urlsplit(nav["Consulter le recueil"]).path == "/pratiques"
    assert urlsplit(nav["Carte"]).path == "/carte"
    assert urlsplit(nav["Statistiques"]).path == "/statistiques"
    field = home.html.select_one("#recherche-entete-q")
    form = field.find_parent("form")
    assert form["method"] == "get" and urlsplit(form["action"]).path == "/pratiques"
    page = testapp.get("/pratiques")
    current = page.html.select_one("nav.fr-nav a[aria-current=page]")
    assert current.get_text(strip=True) == "Consulter le recueil"
