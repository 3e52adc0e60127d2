"""The static files: served compressed, under a name that changes with their content, kept a year.

Every address of a static file carries the version of the whole folder
(`/static/v-3f2a9c0e1b7d/dsfr/dsfr.main.min.css`): a browser keeps each file for a year
without asking again, and a new release, whose version differs, is fetched at once. One
version for the folder keeps the DSFR's relative addresses (its fonts and icons, named in its
stylesheets) under the same versioned prefix.

WhiteNoise serves them, before Pyramid, with the gzip and Brotli copies made here when a file
is new or changed. Of the DSFR's utility stylesheet (icons and helper classes, 455 kB), only
the rules whose classes the templates, the Python code or the scripts use are kept.
"""
import hashlib
import logging
import re
from pathlib import Path

import tinycss2
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .headers import HEADERS

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"

UTILITY_SOURCE = "dsfr/utility/utility.min.css"
UTILITY_USED = "dsfr/utility/utility.used.min.css"

#: A year, the longest lifetime that HTTP caches honour
ONE_YEAR = 365 * 24 * 3600

#: Smaller files gain less than the headers cost (the DSFR's 1,700 icons are mostly so)
MIN_COMPRESSED = 1024

_CLASS = re.compile(r"fr-[a-z0-9_-]+")
_COMPRESSED = (".gz", ".br")


def used_classes(package: Path = STATIC.parent) -> set[str]:
    """The DSFR classes named anywhere in the templates, the Python code or our scripts."""
    found = set()
    for pattern in ("**/*.pt", "**/*.py", "static/*.js"):
        for path in package.glob(pattern):
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


def purge(source: Path, target: Path, used: set[str]) -> None:
    """Write to `target` the rules of `source` that apply to the used classes."""
    rules = tinycss2.parse_stylesheet(
        source.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True)
    target.write_text("".join(_keep_rules(rules, used)), encoding="utf-8")


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
