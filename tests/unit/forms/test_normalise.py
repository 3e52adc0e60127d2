"""What a practice's values become once stored, and what an import refuses to lose (spec §2
step 3, §9): the one normaliser the forms, the save paths and the import share."""
import pytest
from sqlalchemy.orm import Session

from recueil.forms.normalise import lost, normalise
from recueil.services.references import References


@pytest.fixture(scope="module")
def regions_for(engine):
    with Session(engine) as session:
        references = References(session)
        _ = references.region_of  # read once, so it works after the session is closed
        yield references.regions_for


TERRITORY = {"regions": ["84", "11"], "departements": ["69", "29"], "lieu": "Lyon"}


@pytest.mark.parametrize("echelle, kept", [
    ("nationale", {"regions": [], "departements": [], "lieu": None}),
    ("regionale", {"regions": ["11", "84"], "departements": [], "lieu": None}),
    # the régions of a departmental or local action are those of its départements
    ("departementale", {"regions": ["53", "84"], "departements": ["69", "29"], "lieu": None}),
    ("locale", {"regions": ["53", "84"], "departements": ["69", "29"], "lieu": "Lyon"}),
])
def test_the_territory_follows_the_scale(regions_for, echelle, kept):
    stored = normalise(dict(TERRITORY, echelle=echelle), regions_for)
    assert {name: stored[name] for name in kept} == kept


def test_a_precision_stays_only_with_autre(regions_for):
    values = {"echelle": "nationale",
              "thematiques": ["education", "autre"], "thematiques_autre": "Le sport",
              "publics": ["enfants"], "publics_autre": "Les grands-parents",
              "relais": "autre", "relais_autre": "Une fondation",
              "types_intervention": ["aemo"], "types_intervention_autre": None}
    stored = normalise(values, regions_for)
    assert stored["thematiques_autre"] == "Le sport" and stored["relais_autre"] == "Une fondation"
    assert stored["publics_autre"] is None and stored["types_intervention_autre"] is None
    assert values["publics_autre"] == "Les grands-parents"  # the caller's values are untouched


@pytest.mark.parametrize("echelle, fields", [
    ("nationale", {"regions", "departements", "lieu"}),
    ("regionale", {"departements", "lieu"}),
    ("departementale", {"regions", "lieu"}),
    ("locale", {"regions"}),
    ("inconnue", set()),  # the scale's own error says what to fix
])
def test_what_would_be_dropped_is_named(regions_for, echelle, fields):
    values = dict(TERRITORY, echelle=echelle, publics=["enfants"], publics_autre="Des tantes")
    found = lost(values, regions_for)
    assert set(found) == fields | {"publics_autre"}
    assert all(message.startswith(f"« {name} » : ") for name, message in found.items())


def test_the_regions_of_the_departements_are_not_lost(regions_for):
    # the open data gives a departmental action's régions: importing them back loses nothing
    values = {"echelle": "departementale", "departements": ["69", "29"], "regions": ["53"]}
    assert lost(values, regions_for) == {}
    found = lost(dict(values, regions=["53", "11"]), regions_for)
    assert found == {"regions": "« regions » : les régions d'une action départementale sont "
                                "celles de ses départements (53, 84) ; videz la cellule ou "
                                "corrigez les départements."}
