"""« Précédent » keeps what was typed on an invalid step, within the step's own limits."""
import json

import sqlalchemy as sa

from recueil.forms.practice import STEPS
from recueil.models import Practice

from .helpers import MULTI, csrf, fill_until, seq, sign_in_declarant, start_draft

SCHEMAS = {slug: schema for slug, _, schema in STEPS if schema is not None}
HUGE = 200_000  # characters per posted value: far beyond any field's limit


def junk_post(page, slug: str) -> list:
    """Every field of the step oversized, codes that do not exist, fields that do not exist."""
    items = [("csrf_token", csrf(page))]
    for node in SCHEMAS[slug]().children:
        if node.name in ("csrf_token", "pieces_jointes"):
            continue
        if node.name in MULTI:
            items += seq(node.name, ["education", *(f"code-{i}-" + "c" * 100 for i in range(300))])
        else:
            items.append((node.name, "x" * HUGE))
    items += [(f"champ_inconnu_{i}", "z" * 1000) for i in range(200)]
    return items + [("precedent", "precedent")]


def kept(engine) -> dict:
    with engine.connect() as connection:
        return connection.scalar(sa.select(Practice.saisie_en_cours))


def test_previous_keeps_a_bounded_draft_of_an_oversized_step(testapp, mailbox, engine):
    page = fill_until(testapp, start_draft(testapp, sign_in_declarant(testapp, mailbox)),
                      "presentation")
    back = testapp.post(page.request.path, junk_post(page, "presentation"), status=302)
    assert back.location.endswith("/etape/conditions")
    draft = kept(engine)["presentation"]
    assert draft["intitule"] == "x" * 200  # its 100 characters and 100 more
    assert draft["description"] == "x" * 1100
    assert draft["thematiques"] == ["education"]  # unknown codes dropped
    assert draft["echelle"] == ""  # not one of the scales
    assert not any(name.startswith("champ_inconnu") for name in draft)
    # shown again as kept, and still refused for its length
    again = testapp.get(page.request.path)
    assert again.html.find("input", {"name": "intitule"})["value"] == "x" * 200
    refused = again.forms["formulaire"].submit("suivant")
    assert "« Intitulé de la pratique » : 100 caractères au maximum" in refused


def test_the_whole_draft_stays_small_whatever_is_posted(testapp, mailbox, engine):
    page = fill_until(testapp, start_draft(testapp, sign_in_declarant(testapp, mailbox)),
                      "contact")
    path = page.request.path
    for slug in ("presentation", "localisation", "resultats", "contact"):
        step = testapp.get(path.replace("/contact", f"/{slug}"))
        testapp.post(step.request.path, junk_post(step, slug), status=302)
    draft = kept(engine)
    assert set(draft) == {"presentation", "localisation", "resultats", "contact"}
    # about ten megabytes posted; what is stored is bounded by the steps' own limits
    assert len(json.dumps(draft)) < 20_000
