"""A visitor filters the catalogue with the keyboard alone, on a desktop and on a 320 px phone,
with and without JavaScript; the focused element is never hidden behind the sticky bar."""
import os

import pytest

from .conftest import CHROMIUM_ARGS

WIDTHS = {"bureau": (1280, 720), "telephone": (320, 640)}

#: whether the focused element can be seen: in the window, and the topmost element at its
#: centre is itself or its label (not the sticky « Filtrer / Réinitialiser » bar)
FOCUS_SEEN = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const outside = y < 0 || y > window.innerHeight || x < 0 || x > window.innerWidth;
  if (outside) return 'hors de la fenêtre';
  const top = document.elementFromPoint(x, y);
  const group = el.closest('.fr-checkbox-group, .fr-input-group') || el;
  if (top && (group.contains(top) || top.contains(el))) return '';
  return 'caché par ' + (top ? top.outerHTML.slice(0, 80) : 'rien');
}"""


@pytest.fixture
def catalogue(publish):
    for number in range(3):
        publish(intitule=f"Une équipe mobile {number}", thematiques=["sante-mentale"],
                echelle="departementale", departements=["75"], regions=["11"])
    publish(intitule="Un soutien scolaire", thematiques=["education"])


@pytest.fixture
def open_page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        contexts = []

        def open_page(width: str, javascript: bool):
            w, h = WIDTHS[width]
            context = browser.new_context(locale="fr-FR", viewport={"width": w, "height": h},
                                          java_script_enabled=javascript)
            contexts.append(context)
            return context.new_page()

        yield open_page
        for context in contexts:
            context.close()
        browser.close()


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id || ''")


def _tab_to(page, element_id: str, limit: int = 300) -> None:
    """Press Tab until `element_id` has the focus, checking each focused element is seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused_id(page)
        if focused.startswith("f-") or focused in ("annee-min", "annee-max"):
            problem = page.evaluate(FOCUS_SEEN)
            assert not problem, f"{focused} : {problem}"
        if focused == element_id:
            return
    raise AssertionError(f"{element_id} jamais atteint au clavier")


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-js", "sans-js"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_visitor_filters_the_catalogue_with_the_keyboard(
        live_server, catalogue, open_page, width, javascript):
    page = open_page(width, javascript)
    page.goto(live_server + "/pratiques")
    results = page.locator("#resultats-nombre")
    summary = page.locator("#filtres-repli-bouton")
    if width == "telephone":
        # the filters are folded: the results come first
        assert summary.is_visible()
        assert summary.inner_text().strip() == "Filtrer les résultats"
        assert not page.locator("#f-thematiques-sante-mentale").is_visible()
        folded = summary.bounding_box()
        assert results.bounding_box()["y"] - (folded["y"] + folded["height"]) < 100
        _tab_to(page, "filtres-repli-bouton")
        page.keyboard.press("Enter")
    else:
        assert not summary.is_visible()
    assert page.locator("#f-thematiques-sante-mentale").is_visible()

    _tab_to(page, "f-thematiques-sante-mentale")
    page.keyboard.press("Space")
    if javascript:
        # the box applies at once, and the focus comes back to it
        page.wait_for_url("**thematiques=sante-mentale**")
        page.wait_for_function("() => document.activeElement.id === 'f-thematiques-sante-mentale'")
    else:
        _tab_to(page, "f-departements-75")
        page.keyboard.press("Space")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()") == "Filtrer":
                break
        page.keyboard.press("Enter")
        page.wait_for_url("**departements=75**")
    assert "thematiques=sante-mentale" in page.url
    assert results.inner_text() == "3 pratiques"
    if width == "telephone":
        count = 1 if javascript else 2
        assert summary.inner_text().strip() == f"Filtrer les résultats ({count})"
    if os.environ.get("RECUEIL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(
            os.environ["RECUEIL_SCREENSHOTS"],
            f"catalogue-{width}-{'js' if javascript else 'sans-js'}.png"), full_page=True)


def test_tabbing_through_every_filter_never_hides_the_focus(live_server, catalogue, open_page):
    page = open_page("bureau", True)
    page.goto(live_server + "/pratiques")
    boxes = page.locator("#filtres input[type=checkbox]").count()
    assert boxes > 40
    seen = 0
    for _ in range(boxes + 100):
        page.keyboard.press("Tab")
        focused = _focused_id(page)
        if focused.startswith("f-"):
            problem = page.evaluate(FOCUS_SEEN)
            assert not problem, f"{focused} : {problem}"
            seen += 1
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Filtrer":
            break
    assert seen == boxes
