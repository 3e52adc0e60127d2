"""A process ready before its first visitor: templates compiled, mappers configured, the
database and the search backend asked once.

Without it the first page of each kind in a fresh process took up to two seconds (Chameleon
compiles a template into Python on its first use, Deform's widget templates likewise,
SQLAlchemy configures its mappers on its first query). A compiled template is kept on disk
(`recueil.template_cache`), so a restart, and every other process, reads it instead of
compiling it again. What the process then holds is frozen for the garbage collector.
"""
import gc
import logging
import os
import time
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"

#: Public pages asked through the whole application once it is built: the connection pool,
#: the reference cache, the search backend and the SQL of the catalogue are ready after them
PAGES = ("/", "/pratiques", "/api/pratiques")


def use_template_cache(directory: str) -> None:
    """Keep Chameleon's compiled templates in `directory`, shared by every process."""
    from chameleon.loader import ModuleLoader
    from chameleon.template import BaseTemplate

    os.makedirs(directory, exist_ok=True)
    # the class attribute is where Chameleon looks: CHAMELEON_CACHE sets it at import only
    BaseTemplate.loader = ModuleLoader(directory)


def compile_templates(registry) -> int:
    """Compile (or read from the cache) every page and form template; how many."""
    import deform
    from pyramid.renderers import get_renderer
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    count = 0
    for path in sorted(TEMPLATES.rglob("*.pt")):
        relative = path.relative_to(TEMPLATES)
        if relative.parts[0] == "deform":
            continue
        renderer = get_renderer(f"recueil:templates/{relative.as_posix()}", registry=registry)
        renderer.implementation().cook_check()  # compiled on its first use otherwise
        count += 1
    renderer = deform.Form.default_renderer
    folders = (TEMPLATES / "deform", Path(str(resources.files("deform").joinpath("templates"))))
    names = {p.relative_to(folder).with_suffix("").as_posix()
             for folder in folders for p in folder.rglob("*.pt")}
    for name in sorted(names):
        renderer.load(name).cook_check()
        count += 1
    return count


def _a_practice_page(app) -> list[str]:
    """The page of the newest published practice, as the API names it (none in an empty
    catalogue): its similar practices read the index as no other page does."""
    from webob import Request

    answer = Request.blank("/api/pratiques?par_page=1&tri=publication",
                           remote_addr="127.0.0.1").get_response(app)
    if answer.status_code != 200:
        return []
    found = answer.json.get("resultats") or []
    return [f"/pratiques/{found[0]['id']}"] if found else []


def ask_pages(app) -> None:
    """Send the public pages through `app`, as a visitor would, and forget the answers."""
    from webob import Request

    try:
        practice = _a_practice_page(app)
    except Exception:  # as below: the warm-up never stops a process
        log.exception("warm-up: no practice page found")
        practice = []
    for path in (*PAGES, *practice):
        try:
            response = Request.blank(path, remote_addr="127.0.0.1").get_response(app)
        except Exception:  # a warm-up that fails must not stop a process that may well serve
            log.exception("warm-up: %s failed", path)
            continue
        if response.status_code >= 500:
            log.warning("warm-up: %s answered %s", path, response.status)


def warm_up(app, registry) -> None:
    """Compile the templates, then ask the public pages."""
    started = time.perf_counter()
    count = compile_templates(registry)
    ask_pages(app)
    # what the process keeps for its life (code, templates, reference data, the embedded
    # index) is left out of the collector's full passes: at 10,000 practices each pass went
    # through all of it, about 100 ms taken by whichever request came then
    gc.collect()
    gc.freeze()
    log.info("ready: %d templates compiled and %d pages asked in %.2f s", count, len(PAGES),
             time.perf_counter() - started)
