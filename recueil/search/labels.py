"""The labels of the codes a practice carries, searched as its text (spec §7: a theme, a
public, a place)."""
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Departement, Region, VocabularyTerm

#: the coded fields whose labels are searched: the vocabularies and the territories
LABELLED_FIELDS = ("thematiques", "publics", "types_intervention", "regions", "departements")
#: field -> {code: label}
CodeLabels = Mapping[str, Mapping[str, str]]


def code_labels(session: Session) -> dict[str, dict[str, str]]:
    """The label of every code of LABELLED_FIELDS, read from the reference tables (a few
    hundred rows: read once per batch of practices indexed)."""
    # the session's connection: plain rows, past the ORM's hooks on the reference tables
    connection = session.connection()
    labels: dict[str, dict[str, str]] = {name: {} for name in LABELLED_FIELDS}
    terms = VocabularyTerm.__table__.c
    for vocabulary, code, label in connection.execute(
        select(terms.vocabulary, terms.code, terms.label)
        .where(terms.vocabulary.in_(LABELLED_FIELDS))
    ):
        labels[vocabulary][code] = label
    for name, table in (("regions", Region.__table__), ("departements", Departement.__table__)):
        labels[name] = {code: nom for code, nom in connection.execute(
            select(table.c.code, table.c.nom))}
    return labels


def practice_labels(practice: object, labels: CodeLabels) -> list[str]:
    """The labels of the practice's codes, in field order (an unknown code has none)."""
    found = []
    for field in LABELLED_FIELDS:
        known = labels.get(field, {})
        found.extend(known[code] for code in getattr(practice, field) or () if code in known)
    return found
