"""The static files: served compressed, under a name that changes with their content, kept a year.

Every address of a static file carries the version of the whole folder
(`/static/v-3f2a9c0e1b7d/dsfr/dsfr.main.min.css`): a browser keeps each file for a year
without asking again, and a new release, whose version differs, is fetched at once. One
version for the folder keeps the DSFR's relative addresses (its fonts and icons, named in its
stylesheets) under the same versioned prefix.

WhiteNoise serves them, before Pyramid, with the gzip and Brotli copies made here when a file
is new or changed. Of the DSFR's utility stylesheet (icons and helper classes, 455 kB), only
the rules whose classes the templates, the Python code or the scripts use are kept.

Every page loads one stylesheet, `recueil.bundle.min.css`, generated here (not in git): the
DSFR's main stylesheet without the components (`fr-card`, `fr-consent-banner`: a class up to
its first `__` or `--`) that neither the pages nor the DSFR's script name, the used utilities
and ours, in that order, with their `url()`s rewritten to lead from the bundle's folder. One
request instead of three, and 160 kB less to parse, before the first paint on a slow phone.
"""
import hashlib
import logging
import os
import posixpath
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont
from tinycss2.ast import StringToken, URLToken
from tinycss2.serializer import serialize_string_value, serialize_url
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .headers import HEADERS

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

UTILITY_SOURCE = "dsfr/utility/utility.min.css"
UTILITY_USED = "dsfr/utility/utility.used.min.css"
DSFR_SCRIPT = "dsfr/dsfr.module.min.js"

#: The stylesheets of every page, in their cascade order, sent as one file: one request that
#: blocks the first paint instead of three
MAIN = "dsfr/dsfr.main.min.css"
BUNDLED = (MAIN, UTILITY_USED, "recueil.css")
BUNDLE = "recueil.bundle.min.css"

#: The characters of French text and of the European names it borrows: Latin letters with
#: their accents, composed (Latin-1, Latin Extended-A, the Romanian commas) or combining,
#: punctuation, the euro sign. The DSFR's fonts cut down to them (FONT_SUBSETS), with the
#: typographic features a browser applies by itself, weigh 40 % less (33 kB instead of 58)
#: and are all a French page needs before its first paint; a character outside them comes
#: from the whole font, which the browser then fetches.
LATIN = ((0x20, 0x7E), (0xA0, 0x17F), (0x218, 0x21B), (0x300, 0x36F), (0x2000, 0x206F),
         (0x20AC, 0x20AC), (0x2122, 0x2122))
FONTS = "dsfr/fonts"
FONT_SUBSETS = "dsfr/fonts-latin"

#: A year, the longest lifetime that HTTP caches honour
ONE_YEAR = 365 * 24 * 3600

#: Smaller files gain less than the headers cost (the DSFR's 1,700 icons are mostly so)
MIN_COMPRESSED = 1024

