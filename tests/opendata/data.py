"""Practices the open-data tests share."""
import datetime as dt

from tests.factories import make_practice

#: Free text a spreadsheet would run, and text a CSV must quote: the export promises what
#: each becomes (neutralised in the CSV, raw in the JSON).
TRICKY = {
    "intitule": "=SUM(A1)",
    "nom_entite": "+33 1 23 45 67 89",
    "description": 'Une « citation » avec des "guillemets", une virgule,\nun retour à la ligne\r\n'
                   "et des accents : éàçœ — et un émoji 🧒👩‍👧.",
    "lieu": "\tTabulé",
    "objectifs": "-x",
    "moyens": "@cmd|/c calc",
    "bilan": "\rRetour chariot au début",
    "types_intervention_autre": "Texte ordinaire ; pas de formule = ici",
    "source": "=HYPERLINK(\"http://exemple.invalid\")",
}
#: What the CSV holds for those that start like a formula (the others are unchanged).
NEUTRALISED = {
    "intitule": "'=SUM(A1)",
    "nom_entite": "'+33 1 23 45 67 89",
    "lieu": "'\tTabulé",
    "objectifs": "'-x",
    "moyens": "'@cmd|/c calc",
    "bilan": "'\rRetour chariot au début",
    "source": "'=HYPERLINK(\"http://exemple.invalid\")",
}

#: Personal data that must never leave the base.
PERSONAL = {
    "contact_nom": "Jeanne Confidentielle",
    "contact_fonction": "Directrice secrète",
    "contact_courriel": "jeanne.confidentielle@prive.example",
    "contact_telephone": "06 11 22 33 44",
    "accord_nom": "Paul Discret",
    "accord_fonction": "Vice-président caché",
    "accord_courriel": "paul.discret@prive.example",
    "declarant_courriel": "declarant.secret@prive.example",
}


def tricky_practice(db, **fields):
    values = {**TRICKY, **PERSONAL, "echelle": "departementale", "departements": ["2A", "974"],
              "regions": ["94", "04"], "thematiques": ["sante-mentale", "education"],
              "types_intervention": ["aemo", "autre"], "publics": ["adolescents", "mna"],
              "budget_annuel": 45000, "nombre_beneficiaires": 0, "coup_de_coeur": True,
              "date_mise_en_oeuvre": dt.date(2019, 9, 1)}
    values.update(fields)
    return make_practice(db, **values)


#: Statuses that are never public, with or without a past publication.
NOT_PUBLIC = ("brouillon", "soumise", "en_moderation", "complement_demande", "irrecevable",
              "doublon", "recevable", "inscrite", "selectionnee", "non_retenue", "ajournee",
              "depubliee", "retiree")


def mixed_catalogue(db):
    """Published practices and one in every other status; returns the published ones."""
    published = [tricky_practice(db), make_practice(db, regions=[], departements=[],
                                                    types_intervention=["diagnostic"])]
    for status in NOT_PUBLIC:
        was_public = status in ("depubliee", "retiree")
        extra = {"date_publication": dt.date(2024, 5, 1)} if was_public else {}
        make_practice(db, status=status, intitule=f"Jamais publiée ({status})", **extra)
    db.commit()
    return published
