"""French text analysis, identical to the Solr field type ``text_fr``.

Solr analyses every text field of the ``pratiques`` core with::

    MappingCharFilter(mapping-spaces.txt) → StandardTokenizer
      → ElisionFilter(lang/contractions_fr.txt, ignoreCase) → LowerCaseFilter
      → StopFilter(lang/stopwords_fr.txt) → FrenchLightStemFilter → ASCIIFoldingFilter

This module reproduces that chain in pure Python (standard library only), so that the
embedded SQL search backend (SQLite, PostgreSQL) indexes and queries exactly the terms
Solr does, and both backends return the same results:

* :func:`tokens` — the index/query terms of a text, as Solr produces them;
* :func:`query_words` — the sanitised words of a user query, to send to Solr as plain
  terms (no query syntax can get through);
* :func:`query_terms` — the analysed terms of a user query (what both backends search);
  an empty list means "no text query" (everything matches);
* :func:`normalise_for_sort` — a sort key for titles (lower case, accents folded).

The character mappings, contraction and stop-word lists are read from the Solr
configuration files (``recueil/search/solr/pratiques/conf/``): one source of truth for
both backends.

Texts are put in Unicode normal form C first (:func:`normalise`). Solr does not do it,
so the indexer should send ``normalise(text)`` to Solr too; for NFC input (what browsers
send in practice) :func:`tokens` equals Solr's analysis of the raw text.

``tests/contract/test_analysis_agrees.py`` checks the agreement against a real Solr.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

__all__ = [
    "char_mappings",
    "contractions",
    "elide",
    "fold",
    "lower",
    "map_chars",
    "normalise",
    "normalise_for_sort",
    "query_terms",
    "query_words",
    "split_words",
    "stem",
    "stopwords",
    "tokens",
]

#: StandardTokenizer's default maximum token length (in UTF-16 code units).
MAX_TOKEN_LENGTH = 255

_CONF = ("solr", "pratiques", "conf")


# --------------------------------------------------------------------------- word lists


def _conf_lines(*path: str) -> list[str]:
    """The lines of a Solr configuration file as Lucene reads them: stripped, without
    blank lines and ``#`` comments."""
    res = resources.files(__package__)
    for part in (*_CONF, *path):
        res = res.joinpath(part)
    lines = []
    for line in res.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _read_word_list(name: str) -> frozenset[str]:
    """A Lucene word list: one entry per line, entries lower-cased (the Solr filters use
    ``ignoreCase="true"``)."""
    return frozenset(lower(line) for line in _conf_lines("lang", name))


@functools.cache
def contractions() -> frozenset[str]:
    """Elided articles and pronouns removed before an apostrophe (``l``, ``qu``…)."""
    return _read_word_list("contractions_fr.txt")


@functools.cache
def stopwords() -> frozenset[str]:
    """Stop words (compared after lower-casing, before stemming)."""
    return _read_word_list("stopwords_fr.txt")


# --------------------------------------------------------------------------- normalisation


def normalise(text: str) -> str:
    """Unicode normal form C (composed accents: ``e`` + U+0301 → ``é``)."""
    return unicodedata.normalize("NFC", text or "")


# --------------------------------------------------------------------------- char filter
#
# MappingCharFilter runs before the tokenizer. Its file maps French typographic spaces
# (no-break, figure and narrow no-break spaces) to a plain space: StandardTokenizer
# counts the narrow no-break space U+202F as ExtendNumLet and would glue it to the word
# it touches, so « harcèlement » typed with U+202F inside the guillemets would never
# match the word harcèlement.

_MAPPING_LINE = re.compile(r'"(.*)"\s*=>\s*"(.*)"\s*$', re.ASCII)
_MAPPING_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "b": "\b",
                    "f": "\f"}


def _mapping_string(s: str) -> str:
    """A side of a mapping rule, with the escapes MappingCharFilterFactory reads
    (``\\\\ \\" \\n \\t \\r \\b \\f \\uXXXX``; any other escaped character stands for itself)."""
    out, k = [], 0
    while k < len(s):
        ch = s[k]
        k += 1
        if ch == "\\":
            if k >= len(s):
                raise ValueError(f"invalid escape in mapping {s!r}")
            ch = s[k]
            k += 1
            if ch == "u":
                if k + 4 > len(s):
                    raise ValueError(f"invalid escape in mapping {s!r}")
                ch = chr(int(s[k:k + 4], 16))
                k += 4
            else:
                ch = _MAPPING_ESCAPES.get(ch, ch)
        out.append(ch)
    return "".join(out)


