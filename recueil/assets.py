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
from pathlib import Path

import tinycss2
from tinycss2.ast import StringToken, URLToken
from tinycss2.serializer import serialize_string_value, serialize_url
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .headers import HEADERS

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"

UTILITY_SOURCE = "dsfr/utility/utility.min.css"
UTILITY_USED = "dsfr/utility/utility.used.min.css"
DSFR_SCRIPT = "dsfr/dsfr.module.min.js"

#: The stylesheets of every page, in their cascade order, sent as one file: one request that
#: blocks the first paint instead of three
MAIN = "dsfr/dsfr.main.min.css"
BUNDLED = (MAIN, UTILITY_USED, "recueil.css")
BUNDLE = "recueil.bundle.min.css"

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


def used_classes(package: Path = STATIC.parent) -> set[str]:
    """The DSFR classes named anywhere in the templates, the Python code or our scripts."""
    found = set()
    for pattern in ("**/*.pt", "**/*.py", "static/*.js"):
        for path in package.glob(pattern):
            # this module names classes only as examples, in its comments
            if path.resolve() != Path(__file__).resolve():
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


def _write(target: Path, text: str) -> None:
    """`text` as the new content of `target`, in one step: a process that starts while another
    one writes the file serves the former whole file or the new one, never half of it."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    source = static / UTILITY_SOURCE
    if source.exists():
        target = static / UTILITY_USED
        templates = [*TEMPLATES.rglob("*.pt"), *static.glob("*.js"), source]
        if _stale(target, templates):
            try:
                purge(source, target, used_classes(static.parent))
            except OSError as error:
                log.warning("utility stylesheet not rebuilt: %s", error)
    bundled = [static / name for name in BUNDLED]
    if all(path.exists() for path in bundled) and _stale(
            static / BUNDLE, [*bundled, *TEMPLATES.rglob("*.pt"), *static.parent.rglob("*.py"),
                              *static.glob("*.js"), static / DSFR_SCRIPT]):
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
