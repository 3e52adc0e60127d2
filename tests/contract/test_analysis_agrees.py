"""The embedded backend's analysis (recueil.search.text) is Solr's, term for term.

Every input is sent to Solr's field analysis handler (``/analysis/field``, implicit in
Solr 9) for the field type ``text_fr``, and the terms Solr would index are compared with
``text.tokens()``. On a difference the message names the first step of the chain where
the two part ways (character mapping, tokenizer, elision, lower case, stop words, stemmer,
folding).

What is compared:

* a French vocabulary of several thousand words: the seeds and the functional spec (from
  shared/ when it is there), the reference vocabularies, paragraphs written here, a list
  of tricky forms (plurals, feminines, derivations, accents, ligatures, digits, hyphens,
  elisions with ' and ’, capitals), each also in capitals and elided;
* words built around every suffix the stemmer knows, at every length near its threshold;
* whole paragraphs, typographic oddities (no-break, narrow no-break and figure spaces
  around guillemets, punctuation and digits, soft hyphens, emoji…);
* every character of the Latin, punctuation, symbol and emoji blocks, and a sample of
  all the others, inside a word, alone and between digits;
* random strings (fixed seed) mixing letters, joiners, marks, emoji and other scripts;
* the words of user queries: Solr's analysis of ``query_words(q)`` is ``query_terms(q)``,
  and edismax parses them into plain required terms, nothing else.

Solr receives each text in Unicode normal form C, as the indexer should send it:
``tokens()`` composes accents first, Solr does not (for NFC text both see the same).

``RECUEIL_ANALYSIS_FULL=1`` also checks every code point of planes 0 and 1 and, when the
Debian package wfrench is installed, the 346,000 words of /usr/share/dict/french
(about three minutes more).
"""
import bisect
import glob
import json
import os
import pathlib
import random
import re
import time
import urllib.parse
import urllib.request

import pytest

from recueil.search import text

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FULL = bool(os.environ.get("RECUEIL_ANALYSIS_FULL"))

#: The character filters of text_fr, then its token stages, as the handler names them.
CHAR_FILTERS = ("MappingCharFilter",)
STAGES = ("StandardTokenizer", "ElisionFilter", "LowerCaseFilter", "StopFilter",
          "FrenchLightStemFilter", "ASCIIFoldingFilter")

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --------------------------------------------------------------------------- Solr side


def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def solr_analysis(url: str, texts: list[str]) -> tuple[str, list[dict[str, list[str]]]]:
    """Solr's analysis of the texts (one request: they are joined by line breaks, where
    StandardTokenizer always breaks): the joined text after the character filters, and
    each text's tokens stage by stage (told apart by their offsets in the original)."""
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += _u16(t) + 1
    data = urllib.parse.urlencode({
        "analysis.fieldtype": "text_fr", "analysis.fieldvalue": "\n".join(texts),
        "wt": "json",
    }).encode()
    with _OPENER.open(f"{url}/analysis/field", data=data, timeout=300) as resp:
        chain = json.load(resp)["analysis"]["field_types"]["text_fr"]["index"]
    names = [name.rsplit(".", 1)[-1] for name in chain[0::2]]
    assert tuple(names) == CHAR_FILTERS + STAGES, f"text_fr has changed in schema.xml: {names}"
    filtered = chain[2 * len(CHAR_FILTERS) - 1]
    out = [{name: [] for name in STAGES} for _ in texts]
    for name, toks in zip(STAGES, chain[2 * len(CHAR_FILTERS) + 1::2], strict=True):
        for tok in toks:
            out[bisect.bisect_right(starts, tok["start"]) - 1][name].append(tok["text"])
    return filtered, out


def solr_stages(url: str, texts: list[str]) -> list[dict[str, list[str]]]:
    """Solr's tokens of each text, stage by stage."""
    return solr_analysis(url, texts)[1]


def our_stages(t: str) -> dict[str, list[str]]:
    raw = text.split_words(text.map_chars(text.normalise(t)))
    elided = [text.elide(w) for w in raw]
    lowered = [text.lower(w) for w in elided]
    kept = [w for w in lowered if w not in text.stopwords()]
    stemmed = [text.stem(w) for w in kept]
    folded = [text.fold(w) for w in stemmed]
    return dict(zip(STAGES, (raw, elided, lowered, kept, stemmed, folded), strict=True))