@functools.cache
def char_mappings() -> dict[str, str]:
    """The rules of MappingCharFilter (``mapping-spaces.txt``): source → replacement."""
    rules = {}
    for line in _conf_lines("mapping-spaces.txt"):
        m = _MAPPING_LINE.search(line)
        if m is None:
            raise ValueError(f"invalid mapping rule {line!r}")
        rules[_mapping_string(m.group(1))] = _mapping_string(m.group(2))
    return rules


@functools.cache
def _mapping_pattern() -> re.Pattern[str] | None:
    rules = char_mappings()
    if not rules:
        return None
    # the longest source matching at a position wins, as in MappingCharFilter
    sources = sorted(rules, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in sources))


def map_chars(text: str) -> str:
    """MappingCharFilter: French typographic spaces become plain spaces."""
    pattern = _mapping_pattern()
    if pattern is None or not text:
        return text
    rules = char_mappings()
    return pattern.sub(lambda m: rules[m.group(0)], text)


# --------------------------------------------------------------------------- tokenizer
#
# A re-implementation of StandardTokenizer: the word-break rules of Unicode Standard
# Annex #29 (Unicode 9.0 properties, as compiled into Lucene 9), plus Lucene's rules
# for emoji sequences, South-East Asian runs and one-character ideographic tokens.
# Python's unicodedata has no Word_Break property: it is derived from the general
# category plus the explicit tables below.
#
# Character classes (one letter each):
#   A  ALetter (letters, Hangul)        H  Hebrew letter       N  Numeric
#   K  Katakana                         X  ExtendNumLet        L  MidLetter
#   M  MidNum                           B  MidNumLet           S  Single_Quote (')
#   D  Double_Quote (")                 E  Extend / Format     Z  ZWJ
#   V  variation selectors FE0E/FE0F    C  Han ideograph       I  Hiragana
#   T  South-East Asian (Complex_Context)  U  a South-East Asian combining mark
#   R  Regional indicator
#   F  emoji modifier (skin tones)      O  anything else (a break, dropped)


def _ranges(*pairs: tuple[int, int] | int) -> frozenset[int]:
    out: set[int] = set()
    for p in pairs:
        if isinstance(p, int):
            out.add(p)
        else:
            out.update(range(p[0], p[1] + 1))
    return frozenset(out)


_MID_LETTER = _ranges(0x003A, 0x00B7, 0x0387, 0x05F4, 0x2027, 0xFE13, 0xFE55, 0xFF1A)
_MID_NUM = _ranges(0x002C, 0x003B, 0x037E, 0x0589, (0x060C, 0x060D), 0x066C, 0x07F8,
                   0x2044, 0xFE10, 0xFE14, 0xFE50, 0xFE54, 0xFF0C, 0xFF1B)
_MID_NUM_LET = _ranges(0x002E, 0x2018, 0x2019, 0x2024, 0xFE52, 0xFF07, 0xFF0E)
_EXTEND_NUM_LET_EXTRA = _ranges(0x202F)
_HEBREW_LETTERS = _ranges((0x05D0, 0x05EA), (0x05F0, 0x05F2), 0xFB1D, (0xFB1F, 0xFB28),
                          (0xFB2A, 0xFB36), (0xFB38, 0xFB3C), 0xFB3E, (0xFB40, 0xFB41),
                          (0xFB43, 0xFB44), (0xFB46, 0xFB4F))
_KATAKANA = _ranges((0x3031, 0x3035), (0x309B, 0x309C), (0x30A0, 0x30FA), (0x30FC, 0x30FF),
                    (0x31F0, 0x31FF), (0x32D0, 0x32FE), (0x3300, 0x3357), (0xFF66, 0xFF9D),
                    0x1B000)
_HIRAGANA = _ranges((0x3041, 0x3096), (0x309D, 0x309F), (0x1B001, 0x1B11E),
                    (0x1B150, 0x1B152), (0x1B164, 0x1B167), 0x1F200)
_HAN = _ranges((0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), 0x3007,
               (0x3021, 0x3029), (0x3038, 0x303A), (0x3400, 0x4DB5), (0x4E00, 0x9FEF),
               (0xF900, 0xFA6D), (0xFA70, 0xFAD9))
_HAN_ASTRAL = ((0x20000, 0x2A6D6), (0x2A700, 0x2B734), (0x2B740, 0x2B81D),
               (0x2B820, 0x2CEA1), (0x2CEB0, 0x2EBE0), (0x2F800, 0x2FA1D))
