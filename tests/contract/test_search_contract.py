"""One contract, two backends: the embedded SQL search and Solr must give the same answers.

Each case states what a person would expect, and checks both backends against it and
against each other (totals, result sets, facet counts, ordering where a sort is asked).
"""
import datetime as dt

import pytest
from webob.multidict import MultiDict

from recueil.search.query import SearchRequest, parse
from recueil.search.service import reindex
from recueil.services.references import References

from ..conftest import _clean
from ..factories import make_practice
from .conftest import solr_client

SETTINGS = {"search.backend": "solr"}

CORPUS = [
    # key, fields
    ("ecole", dict(intitule="Le lien avec l'École primaire", thematiques=["education"],
                   publics=["4-12-ans"], echelle="departementale", departements=["49"],
                   regions=["52"], date_mise_en_oeuvre=dt.date(2019, 3, 1), coup_de_coeur=True,
                   motifs_coup_de_coeur=["pertinence", "originalite"])),
    ("ecoles", dict(intitule="Des écoles ouvertes aux parents",
                    thematiques=["education", "liens-parents-enfants"],
                    publics=["parents"], echelle="regionale", regions=["52"],
                    date_mise_en_oeuvre=dt.date(2021, 6, 1))),
    ("educatif", dict(intitule="Un accompagnement éducatif renforcé", types_intervention=["aemo"],
                      thematiques=["sante-mentale"], publics=["adolescents"], echelle="locale",
                      departements=["2A"], regions=["94"], lieu="Ajaccio",
                      date_mise_en_oeuvre=dt.date(2015, 9, 1))),
    ("educatives", dict(intitule="Des activités educatives le mercredi", relais="departement",
                        thematiques=["education"], publics=["enfants"], echelle="departementale",
                        departements=["971"], regions=["01"],
                        date_mise_en_oeuvre=dt.date(2023, 1, 1),
                        coup_de_coeur=True, motifs_coup_de_coeur=["efficacite", "pertinence"])),
    ("enfant", dict(intitule="La parole de l'enfant au tribunal",
                    thematiques=["violences-sexuelles"], publics=["enfants"], echelle="nationale",
                    date_mise_en_oeuvre=dt.date(2010, 5, 1))),
    ("enfants", dict(intitule="Protéger les enfants en ligne",
                     thematiques=["usages-numeriques", "harcelement"],
                     publics=["adolescents", "enfants"], echelle="departementale",
                     departements=["44", "49"], regions=["52"],
                     date_mise_en_oeuvre=dt.date(2022, 11, 1),
                     description="Prévenir le «\u202fharcèlement\u202f» en ligne\u202f!")),
    ("mna", dict(intitule="Accueillir les mineurs non accompagnés", thematiques=["autre"],
                 thematiques_autre="Hébergement", publics=["mna"], relais="autre",
                 relais_autre="Collectif",
                 echelle="departementale", departements=["75"], regions=["11"],
                 date_mise_en_oeuvre=dt.date(2018, 2, 1))),
    # an ONPE fiche (level 2) sharing a thématique with "enfants", its sections in full text
    ("fiche", dict(niveau=2, intitule="Un dispositif de prévention en milieu scolaire",
                   nom_entite="ONPE",
                   thematiques=["harcelement"], publics=["adolescents"], echelle="nationale",
                   date_mise_en_oeuvre=dt.date(2016, 4, 1), bilan=None,
                   cles_reussite="Une coordination étroite avec les magistrats",
                   resultats_attendus="Moins de signalements tardifs",
                   difficultes="Des délais d'attente", evaluation_references="Rapport de 2021",
                   co_auteurs="Réseau des observatoires départementaux")),
    ("draft", dict(intitule="Brouillon sur l'école", status="brouillon", date_publication=None)),
    ("unpublished", dict(intitule="Une école dépubliée", status="depubliee",
                         date_publication=None)),
]


@pytest.fixture(scope="module")
def corpus(wsgi_app, engine, solr_settings):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        keys = {}
        for key, fields in CORPUS:
            fields = dict(fields)
            status = fields.pop("status", "publiee")
            keys[key] = make_practice(session, status=status, **fields).id
        session.commit()
    solr = solr_client(solr_settings)
    reindex(factory, SETTINGS, lambda: solr)
    yield keys
    solr.clear()
    _clean(engine)