def disagreements(url: str, texts: list[str], batch: int = 500) -> list[str]:
    """One line per text whose terms differ, naming the first stage that differs.

    Solr receives the text in normal form C, as the indexer sends it (``tokens()``
    composes accents first; Solr does not)."""
    out = []
    for k in range(0, len(texts), batch):
        chunk = texts[k:k + batch]
        nfc = [text.normalise(t) for t in chunk]
        filtered, stages = solr_analysis(url, nfc)
        mapped = text.map_chars("\n".join(nfc))
        if filtered != mapped:
            at = len(os.path.commonprefix([filtered, mapped]))
            around = slice(max(at - 20, 0), at + 20)
            out.append(f"{CHAR_FILTERS}: Solr {filtered[around]!r} / ours {mapped[around]!r}")
        for t, solr in zip(chunk, stages, strict=True):
            ours = text.tokens(t)
            mine = our_stages(t)
            assert ours == mine["ASCIIFoldingFilter"]
            if ours != solr["ASCIIFoldingFilter"]:
                stage = next((s for s in STAGES if solr[s] != mine[s]), "ASCIIFoldingFilter")
                out.append(f"{t!r}: {stage} Solr {solr[stage]!r} / ours {mine[stage]!r}")
    return out


def assert_agree(url: str, texts: list[str], what: str, batch: int = 500):
    t0 = time.monotonic()
    bad = disagreements(url, texts, batch)
    rate = 100 * (len(texts) - len(bad)) / max(len(texts), 1)
    print(f"{what}: {len(texts) - len(bad)}/{len(texts)} agree ({rate:.2f} %), "
          f"{time.monotonic() - t0:.1f} s")
    assert not bad, f"{what}: {len(bad)}/{len(texts)} differ:\n" + "\n".join(bad[:30])


@pytest.fixture(scope="session")
def solr(solr_url):
    return solr_url


# --------------------------------------------------------------------------- vocabulary

TRICKY = """
enfant enfants enfance l'enfant l’enfant d'enfants jeune jeunes jeunesse adolescent
adolescente adolescents adolescentes famille familles familial familiale familiaux
familiales parent parents parentalité parental parentale parentaux mère mères père pères
chevaux cheval travaux travail bureaux bureau eaux eau jeux jeu feux feu hôpitaux hôpital
journaux journal locaux local animaux animal signaux signal tableaux tableau réseaux
réseau niveaux niveau bateaux bateau noyaux noyau cheveux yeux genoux bijoux choux prix
voix croix fois temps corps souris os bus gaz nez riz aux eux deux ceux vieux mieux
heureuse heureux heureuses éducatrice éducateur éducatrices éducateurs animatrice
animateur lectrice lecteur chanteuse chanteur directrice directeur conductrice
accompagnatrice coordinatrice médiatrice inspectrice sportive sportif active actif
positive créative nouvelle nouveau nouvelles belle beau cruelle personnelle personnel
professionnelle professionnel professionnels traditionnelle exceptionnelle folle fou
molle mou complète complet inquiète secrète boulangère boulanger première premier
dernière infirmière infirmier familière régulière particulière financière
rapidement activement vivement naïvement gouvernement placement accompagnement
hébergement signalement enseignement développement logement établissement
établissements épanouissement investissement accomplissement finissant agrandissement
égalité autorité sécurité parentalité qualité fragilité vulnérabilité responsabilité
stabilité mobilité scolarité proximité diversité continuité identité santé société
éducation formation information évaluation organisation hospitalisation scolarisation
socialisation professionnalisation individualisation sensibilisation mobilisation
autonomisation déscolarisation actualisation conceptualisation prévention audition
condition définition position protection intervention médiation coordination
organisateur utilisateur organisatrice utilisatrice pratique pratiques publique
juridique thérapeutique psychologique pédagogique numérique technique spécifique
politique critique jeunesse tendresse faiblesse détresse richesse promesse adresse
grossesse jardinage voisinage parrainage marrainage deuxième troisième centième
purificateur vérificateur vérificatrice communicateur communicatrice indicateur
appeler apprendre accompagner communiqué successivement addition allocation attention
hommage commission accueillir accueil accueillant accueillante immédiatement
été élève fête Noël à là âge île maïs hôpital où sûr aigüe ça cœur cœurs œuvre œuvres
sœur nœud vœu vœux œil Lætitia æquo curriculum naïf naïve Zoë Saëns capharnaüm
garçon reçu façade leçon déçue Ægypte ŒUVRE Œuvre ÆSOP ÇA ÎLE ÉCOLE ÉCOLES École Écoles
ÉDUCATION PARENTALITÉ ASE PJJ MECS AEMO AED ONPE CNAPE RSA CAF PMI CDAS ODPE CRIP MDPH
2023 2024-2025 1er 1re 2e 2d 3ème 10h30 35h COVID-19 ASE75 0-3 12-18 3,5 1.5 100%
n°2 2ᵉ XIXᵉ 1ᵉʳ 75001 06.12.34.56.78 2023/2024 H/F 24h/24 7j/7
Maine-et-Loire porte-parole grand-mère arrière-grand-père savoir-faire vis-à-vis
c'est-à-dire aide-soignante peut-être rendez-vous nouveau-né après-midi garde-fou
mi-temps demi-journée Île-de-France Provence-Alpes-Côte Saint-Étienne
l'enfant d'accueil qu'il jusqu'à lorsqu'elle puisqu'on quoiqu'il s'engager n'est j'ai
m'appelle t'aime c'est aujourd'hui presqu'île quelqu'un prud'hommes entr'ouvert
d'aujourd'hui l'autre L'État D'ABORD QU'IL JUSQU'À l’école d’accueil qu’elle
jusqu’ici lorsqu’il puisqu’elle quoiqu’on s’inscrire n’importe j’étais c’était
aujourd’hui quelqu’une l’Aide d’Urgence l‘école l'' ''l a l' 'l
a à y ô ai eu ou où il on ça se ce sa as es os bus ex x s b e é è ê le la les un une
de du des et est sont ont qui que qu nos vos
éducateur·rice éducateur·rice·s salarié·e·s professionnel·le·s ami.e.s tou·te·s
maltraitance bientraitance violences conjugales harcèlement prostitution addictions
handicap décrochage radicalisation inceste harcèlement numérique cyberharcèlement
mineurs non accompagnés MNA tiers digne de confiance assistant familial assistante
maternelle pouponnière foyer lieu de vie relais parental visite médiatisée
""".split()