# Line_Break=Complex_Context (Thai, Lao, Myanmar, Khmer, Tai Le, New Tai Lue, Tai Tham,
# Tai Viet, Ahom): runs of these make one token; their digits are Numeric, their combining
# marks also extend a preceding letter.
_SE_ASIAN = ((0x0E01, 0x0E3A), (0x0E40, 0x0E4E), (0x0E81, 0x0EDF), (0x1000, 0x103F),
             (0x1050, 0x108F), (0x109A, 0x109F), (0x1780, 0x17D3), (0x17D7, 0x17D7),
             (0x17DC, 0x17DD), (0x1950, 0x196D), (0x1970, 0x1974), (0x1980, 0x19AB),
             (0x19B0, 0x19C9), (0x19DA, 0x19DA), (0x19DE, 0x19DF), (0x1A20, 0x1A5E),
             (0x1A60, 0x1A7C), (0x1AA0, 0x1AAD), (0xA9E0, 0xA9FE), (0xAA60, 0xAAC2),
             (0xAADB, 0xAADF), (0x11700, 0x1173F))
# Symbols and modifier letters that Word_Break counts as ALetter though their general
# category is not a letter (circled and squared Latin letters, spacing modifiers…).
_ALETTER_EXTRA = _ranges((0x02C2, 0x02C5), (0x02D2, 0x02D7), (0x02DE, 0x02DF), 0x02ED,
                         (0x02EF, 0x02FF), (0x055B, 0x055C), 0x055E, 0x05F3, (0x24B6, 0x24E9),
                         (0xA720, 0xA721), (0xA789, 0xA78A), 0xAB5B, (0x1F130, 0x1F149),
                         (0x1F150, 0x1F169), (0x1F170, 0x1F189))
# Characters that Lucene's tables (Unicode 9.0 word-break properties) leave out of
# words although Python's newer unicodedata calls them letters, digits or marks: later
# additions (Latin Extended-D/E letters, new scripts, CJK extensions G…), and
# ideographs of other scripts than Han (Tangut, Khitan, Nüshu).
_WB_OTHER = (
    (0x0870, 0x089F), 0x08B5, (0x08BE, 0x08D2), 0x0B55, 0x0C3C, 0x0C5D, 0x0CDD, 0x0D04,
    0x0D81, 0x170D, (0x1715, 0x171F), 0x180F, (0x1ABF, 0x1ACE), 0x1B4C, 0x1DFA, 0x2C2F,
    0x2C5F, 0x3006, (0x31BB, 0x31BF), (0x4DB6, 0x4DBF), (0x9FF0, 0x9FFF), (0xA7C0, 0xA7C1),
    (0xA7C7, 0xA7F6), 0xA82C, (0xAB68, 0xAB69), (0x10570, 0x105BC), (0x10780, 0x107BA),
    (0x10E80, 0x10EB1), (0x10F70, 0x10FC4), (0x11070, 0x11075), 0x110C2, 0x11147,
    (0x111CE, 0x111CF), (0x11460, 0x11461), (0x1173C, 0x1173E), (0x11740, 0x11746),
    (0x11900, 0x11959), (0x11AB0, 0x11ABF), 0x11FB0, (0x12F90, 0x12FF0),
    (0x16A70, 0x16AC9), (0x16FE4, 0x1AFFE), (0x1B11F, 0x1B122), (0x1B170, 0x1B2FB),
    (0x1CF00, 0x1CF46), (0x1DF00, 0x1DF1E), (0x1E290, 0x1E2AE), (0x1E7E0, 0x1E7FE),
    (0x1FBF0, 0x1FBF9), (0x2A6D7, 0x2A6FF), (0x2B735, 0x2B73F), (0x30000, 0x3FFFF),
)
_WB_OTHER_BMP = _ranges(*(r for r in _WB_OTHER if (r if isinstance(r, int) else r[1]) <= 0xFFFF))
_WB_OTHER_ASTRAL = tuple((r, r) if isinstance(r, int) else r
                         for r in _WB_OTHER if (r if isinstance(r, int) else r[0]) > 0xFFFF)

_NOT_FORMAT = _ranges(0x200B, 0x200D)
_EXTEND_EXTRA = _ranges(0xFF9E, 0xFF9F)  # half-width katakana sound marks


