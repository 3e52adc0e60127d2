"""Driving the declaration as a person would, through WebTest."""
import re

LINK = re.compile(r"https?://[^/\s]+(/acces/[^\s]+)")


def link_from(mailbox, address: str) -> str:
    """The path of the last personal link e-mailed to `address`."""
    messages = mailbox.to(address)
    assert messages, f"aucun courriel reçu par {address}"
    match = LINK.search(mailbox.body(messages[-1]))
    assert match, mailbox.body(messages[-1])
    return match.group(1)


def csrf(page) -> str:
    return page.html.find("input", {"name": "csrf_token"})["value"]


def sign_in_declarant(testapp, mailbox, address="claire.martin@departement.example.fr"):
    page = testapp.get("/declarer")
    form = page.forms["formulaire"]
    form["courriel"] = address
    form.submit("envoyer").follow()
    return testapp.get(link_from(mailbox, address)).follow()


def seq(name, values):
    return [("__start__", f"{name}:sequence")] + [("valeur", v) for v in values] + [
        ("__end__", f"{name}:sequence")
    ]


CONDITIONS = {"accepte_conditions": "true", "accord_hierarchie": "true"}
PRESENTATION = {
    "date_mise_en_oeuvre": "15/09/2021",
    "nom_entite": "Association Sauvegarde de l'enfance du Maine-et-Loire",
    "intitule": "Des visites médiatisées dans un lieu neutre",
    "description": "Un lieu d'accueil pour maintenir les liens entre parents et enfants placés.",
    "echelle": "departementale",
    "types_intervention": ["accueil-jour", "autre"],
    "types_intervention_autre": "Visites médiatisées",
    "thematiques": ["liens-parents-enfants"],
    "publics": ["enfants", "parents"],
    "relais": "association",
}
LOCALISATION = {"departements": ["49", "44"]}
RESULTATS = {
    "objectifs": "Maintenir le lien parent-enfant dans un cadre sécurisant.",
    "moyens": "Deux éducateurs à mi-temps, une salle aménagée, 45 000 euros par an.",
    "bilan": "120 visites par an ; 80 % des familles disent le lien renforcé.",
    "budget_annuel": "45000",
    "nombre_beneficiaires": "60",
}
CONTACT = {
    "contact_nom": "Claire Martin",
    "contact_fonction": "Cheffe de service",
    "contact_courriel": "claire.martin@departement.example.fr",
    "contact_telephone": "02 41 00 00 00",
    "accord_nom": "Paul Durand",
    "accord_fonction": "Directeur enfance famille",
    "accord_courriel": "paul.durand@departement.example.fr",
}
MULTI = {"types_intervention", "thematiques", "publics", "regions", "departements"}


def params(page, values: dict, button="suivant"):
    items = [("csrf_token", csrf(page))]
    for name, value in values.items():
        if isinstance(value, list):
            items += seq(name, value)
        else:
            items.append((name, value))
    items.append((button, button))
    return items


def post_step(testapp, page, values: dict, button="suivant", status=None):
    """Post a step's fields (files go through the page's own form, which keeps their order)."""
    return testapp.post(page.request.path, params(page, values, button), status=status)


def start_draft(testapp, space):
    return space.forms["nouvelle-pratique"].submit().follow()


def fill_until(testapp, page, until: str, **overrides):
    """Fill the steps from « conditions » up to (not including) `until`;
    returns that step's page.
    """
    steps = [
        ("conditions", CONDITIONS),
        ("presentation", PRESENTATION),
        ("localisation", LOCALISATION),
        ("resultats", RESULTATS),
        ("contact", CONTACT),
    ]
    for slug, values in steps:
        if slug == until:
            return page
        values = dict(values, **overrides.get(slug, {}))
        page = post_step(testapp, page, values).follow()
    return page