def _variants(word: str) -> list[str]:
    forms = [word, word.upper(), word.capitalize(), word + "s", word + "x"]
    if word[:1].isalpha():
        forms += [f"l'{word}", f"L’{word.capitalize()}", f"d'{word}", f"qu’{word}",
                  f"jusqu'{word}", f"lorsqu’{word}", f"QU'{word.upper()}"]
    return forms


def _french_sources() -> list[str]:
    texts = [PARAGRAPHS]
    texts += [pathlib.Path(p).read_text(encoding="utf-8")
              for p in sorted(glob.glob(str(SHARED / "seeds" / "*.txt")))]
    spec = SHARED / "spec" / "FUNCTIONAL.md"
    if spec.exists():
        texts.append(spec.read_text(encoding="utf-8"))

    def strings(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)
        elif isinstance(value, str):
            yield value

    vocabularies = json.loads((ROOT / "recueil" / "data" / "vocabularies.json").read_text("utf-8"))
    texts.extend(strings(vocabularies))
    return texts


def vocabulary() -> list[str]:
    words = set(TRICKY)
    for source in _french_sources():
        words.update(re.findall(r"[\w’'·.\-]+", source))
    forms = set()
    for w in sorted(words):
        forms.update(_variants(w) if len(w) < 40 else [w])
    return sorted(forms)


#: Suffixes and endings the French light stemmer looks at.
SUFFIXES = ("issement", "issant", "ement", "ivement", "ficatrice", "ficateur", "catrice",
            "cateur", "atrice", "ateur", "trice", "ième", "teuse", "teur", "euse", "ère",
            "ive", "folle", "molle", "nnelle", "nnel", "ète", "ique", "esse", "inage",
            "isation", "ualisation", "isateur", "ation", "ition", "aux", "eaux", "ie",
            "er", "ee", "ée", "r", "e", "ll", "ss", "éé", "àâ", "ç", "2", "22")


def stemmer_probes() -> list[str]:
    out = []
    for suffix in SUFFIXES:
        for plural in ("", "s", "x"):
            for k in range(7):
                stem = "bcdfgh"[:k]
                out += [stem + suffix + plural, "a" + stem + suffix + plural]
    return out


PARAGRAPHS = """\
L'Aide sociale à l'enfance (ASE) accompagne les enfants et leurs familles lorsqu'un
danger est repéré ; l’équipe éducative s’appuie sur les parents, l'école et les
partenaires du territoire — PMI, CAF, Éducation nationale — pour construire un projet
pour l'enfant (PPE) réellement partagé.

« Les jeunes accueillis en MECS ont souvent connu plusieurs ruptures » : c'est
pourquoi le dispositif propose, depuis le 1er janvier 2021, un accueil séquentiel,
24h/24 et 7j/7, avec un·e éducateur·rice référent·e et un budget annuel de 35 000 €.

Les professionnel·le·s ont été formé·e·s à l’entretien motivationnel ; 87 % des
familles se disent « satisfaites » ou « très satisfaites » (enquête 2023-2024).

Aujourd'hui, quelqu'un qui s’interroge sur la situation d'un enfant peut appeler le 119
— Allô Enfance en Danger — gratuitement, jusqu’à minuit et même au-delà.

ŒUVRER ENSEMBLE POUR LA PROTECTION DE L'ENFANCE : ÉVALUER, PRÉVENIR, ACCOMPAGNER.
"""

