"""The codes and labels the files use: the vocabularies and the COG, read once per export."""
import dataclasses
import functools
import hashlib
import json

from sqlalchemy.orm import Session

from recueil.models.columns import MULTI_VALUED, SINGLE_CODED
from recueil.services.references import References


@dataclasses.dataclass(frozen=True)
class Vocabularies:
    """field -> ordered (code, label) pairs, for every coded column.

    Retired vocabulary terms are kept: a published practice may still carry one, and its code
    stays valid in the files (codes never change once published, spec §6).
    """

    terms: dict[str, tuple[tuple[str, str], ...]]

    @classmethod
    def from_references(cls, references: References) -> "Vocabularies":
        terms = {}
        for field in (*SINGLE_CODED, *MULTI_VALUED):
            if field == "regions":
                pairs = sorted((r.code, r.nom) for r in references.regions)
            elif field == "departements":
                pairs = [(d.code, d.nom) for d in references.departements]
            else:
                pairs = [(t.code, t.label) for t in references.terms.get(field, [])]
            terms[field] = tuple(pairs)
        return cls(terms)

    @classmethod
    def load(cls, dbsession: Session) -> "Vocabularies":
        return cls.from_references(References(dbsession))

    def codes(self, field: str) -> list[str]:
        return [code for code, _ in self.terms[field]]

    def label(self, field: str, code: str) -> str:
        """The label of a code (the code itself if unknown), as References.label does."""
        return self._labels.get(field, {}).get(code, code)

    def labels_of(self, field: str) -> dict[str, str]:
        """code -> label of a field (read-only), as References.labels_of gives it."""
        return self._labels.get(field, {})

    @functools.cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        return {field: dict(pairs) for field, pairs in self.terms.items()}

    def digest(self) -> str:
        """A fingerprint of every code and label (the JSON and the schema depend on them)."""
        text = json.dumps(self.terms, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
