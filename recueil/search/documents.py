"""The single mapping from a practice to what is indexed and what is published."""
import datetime as dt

from ..models.practice import MULTI_FIELDS, PUBLIC_FIELDS, Practice
from .text import normalise, normalise_for_sort

#: Statuses whose practices are public, hence in the index.
PUBLIC_STATUSES = ("publiee",)
#: Free-text fields searched in full text.
TEXT_FIELDS = (
    "intitule", "nom_entite", "description", "objectifs", "moyens", "bilan", "lieu",
    "types_intervention_autre", "thematiques_autre", "publics_autre", "relais_autre",
)


def is_public(practice: Practice) -> bool:
    return practice.status in PUBLIC_STATUSES


def searchable_text(practice: Practice) -> str:
    return "\n".join(getattr(practice, name) or "" for name in TEXT_FIELDS)


def _solr_date(value: dt.date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00Z" if value else None


def solr_document(practice: Practice, url: str) -> dict:
    """The Solr document of a published practice (schema.xml has the same names)."""
    doc = {
        "id": str(practice.id),
        "reference": practice.reference,
        "niveau": practice.niveau,
        "intitule_tri": normalise_for_sort(practice.intitule or ""),
        "date_mise_en_oeuvre": _solr_date(practice.date_mise_en_oeuvre),
        "annee": practice.date_mise_en_oeuvre.year if practice.date_mise_en_oeuvre else None,
        "echelle": practice.echelle,
        "relais": practice.relais,
        "budget_annuel": practice.budget_annuel,
        "nombre_beneficiaires": practice.nombre_beneficiaires,
        "coup_de_coeur": bool(practice.coup_de_coeur),
        "date_publication": _solr_date(practice.date_publication),
        "source": practice.source,
        "url": url,
    }
    for name in TEXT_FIELDS:
        value = getattr(practice, name)
        # NFC, as the embedded backend reads it: a decomposed accent must not change a term
        doc[name] = normalise(value) if value else value
    for name in MULTI_FIELDS:
        doc[name] = list(getattr(practice, name))
    return {k: v for k, v in doc.items() if v is not None and v != []}


def public_record(practice: Practice, url: str, references=None) -> dict:
    """The public fields of spec §9, in their order; with `references`, each code's label too."""
    record = {}
    for name in PUBLIC_FIELDS:
        if name == "url":
            value = url
        elif name == "id":
            value = str(practice.id)
        else:
            value = getattr(practice, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if references is not None and name in MULTI_FIELDS:
            value = [{"code": c, "libelle": references.label(name, c)} for c in value]
        elif references is not None and name in ("echelle", "relais") and value:
            value = {"code": value, "libelle": references.label(name, value)}
        record[name] = value
    return record
