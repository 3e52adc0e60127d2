"""Practices for tests, valid by default, any field overridable."""
import datetime as dt
import itertools

from recueil.models import Practice, Transition

_numbers = itertools.count(1)


def make_practice(dbsession, status="publiee", **fields) -> Practice:
    """A complete practice in `status` (published by default), flushed."""
    number = next(_numbers)
    values = {
        "intitule": f"Pratique numéro {number}",
        "nom_entite": "Association d'essai",
        "description": "Une description de la pratique.",
        "date_mise_en_oeuvre": dt.date(2020, 1, 15),
        "echelle": "nationale",
        "types_intervention": ["diagnostic"],
        "thematiques": ["education"],
        "publics": ["enfants"],
        "relais": "association",
        "regions": [],
        "departements": [],
        "objectifs": "Des objectifs.",
        "moyens": "Des moyens.",
        "bilan": "Un bilan.",
        "contact_courriel": "contact@example.org",
        "accord_courriel": "accord@example.org",
        "declarant_courriel": "declarant@example.org",
        "accord_nom": "Paul Durand",
        "accord_fonction": "Directeur enfance famille",
        "accepte_conditions": True,
        "accord_hierarchie": True,
        "etapes_validees": ["conditions", "presentation", "localisation", "resultats", "contact"],
        "saisie_en_cours": {},
        "niveau": 1,
        "coup_de_coeur": False,
    }
    if status == "publiee":
        values["date_publication"] = dt.date(2024, 1, 1) + dt.timedelta(days=number)
    values.update(fields)
    multi = {k: values.pop(k) for k in ("types_intervention", "thematiques", "publics",
                                         "regions", "departements", "motifs_coup_de_coeur")
             if k in values}
    practice = Practice(status=status, reference=f"PI-2024-{number:04d}", **values)
    for name, codes in multi.items():
        setattr(practice, name, codes)
    practice.transitions.append(Transition(
        from_status=None, to_status=status, actor="tests", created_at=dt.datetime(2024, 1, 1)
    ))
    dbsession.add(practice)
    dbsession.flush()
    return practice