def _in(cp: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


@functools.lru_cache(maxsize=4096)
def _wb(ch: str) -> str:
    """Word-break class of one character (see the table above)."""
    cp = ord(ch)
    if cp < 0x80:
        if ch.isalpha():
            return "A"
        if ch.isdigit():
            return "N"
        return {"'": "S", '"': "D", ":": "L", ",": "M", ";": "M", ".": "B",
                "_": "X"}.get(ch, "O")
    if cp == 0x200D:
        return "Z"
    if cp == 0x066B:  # ARABIC DECIMAL SEPARATOR
        return "N"
    if cp in (0xFE0E, 0xFE0F):
        return "V"
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return "R"
    if 0x1F3FB <= cp <= 0x1F3FF:
        return "F"
    if cp in _WB_OTHER_BMP or (cp > 0xFFFF and _in(cp, _WB_OTHER_ASTRAL)):
        return "O"
    if cp in _MID_LETTER:
        return "L"
    if cp in _MID_NUM:
        return "M"
    if cp in _MID_NUM_LET:
        return "B"
    if cp in _EXTEND_NUM_LET_EXTRA:
        return "X"
    if cp in _KATAKANA:
        return "K"
    if cp in _HIRAGANA:
        return "I"
    if cp in _HAN or _in(cp, _HAN_ASTRAL):
        return "C"
    if _in(cp, _SE_ASIAN):
        cat = unicodedata.category(ch)
        return {"Mn": "U", "Mc": "U", "Nd": "N", "Cn": "O"}.get(cat, "T")
    if cp in _HEBREW_LETTERS:
        return "H"
    cat = unicodedata.category(ch)
    if (cat in ("Mn", "Me", "Mc") or (cat == "Cf" and cp not in _NOT_FORMAT)
            or cp in _EXTEND_EXTRA):
        return "E"
    if cat[0] == "L" or cat == "Nl" or cp in _ALETTER_EXTRA:
        return "A"
    if cat == "Nd":
        return "N"
    if cat == "Pc":
        return "X"
    return "O"


# Extended_Pictographic (emoji data 11.0, which Lucene's grammar includes; Lucene also
# counts U+1FB00–U+1FBFF, so the last range runs to the end of the plane's emoji area).
_EXTENDED_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB),
    (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605),
    (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721),
    (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F),
    (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA),
    (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
    (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F),
    (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945),
    (0x1F947, 0x1FFFD),
)


@functools.lru_cache(maxsize=4096)
def _is_pictographic(ch: str) -> bool:
    return _in(ord(ch), _EXTENDED_PICTOGRAPHIC)


