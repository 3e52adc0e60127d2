"""A declarant fills the whole form with the keyboard alone, with and without JavaScript:
Enter moves forward, a refused step puts the focus on its error summary whose links lead
to the fields, and the focused element is never out of sight or under another one."""
import os
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from recueil.models import Practice

from ..functional.helpers import LINK
from .conftest import CHROMIUM_ARGS

ADDRESS = "nora.benali@association.example.org"

#: Whether the focused element is in the viewport and not covered: the element found at
#: its centre is itself, inside it, or its label (DSFR checkboxes draw their box on it).
FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return "rien n'a le focus"; }
  const r = el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = r.top + Math.min(r.height / 2, 10);
  if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) {
    return "hors de la fenêtre : " + el.outerHTML.slice(0, 120);
  }
  const hit = document.elementFromPoint(x, y);
  const labels = Array.from(el.labels || []);
  if (hit && (hit === el || el.contains(hit) || hit.contains(el)
              || labels.some(l => l === hit || l.contains(hit)))) { return ""; }
  return "caché par " + (hit ? hit.outerHTML.slice(0, 120) : "rien") + " : "
    + el.outerHTML.slice(0, 120);
}"""


@pytest.fixture(params=[True, False], ids=["javascript", "sans-javascript"])
def keyboard_page(request, chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", java_script_enabled=request.param,
                                      viewport={"width": 1280, "height": 800})
        yield context.new_page(), request.param
        context.close()
        browser.close()


def focus_seen(page) -> None:
    problem = page.evaluate(FOCUS_SEEN)
    assert problem == "", problem


def focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 250) -> int:
    """Tab until the element matching `selector` has the focus, checking at each stop that
    the focus can be seen; returns the number of Tabs."""
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        focus_seen(page)
        if focused(page, selector):
            return count
    raise AssertionError(f"{selector} jamais atteint en {limit} tabulations")


def type_in(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a group of radio buttons, then arrow down to `value`."""
    tab_to(page, f"input[name={name}]")
    for _ in range(10):
        if focused(page, f"input[name={name}][value={value}]"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator(f"input[name={name}][value={value}]").is_checked()


def check_box(page, name: str, value: str) -> None:
    tab_to(page, f"input[name={name}][value='{value}']")
    page.keyboard.press("Space")
    assert page.locator(f"input[name={name}][value='{value}']").is_checked()


def press_enter(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def screenshot(page, name: str) -> None:
    """Kept for people to look at when RECUEIL_SCREENSHOTS names a directory."""
    if os.environ.get("RECUEIL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["RECUEIL_SCREENSHOTS"], name + ".png"),
                        full_page=True)


def step_is(page, slug: str) -> None:
    assert re.search(rf"/{slug}$", page.url), page.url


def field(label: str) -> str:
    """The selector of the declaration form's field named `label`'s name attribute."""
    return f"#formulaire [name={label}]"


def test_a_declarant_fills_the_form_with_the_keyboard_alone(live_server, keyboard_page, mailbox,
                                                           engine):
    page, javascript = keyboard_page
    page.goto(live_server + "/declarer")
    type_in(page, field("courriel"), ADDRESS)
    press_enter(page)
    assert "Un lien personnel vient d'être envoyé" in page.content()

    page.goto(live_server + LINK.search(mailbox.body(mailbox.to(ADDRESS)[-1])).group(1))
    tab_to(page, "#nouvelle-pratique button")
    press_enter(page)
    step_is(page, "conditions")
    tab_to(page, field("accepte_conditions"))
    page.keyboard.press("Space")
    tab_to(page, field("accord_hierarchie"))
    page.keyboard.press("Space")
    tab_to(page, "#formulaire-suivant")
    press_enter(page)

    # step 2: Enter in a text field sends the step forward; refused, it shows its errors,
    # with the focus on their summary, never a step back
    step_is(page, "presentation")
    type_in(page, field("intitule"), "Des visites médiatisées")
    press_enter(page)
    step_is(page, "presentation")
    assert page.title().startswith("Erreur – ")
    assert focused(page, "#formulaire-erreurs"), "le résumé des erreurs n'a pas le focus"
    focus_seen(page)
    page.keyboard.press("Tab")
    assert focused(page, "#formulaire-erreurs a")
    assert page.evaluate("document.activeElement.textContent").startswith(
        "« Date de mise en œuvre » est obligatoire")
    page.keyboard.press("Enter")  # the link leads into the field
    assert focused(page, field("date_mise_en_oeuvre"))
    focus_seen(page)
    page.keyboard.type("15/09/2021")
    type_in(page, field("nom_entite"), "Sauvegarde de l'enfance")
    type_in(page, field("description"), "Un lieu neutre pour les visites entre parents et enfants.")
    choose_radio(page, "echelle", "departementale")
    check_box(page, "valeur", "accueil-jour")
    check_box(page, "valeur", "liens-parents-enfants")
    check_box(page, "valeur", "enfants")
    choose_radio(page, "relais", "association")
    tab_to(page, field("relais_autre"))
    press_enter(page)

    # step 3: the départements by région; with the script, a filter finds « 94 » at once
    step_is(page, "localisation")
    if javascript:
        tabs = tab_to(page, "input[type=search][id$=-filtre]")
        page.keyboard.type("94")
        assert page.locator("[data-filtre-choix]:visible").count() == 1
        page.keyboard.press("Enter")  # filters, does not send the form
        step_is(page, "localisation")
        page.keyboard.press("Tab")
        assert focused(page, "input[value='94']")
        page.keyboard.press("Space")
        assert tabs < 40
        screenshot(page, "localisation-filtre")
    else:
        assert page.locator("[data-filtre]").is_hidden()
        check_box(page, "valeur", "94")
    assert page.locator("fieldset fieldset legend", has_text="Île-de-France").count() == 1
    tab_to(page, "#formulaire-suivant")
    press_enter(page)

    # step 4: an amount as people write it; Enter in it goes on to step 5
    step_is(page, "resultats")
    type_in(page, field("objectifs"), "Maintenir le lien parent-enfant.")
    type_in(page, field("moyens"), "Deux éducateurs à mi-temps.")
    type_in(page, field("bilan"), "120 visites par an.")
    type_in(page, field("budget_annuel"), "62\u00a0000 €")
    press_enter(page)

    # step 5: a refused e-mail takes the focus to the summary, then to the field
    step_is(page, "contact")
    type_in(page, field("contact_courriel"), "nora.benali@association")
    type_in(page, field("accord_nom"), "Paul Durand")
    type_in(page, field("accord_fonction"), "Directeur enfance famille")
    type_in(page, field("accord_courriel"), "paul.durand@departement.example.fr")
    press_enter(page)
    step_is(page, "contact")
    screenshot(page, "contact-erreurs-" + ("js" if javascript else "sans-js"))
    assert focused(page, "#formulaire-erreurs")
    focus_seen(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, field("contact_courriel"))
    page.keyboard.press("End")
    page.keyboard.type(".org")
    press_enter(page)

    step_is(page, "recapitulatif")
    assert "62\u202f000 €" in page.content()
    tab_to(page, "#envoi button[name=envoyer]")
    press_enter(page)
    assert page.url.endswith("/envoyee")
    with Session(engine) as session:
        practice = session.scalars(sa.select(Practice)).one()
        assert (practice.status, practice.budget_annuel, practice.departements) == (
            "soumise", 62000, ["94"])


def test_a_summary_link_to_a_group_of_choices_leads_into_it(live_server, page, mailbox):
    page.goto(live_server + "/declarer")
    page.locator(field("courriel")).fill(ADDRESS)
    page.get_by_role("button", name="Recevoir mon lien").click()
    page.get_by_text("Un lien personnel vient d'être envoyé").wait_for()
    page.goto(live_server + LINK.search(mailbox.body(mailbox.to(ADDRESS)[-1])).group(1))
    page.get_by_role("button", name="Déclarer une nouvelle pratique").click()
    page.locator("label", has_text="J'ai lu et j'accepte les conditions ci-dessus").click()
    page.locator("label", has_text="avec l'accord de ma hiérarchie").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.locator("#formulaire-erreurs").wait_for()
    assert focused(page, "#formulaire-erreurs")
    page.locator("#formulaire-erreurs a", has_text="« Échelle de l'action »").click()
    # the script leads from the fieldset to its first choice
    assert focused(page, "input[name=echelle][value=nationale]")
    focus_seen(page)
