"""What every page template promises a browser."""
from pathlib import Path

from recueil import formatting

TEMPLATES = Path(__file__).resolve().parents[2] / "recueil" / "templates"


def test_every_page_declares_its_doctype():
    """Chameleon writes the doctype of the page's own template, not of the layout it uses:
    a page without it is drawn in quirks mode."""
    pages = [p for p in TEMPLATES.rglob("*.pt") if "use-macro=\"layout" in p.read_text()]
    assert len(pages) > 50
    missing = [str(p.relative_to(TEMPLATES)) for p in pages
               if not p.read_text().startswith("<!DOCTYPE html>")]
    assert missing == []


def test_an_excerpt_is_cut_at_a_word_on_one_line():
    assert formatting.excerpt("Un accueil\n de jour", 160) == "Un accueil de jour"
    assert formatting.excerpt("Un accueil de jour éducatif", 15) == "Un accueil de…"
    assert formatting.excerpt(None) == ""