class _Scanner:
    """Longest-match scanner over one text (code points, classes precomputed)."""

    def __init__(self, text: str):
        self.text = text
        self.cls = [_wb(ch) for ch in text]
        self.size = len(text)
        self.n = self.size  # end of the scanner's window (see tokens())
        self.astral = not all(ord(ch) <= 0xFFFF for ch in text)

    # -- helpers

    def _ext(self, j: int, *, sans_selectors: bool = False) -> int:
        """Skip the characters that extend the previous one (WB4: Extend, Format, ZWJ;
        skin-tone modifiers and South-East Asian marks too) from ``j``; the emoji rules
        leave out the variation selectors FE0E/FE0F."""
        cls, n = self.cls, self.n
        ok = "EZFU" if sans_selectors else "EZFUV"
        while j < n and cls[j] in ok:
            j += 1
        return j

    # -- rules (each returns the end of its longest match at i, or i)

    def word(self, i: int) -> int:
        """Letters, digits, Katakana, with the UAX#29 joiners (WB5–WB13b)."""
        cls, n, ext = self.cls, self.n, self._ext
        j = i
        while j < n and cls[j] == "X":  # leading ExtendNumLet
            j = ext(j + 1)
        if j >= n or cls[j] not in "AHNK":
            return i
        # state: class of the last unit (A H N K X); "a"/"h" for a letter reached
        # through a MidLetter (it cannot open a Hebrew quote element); Q after a
        # Hebrew quote element (no MidLetter may follow it)
        state = cls[j]
        j = ext(j + 1)
        end = j
        while j < n:
            c = cls[j]
            if c == "X":
                j = ext(j + 1)
                state = "X"
                end = j  # trailing ExtendNumLet belong to the token
                continue
            if c in "AHN" and state in "AHahNQX":
                state = c
            elif c == "K" and state in "KX":
                state = c
            elif c in "LBS" and state in "AHah" and self._next_is(j, "AH"):
                # after a Hebrew letter, ' may also close a quote element: the next
                # letter then opens a new element
                quote = c == "S" and state == "H"
                j = ext(j + 1)
                state = cls[j] if quote else cls[j].lower()
            elif c in "MBS" and state == "N" and self._next_is(j, "N"):
                j = ext(j + 1)
                state = "N"
            elif c == "D" and state == "H" and self._next_is(j, "H"):
                j = ext(j + 1)
                state = "Q"
            elif c == "S" and state == "H":
                state = "Q"
            else:
                break
            j = ext(j + 1)
            end = j
        return end

    def _next_is(self, j: int, classes: str) -> bool:
        k = self._ext(j + 1)
        return k < self.n and self.cls[k] in classes

    def emoji(self, i: int) -> int:
        """Emoji sequences: keycaps, flags, ZWJ sequences of pictographs (TR#51)."""
        text, cls, n = self.text, self.cls, self.n
        if text[i] in "0123456789#*":  # keycap: [0-9#*] ext* FE0F? U+20E3 ext*
            j = self._ext(i + 1, sans_selectors=True)
            if j + 1 < n and text[j] == "\uFE0F" and text[j + 1] == "\u20E3":
                return self._ext(j + 2, sans_selectors=True)
            if "\u20E3" in text[i + 1:j]:
                return j
        if cls[i] == "R":  # flag: two regional indicators
            j = self._ext(i + 1)
            if j < n and cls[j] == "R":
                return self._ext(j + 1)
            return i
        j = self._emoji_element(i)
        # ZWJ sequence: elements joined by ZWJ (which an element's extension may hold)
        while j > i and j < n and (cls[j] == "Z" or cls[j - 1] == "Z"):
            nxt = self._emoji_element(j)
            if cls[j] == "Z":  # the ZWJ joins, the element after it may be a modifier
                after = self._emoji_element(j + 1)
                if after > j + 1:
                    nxt = max(nxt, after)
            if nxt <= j:
                break
            j = nxt
        return j

    def _emoji_element(self, i: int) -> int:
        """``ZWJ* (Pictograph ext* FE0F? | Modifier ext*)``; ext: Extend, Format, ZWJ
        and skin-tone modifiers, but not the variation selectors."""
        text, cls, n = self.text, self.cls, self.n
        j = i
        while j < n and cls[j] == "Z":
            j += 1
        if j >= n:
            return i
        if cls[j] == "F":  # a lone skin-tone modifier (no ZWJ before it)
            return self._ext(j + 1, sans_selectors=True) if j == i else i
        if _is_pictographic(text[j]):
            k = self._ext(j + 1, sans_selectors=True)
            if k < n and text[k] == "\uFE0F":
                k += 1
            return k
        return i

    def _window(self, i: int) -> int:
        """Lucene's scanner buffer holds 255 UTF-16 code units from the token start:
        a token never extends further, and no rule looks further ahead."""
        if not self.astral:
            return min(i + MAX_TOKEN_LENGTH, self.size)
        units, j = 0, i
        while j < self.size:
            units += 2 if ord(self.text[j]) > 0xFFFF else 1
            if units > MAX_TOKEN_LENGTH:
                break
            j += 1
        return j

    def tokens(self) -> list[str]:
        text, cls, size = self.text, self.cls, self.size
        out = []
        i = 0
        while i < size:
            self.n = n = self._window(i)
            c = cls[i]
            end = i
            if c in "AHNKX":
                end = self.word(i)
            if c in "TU":
                j = i
                while j < n and cls[j] in "TU":
                    j = self._ext(j + 1)
                end = j
            elif c in "CI":
                end = self._ext(i + 1)
            e = self.emoji(i)
            if e > end:
                end = e
            if end == i:
                i += 1
                continue
            out.append(text[i:end])
            i = end
        return out



def split_words(text: str) -> list[str]:
    """The raw tokens of StandardTokenizer (no normalisation, no filter)."""
    if not text:
        return []
    return _Scanner(text).tokens()


# --------------------------------------------------------------------------- filters

_APOSTROPHES = ("'", "\u2019")


def elide(token: str) -> str:
    """ElisionFilter: drop a leading contraction before the first apostrophe
    (``'`` or ``’``): ``l'École`` → ``École``, ``jusqu’ici`` → ``ici``."""
    for k, ch in enumerate(token):
        if ch in _APOSTROPHES:
            if lower(token[:k]) in contractions():
                return token[k + 1:]
            return token
    return token


def lower(text: str) -> str:
    """Per-character (simple) lower case, like Java's ``Character.toLowerCase``."""
    if text.isascii():
        return text.lower()
    return "".join("i" if ch == "\u0130" else ch.lower() for ch in text)


# --------------------------------------------------------------------------- stemmer
#
# Jacques Savoy's light stemmer for French, with the extensions of Lucene's
# FrenchLightStemFilter. It works on UTF-16 code units (like Java's char[]), on
# lower-cased words: plural endings first, then at most one derivational suffix,
# then a normalisation (accents removed and doubled letters reduced on words longer
# than four characters, final -ie, -r, -e, -ee and a final doubled letter dropped).