TYPOGRAPHY = [
    "«\u00a0Bonjour\u00a0», dit-elle.", "«\u202fBonjour\u202f», dit-elle ; oui\u202f!",
    "10\u202f000\u00a0€", "10 000 €", "1\u00a0000 enfants", "édu\u00adcation",
    "co\u00adconstruction", "mot\u200bcoupé", "mot\u2060joint", "\ufeffDébut",
    "L’École", "L‘École", "l'' école", "aujourd’hui", "e\u0301cole", "E\u0301COLE",
    "ﬁnancement ﬂux eﬀet", "ｅｃｏｌｅ", "Ⓐide", "n° 5", "m² km³", "½ ¼", "1er‐2e",
    "mi–temps — tiret", "a…b", "www.france-enfance-protegee.fr",
    "contact@exemple.fr", "https://exemple.fr/pratiques?id=12", "#hashtag @mention",
    "C++ C# .NET", "R&D", "3.14159 2,5 1'000", "12:30", "a:b", "A.S.E.", "U.S.A",
    "l'A.S.E", "😀 enfant", "👍🏽 bravo", "❤️ cœur", "👨\u200d👩\u200d👧 famille",
    "🇫🇷 France", "#️⃣ 1️⃣", "✅ fait", "©® ™", "‼ ⁉", "★☆", "x" * 300,
    "é" * 260 + "s", "a" * 254 + "'b", "d'" + "é" * 300,
    "Ἀθῆναι Москва 北京 東京 서울 ไทย עִבְרִית العربية हिन्दी",
    "İstanbul ΣΟΦΟΣ straße ĲSSEL", "ǅemal ǈubljana", "\t\nretours\r\nde ligne\r",
    # French typographic spaces: no-break U+00A0, narrow no-break U+202F, figure U+2007
    "«\u202fharcèlement\u202f»", "«\u202fHarcèlement\u202f», «\u00a0violences\u00a0»",
    "Attention\u202f: l’École\u202f; oui\u202f? non\u00a0!", "«\u202fl'enfant\u202f»",
    "\u202fdébut fin\u202f", "\u202f\u202f\u00a0\u2007", "12\u2007345 12\u202f345,5\u00a0%",
    "_\u202f_ a\u202f_b x_\u202f 1\u202f_", "l'\u202fécole qu’\u00a0il", "aujourd'hui\u202f!",
    "éducateur\u202f·\u202frice", "3\u202f,\u202f5", "A.\u202fS.\u202fE.", "😀\u202f👍\u202f🏽",
    "北\u202f京 ไทย\u202fไทย", "mot\u200d\u202fjoint", "e\u0301\u202fcole", "x\u202f" * 130,
]

QUERIES = [
    '"}{!func} *:* AND OR (école)', "l'École", "L’ÉCOLE des enfants", "écoles",
    "aujourd'hui", "3,5 A.S.E.", "qu'il est", "le la les de", "a:b", "édu\u00adcation",
    "hello-world +x -y", "éducateur·rice·s", "\\ / ~2 ^3 [a TO b] {!lucene}x",
    "«\u202fenfant\u202f»", "😀 enfant", "title:école", "éco*", "écol?", "\"violences\"",
    "NOT violences", "violences && harcèlement || prostitution", "Œuvre", "ÆSOP",
    "jusqu’à l’autonomie", "l'l'école", "e\u0301cole", "x" * 300, "$x #y %z",
    "{!join from=id to=id}*:*", "_query_:\"{!dismax}x\"", "<script>alert(1)</script>",
    "«\u202fharcèlement\u202f»", "harcèlement\u00a0!", "10\u2007000\u202fenfants",
]


# --------------------------------------------------------------------------- the tests


def test_the_chain_is_the_one_reproduced(solr):
    stages = solr_stages(solr, ["L'École"])[0]
    assert tuple(stages) == STAGES
    assert stages["ASCIIFoldingFilter"] == ["ecol"] == text.tokens("L'École")


