"""The single mapping from a practice to what is indexed and what is published."""
import dataclasses
import datetime as dt
import uuid
from typing import Protocol

from ..models.practice import MULTI_FIELDS, PUBLIC_FIELDS, PUBLIC_STATUSES, Practice, title
from .labels import CodeLabels, practice_labels
from .text import normalise, normalise_for_sort

#: Free-text fields searched in full text.
TEXT_FIELDS = (
    "intitule", "nom_entite", "description", "objectifs", "moyens", "bilan", "lieu",
    "types_intervention_autre", "thematiques_autre", "publics_autre", "relais_autre",
    # the sections of an ONPE fiche (level 2), empty for practices
    "cles_reussite", "resultats_attendus", "difficultes", "evaluation_references", "co_auteurs",
)


def is_public(practice: Practice) -> bool:
    return practice.status in PUBLIC_STATUSES


def searchable_text(practice: Practice, labels: CodeLabels | None = None) -> str:
    """The text searched for the practice; with `labels`, its reference and the labels of
    its codes too (what Solr's ``libelles`` and ``reference`` give its ``texte``)."""
    texts = [getattr(practice, name) or "" for name in TEXT_FIELDS]
    if labels is not None:
        texts.append(practice.reference or "")
        texts.extend(practice_labels(practice, labels))
    return "\n".join(texts)


#: Public fields of spec §9 that are dates (Solr stores them as midnight UTC).
DATE_FIELDS = ("date_mise_en_oeuvre", "date_publication", "date_revision")
#: Suffix of the stored-only Solr field that keeps a public text exactly as written, when
#: the indexed field holds its Unicode normal form C instead (schema.xml: ``*_exact``).
EXACT = "_exact"
#: The stored Solr fields a public record is built from (`url` is the application's), and
#: the document's version, which Solr changes at each indexing (records built once are kept
#: while it stays the same: services/catalogue.py).
RECORD_FIELDS = (
    *(name for name in PUBLIC_FIELDS if name != "url"),
    *(name + EXACT for name in TEXT_FIELDS if name in PUBLIC_FIELDS),
    "_version_",
)


#: The multi-valued codes indexed: the public ones of §9, and the motifs of a coup de cœur,
#: a filter of the catalogue that the open data does not carry.
INDEXED_CODES = (*MULTI_FIELDS, "motifs_coup_de_coeur")


def _solr_date(value: dt.date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00Z" if value else None


def solr_document(practice: Practice, url: str, labels: CodeLabels | None = None) -> dict:
    """The Solr document of a published practice (schema.xml has the same names); with
    `labels`, the labels of its codes, searched as its text (``libelles``)."""
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
        "nombre_essaimages": practice.nombre_essaimages or 0,
        "essaimee": bool(practice.nombre_essaimages),
        "date_publication": _solr_date(practice.date_publication),
        "date_revision": _solr_date(practice.date_revision),
        "source": practice.source,
        "url": url,
    }
    for name in TEXT_FIELDS:
        value = getattr(practice, name)
        # NFC, as the embedded backend reads it: a decomposed accent must not change a term
        doc[name] = normalise(value) if value else value
        if value and doc[name] != value and name in PUBLIC_FIELDS:
            doc[name + EXACT] = value  # what record_from_document gives back
    for name in INDEXED_CODES:
        doc[name] = list(getattr(practice, name))
    if labels is not None:
        doc["libelles"] = [normalise(label) for label in practice_labels(practice, labels)]
    return {k: v for k, v in doc.items() if v is not None and v != []}


class Labels(Protocol):
    """What gives each code its label: the reference data (services.references.References)."""

    def labels_of(self, field: str) -> dict[str, str]: ...


#: the fields published as codes with their labels: one code, or a list of codes
_CODED = ("echelle", "relais")


def _labelled(record: dict, references: Labels | None) -> dict:
    """`record` with each code given with its label (`references.labels_of`; an unknown
    code is its own label)."""
    if references is not None:
        for name in MULTI_FIELDS:
            labels = references.labels_of(name)
            record[name] = [{"code": c, "libelle": labels.get(c, c)} for c in record[name]]
        for name in _CODED:
            code = record[name]
            if code:
                record[name] = {"code": code, "libelle": references.labels_of(name).get(code, code)}
    return record


def public_record(practice: Practice, url: str, references: Labels | None = None) -> dict:
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
        record[name] = value
    return _labelled(record, references)


#: the stored-only copies of public texts written with decomposed accents
_EXACT_FIELDS = tuple((name, name + EXACT) for name in TEXT_FIELDS if name in PUBLIC_FIELDS)


def record_from_document(document: dict, url: str,
                         references: Labels | None = None) -> dict:
    """The same record as `public_record`, from the stored fields of the practice's Solr
    document (RECORD_FIELDS): what `solr_document` left out is null or empty."""
    get = document.get
    record = {name: get(name) for name in PUBLIC_FIELDS}
    for name, exact in _EXACT_FIELDS:
        if exact in document:
            record[name] = document[exact]
    for name in MULTI_FIELDS:
        if record[name] is None:
            record[name] = []
    if record["nombre_essaimages"] is None:
        record["nombre_essaimages"] = 0  # a document indexed before the field existed
    for name in DATE_FIELDS:
        if record[name]:
            record[name] = record[name][:10]
    record["url"] = url
    return _labelled(record, references)


@dataclasses.dataclass(frozen=True, slots=True)
class ResultCard:
    """A result of the catalogue page made from the stored fields of its Solr document
    (CARD_FIELDS), so that the page does not read the database: what the page shows of a
    Practice, under the same names."""

    id: uuid.UUID
    intitule: str | None
    description: str | None
    nom_entite: str | None
    lieu: str | None
    niveau: int | None
    coup_de_coeur: bool
    thematiques: list[str]
    echelle: str | None
    regions: list[str]
    departements: list[str]
    date_mise_en_oeuvre: dt.date | None

    @property
    def titre(self) -> str:
        return title(self.intitule, self.niveau)

    @classmethod
    def from_document(cls, document: dict) -> "ResultCard":
        # the same reading of the stored fields as a record's (exact texts, empty lists)
        record = record_from_document(document, "")
        day = record["date_mise_en_oeuvre"]
        return cls(**{
            **{field.name: record[field.name] for field in dataclasses.fields(cls)},
            "id": uuid.UUID(record["id"]),
            "coup_de_coeur": bool(record["coup_de_coeur"]),
            "date_mise_en_oeuvre": dt.date.fromisoformat(day) if day else None,
        })


#: The stored Solr fields a result card is made from: its own, each text with its exact form
CARD_FIELDS = tuple(
    name for field in dataclasses.fields(ResultCard)
    for name in (field.name, *((field.name + EXACT,) if field.name in TEXT_FIELDS else ()))
)
