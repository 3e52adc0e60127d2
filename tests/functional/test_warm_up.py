"""A process compiles its templates before its first visitor, and keeps them for the next."""
from pathlib import Path

import pytest
from chameleon.template import BaseTemplate
from pyramid.renderers import get_renderer

from recueil import main, warmup


@pytest.fixture
def template_cache(tmp_path):
    loader = BaseTemplate.loader
    yield tmp_path / "gabarits"
    BaseTemplate.loader = loader  # the rest of the session compiles in memory again


def page_templates() -> list[str]:
    return [f"recueil:templates/{p.relative_to(warmup.TEMPLATES).as_posix()}"
            for p in warmup.TEMPLATES.rglob("*.pt") if p.parent.name != "deform"]


def test_every_template_is_compiled_before_the_first_request(app_settings, template_cache):
    app = main({}, **{**app_settings, "recueil.warm_up": "true",
                      "recueil.template_cache": str(template_cache)})
    templates = page_templates()
    assert len(templates) > 50
    for spec in templates:
        assert get_renderer(spec, registry=app.registry).implementation()._cooked, spec
    compiled = {p.name for p in Path(template_cache).glob("*.py")}
    assert any(name.startswith("practice") for name in compiled)  # a practice's public page
    assert any(name.startswith("layout") for name in compiled)
    assert any(name.startswith("queue") for name in compiled)  # the moderation queue

    # the next process reads them: nothing new is written
    main({}, **{**app_settings, "recueil.warm_up": "true",
                "recueil.template_cache": str(template_cache)})
    assert {p.name for p in Path(template_cache).glob("*.py")} == compiled


def test_a_page_failing_during_the_warm_up_does_not_stop_the_process(caplog):
    def broken(environ, start_response):
        raise RuntimeError("base indisponible")

    warmup.ask_pages(broken)  # the process goes on and serves what it can
    assert [r.message for r in caplog.records] == [
        "warm-up: no practice page found", *(f"warm-up: {p} failed" for p in warmup.PAGES)]


def test_a_command_loads_the_application_without_warming_it_up(app_settings, caplog):
    """`recueil initdb` loads the application before the tables exist: asking pages then
    would only fill its output with errors, and no command serves a page."""
    from recueil.settings import COMMAND

    app = main(dict(COMMAND), **{**app_settings, "recueil.warm_up": "true"})
    assert app.registry.settings["recueil.warm_up"] is False
    assert not [r for r in caplog.records if r.name == "recueil.warmup"]