_NORM_ACCENTS = str.maketrans("àáâôèéêùûîç", "aaaoeeeuuic")


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _norm(w: str) -> str:
    if len(w) > 4:
        w = w.translate(_NORM_ACCENTS)
        # a run of one repeated letter is reduced to a single letter
        kept = [w[0]]
        for ch in w[1:]:
            if ch == kept[-1] and _is_letter(ch):
                continue
            kept.append(ch)
        w = "".join(kept)
    if len(w) > 4 and w.endswith("ie"):
        w = w[:-2]
    if len(w) > 4:
        if w[-1] == "r":
            w = w[:-1]
        if w[-1] == "e":
            w = w[:-1]
        if w[-1] == "e":
            w = w[:-1]
        if w[-1] == w[-2] and _is_letter(w[-1]):
            w = w[:-1]
    return w


def _stem(w: str) -> str:
    n = len(w)
    # plurals: -aux → -al (but not -eaux), final -x, final -s
    if n > 5 and w[-1] == "x":
        if w[-3:-1] == "au" and w[-4] != "e":
            w = w[:-2] + "l"
        else:
            w = w[:-1]
        n = len(w)
    if n > 3 and w[-1] == "x":
        w = w[:-1]
        n -= 1
    if n > 3 and w[-1] == "s":
        w = w[:-1]
        n -= 1

    # (minimum length, suffix, replacement, stop): the first matching rule applies;
    # "stop" rules end with the normalisation, the others let the next ones run.
    if n > 9 and w.endswith("issement"):        # -issement → -ir
        return _norm(w[:-8] + "ir")
    if n > 8 and w.endswith("issant"):          # -issant → -ir
        return _norm(w[:-6] + "ir")
    if n > 6 and w.endswith("ement"):           # -ement → -e ; -ivement → -if
        w = w[:-4]
        if len(w) > 3 and w.endswith("ive"):
            w = w[:-3] + "if"
        return _norm(w)
    if n > 11 and w.endswith("ficatrice"):      # -ficatrice → -fier
        return _norm(w[:-9] + "fier")
    if n > 10 and w.endswith("ficateur"):       # -ficateur → -fier
        return _norm(w[:-8] + "fier")
    if n > 9 and w.endswith("catrice"):         # -catrice → -quer
        return _norm(w[:-7] + "quer")
    if n > 8 and w.endswith("cateur"):          # -cateur → -quer
        return _norm(w[:-6] + "quer")
    if n > 8 and w.endswith("atrice"):          # -atrice → -er
        return _norm(w[:-6] + "er")
    if n > 7 and w.endswith("ateur"):           # -ateur → -er
        return _norm(w[:-5] + "er")
    if n > 6 and w.endswith("trice"):           # -trice → -teur (and go on)
        w = w[:-5] + "teur"
        n = len(w)
    if n > 5 and w.endswith("ième"):            # -ième → ∅
        return _norm(w[:-4])
    if n > 7 and w.endswith("teuse"):           # -teuse → -ter
        return _norm(w[:-5] + "ter")
    if n > 6 and w.endswith("teur"):            # -teur → -ter
        return _norm(w[:-4] + "ter")
    if n > 5 and w.endswith("euse"):            # -euse → -eu
        return _norm(w[:-2])
    if n > 8 and w.endswith("ère"):             # -ère → -er
        return _norm(w[:-3] + "er")
    if n > 7 and w.endswith("ive"):             # -ive → -if
        return _norm(w[:-3] + "if")
    if n > 4 and (w.endswith("folle") or w.endswith("molle")):  # -olle → -ou
        return _norm(w[:-3] + "u")
    if n > 9 and w.endswith("nnelle"):          # -nnelle → -n
        return _norm(w[:-5])
    if n > 9 and w.endswith("nnel"):            # -nnel → -n
        return _norm(w[:-3])
    if n > 4 and w.endswith("ète"):             # -ète → -et (and go on)
        w = w[:-3] + "et"
        n = len(w)
    if n > 8 and w.endswith("ique"):            # -ique → ∅ (and go on)
        w = w[:-4]
        n = len(w)
    if n > 8 and w.endswith("esse"):            # -esse → -e
        return _norm(w[:-3])
    if n > 7 and w.endswith("inage"):           # -inage → -in
        return _norm(w[:-3])
    if n > 9 and w.endswith("isation"):         # -isation → ∅ ; -ualisation → -uel
        w = w[:-7]
        if len(w) > 5 and w.endswith("ual"):
            w = w[:-2] + "el"
        return _norm(w)
    if n > 9 and w.endswith("isateur"):         # -isateur → ∅
        return _norm(w[:-7])
    if n > 8 and w.endswith("ation"):           # -ation → ∅
        return _norm(w[:-5])
    if n > 8 and w.endswith("ition"):           # -ition → ∅
        return _norm(w[:-5])
    return _norm(w)