_CLASS = re.compile(r"fr-[a-z0-9_-]+")
#: A name the DSFR's script may make a class of: quoted, or after `${prefix}-`
_SCRIPT_NAME = re.compile(r"""(?:["'`]|\}-)([a-z][a-z0-9_-]*)""")
#: An address that does not depend on where the stylesheet is: data, absolute, fragment
_ANCHORED = re.compile(r"^([a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)
_COMPRESSED = (".gz", ".br")


def _naming_files(package: Path = STATIC.parent) -> list[Path]:
    """The files that may name a DSFR class: the templates, the Python code, our scripts
    (this module names classes only as examples, in its comments)."""
    return [path for pattern in ("**/*.pt", "**/*.py", "static/*.js")
            for path in package.glob(pattern) if path.resolve() != Path(__file__).resolve()]


def used_classes(package: Path = STATIC.parent) -> set[str]:
    """The DSFR classes named anywhere in the templates, the Python code or our scripts."""
    found = set()
    for path in _naming_files(package):
        found.update(_CLASS.findall(path.read_text(encoding="utf-8")))
    return found


def _selector_used(selector: str, used: set[str]) -> bool:
    """Whether every class of one selector (of a comma-separated list) is used."""
    return all(name in used for name in re.findall(r"\.(fr-[a-z0-9_-]+)", selector))


def _keep_rules(rules: list, used: set[str]) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = tinycss2.serialize(rule.prelude).split(",")
            if any(_selector_used(selector, used) for selector in selectors):
                kept.append(tinycss2.serialize([rule]))
        elif (rule.type == "at-rule" and rule.content is not None
              and rule.lower_at_keyword == "media"):
            inner = _keep_rules(
                tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True),
                used)
            if inner:
                kept.append(f"@media{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":
            kept.append(tinycss2.serialize([rule]))
    return kept


def _replace(target: Path, write: Callable[[str], object]) -> None:
    """`target` made anew in one step, by `write(path)` into a file beside it then renamed: a
    process that starts while another one writes it serves the former whole file or the new
    one, never half of it."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(target: Path, text: str) -> None:
    _replace(target, lambda path: Path(path).write_text(text, encoding="utf-8"))


def purge(source: Path, target: Path, used: set[str]) -> None:
    """Write to `target` the rules of `source` that apply to the used classes."""
    rules = tinycss2.parse_stylesheet(
        source.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True)
    _write(target, "".join(_keep_rules(rules, used)))


def _moved(url: str, origin: str) -> str:
    """`url`, relative to the folder `origin`, made relative to the static folder."""
    if _ANCHORED.match(url):
        return url
    path, query = re.match(r"([^?#]*)(.*)", url, re.DOTALL).groups()
    return posixpath.normpath(posixpath.join(origin, path)) + query


def _rebase(tokens: list, origin: str) -> None:
    """Make the addresses in `tokens` or rules (`url(…)`, quoted or not) relative to the
    static folder, `origin` being the folder of their stylesheet."""
    for index, token in enumerate(tokens):
        if token.type == "url":
            value = _moved(token.value, origin)
            tokens[index] = URLToken(
                token.source_line, token.source_column, value, f"url({serialize_url(value)})")
        elif token.type == "function":
            if token.lower_name == "url" and [arg.type for arg in token.arguments] == ["string"]:
                string = token.arguments[0]
                value = _moved(string.value, origin)
                token.arguments[0] = StringToken(string.source_line, string.source_column,
                                                 value, f'"{serialize_string_value(value)}"')
            else:
                _rebase(token.arguments, origin)
        elif token.type in ("() block", "[] block", "{} block"):
            _rebase(token.content, origin)
        elif token.type in ("qualified-rule", "at-rule"):
            _rebase(token.prelude, origin)
            _rebase(token.content or [], origin)


def _block(name: str) -> str:
    """The DSFR component of a class: `fr-collapse--expanded` belongs to `fr-collapse`."""
    return re.split("__|--", name, maxsplit=1)[0]


def used_components(package: Path = STATIC.parent) -> set[str]:
    """The DSFR components that the pages name, or that the DSFR's script may name.

    The script builds its class names at run time from a prefix and a quoted name
    (`${prefix}-collapse--expanded`, `selector("collapse")`): every quoted or prefixed name
    in it counts as a component, which keeps more than needed but never too little.
    """
    found = {_block(name) for name in used_classes(package)}
    script = package / "static" / DSFR_SCRIPT
    if script.exists():
        text = script.read_text(encoding="utf-8")
        found.update(_block(name) for name in _CLASS.findall(text))
        found.update(_block(f"fr-{name}") for name in _SCRIPT_NAME.findall(text))
    return found


def _selectors(prelude: list) -> list[list]:
    """The selectors of a rule's prelude, split on the commas outside parentheses."""
    selectors = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _selector_alive(selector: list, components: set[str]) -> bool:
    """Whether every class of `selector` belongs to a used component.

    Classes inside `:not()`, `:is()` and the like do not count: an unused class there
    may still leave the selector matching.
    """
    for before, token in zip(selector, selector[1:], strict=False):
        if (before.type == "literal" and before.value == "." and token.type == "ident"
                and token.value.startswith("fr-") and _block(token.value) not in components):
            return False
    return True


def _keep_components(rules: list, components: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if any(_selector_alive(selector, components)
                   for selector in _selectors(rule.prelude)):
                kept.append(rule)
        elif (rule.type == "at-rule" and rule.content is not None
              and rule.lower_at_keyword in ("media", "supports")):
            inner = _keep_components(
                tinycss2.parse_rule_list(rule.content, skip_whitespace=True), components)
            if inner:
                kept.append(tinycss2.ast.AtRule(
                    rule.source_line, rule.source_column, rule.at_keyword,
                    rule.lower_at_keyword, rule.prelude, inner))
        elif rule.type != "error":  # a browser drops what it cannot parse
            kept.append(rule)
    return kept


def _unicode_range(ranges) -> str:
    return ", ".join(f"U+{low:04X}" if low == high else f"U+{low:04X}-{high:04X}"
                     for low, high in ranges)


def _ranges(code_points) -> list[tuple[int, int]]:
    """Code points as ranges of consecutive ones."""
    ranges: list[tuple[int, int]] = []
    for point in sorted(code_points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


def _beyond_latin(font: Path) -> list[tuple[int, int]]:
    """The characters `font` has that LATIN leaves out: those a page may need the whole font
    for (a character that the font does not have either must not have it fetched)."""
    return _ranges(point for point in TTFont(font).getBestCmap()
                   if not any(low <= point <= high for low, high in LATIN))


def subset_fonts(static: Path) -> None:
    """The LATIN subset of each of the DSFR's woff2 fonts, written to FONT_SUBSETS when it is
    missing or older than its font."""
    # fontTools says which tables of its own it drops (FFTM, the font editor's timestamps)
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    for source in sorted((static / FONTS).glob("*.woff2")):
        target = static / FONT_SUBSETS / source.name
        if not _stale(target, [source]):
            continue
        options = subset.Options()
        options.flavor = "woff2"
        # the features a browser applies by itself (kerning, ligatures, accents placed): the
        # stylesheets ask for no other
        options.name_IDs = ["*"]  # the font's names and licence, as the DSFR ships them
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for low, high in LATIN for c in range(low, high + 1)])
        font = TTFont(source)
        subsetter.subset(font)
        target.parent.mkdir(exist_ok=True)
        _replace(target, font.save)


def _font_faces(rule, static: Path) -> list[str]:
    """A DSFR @font-face as two: its font for the characters it has beyond LATIN, then the
    LATIN subset of its woff2 (the browser fetches the first only for a page that has such
    a character); the rule as it is when there is no subset."""
    declarations = [d for d in tinycss2.parse_declaration_list(
        rule.content, skip_whitespace=True) if d.type == "declaration"]
    sources = next((d.value for d in declarations if d.lower_name == "src"), [])
    woff2 = next((t.value for t in sources if t.type == "url" and t.value.endswith(".woff2")),
                 None)
    whole = tinycss2.serialize([rule])
    if woff2 is None or not (static / FONT_SUBSETS / posixpath.basename(woff2)).exists():
        return [whole]
    kept = "".join(f"{d.name}:{tinycss2.serialize(d.value).strip()};" for d in declarations
                   if d.lower_name not in ("src", "unicode-range"))
    latin = f"{FONT_SUBSETS}/{posixpath.basename(woff2)}"
    faces = [f'@font-face{{{kept}src:url({latin}) format("woff2");'
             f"unicode-range:{_unicode_range(LATIN)}}}"]
    beyond = _beyond_latin(static / woff2)
    if beyond:
        faces.insert(0, whole[:-1] + f";unicode-range:{_unicode_range(beyond)}}}")
    return faces


def bundle(static: Path, target: Path, components: set[str] | None = None) -> None:
    """Write to `target`, in the static folder, the stylesheets of `BUNDLED` one after the other.

    Of the DSFR's main stylesheet, only the rules of the `components` are kept, if given.
    """
    parts = ['@charset "UTF-8";']
    for name in BUNDLED:
        origin = posixpath.dirname(name)
        rules = tinycss2.parse_stylesheet(
            (static / name).read_text(encoding="utf-8"), skip_whitespace=True)
        if name == MAIN and components is not None:
            rules = _keep_components(rules, components)
        for rule in rules:
            if rule.type != "error" and not (
                    rule.type == "at-rule" and rule.lower_at_keyword == "charset"):
                _rebase([rule], origin)
                if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
                    parts.extend(_font_faces(rule, static))
                else:
                    parts.append(tinycss2.serialize([rule]))
    _write(target, "".join(parts))


def _sources(static: Path) -> list[Path]:
    return sorted(path for path in static.rglob("*")
                  if path.is_file() and path.suffix not in _COMPRESSED
                  and not path.name.startswith("."))


def _stale(target: Path, sources: list[Path]) -> bool:
    if not target.exists():
        return True
    built = target.stat().st_mtime
    return any(source.stat().st_mtime > built for source in sources)


def prepare(static: Path = STATIC) -> str:
    """Bring the generated files up to date and return the folder's version.

    Cheap when nothing changed (one `stat` a file): every process calls it when it starts.
    A read-only installation, prepared by `make install`, is left as it is.
    """
    naming = _naming_files(static.parent)
    source = static / UTILITY_SOURCE
    if source.exists():
        target = static / UTILITY_USED
        if _stale(target, [*naming, source]):
            try:
                purge(source, target, used_classes(static.parent))
            except OSError as error:
                log.warning("utility stylesheet not rebuilt: %s", error)
    if (static / FONTS).exists():
        try:
            subset_fonts(static)
        except OSError as error:
            log.warning("fonts not cut down: %s", error)
    bundled = [static / name for name in BUNDLED]
    if all(path.exists() for path in bundled) and _stale(
            static / BUNDLE, [*bundled, *naming, static / DSFR_SCRIPT,
                              *(static / FONT_SUBSETS).glob("*.woff2")]):
        try:
            bundle(static, static / BUNDLE, used_components(static.parent))
        except OSError as error:
            log.warning("stylesheets not bundled: %s", error)
    compressor = Compressor(quiet=True)
    digest = hashlib.blake2b(digest_size=6)
    for path in _sources(static):
        digest.update(str(path.relative_to(static)).encode())
        digest.update(path.read_bytes())
        if (path.stat().st_size >= MIN_COMPRESSED and compressor.should_compress(path.name)
                and _stale(Path(f"{path}.gz"), [path])):
            try:
                # a copy that does not pay is not kept: WhiteNoise then sends the original
                for _ in compressor.compress(str(path)):
                    pass
            except OSError as error:
                log.warning("%s not compressed: %s", path, error)
    return f"v-{digest.hexdigest()}"


def _security_headers(headers, _path: str, _url: str) -> None:
    # the same as every page's: a stylesheet or an SVG opened on its own is a document too
    for name, value in HEADERS.items():
        headers[name] = value


def serve(app, version: str, static: Path = STATIC) -> WhiteNoise:
    """`app` behind WhiteNoise, which answers the versioned static addresses."""
    served = WhiteNoise(
        app, root=str(static), prefix=f"/static/{version}/", max_age=ONE_YEAR,
        allow_all_origins=False, add_headers_function=_security_headers,
        immutable_file_test=lambda _path, _url: True)
    # the Pyramid application's registry, as scripts and tests reach it
    served.registry = app.registry
    return served


class VersionPrefix:
    """Pyramid's cache buster: `static/x.css` becomes `static/<version>/x.css`."""

    def __init__(self, version: str):
        self.version = version

    def __call__(self, _request, subpath: str, kw: dict) -> tuple[str, dict]:
        return f"{self.version}/{subpath}", kw