@pytest.fixture
def allowed(wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        references = References(session)
        codes = {f: references.codes(f) for f in
                 ("thematiques", "publics", "echelle", "regions", "departements",
                  "types_intervention", "relais")}
    codes.update(niveau={"1", "2"}, coup_de_coeur={"true"},
                 motifs_coup_de_coeur={"pertinence", "originalite", "efficacite"})
    return codes


def both(backends, request: SearchRequest):
    """Both answers, after checking they agree; returns the SQL one."""
    sql = backends["sql"].search(request)
    solr = backends["solr"].search(request)
    assert sql.total == solr.total, (request, sql.total, solr.total)
    if request.tri != "pertinence":
        assert sql.ids == solr.ids
    else:
        assert set(sql.ids) == set(solr.ids)
    assert sql.facets == solr.facets
    return sql


def ask(allowed, **params) -> SearchRequest:
    multi = MultiDict()
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            multi.add(name, str(item))
    return parse(multi, allowed)


def keys_of(corpus, result):
    names = {v: k for k, v in corpus.items()}
    return {names[i] for i in result.ids}


PUBLISHED = {"ecole", "ecoles", "educatif", "educatives", "enfant", "enfants", "mna", "fiche"}


def test_an_empty_query_lists_every_published_practice_and_nothing_else(backends, corpus, allowed):
    result = both(backends, ask(allowed))
    assert result.total == 8
    assert keys_of(corpus, result) == PUBLISHED
    assert result.facets["niveau"] == {"1": 7, "2": 1}


@pytest.mark.parametrize("query, expected", [
    ("ecole", {"ecole", "ecoles"}),
    ("l'École", {"ecole", "ecoles"}),
    ("ÉCOLES", {"ecole", "ecoles"}),
    ("éducatif", {"educatif", "educatives"}),
    ("educatives", {"educatif", "educatives"}),
    # and the practices whose publics or thématiques name children (their labels are searched)
    ("l'enfant", {"enfant", "enfants", "ecoles", "educatives", "mna"}),
    ("enfants", {"enfant", "enfants", "ecoles", "educatives", "mna"}),
    ("enfants ligne", {"enfants"}),
    ("Ajaccio", {"educatif"}),
    ("hébergement", {"mna"}),
    ("collectif", {"mna"}),
    ("magistrat", {"fiche"}),
    ("signalement", {"fiche"}),
    ("délai", {"fiche"}),
    ("rapports", {"fiche"}),
    ("observatoire", {"fiche"}),
])
def test_full_text_ignores_accents_elisions_and_plurals(backends, corpus, allowed, query, expected):
    assert keys_of(corpus, both(backends, ask(allowed, q=query))) == expected


@pytest.mark.parametrize("query", [
    "zzzzqqq", '"}{!func}*:*', "*:* OR id:*", "AND OR NOT", "(((", "\\", "école)", "{!lucene}école",
])
def test_absurd_queries_are_plain_words(backends, corpus, allowed, query):
    result = both(backends, ask(allowed, q=query))
    assert result.total in (0, len(PUBLISHED)) or keys_of(corpus, result) <= PUBLISHED


@pytest.mark.parametrize("query", [
    "harcèlement", "Harcelement", "«\u202fharcèlement\u202f»", "«\u00a0harcèlement\u00a0»",
    "harcèlement\u202f!", "«\u2007harcèlement en\u202fligne\u2007»",
])
def test_a_word_between_guillemets_with_narrow_no_break_spaces_is_found(
        backends, corpus, allowed, query):
    # French typography: « harcèlement » is typed with U+202F inside the guillemets; the
    # fiche has the thématique « Harcèlement »
    expected = {"enfants"} if "ligne" in query else {"enfants", "fiche"}
    assert keys_of(corpus, both(backends, ask(allowed, q=query))) == expected


def test_a_query_of_only_common_words_finds_everything(backends, corpus, allowed):
    assert both(backends, ask(allowed, q="de la les")).total == 8


def test_several_values_of_one_facet_combine_with_or(backends, corpus, allowed):
    result = both(backends, ask(allowed, thematiques=["sante-mentale", "violences-sexuelles"]))
    assert keys_of(corpus, result) == {"educatif", "enfant"}


def test_several_facets_combine_with_and(backends, corpus, allowed):
    result = both(backends, ask(allowed, thematiques=["education"], publics=["parents", "enfants"]))
    assert keys_of(corpus, result) == {"ecoles", "educatives"}


def test_each_facet_is_counted_without_its_own_filter(backends, corpus, allowed):
    result = both(backends, ask(allowed, thematiques=["education"]))
    assert result.total == 3
    # thématiques still show what choosing another one would add
    assert result.facets["thematiques"]["sante-mentale"] == 1
    assert result.facets["thematiques"]["education"] == 3
    # other facets are counted within the filter
    assert result.facets["publics"] == {"4-12-ans": 1, "parents": 1, "enfants": 1}


def test_a_region_includes_its_departements(backends, corpus, allowed):
    result = both(backends, ask(allowed, regions=["52"]))
    assert keys_of(corpus, result) == {"ecole", "ecoles", "enfants"}
    assert result.facets["departements"] == {"49": 2, "44": 1}
    assert result.facets["regions"]["94"] == 1


def test_year_range(backends, corpus, allowed):
    result = both(backends, ask(allowed, annee_min=2018, annee_max=2021))
    assert keys_of(corpus, result) == {"ecole", "ecoles", "mna"}
    assert result.facets["annee"]["2015"] == 1  # the year facet ignores its own range


def test_coup_de_coeur_and_niveau(backends, corpus, allowed):
    result = both(backends, ask(allowed, coup_de_coeur="true"))
    assert keys_of(corpus, result) == {"ecole", "educatives"}
    assert result.facets["niveau"] == {"1": 2}
    assert keys_of(corpus, both(backends, ask(allowed, niveau="2"))) == {"fiche"}


def test_a_fiche_and_a_practice_sharing_a_theme_are_found_together(backends, corpus, allowed):
    result = both(backends, ask(allowed, thematiques="harcelement"))
    assert keys_of(corpus, result) == {"enfants", "fiche"}
    assert result.facets["niveau"] == {"1": 1, "2": 1}
    fiches = both(backends, ask(allowed, thematiques="harcelement", niveau="2"))
    assert keys_of(corpus, fiches) == {"fiche"}
    # the niveau facet is counted without its own filter: the practice is one click away
    assert fiches.facets["niveau"] == {"1": 1, "2": 1}
    assert fiches.facets["thematiques"] == {"harcelement": 1}
    practices = both(backends, ask(allowed, thematiques="harcelement", niveau="1"))
    assert keys_of(corpus, practices) == {"enfants"}


def test_sorts_agree(backends, corpus, allowed):
    oldest = both(backends, ask(allowed, tri="anciennete"))
    assert (
        [k for k in [{v: k for k, v in corpus.items()}[i] for i in oldest.ids]][:2]
        == ["enfant", "educatif"]
    )
    newest = both(backends, ask(allowed, tri="publication"))
    assert len(newest.ids) == 8


def test_pagination_agrees(backends, corpus, allowed):
    first = both(backends, ask(allowed, tri="anciennete", par_page=3))
    second = both(backends, ask(allowed, tri="anciennete", par_page=3, page=2))
    assert len(first.ids) == 3 and len(second.ids) == 3
    assert not set(first.ids) & set(second.ids)


def test_similar_practices_are_published_ones(backends, corpus):
    for backend in backends.values():
        similar = backend.similar(corpus["ecole"], 5)
        assert corpus["ecole"] not in similar
        assert set(similar) <= {corpus[k] for k in PUBLISHED}


def test_a_practice_in_moderation_finds_its_published_lookalikes(backends, corpus):
    text = "Un projet avec les écoles pour ouvrir l'École aux parents"
    for backend in backends.values():
        similar = backend.similar_text(text, None, 5)
        assert similar and set(similar) <= {corpus[k] for k in PUBLISHED}
        assert set(similar[:2]) == {corpus["ecole"], corpus["ecoles"]}


def test_the_motifs_of_a_coup_de_coeur_filter_and_are_counted(backends, corpus, allowed):
    everything = both(backends, ask(allowed))
    assert everything.facets["motifs_coup_de_coeur"] == {
        "pertinence": 2, "originalite": 1, "efficacite": 1}
    result = both(backends, ask(allowed, motifs_coup_de_coeur="originalite"))
    assert keys_of(corpus, result) == {"ecole"}
    # several motifs combine with OR, and the facet is counted without its own filter
    result = both(backends, ask(allowed, motifs_coup_de_coeur=["originalite", "efficacite"]))
    assert keys_of(corpus, result) == {"ecole", "educatives"}
    assert result.facets["motifs_coup_de_coeur"]["pertinence"] == 2
    result = both(backends, ask(allowed, motifs_coup_de_coeur="efficacite",
                                thematiques="education"))
    assert keys_of(corpus, result) == {"educatives"}
