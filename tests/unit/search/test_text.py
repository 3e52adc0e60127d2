"""French analysis of the embedded search backend (recueil.search.text), without Solr.

tests/contract/test_analysis_agrees.py checks the same functions against a real Solr;
these tests pin what a person expects of the search, and the query sanitising.
"""
import pathlib
import xml.etree.ElementTree as ET

import pytest

from recueil.search import text
from recueil.search.text import normalise_for_sort, query_terms, query_words, stem, tokens

CONF = pathlib.Path(text.__file__).parent / "solr" / "pratiques" / "conf"

#: Characters with a meaning in Solr's query parsers (lucene, dismax, edismax, local params).
SYNTAX = set('+-&|!(){}[]^"~*?:\\/$=<>;%#@') | {" ", "\t", "\n", "\u00a0", "\u202f", "\u3000"}


def _one_term(*texts):
    terms = {tuple(tokens(t)) for t in texts}
    assert len(terms) == 1, terms
    (only,) = terms
    assert len(only) == 1, only
    return only[0]


# --------------------------------------------------------------------------- index terms


def test_an_accent_a_capital_a_plural_an_article_make_no_difference():
    assert _one_term("ecole", "école", "École", "ÉCOLE", "écoles", "Écoles", "l'École",
                     "L’ÉCOLE", "d'écoles", "e\u0301cole") == "ecol"


def test_masculine_feminine_singular_plural_share_a_term():
    _one_term("éducatif", "éducative", "educatives", "éducatifs")
    _one_term("l'enfant", "enfants", "l’Enfant", "d'enfants")
    _one_term("heureux", "heureuse", "heureuses")
    _one_term("animateur", "animatrice", "animatrices")
    _one_term("éducateur", "éducatrice", "éducateurs")
    _one_term("professionnel", "professionnelle", "professionnels")
    _one_term("cheval", "chevaux")
    _one_term("bureau", "bureaux")
    _one_term("sportif", "sportive", "sportives")


def test_ligatures_and_special_letters_are_folded():
    assert tokens("Œuvre cœur ÆSOP straße ﬁnance") == ["oeuvr", "coeur", "aesop", "strass",
                                                      "financ"]


@pytest.mark.parametrize("word, term", [
    ("rapidement", "rapid"), ("activement", "actif"), ("établissement", "etabli"),
    ("finissant", "fini"), ("organisation", "organ"), ("actualisation", "actuel"),
    ("éducation", "educ"), ("politique", "polit"), ("jeunesse", "jeunes"),
    ("jardinage", "jardin"), ("deuxième", "deux"), ("complète", "complet"),
    ("boulangère", "boulang"), ("chanteuse", "chant"), ("folle", "fou"),
    ("personnelle", "person"), ("vérificatrice", "verifi"), ("communicateur", "comuniqu"),
])
def test_the_light_stemmer(word, term):
    assert tokens(word) == [term]


def test_stem_counts_utf16_code_units_like_java():
    # "𝐀𝐀s" is five UTF-16 code units (three code points): the plural -s goes, as in
    # Lucene; "aas" is too short for it
    assert stem("\U0001d400\U0001d400s") == "\U0001d400\U0001d400"
    assert stem("aas") == "aas"


def test_stop_words_and_elided_pronouns_are_dropped():
    assert tokens("Le jardin de la maison et les enfants") == ["jardin", "maison", "enfant"]
    assert tokens("qu'il est à l'école") == ["ecol"]
    assert tokens("jusqu’à lorsqu'elle puisqu’on") == []


def test_words_split_on_spaces_punctuation_and_hyphens():
    assert tokens("Maine-et-Loire, (porte-parole) ; vis-à-vis !") == [
        "main", "loir", "port", "parol", "vis", "vis"]
    assert tokens("«\u00a0Bonjour\u00a0» — dit-elle…") == ["bonjou", "dit"]


def test_apostrophes_inside_a_word_stay():
    assert tokens("aujourd'hui") == tokens("aujourd’hui") == ["aujourd'hui"]
    assert tokens("quelqu'un presqu’île") == ["quelqu'un", "presqu'il"]


def test_numbers_stay_whole():
    assert tokens("En 2024-2025, 3,5 % des 1er et 2e ; 10h30") == [
        "2024", "2025", "3,5", "1er", "2e", "10h30"]


def test_french_typographic_spaces_are_plain_spaces():
    assert tokens("«\u202fharcèlement\u202f»") == tokens("« harcèlement »") == ["harcel"]
    assert tokens("Attention\u202f: oui\u00a0! 10\u2007000 «\u202fl’École\u202f»") == tokens(
        "Attention : oui ! 10 000 « l’École »") == ["atention", "oui", "10", "000", "ecol"]
    # the tokenizer alone would glue a narrow no-break space (ExtendNumLet) to the word
    # it touches: the character mapping runs before it, as in Solr
    assert text.split_words("«\u202fbonjour\u202f»") == ["\u202fbonjour\u202f"]
    assert text.map_chars("«\u202fbonjour\u00a0»\u2007") == "« bonjour » "


def test_solr_quirks_are_reproduced():
    # a soft hyphen stays inside the word
    assert tokens("édu\u00adcation") == ["edu\u00adc"]
    # tokens are cut every 255 UTF-16 code units
    assert tokens("a" * 300) == ["a", "a"]
    # emoji are tokens, ideographs one each
    assert tokens("👍🏽 bravo 北京") == ["👍🏽", "bravo", "北", "京"]


def test_empty_and_none():
    assert tokens("") == tokens(None) == []
    assert tokens("  ,;!  ") == []