def _to_utf16_units(s: str) -> str:
    """Astral characters as surrogate pairs (the stemmer counts UTF-16 code units)."""
    return "".join(
        ch if ord(ch) <= 0xFFFF
        else chr(0xD800 + ((ord(ch) - 0x10000) >> 10)) + chr(0xDC00 + (ord(ch) & 0x3FF))
        for ch in s)


def _from_utf16_units(s: str) -> str:
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def stem(term: str) -> str:
    """French light stemming of a lower-cased term (FrenchLightStemFilter)."""
    if all(ord(ch) <= 0xFFFF for ch in term):
        return _stem(term)
    return _from_utf16_units(_stem(_to_utf16_units(term)))


# --------------------------------------------------------------------------- ASCII folding

# ASCIIFoldingFilter folds Latin letters with diacritics to their base letter (that is
# the canonical decomposition, U+0300… marks dropped), full-width and circled Latin
# letters and digits to ASCII, and the letters below (ligatures, IPA, small capitals,
# barred or hooked letters…) as listed: replacement ← characters. Other characters are
# kept (Greek, Cyrillic, superscript letters, Roman numerals…).
_FOLD_TABLE = {
    "!!": "\u203C",
    "!?": "\u2049",
    "/": "\u2044",
    "'": "\u2018\u2019\uFF07",
    "A": "ᴀ",
    "a": "ɐəɚᶏᶕẚ\u2090\u2094ⱥ",
    "aa": "ꜳ",
    "AE": "ᴁ",
    "ae": "æǣǽᴂ",
    "ao": "ꜵ",
    "au": "ꜷ",
    "av": "ꜹꜻ",
    "ay": "ꜽ",
    "B": "ʙᴃ",
    "b": "ƀƃɓᵬᶀ",
    "C": "ʗᴄ",
    "c": "ƈȼɕↄꜿ",
    "D": "ᴅᴆ",
    "d": "ðđƌȡɖɗᵭᶁᶑꝺ",
    "db": "ȸ",
    "dz": "ǆǳʣʥ",
    "E": "ᴇⱻ",
    "e": "ǝɇɘɛɜɝɞʚᴈᶒᶓᶔ\u2091ⱸ",
    "F": "ꜰꟻ",
    "f": "ƒᵮᶂẛꝼ",
    "ff": "ﬀ",
    "ffi": "ﬃ",
    "ffl": "ﬄ",
    "fi": "ﬁ",
    "fl": "ﬂ",
    "G": "ǥǧɢʛ",
    "g": "ɠɡᵷᵹᶃꝿ",
    "H": "ʜ",
    "h": "ħɥɦʮʯⱨⱶ",
    "hv": "ƕ",
    "I": "ɪᵻꟾ",
    "i": "ıɨᴉ\u1D62ᵼᶖ\u2071",
    "ij": "ĳ",
    "J": "ᴊ",
    "j": "ȷɉɟʄʝ\u2C7C",
    "K": "ᴋ",
    "k": "ƙʞᶄⱪꝁꝃꝅ",
    "L": "ʟᴌ",
    "l": "ŀłƚȴɫɬɭᶅⱡꝇꝉꞁ",
    "lj": "ǉ",
    "ll": "ỻ",
    "ls": "ʪ",
    "lz": "ʫ",
    "M": "ᴍꟽꟿ",
    "m": "ɯɰɱᵯᶆ",
    "N": "ɴᴎ",
    "n": "ŉŋƞȵɲɳᵰᶇ\u207F",
    "nj": "ǌ",
    "O": "ᴏᴐ",
    "o": "øǿɔɵᴖᴗᶗ\u2092ⱺꝋꝍ",
    "OE": "ɶ",
    "oe": "œᴔ",
    "oo": "ꝏ",
    "OU": "ᴕ",
    "ou": "ȣ",
    "P": "ᴘ",
    "p": "ƥᵱᵽᶈꝑꝓꝕꟼ",
    "q": "ĸɋʠꝗꝙ",
    "qp": "ȹ",
    "R": "ʀʁᴙᴚ",
    "r": "ɍɼɽɾɿ\u1D63ᵲᵳᶉꝛꞃ",
    "S": "ꜱꞅ",
    "s": "ſȿʂᵴᶊẜẝ",
    "ss": "ß",
    "st": "ﬆ",
    "T": "ᴛ",
    "t": "ŧƫƭȶʇʈᵵⱦ",
    "tc": "ʨ",
    "th": "þᵺꝧ",
    "ts": "ʦ",
    "tz": "ꜩ",
    "U": "ᴜᵾ",
    "u": "ʉ\u1D64ᶙ",
    "ue": "ᵫ",
    "V": "ᴠ",
    "v": "ʋʌ\u1D65ᶌⱱⱴꝟ",
    "vy": "ꝡ",
    "W": "ᴡ",
    "w": "ƿʍⱳ",
    "x": "ᶍ\u2093",
    "Y": "ʏ",
    "y": "ƴɏʎỿ",
    "Z": "ᴢ",
    "z": "ƶȝȥɀʐʑᵶᶎⱬꝣ",
}
_FOLD_SPECIAL = {ch: repl for repl, chars in _FOLD_TABLE.items() for ch in chars}
_FOLD_SPECIAL.update({"\uFF0C": ",", "\uFF0E": ".", "\uFF1A": ":", "\uFF1B": ";",
                      "\uFF3F": "_"})
