"""A reuser queries /api/pratiques: the same search as the page, in JSON, strict about input."""
import datetime as dt

import pytest
from sqlalchemy import event

from recueil.models import PERSONAL_FIELDS, PUBLIC_FIELDS
from recueil.search.query import FACETS


@pytest.fixture
def three(publish):
    a = publish(intitule="Soutien scolaire en foyer", thematiques=["education"],
                publics=["enfants"], echelle="departementale", departements=["49"], regions=["52"],
                date_mise_en_oeuvre=dt.date(2019, 5, 1))
    b = publish(intitule="Groupe de parole des parents", thematiques=["education", "sante-mentale"],
                publics=["parents"], echelle="locale", departements=["44"], regions=["52"],
                lieu="Nantes", date_mise_en_oeuvre=dt.date(2015, 9, 1), niveau=2)
    c = publish(intitule="Accueil mère-enfant", thematiques=["violences-conjugales"],
                publics=["enfants"], coup_de_coeur=True, date_mise_en_oeuvre=dt.date(2019, 1, 1))
    for status in ("brouillon", "soumise", "depubliee", "retiree"):
        publish(status=status, intitule=f"Pratique {status} cachée", thematiques=["education"])
    return a, b, c


def facet(answer, name) -> dict[str, tuple[str, int]]:
    return {v["code"]: (v["libelle"], v["nombre"]) for v in answer["facettes"][name]}


def test_results_are_public_records_with_labels(testapp, three):
    response = testapp.get("/api/pratiques")
    assert response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    answer = response.json
    assert answer["total"] == 3 and answer["page"] == 1 and answer["par_page"] == 20
    assert sorted(r["intitule"] for r in answer["resultats"]) == sorted(p.intitule for p in three)
    record = next(r for r in answer["resultats"] if r["intitule"] == "Groupe de parole des parents")
    assert list(record) == list(PUBLIC_FIELDS)
    assert not set(record) & set(PERSONAL_FIELDS)
    assert "contact@example.org" not in response.text and "accord@example.org" not in response.text
    assert record["id"] == str(three[1].id)
    assert record["url"] == f"http://localhost/pratiques/{three[1].id}"
    assert record["thematiques"] == [
        {"code": "education", "libelle": "Éducation"},
        {"code": "sante-mentale", "libelle": "Santé mentale"},
    ]
    assert record["departements"] == [{"code": "44", "libelle": "Loire-Atlantique"}]
    assert record["echelle"] == {"code": "locale", "libelle": "Locale"}
    assert record["date_mise_en_oeuvre"] == "2015-09-01"
    assert record["niveau"] == 2 and record["coup_de_coeur"] is False


def test_facets_have_labels_counts_and_vocabulary_order(testapp, three):
    answer = testapp.get("/api/pratiques").json
    assert list(answer["facettes"]) == list(FACETS)
    thematiques = answer["facettes"]["thematiques"]
    assert [v["code"] for v in thematiques][:5] == [
        "education", "violences-conjugales", "violences-sexuelles", "harcelement", "sante-mentale"]
    assert thematiques[0] == {"code": "education", "libelle": "Éducation", "nombre": 2}
    assert facet(answer, "thematiques")["harcelement"] == ("Harcèlement", 0)
    assert facet(answer, "regions")["52"] == ("Pays de la Loire", 2)
    assert facet(answer, "departements")["49"] == ("Maine-et-Loire", 1)
    assert len(answer["facettes"]["departements"]) == 101
    assert facet(answer, "niveau") == {
        "1": ("Pratique inspirante (niveau 1)", 2),
        "2": ("Fiche dispositif de l'ONPE (niveau 2)", 1),
    }
    assert facet(answer, "coup_de_coeur") == {"true": ("Coup de cœur", 1)}
    assert answer["facettes"]["annee"] == [
        {"code": "2015", "libelle": "2015", "nombre": 1},
        {"code": "2019", "libelle": "2019", "nombre": 2},
    ]
    assert facet(answer, "echelle")["nationale"] == ("Nationale", 1)


