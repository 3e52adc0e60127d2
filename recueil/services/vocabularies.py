"""The controlled vocabularies as France Enfance Protégée administers them (spec §6): the
shipped terms, and the administrators' edits — a label, a new term, the order, a term
retired or offered again — each recorded in the history.

Every write goes through the ORM, so that the reference data cache
(services/references.py) sees it: at once in this process, within seconds in the others.
"""
import dataclasses
import datetime as dt
import json
import re
import unicodedata
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..forms.vocabularies import CODE
from ..models import Practice, PracticeTerm
from ..models.practice import PUBLIC_STATUSES
from ..models.vocabulary import VOCABULARIES, VocabularyChange, VocabularyTerm
from ..search.service import reindex_code

#: who the history names for the changes `recueil initdb` brings to an existing database
SHIPPED_BY = "mise à jour de l'application"
#: vocabularies whose codes the rules of the form depend on: the territory asked follows the
#: scale (forms/normalise.py), so terms are neither added nor retired there
FIXED_CODES = ("echelle",)
#: the term that takes what the others do not cover, with its precision: always offered
CATCH_ALL = "autre"


class VocabularyError(Exception):
    """A change refused; the message says why, in French."""


@dataclasses.dataclass(frozen=True)
class Usage:
    """How many practices carry a term."""

    total: int = 0
    published: int = 0


def shipped_terms() -> dict[str, list[dict]]:
    """vocabulary -> its terms as recueil/data/vocabularies.json ships them, in order."""
    text = resources.files("recueil").joinpath("data", "vocabularies.json").read_text("utf-8")
    return json.loads(text)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _record(dbsession: Session, term: VocabularyTerm, kind: str, actor: str,
            now: dt.datetime, before: str | None = None, after: str | None = None) -> None:
    dbsession.add(VocabularyChange(created_at=now, actor=actor, vocabulary=term.vocabulary,
                                   code=term.code, kind=kind, before=before, after=after))


def terms_of(dbsession: Session, vocabulary: str) -> list[VocabularyTerm]:
    """A vocabulary's terms, retired ones included, in the order the forms offer them."""
    return list(dbsession.scalars(
        select(VocabularyTerm).where(VocabularyTerm.vocabulary == vocabulary)
        .order_by(VocabularyTerm.position, VocabularyTerm.id)))


def load_vocabularies(dbsession: Session, now: dt.datetime | None = None) -> tuple[int, int]:
    """Add the shipped terms that are missing and give the shipped label to every term no
    administrator has edited or confirmed; returns (terms added, labels changed).

    A missing term goes right after the term that precedes it in the shipped list, wherever
    administrators placed that one. On a database that already had terms, what changes is
    recorded in the history, in the application's name.
    """
    now = now or _now()
    added = relabelled = 0
    for vocabulary, shipped in shipped_terms().items():
        terms = terms_of(dbsession, vocabulary)
        first_load = not terms
        by_code = {t.code: t for t in terms}
        for index, entry in enumerate(shipped):
            to_confirm = bool(entry.get("a_confirmer"))
            term = by_code.get(entry["code"])
            if term is None:
                term = VocabularyTerm(vocabulary=vocabulary, code=entry["code"],
                                      label=entry["label"], active=True, edited=False,
                                      to_confirm=to_confirm)
                before = [by_code[e["code"]] for e in shipped[:index] if e["code"] in by_code]
                terms.insert(terms.index(before[-1]) + 1 if before else 0, term)
                by_code[term.code] = term
                dbsession.add(term)
                added += 1
                if not first_load:
                    _record(dbsession, term, "ajout", SHIPPED_BY, now, after=term.label)
            elif not term.edited and (term.label, term.to_confirm) != (entry["label"], to_confirm):
                if term.label != entry["label"]:
                    _record(dbsession, term, "libelle", SHIPPED_BY, now, term.label,
                            entry["label"])
                    reindex_code(dbsession, term.vocabulary, term.code)
                    relabelled += 1
                term.label, term.to_confirm = entry["label"], to_confirm
        _renumber(terms)
    dbsession.flush()
    return added, relabelled


def _renumber(terms: list[VocabularyTerm]) -> None:
    for position, term in enumerate(terms):
        if term.position != position:
            term.position = position


def usage(dbsession: Session) -> dict[tuple[str, str], Usage]:
    """(vocabulary, code) -> how many practices carry the term, and how many are published."""
    published = Practice.status.in_(PUBLIC_STATUSES)
    counted: dict[tuple[str, str], Usage] = {}
    rows = list(dbsession.execute(
        select(PracticeTerm.field, PracticeTerm.code, func.count(),
               func.count().filter(published))
        .join(Practice, Practice.id == PracticeTerm.practice_id)
        .where(PracticeTerm.field.in_(VOCABULARIES))
        .group_by(PracticeTerm.field, PracticeTerm.code)))
    for column in (Practice.echelle, Practice.relais):
        rows += [(column.key, *row) for row in dbsession.execute(
            select(column, func.count(), func.count().filter(published))
            .where(column.is_not(None)).group_by(column))]
    for field, code, total, in_public in rows:
        counted[(field, code)] = Usage(total, in_public)
    return counted


def get_term(dbsession: Session, vocabulary: str, code: str) -> VocabularyTerm | None:
    return dbsession.scalars(select(VocabularyTerm).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code)).one_or_none()


def history(dbsession: Session, vocabulary: str | None = None, code: str | None = None,
            limit: int = 100) -> list[VocabularyChange]:
    """The latest changes, newest first: of every vocabulary, of one, or of one term."""
    query = select(VocabularyChange)
    if vocabulary is not None:
        query = query.where(VocabularyChange.vocabulary == vocabulary)
    if code is not None:
        query = query.where(VocabularyChange.code == code)
    return list(dbsession.scalars(
        query.order_by(VocabularyChange.created_at.desc(), VocabularyChange.id.desc())
        .limit(limit)))