_FOLD_OFFSETS = (  # (first, last, first replacement)
    (0x24B6, 0x24CF, "A"), (0x24D0, 0x24E9, "a"),  # circled letters Ⓐ ⓐ
    (0xFF10, 0xFF19, "0"), (0xFF21, 0xFF3A, "A"), (0xFF41, 0xFF5A, "a"),  # full-width
)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    special = _FOLD_SPECIAL.get(ch)
    if special is not None:
        return special
    cp = ord(ch)
    for first, last, repl in _FOLD_OFFSETS:
        if first <= cp <= last:
            return chr(ord(repl) + cp - first)
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base and base != ch and base.isascii() and base.isalnum():
        return base
    return ch


def fold(term: str) -> str:
    """ASCIIFoldingFilter: Latin letters with accents and ligatures to plain ASCII."""
    if term.isascii():
        return term
    return "".join(_fold_char(ch) for ch in term)


# --------------------------------------------------------------------------- public API


def _analyse(raw_tokens: list[str]) -> list[str]:
    stop = stopwords()
    out = []
    for tok in raw_tokens:
        term = lower(elide(tok))
        if not term or term in stop:
            continue
        term = fold(stem(term))
        if term:
            out.append(term)
    return out


def tokens(text: str) -> list[str]:
    """The index/query terms of ``text``, exactly as Solr's ``text_fr`` produces them."""
    return _analyse(split_words(map_chars(normalise(text))))


#: Characters kept inside a query word besides letters, digits and combining marks,
#: when they join two of them: StandardTokenizer keeps them inside a word (« aujourd'hui »,
#: « 3,5 », « A.S.E », « éducateur·rice ») and no Solr query parser gives them a meaning.
_QUERY_JOINERS = frozenset("'\u2019.,\u00b7")


def _sanitise_query(q: str) -> str:
    """Letters, digits and combining marks are kept, invisible format characters
    (soft hyphen, zero-width joiner…) dropped, joiners kept between two kept
    characters, anything else (operators, quotes, brackets, colons, emoji…) becomes a
    space."""
    chars = [ch for ch in map_chars(normalise(q))
             if not (_wb(ch) in "EZV" and unicodedata.category(ch)[0] != "M")]
    keep = [_wb(ch) in "AHNKCITUE" for ch in chars]
    out = []
    for k, ch in enumerate(chars):
        if keep[k] or (ch in _QUERY_JOINERS and 0 < k < len(chars) - 1
                       and keep[k - 1] and keep[k + 1]):
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)


def query_words(q: str) -> list[str]:
    """The words of a user query, safe to send to Solr as plain terms.

    Only letters and digits (with combining accents, and the joiners ' ’ . , · between
    two of them, as in « aujourd'hui » or « 3,5 »): no operator, quote, bracket, colon,
    wildcard, backslash or local-params syntax can get through. A leading elided article
    is removed (« l'École » → ``école``), words are lower-cased, stop words dropped.
    """
    return list(_query_words(q)) if q else []


@functools.lru_cache(maxsize=2048)
def _query_words(q: str) -> tuple[str, ...]:
    # people search the same few queries again and again: analyse each once
    stop = stopwords()
    words = []
    for tok in split_words(_sanitise_query(q)):
        word = lower(elide(tok))
        if word and word not in stop and tokens(word):
            words.append(word)
    return tuple(words)


def query_terms(q: str) -> list[str]:
    """The analysed terms of a user query: what both backends search for.

    Exactly Solr's analysis of :func:`query_words` (the words sent to Solr); an empty
    list means "no text query" (everything matches)."""
    return tokens(" ".join(query_words(q)))


def normalise_for_sort(text: str) -> str:
    """Sort key of a title: lower case, accents and ligatures folded (« Œuvre » →
    ``oeuvre``), spaces collapsed, leading punctuation (« « », quotes…) removed."""
    s = " ".join(fold(lower(normalise(text))).lower().split())
    k = 0
    while k < len(s) and not s[k].isalnum():
        k += 1
    return s[k:]