def test_typographic_spaces_are_plain_spaces_before_the_tokenizer(solr):
    typed = "«\u202fharcèlement\u202f» et\u00a0harcèlement\u2007!"
    filtered, (stages,) = solr_analysis(solr, [typed])
    assert filtered == text.map_chars(typed) == "« harcèlement » et harcèlement !"
    assert stages["ASCIIFoldingFilter"] == ["harcel", "harcel"] == text.tokens(typed)


def test_a_french_vocabulary_agrees(solr):
    words = vocabulary()
    assert len(words) > 5000
    assert_agree(solr, words, "vocabulary")


def test_words_around_every_stemmer_threshold_agree(solr):
    assert_agree(solr, stemmer_probes(), "stemmer thresholds")


def test_paragraphs_agree(solr):
    paragraphs = [p for source in _french_sources() for p in re.split(r"\n\s*\n", source)]
    paragraphs = [p for p in paragraphs if p.strip()]
    assert_agree(solr, paragraphs, "paragraphs", batch=200)


def test_typography_agrees(solr):
    assert_agree(solr, TYPOGRAPHY, "typography")


def _probes(code_points):
    return [f"q{chr(c)}q {chr(c)} 1{chr(c)}2" for c in code_points
            if not (0xD800 <= c <= 0xDFFF or 0xE000 <= c <= 0xF8FF)]


#: Blocks checked character by character (every 3rd emoji): Latin, Greek, Cyrillic,
#: punctuation, symbols, letter-like forms, Latin extensions, ligatures, full-width forms.
DENSE = [(0x0000, 0x052F, 1), (0x1D00, 0x1EFF, 1), (0x2000, 0x2BFF, 1), (0x3000, 0x30FF, 1),
         (0xA700, 0xA7FF, 1), (0xAB30, 0xAB6F, 1), (0xFB00, 0xFB4F, 1), (0xFE00, 0xFE6F, 1),
         (0xFF00, 0xFFEF, 1), (0x1F000, 0x1FAFF, 3)]


def test_characters_agree(solr):
    code_points = set()
    for low, high, step in DENSE:
        code_points.update(range(low, high + 1, 1 if FULL else step))
    code_points.update(range(0, 0x20000, 1 if FULL else 61))
    assert_agree(solr, _probes(sorted(code_points)), "characters")


def test_random_strings_agree(solr):
    alphabet = (list("aéÉzq19 '’‘.,:;·_-") + [
        "\u00a0", "\u202f", "\u2007", "\u00ad", "\u0301", "\u200d", "\ufe0f", "\ufe0e",
        "\u20e3", "\u200b", "\u2060", "#", "*", "😀", "👍", "🏽", "❤", "©", "🇫", "🇷", "中", "ひ",
        "カ", "ก", "ั", "א", '"', "\u05f3", "ｆ", "１", "＇", "．", "\u066b", "‿", "🯰",
        "𝐀", "\U000e0067", "\U000e007f", "ꟿ", "ǅ", "ß", "İ", "Σ", "œ", "ﬁ", "ⓐ"])
    rng = random.Random(20261123)
    strings = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
               for _ in range(30000 if FULL else 6000)]
    long_alphabet = "aaaaaéee'’.,:_1\u0301😀א"
    strings += ["".join(rng.choice(long_alphabet) for _ in range(rng.randint(240, 560)))
                for _ in range(60)]
    assert_agree(solr, strings, "random strings")


def test_solr_analyses_query_words_into_query_terms(solr):
    words = [" ".join(text.query_words(q)) for q in QUERIES]
    for q, solr_terms in zip(QUERIES, solr_stages(solr, words), strict=True):
        assert solr_terms["ASCIIFoldingFilter"] == text.query_terms(q), q


def test_edismax_reads_query_words_as_plain_terms(solr):
    """What the Solr backend sends (edismax, q.op=AND) parses into one required term
    query per query term: no operator, field, wildcard, phrase or local parameter."""
    for q in QUERIES:
        words = text.query_words(q)
        if not words:
            continue
        params = urllib.parse.urlencode({
            "q": " ".join(words), "defType": "edismax", "qf": "texte", "q.op": "AND",
            "mm": "100%", "lowercaseOperators": "false", "pf": "", "debugQuery": "true",
            "rows": 0, "wt": "json"})
        with _OPENER.open(f"{solr}/select?{params}", timeout=60) as resp:
            parsed = json.load(resp)["debug"]["parsedquery_toString"]
        clauses = re.findall(r"\+\(texte:([^()\s]+)\)", parsed)
        assert clauses == text.query_terms(q), (q, parsed)
        assert re.sub(r"\+\(texte:[^()\s]+\)", "", parsed).strip(" +()") == "", (q, parsed)