# --------------------------------------------------------------------------- queries


def test_a_query_is_analysed_like_the_text():
    assert query_terms("L'École") == tokens("écoles") == ["ecol"]
    assert query_words("«\u202fharcèlement\u202f»\u00a0!") == ["harcèlement"]
    assert query_terms("«\u202fharcèlement\u202f»") == tokens("«\u202fharcèlement\u202f»")
    assert query_words("L’École des Enfants") == ["école", "enfants"]
    assert query_terms("L’École des Enfants") == ["ecol", "enfant"]


def test_a_query_of_stop_words_only_is_no_text_query():
    for q in ("le la les de", "qu'il est", "à", "", "   ", "!!! ??", "😀", "-", "*:*"):
        assert query_terms(q) == [], q
        assert query_words(q) == [], q


@pytest.mark.parametrize("q", [
    '"}{!func} *:* AND OR (école)', "{!lucene}x", "title:école", "éco* écol?",
    '"violences conjugales"', "+a -b NOT c && d || e", "[a TO b] {a TO b} x~2 y^3",
    "a\\b c/d/", "_query_:\"{!dismax}x\"", "$param ${x} #y %z @w", "<b>école</b>",
    "école\u00a0enfant\u202fparent\u3000famille", "l'l'école", "ab:cd", "a\"b",
])
def test_no_query_syntax_gets_through(q):
    words = query_words(q)
    for word in words:
        assert word == word.lower()
        assert not set(word) & SYNTAX, word
        assert word[0].isalnum() and word[-1].isalnum(), word
        assert word not in text.stopwords()
    assert query_terms(q) == tokens(" ".join(words))


def test_words_are_sent_when_and_only_when_there_are_terms():
    for q in ("é", "l'", "l'a", "qu'", "'", "\u0301", "ั", "x\u0301", "_a_", "a_b", "🏽",
              "l'\u0301a", "İ", "12", "½", "ᵉ", "ﬁ"):
        words, terms = query_words(q), query_terms(q)
        assert bool(words) == bool(terms), (q, words, terms)
        assert terms == [t for w in words for t in tokens(w)]


def test_the_example_of_the_brief():
    words = query_words('"}{!func} *:* AND OR (école)')
    assert "école" in words
    assert all(set(w) <= set("abcdefghijklmnopqrstuvwxyzéè") for w in words), words
    assert query_terms('"}{!func} *:* AND OR (école)')[-1] == "ecol"


def test_query_words_keep_the_joiners_of_a_word():
    assert query_words("aujourd'hui, 3,5 et éducateur·rice") == [
        "aujourd'hui", "3,5", "éducateur·rice"]
    assert query_words("co\u00adconstruction") == ["coconstruction"]


# --------------------------------------------------------------------------- sorting


def test_sort_key_is_lower_case_without_accents():
    assert normalise_for_sort("École") == "ecole"
    assert normalise_for_sort("Œuvre commune") == "oeuvre commune"
    assert normalise_for_sort("« Parentalité »  et   ÉDUCATION") == "parentalite » et education"
    titles = ["Zèbre", "école", "Éducation", "Accueil", "« Bien-être »", "Œil", "ÉCOLE"]
    assert sorted(titles, key=normalise_for_sort) == [
        "Accueil", "« Bien-être »", "école", "ÉCOLE", "Éducation", "Œil", "Zèbre"]


# --------------------------------------------------------------------------- one source of truth


def _lines(name):
    lines = (CONF / "lang" / name).read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_word_lists_are_solr_files():
    assert text.contractions() == _lines("contractions_fr.txt")
    assert text.stopwords() == _lines("stopwords_fr.txt")
    assert {"l", "d", "qu", "jusqu", "lorsqu"} <= text.contractions()


def test_character_mappings_are_the_solr_file():
    rules = (CONF / "mapping-spaces.txt").read_text("utf-8").splitlines()
    assert len([r for r in rules if r.startswith('"')]) == len(text.char_mappings())
    assert text.char_mappings() == {"\u00a0": " ", "\u2007": " ", "\u202f": " "}


def test_schema_chain_is_the_one_reproduced():
    schema = ET.parse(CONF / "schema.xml").getroot()
    (field_type,) = [t for t in schema.iter("fieldType") if t.get("name") == "text_fr"]
    analyzers = field_type.findall("analyzer")
    assert len(analyzers) == 1 and analyzers[0].get("type") is None  # index = query
    chain = [(e.tag, e.get("class")) for e in analyzers[0]]
    assert chain == [
        ("charFilter", "solr.MappingCharFilterFactory"),
        ("tokenizer", "solr.StandardTokenizerFactory"),
        ("filter", "solr.ElisionFilterFactory"),
        ("filter", "solr.LowerCaseFilterFactory"),
        ("filter", "solr.StopFilterFactory"),
        ("filter", "solr.FrenchLightStemFilterFactory"),
        ("filter", "solr.ASCIIFoldingFilterFactory"),
    ]
    mapping, tokenizer, elision, stop = (analyzers[0][k] for k in (0, 1, 2, 4))
    assert mapping.get("mapping") == "mapping-spaces.txt"
    assert elision.get("articles") == "lang/contractions_fr.txt"
    assert elision.get("ignoreCase") == "true"
    assert stop.get("words") == "lang/stopwords_fr.txt"
    assert stop.get("ignoreCase") == "true"
    assert tokenizer.get("maxTokenLength") is None  # 255, text.MAX_TOKEN_LENGTH
    assert analyzers[0][6].get("preserveOriginal") in (None, "false")
