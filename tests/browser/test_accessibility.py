"""axe-core, in Debian's Chromium, on every page of every persona, at 1280 and 320 px wide.

The pages are those of the access matrix (every GET route, for every persona it answers),
so a new page is checked as soon as the matrix knows it; every declaration step is checked
empty, with its errors and filled; the other forms with their errors. No violation of any
impact is accepted. What axe cannot decide alone ("needs review") is answered below, rule
by rule: an item of a rule not answered there fails the walk, so that someone looks at it.
"""
import json
import os
import pathlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from webtest.http import StopableWSGIServer

from ..functional.test_access_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    OK,
    OWNER,
    PASSWORD,
    PERSONAS,
    STAFF,
    _link_path,
    world,
)
from .conftest import CHROMIUM_ARGS

ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDE, NARROW = 1280, 320

#: The "needs review" items of axe, looked at on these pages, and why they are not faults.
#: a background image or gradient, or a pseudo-element (the bar of a field in error)
UNDETERMINED_BACKGROUND = "background color could not be determined due to a"

#: The "needs review" items of axe, looked at on these pages, and why they are not faults
#: (rule, words of axe's reason) -> the answer. Items of any other kind fail the walk.
REVIEWED = {
    ("color-contrast", UNDETERMINED_BACKGROUND): (
        "the DSFR draws the underline of links and the marker of the current page with a "
        "gradient (background-image), and the bar beside a field in error or the frame of a "
        "tile with a pseudo-element, over a plain background: the contrast of the text with "
        "that plain background is measured by PLAIN_CONTRAST instead"),
    ("color-contrast", "overlapped by another element"): (
        "on wide screens the catalogue's « Filtrer / Réinitialiser » bar stays at the bottom of "
        "the window: a filter scrolled beneath it is hidden for that moment, not drawn with too "
        "little contrast (a focused one is scrolled above it: test_keyboard_catalogue). Only "
        "that bar may be what covers it (UNDER_THE_FILTER_BAR), and the contrast of the "
        "label with its plain background is measured as well. On the map, a département's "
        "number or name may be crossed by a neighbour's outline: the table below the map, "
        "which axe checks, gives the same numbers"),
}

#: Whether what covers the centre of an element is the catalogue's sticky bar of filters
UNDER_THE_FILTER_BAR = """(selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    const above = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return Boolean(above && above.closest('.filtres__actions'));
}"""

#: WCAG 2.2 contrast of a text with the first plain background behind it (1.4.3)
PLAIN_CONTRAST = """(selector) => {
    const element = document.querySelector(selector);
    const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92
                                                   : Math.pow((c + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    let background = [255, 255, 255];
    for (let node = element; node; node = node.parentElement) {
        const [r, g, b, a] = rgb(getComputedStyle(node).backgroundColor);
        if (a === undefined || a === 1) { background = [r, g, b]; break; }
    }
    const style = getComputedStyle(element);
    const [l1, l2] = [luminance(rgb(style.color)), luminance(background)].sort((x, y) => y - x);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    return {ratio: (l1 + 0.05) / (l2 + 0.05),
            large: size >= 24 || (bold && size >= 18.66)};
}"""

SCREENSHOTS = os.environ.get("RECUEIL_SCREENSHOTS")


@pytest.fixture(scope="module")
def server(wsgi_app, world):  # noqa: F811 (the fixture imported above)
    running = StopableWSGIServer.create(wsgi_app, host="127.0.0.1")
    url = running.application_url.rstrip("/")
    settings = wsgi_app.registry.settings
    public, settings["recueil.public_url"] = settings["recueil.public_url"], url
    yield url
    settings["recueil.public_url"] = public
    running.shutdown()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def signed_in(browser, server, wsgi_app, persona):
    # axe is injected as an inline script: the policy of the pages would refuse it
    context = browser.new_context(locale="fr-FR", bypass_csp=True,
                                  viewport={"width": WIDE, "height": 900})
    page = context.new_page()
    if persona in STAFF:
        page.goto(server + "/connexion")
        page.get_by_label("Adresse électronique").fill(f"{persona}@fep.example.fr")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion" not in url)
    elif persona in ("declarant", "autre_declarant"):
        address = OWNER if persona == "declarant" else "autre@association.example.org"
        page.goto(server + _link_path(wsgi_app, address))
    return context, page


