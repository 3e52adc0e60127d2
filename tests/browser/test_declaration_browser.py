"""What a declarant sees in a real browser: the DSFR page and the live character counter."""
import os
import re

from ..functional.helpers import LINK

ADDRESS = "ines.roux@association.example.org"


def test_a_declarant_sees_the_counter_move_as_they_type(live_server, page, mailbox):
    page.goto(live_server + "/declarer")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Votre adresse électronique professionnelle").fill(ADDRESS)
    page.get_by_role("button", name="Recevoir mon lien").click()
    page.get_by_text("Un lien personnel vient d'être envoyé").wait_for()

    path = LINK.search(mailbox.body(mailbox.to(ADDRESS)[-1])).group(1)
    page.goto(live_server + path)
    page.get_by_role("button", name="Déclarer une nouvelle pratique").click()
    page.locator("label", has_text="J'ai lu et j'accepte les conditions ci-dessus").click()
    assert page.get_by_label("J'ai lu et j'accepte les conditions ci-dessus").is_checked()
    page.locator("label", has_text="avec l'accord de ma hiérarchie").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    counter = page.locator(
        "#"
        + page.get_by_label(re.compile("^Description de la pratique")).get_attribute("id")
        + "-compteur"
    )
    assert counter.inner_text() == "0 sur 1000 caractères max."
    page.get_by_label(re.compile("^Description de la pratique")).fill("Un accueil de jour éducatif")
    assert counter.inner_text() == "27 sur 1000 caractères max."
    page.get_by_label(re.compile("^Description de la pratique")).fill("é" * 1001)
    assert counter.inner_text() == "1001 sur 1000 caractères max."
    assert "compteur--depasse" in counter.get_attribute("class")

    # the limit also holds on the server, and what was typed is kept
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("heading", name="Le formulaire contient des erreurs").wait_for()
    assert "« Description de la pratique » : 1000 caractères au maximum" in page.content()
    assert page.get_by_label(re.compile("^Description de la pratique")).input_value() == "é" * 1001
    if os.environ.get("RECUEIL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["RECUEIL_SCREENSHOTS"], "presentation.png"),
                        full_page=True)
