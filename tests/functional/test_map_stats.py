"""A visitor looks at the map of France and the statistics rather than reading lists."""
import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest


@pytest.fixture
def some(publish):
    publish(echelle="departementale", departements=["49", "44"], regions=["52"],
            thematiques=["education"], publics=["enfants"], date_mise_en_oeuvre=dt.date(2019, 1, 1))
    publish(echelle="departementale", departements=["49"], regions=["52"],
            thematiques=["education", "sante-mentale"], publics=["parents"],
            date_mise_en_oeuvre=dt.date(2021, 6, 1))
    publish(echelle="locale", departements=["974"], regions=["04"], lieu="Saint-Denis",
            thematiques=["violences-conjugales"], date_mise_en_oeuvre=dt.date(2021, 2, 1))
    publish(echelle="departementale", departements=["2A"], regions=["94"],
            date_mise_en_oeuvre=dt.date(2019, 3, 1))
    publish(echelle="nationale", thematiques=["education"], date_mise_en_oeuvre=dt.date(2015, 1, 1))
    publish(status="soumise", echelle="departementale", departements=["49", "75"],
            regions=["52", "11"])
    publish(status="depubliee", echelle="departementale", departements=["75"], regions=["11"])


def map_links(page) -> dict[str, tuple[str, str, list[str]]]:
    """département -> (its link's target, its title, the classes of the link)."""
    links = {}
    for link in page.html.select("svg.carte__svg a"):
        code = link["data-departement"]
        assert code not in links, f"{code} deux fois sur la carte"
        links[code] = (link["href"], link.find("title").get_text(), link["class"])
    return links


@pytest.mark.usefixtures("some")
def test_the_map_has_one_link_per_departement_with_its_count(testapp):
    page = testapp.get("/carte")
    links = map_links(page)
    assert len(links) == 101
    href, title, classes = links["49"]
    assert title == "Maine-et-Loire (49) : 2 pratiques"
    assert urlsplit(href).path == "/pratiques"
    assert parse_qsl(urlsplit(href).query) == [("departements", "49")]
    assert links["44"][1] == "Loire-Atlantique (44) : 1 pratique"
    assert links["2A"][1] == "Corse-du-Sud (2A) : 1 pratique"
    # submitted or unpublished practices never count
    assert links["75"][1] == "Paris (75) : 0 pratique"
    for code in ("971", "972", "973", "974", "976"):
        assert code in links
    assert links["974"][1] == "La Réunion (974) : 1 pratique"
    # the overseas départements are labelled insets
    inset = page.html.select_one('svg a[data-departement="976"]')
    assert inset.rect is not None and "Mayotte" in inset.get_text()
    # shades: none, and the highest class for the highest count
    assert "carte__classe-0" in links["75"][2]
    assert "carte__classe-0" not in links["44"][2]
    highest = max(int(c.rsplit("-", 1)[1])
                  for _, _, classes in links.values() for c in classes if "classe-" in c)
    assert f"carte__classe-{highest}" in links["49"][2]
    legend = [li.get_text(" ", strip=True) for li in page.html.select(".carte__legende li")]
    assert legend[0] == "Aucune pratique" and len(legend) <= 5
    assert "CC BY 4.0" in page.text and "svg-maps" in page.text
    assert "5 pratiques publiées" in page.text


@pytest.mark.usefixtures("some")
def test_the_map_has_a_table_as_its_text_alternative(testapp):
    page = testapp.get("/carte")
    table = page.html.select_one("#tableau-departements table")
    assert table.caption.get_text(strip=True) == "Nombre de pratiques publiées par département"
    assert [th["scope"] for th in table.select("thead th")] == ["col", "col", "col", "col"]
    rows = {}
    for row in table.select("tbody tr"):
        header = row.th
        assert header["scope"] == "row"
        cells = [td.get_text(strip=True) for td in row.select("td")]
        rows[header.get_text(strip=True)] = (header.a["href"], cells)
    assert len(rows) == 101
    href, cells = rows["Maine-et-Loire (49)"]
    assert cells == ["Pays de la Loire", "2", "0"]  # practices there, and taken up there
    assert parse_qsl(urlsplit(href).query) == [("departements", "49")]
    assert rows["Mayotte (976)"][1] == ["Mayotte", "0", "0"]
    assert not page.html.select("script:not([src])")


def test_an_empty_map(testapp):
    page = testapp.get("/carte")
    assert len(map_links(page)) == 101
    assert all(title.endswith(": 0 pratique") for _, title, _ in map_links(page).values())
    assert "0 pratique publiée" in page.text


def table(page, name) -> dict[str, list[str]]:
    block = page.html.select_one(f"#stat-{name} table")
    assert block.caption.get_text(strip=True)
    assert all(th["scope"] == "col" for th in block.select("thead th"))
    rows = {}
    for row in block.select("tbody tr"):
        if row.th is None:
            continue
        assert row.th["scope"] == "row"
        rows[row.th.get_text(strip=True)] = [td.get_text(strip=True) for td in row.select("td")]
    return rows


@pytest.mark.usefixtures("some")
def test_the_statistics_are_tables_of_counts(testapp):
    page = testapp.get("/statistiques")
    assert page.html.h1.get_text(strip=True) == "Statistiques du recueil"
    assert "5 pratiques publiées" in page.text
    captions = [c.get_text(strip=True) for c in page.html.select("table caption")]
    for caption in ("Pratiques par thématique", "Pratiques par public visé",
                    "Pratiques par échelle de l'action", "Pratiques par région",
                    "Pratiques par année de mise en œuvre"):
        assert caption in captions
    thematiques = table(page, "thematiques")
    assert thematiques["Éducation"][:2] == ["4", "80 %"]
    assert thematiques["Santé mentale"][:2] == ["1", "20 %"]
    assert thematiques["Harcèlement"][:2] == ["0", "0 %"]
    assert table(page, "publics")["Parents"][0] == "1"
    assert table(page, "echelle")["Départementale"][0] == "3"
    assert table(page, "echelle")["Nationale"][0] == "1"
    regions = table(page, "regions")
    assert regions["Pays de la Loire"][0] == "2" and regions["Île-de-France"][0] == "0"
    departements = table(page, "departements")
    assert departements == {
        "Corse-du-Sud (2A)": ["1", "20 %", ""], "Loire-Atlantique (44)": ["1", "20 %", ""],
        "Maine-et-Loire (49)": ["2", "40 %", ""], "La Réunion (974)": ["1", "20 %", ""],
    }
    assert table(page, "annee") == {
        "2015": ["1", "20 %", ""], "2019": ["2", "40 %", ""], "2021": ["2", "40 %", ""]}
    link = page.html.select_one("#stat-thematiques tbody th a")
    assert parse_qsl(urlsplit(link["href"]).query) == [("thematiques", "education")]
    # the bars are drawings only: the table is the text
    assert all(svg["aria-hidden"] == "true" for svg in page.html.select(".statistique__barre svg"))
    assert not page.html.select("script:not([src])")


def test_statistics_with_nothing_published(testapp):
    page = testapp.get("/statistiques")
    assert "0 pratique publiée" in page.text
    assert table(page, "thematiques")["Éducation"][:2] == ["0", "0 %"]
    assert "Aucune pratique publiée." in page.html.select_one("#stat-annee").text
