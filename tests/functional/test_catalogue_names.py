"""A query that names a facet value offers that filter; the filters fold under one button
that counts them."""
from urllib.parse import parse_qsl, urlsplit


def test_a_query_naming_a_thematique_offers_its_filter(testapp, publish):
    publish(intitule="Une équipe mobile", thematiques=["sante-mentale"])
    publish(intitule="Un soutien scolaire", thematiques=["education"])
    page = testapp.get("/pratiques", {"q": "santé  MENTALE"})
    assert page.html.select_one("#resultats-nombre").get_text(strip=True) == "1 pratique"
    [link] = page.html.select("#suggestions a")
    assert link.get_text(strip=True) == "Filtrer sur la thématique Santé mentale"
    assert parse_qsl(urlsplit(link["href"]).query) == [("thematiques", "sante-mentale")]
    filtered = testapp.get(link["href"])
    assert filtered.html.select_one("#resultats-nombre").get_text(strip=True) == "1 pratique"
    # chosen already: nothing more to offer
    assert not filtered.html.select("#suggestions")
    assert not testapp.get("/pratiques", {"q": "santé"}).html.select("#suggestions")


def test_a_query_naming_a_region_offers_its_filter(testapp, publish):
    publish(intitule="Un lieu d'écoute", echelle="departementale", departements=["75"],
            regions=["11"])
    page = testapp.get("/pratiques", {"q": "ile-de-france"})
    assert [a.get_text(strip=True) for a in page.html.select("#suggestions a")] == [
        "Filtrer sur la région Île-de-France"]


def test_the_filters_fold_under_a_button_counting_the_active_ones(testapp, publish):
    publish(intitule="Une équipe mobile", thematiques=["sante-mentale"])
    page = testapp.get("/pratiques")
    fold = page.html.select_one("details#filtres-repli")
    assert fold.select_one("form#filtres") is not None
    assert fold.summary.get_text(strip=True) == "Filtrer les résultats"
    page = testapp.get("/pratiques?thematiques=sante-mentale&publics=enfants&annee_min=2019")
    summary = page.html.select_one("details#filtres-repli summary")
    assert summary.get_text(strip=True) == "Filtrer les résultats (3)"