def audit(page, where: str) -> None:
    """No violation; every "needs review" item of an answered rule."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    violations = [
        f"{v['id']} ({v['impact']}) : {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
    ]
    assert not violations, f"{where} :\n" + "\n".join(violations)
    unanswered = []
    for item in results["incomplete"]:
        for node in item["nodes"]:
            target = " ".join(node["target"])
            reasons = [check["message"] for check in node["any"] + node["all"] + node["none"]]
            answered = [key for key in REVIEWED
                        if key[0] == item["id"] and any(key[1] in r for r in reasons)]
            if not answered:
                unanswered.append((item["id"], target, reasons))
            elif item["id"] == "color-contrast":
                if any("overlapped" in r for r in reasons) and not target.startswith(
                        (".carte__code", ".carte__nom")):
                    assert page.evaluate(UNDER_THE_FILTER_BAR, target), f"{where} : {target}"
                measured = page.evaluate(PLAIN_CONTRAST, target)
                needed = 3 if measured["large"] else 4.5
                assert measured["ratio"] >= needed, f"{where} : contraste de {target} {measured}"
    assert not unanswered, f"{where}, à examiner : {json.dumps(unanswered, ensure_ascii=False)}"


def shoot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def pages_of(persona: str) -> list[tuple[str, str]]:
    """The (route, path) of every page that answers `persona` with 200."""
    return [(route, template) for route, (method, template, expected) in MATRIX.items()
            if method == "GET" and template != "{link}" and expected[persona] == OK]


def first_persona(route: str) -> str:
    _, _, expected = MATRIX[route]
    return next(p for p in PERSONAS if expected[p] == OK)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_every_persona_has_no_violation(persona, browser, server, world,  # noqa: F811
                                                      wsgi_app):
    context, page = signed_in(browser, server, wsgi_app, persona)
    checked = 0
    try:
        for route, template in pages_of(persona):
            path = template.format(**world["ids"])
            try:
                response = page.goto(server + path)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # a file the browser saves: a CSV, a PDF
                raise
            if "html" not in response.headers.get("content-type", ""):
                continue  # a file shown as it is: a JSON document, an attachment
            page.set_viewport_size({"width": WIDE, "height": 900})
            audit(page, f"{persona} {path} ({WIDE} px)")
            checked += 1
            if first_persona(route) == persona:
                page.set_viewport_size({"width": NARROW, "height": 800})
                audit(page, f"{persona} {path} ({NARROW} px)")
                shoot(page, f"{route}-{NARROW}")
                page.set_viewport_size({"width": WIDE, "height": 900})
                shoot(page, f"{route}-{WIDE}")
    finally:
        context.close()
    assert checked, "aucune page vérifiée"


def test_every_declaration_step_empty_with_errors_and_filled(browser, server, world,  # noqa: F811
                                                             wsgi_app):
    from recueil.forms.practice import STEP_SLUGS

    context, page = signed_in(browser, server, wsgi_app, "declarant")
    try:
        # a new declaration: its first step, empty, then refused
        page.goto(server + "/mon-espace")
        page.get_by_role("button", name="Déclarer une nouvelle pratique").click()
        page.get_by_role("button", name="Enregistrer et continuer").wait_for()
        for width in (WIDE, NARROW):
            page.set_viewport_size({"width": width, "height": 900})
            audit(page, f"étape 1 vide ({width} px)")
        page.get_by_role("button", name="Enregistrer et continuer").click()
        page.get_by_role("heading", name="Le formulaire contient des erreurs").wait_for()
        audit(page, "étape 1 avec ses erreurs")

        draft = world["ids"]["draft"]
        for slug in STEP_SLUGS:
            page.set_viewport_size({"width": WIDE, "height": 900})
            page.goto(f"{server}/mon-espace/pratiques/{draft}/etape/{slug}")
            for width in (WIDE, NARROW):
                page.set_viewport_size({"width": width, "height": 900})
                audit(page, f"étape {slug} remplie ({width} px)")
                shoot(page, f"etape-{slug}-{width}")
            if slug == "recapitulatif":
                continue
            # emptied by the declarant, then sent: every error of the step at once
            page.evaluate("""() => {
                const form = document.querySelector('form#formulaire');
                form.querySelectorAll('input[type=text], input[type=email], input[type=tel],'
                    + ' input[type=url], input:not([type]), textarea').forEach(f => f.value = '');
                form.querySelectorAll('input[type=checkbox], input[type=radio]')
                    .forEach(f => f.checked = false);
                form.querySelectorAll('select').forEach(s => s.selectedIndex = 0);
            }""")
            audit(page, f"étape {slug} vidée")
            with page.expect_navigation():
                page.get_by_role("button", name="Enregistrer et continuer").click()
            if not page.get_by_role("heading", name="Le formulaire contient des erreurs").count():
                # a national practice has no territory to give; step 4 asks nothing that FEP's
                # form does not
                assert slug in ("localisation", "resultats")
                continue
            for width in (WIDE, NARROW):
                page.set_viewport_size({"width": width, "height": 900})
                audit(page, f"étape {slug} avec ses erreurs ({width} px)")
    finally:
        context.close()


#: Forms sent empty (or wrong), whose page then shows its errors: (persona, path, button)
FORMS_WITH_ERRORS = [
    ("anonyme", "/declarer", "Recevoir mon lien"),
    ("anonyme", "/connexion", "Se connecter"),
    ("anonyme", "/alertes/nouvelle?thematiques=education", "Recevoir les nouvelles pratiques"),
    ("anonyme", "/pratiques/{published}", "Envoyer le message"),
    ("moderateur", "/gestion/mot-de-passe", "Changer le mot de passe"),
    ("secretariat", "/gestion/comite/seances/nouvelle", "Créer la séance"),
    ("redacteur_onpe", "/gestion/fiches/nouvelle", None),
    ("administrateur", "/gestion/admin/comptes", "Créer le compte"),
    ("administrateur", "/gestion/admin/vocabulaires/thematiques/ajouter", "Ajouter le terme"),
]


@pytest.mark.parametrize("persona, template, button", FORMS_WITH_ERRORS)
def test_forms_showing_their_errors_have_no_violation(persona, template, button, browser,
                                                      server, world, wsgi_app):  # noqa: F811
    context, page = signed_in(browser, server, wsgi_app, persona)
    try:
        page.goto(server + template.format(**world["ids"]))
        form = page.locator("form[method=post]:has(.fr-input, .fr-select)").last
        submit = (form.get_by_role("button", name=button) if button
                  else form.locator("button[type=submit]").last)
        submit.click()
        page.locator(".fr-alert--error, .fr-error-text, .fr-message--error").first.wait_for()
        for width in (WIDE, NARROW):
            page.set_viewport_size({"width": width, "height": 900})
            audit(page, f"{persona} {template} avec ses erreurs ({width} px)")
    finally:
        context.close()