def _same_label(dbsession: Session, vocabulary: str, label: str,
                other_than: VocabularyTerm | None = None) -> VocabularyTerm | None:
    """The term of the vocabulary that already reads `label` (case and accents aside)."""
    wanted = _folded(label)
    for term in terms_of(dbsession, vocabulary):
        if term is not other_than and _folded(term.label) == wanted:
            return term
    return None


def edit_label(dbsession: Session, term: VocabularyTerm, label: str, seen: str | None,
               actor: str, now: dt.datetime) -> bool:
    """Give the term a new label; returns False when it is the same.

    `seen` is the label the administrator read: if someone changed it meanwhile, the edit
    is refused rather than silently replacing theirs. Two terms of a vocabulary never read
    alike: a declarant could not tell them apart.
    """
    if seen is not None and seen != term.label:
        raise VocabularyError(
            f"Le libellé a été modifié entre-temps : il est désormais « {term.label} ». "
            "Vérifiez-le puis enregistrez de nouveau si besoin.")
    if label == term.label:
        return False
    twin = _same_label(dbsession, term.vocabulary, label, other_than=term)
    if twin is not None:
        raise VocabularyError(f"Le terme « {twin.label} » ({twin.code}) porte déjà ce libellé : "
                              "choisissez un libellé qui s'en distingue.")
    _record(dbsession, term, "libelle", actor, now, term.label, label)
    # the practices are found before the flush that writes the label, which indexes them
    reindex_code(dbsession, term.vocabulary, term.code)
    term.label, term.edited, term.to_confirm = label, True, False
    dbsession.flush()
    return True


def confirm(dbsession: Session, term: VocabularyTerm, actor: str, now: dt.datetime) -> None:
    """Confirm a label read from a garbled source as France Enfance Protégée's own."""
    if not term.to_confirm:
        raise VocabularyError(f"Le libellé « {term.label} » n'était pas à confirmer.")
    _record(dbsession, term, "confirmation", actor, now, after=term.label)
    term.to_confirm, term.edited = False, True
    dbsession.flush()


def _folded(label: str) -> str:
    """The label's words, lower case and without accents."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def suggest_code(label: str) -> str:
    """A code made from a label: lower case, no accent, words joined by hyphens."""
    return _folded(label)[:CODE].strip("-")


def add_term(dbsession: Session, vocabulary: str, label: str, code: str | None, actor: str,
             now: dt.datetime) -> VocabularyTerm:
    """Add a term, offered at once, before « Autre » (which stays last)."""
    if vocabulary in FIXED_CODES:
        raise VocabularyError(f"« {VOCABULARIES[vocabulary]} » : les règles de la localisation "
                              "dépendent de ces termes ; on n'en ajoute pas.")
    code = code or suggest_code(label)
    if not code:
        raise VocabularyError("Aucun code ne se tire de ce libellé : indiquez le code, fait de "
                              "lettres minuscules sans accent, de chiffres et de tirets.")
    existing = get_term(dbsession, vocabulary, code)
    if existing is not None:
        state = "" if existing.active else ", retiré"
        raise VocabularyError(
            f"Le code « {code} » est déjà celui du terme « {existing.label} »{state} : un code "
            "ne sert qu'une fois, même après le retrait de son terme. Indiquez un autre code.")
    twin = _same_label(dbsession, vocabulary, label)
    if twin is not None:
        raise VocabularyError(f"Le terme « {twin.label} » ({twin.code}) porte déjà ce libellé : "
                              "modifiez-le, ou proposez-le de nouveau s'il est retiré.")
    terms = terms_of(dbsession, vocabulary)
    term = VocabularyTerm(vocabulary=vocabulary, code=code, label=label, active=True,
                          edited=True, to_confirm=False)
    catch_all = [i for i, t in enumerate(terms) if t.code == CATCH_ALL]
    terms.insert(catch_all[0] if catch_all else len(terms), term)
    dbsession.add(term)
    _renumber(terms)
    _record(dbsession, term, "ajout", actor, now, after=label)
    dbsession.flush()
    return term


def retire(dbsession: Session, term: VocabularyTerm, actor: str, now: dt.datetime) -> None:
    """No longer offer the term; the practices carrying it keep it, and its code is kept."""
    if term.vocabulary in FIXED_CODES or term.code == CATCH_ALL:
        raise VocabularyError(f"« {term.label} » reste proposé : les règles du formulaire "
                              "en dépendent.")
    if not term.active:
        raise VocabularyError(f"« {term.label} » est déjà retiré.")
    term.active = False
    _record(dbsession, term, "retrait", actor, now, before=term.label)
    dbsession.flush()


def restore(dbsession: Session, term: VocabularyTerm, actor: str, now: dt.datetime) -> None:
    """Offer a retired term again, with its code."""
    if term.active:
        raise VocabularyError(f"« {term.label} » est déjà proposé.")
    term.active = True
    _record(dbsession, term, "retablissement", actor, now, after=term.label)
    dbsession.flush()


def move(dbsession: Session, term: VocabularyTerm, offset: int, actor: str,
         now: dt.datetime) -> bool:
    """Move the term `offset` places (-1: up, 1: down); returns False at either end."""
    terms = terms_of(dbsession, term.vocabulary)
    index = terms.index(term)
    target = index + offset
    if not 0 <= target < len(terms):
        return False
    terms.insert(target, terms.pop(index))
    _renumber(terms)
    _record(dbsession, term, "deplacement", actor, now, before=str(index + 1),
            after=str(target + 1))
    dbsession.flush()
    return True