def test_or_within_a_facet_and_between_facets(testapp, three):
    either = testapp.get("/api/pratiques", [("thematiques", "sante-mentale"),
                                            ("thematiques", "violences-conjugales")]).json
    assert either["total"] == 2
    both = testapp.get("/api/pratiques",
                       [("thematiques", "education"), ("publics", "enfants")]).json
    assert [r["intitule"] for r in both["resultats"]] == ["Soutien scolaire en foyer"]
    # each facet counted with the other facets' filters only
    assert facet(both, "thematiques")["violences-conjugales"] == ("Violences conjugales", 1)
    assert facet(both, "thematiques")["education"] == ("Éducation", 1)
    assert facet(both, "publics")["parents"] == ("Parents", 1)
    years = testapp.get("/api/pratiques", {"annee_min": "2016", "annee_max": "2019"}).json
    assert years["total"] == 2
    assert [v["code"] for v in years["facettes"]["annee"]] == ["2015", "2019"]
    hearts = testapp.get("/api/pratiques", {"coup_de_coeur": "true", "niveau": "1"}).json
    assert [r["intitule"] for r in hearts["resultats"]] == ["Accueil mère-enfant"]


def test_pages_and_sort(testapp, publish):
    for number in range(7):
        publish(intitule=f"Pratique {number}", date_mise_en_oeuvre=dt.date(2010 + number, 1, 1),
                date_publication=dt.date(2024, 1, 1) + dt.timedelta(days=number))
    oldest = testapp.get("/api/pratiques", {"tri": "anciennete", "par_page": "3", "page": "2"}).json
    assert oldest["total"] == 7 and oldest["page"] == 2 and oldest["par_page"] == 3
    assert [r["intitule"] for r in oldest["resultats"]] == [
        "Pratique 3", "Pratique 4", "Pratique 5"]
    newest = testapp.get("/api/pratiques", {"tri": "publication", "par_page": "2"}).json
    assert [r["intitule"] for r in newest["resultats"]] == ["Pratique 6", "Pratique 5"]


@pytest.mark.parametrize("params, name, words", [
    ({"pays": "fr"}, "pays", "Paramètre inconnu"),
    ({"thematiques": "astrologie"}, "thematiques", "Valeur inconnue"),
    ({"departements": "20"}, "departements", "Valeur inconnue"),
    ({"coup_de_coeur": "false"}, "coup_de_coeur", "Valeur inconnue"),
    ({"annee_min": "deux mille"}, "annee_min", "nombre entier"),
    ({"annee_max": "3000"}, "annee_max", "compris entre"),
    ({"annee_min": "2020", "annee_max": "2010"}, "annee_min", "ne peut pas dépasser"),
    ({"par_page": "101"}, "par_page", "compris entre 1 et 100"),
    ({"page": "0"}, "page", "compris entre"),
    ({"tri": "hasard"}, "tri", "« tri »"),
    ({"q": "x" * 201}, "q", "limitée à 200 caractères"),
])
def test_an_invalid_parameter_is_a_400_naming_it_in_french(testapp, three, params, name, words):
    response = testapp.get("/api/pratiques", params, status=400)
    assert response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json["parametre"] == name
    assert words in response.json["erreur"]
    assert name in response.json["erreur"].lower()


def test_results_are_read_in_one_query_in_the_order_of_the_search(testapp, wsgi_app, publish):
    for number in range(12):
        publish(intitule=f"Pratique {number:02d}", date_mise_en_oeuvre=dt.date(2000 + number, 1, 1),
                thematiques=["education", "sante-mentale"], departements=["49"], regions=["52"])
    statements = []

    def count(conn, cursor, statement, _parameters, context, executemany):
        if "practices.intitule" in statement:
            statements.append(statement)

    engine = wsgi_app.registry["db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = testapp.get("/api/pratiques", {"tri": "anciennete"}).json
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [r["intitule"] for r in answer["resultats"]] == [f"Pratique {n:02d}" for n in range(12)]
    assert answer["resultats"][0]["departements"] == [{"code": "49", "libelle": "Maine-et-Loire"}]
    assert len(statements) == 1, statements
