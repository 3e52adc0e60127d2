"""What a moderator checks on a practice (spec §3): what the form would refuse, how long it
has run, the practices like it, and what its declarant changed after a request."""
import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import cache

import colander
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import formatting
from ...forms.practice import COMPLETED_LATER, STEPS, carried_codes
from ...models import MULTI_FIELDS, PERSONAL_FIELDS, Practice, Transition
from ...search.service import SearchService
from .. import workflow
from ..references import References
from ..seniority import Seniority, seniority  # noqa: F401 - the moderation package gives them

#: what a moderator reads for a box of « Informations préalables » left unticked
CONDITIONS_REFUSED = {
    "accepte_conditions": "Le déclarant n'a pas accepté les conditions préalables.",
    "accord_hierarchie": "Le déclarant n'a pas indiqué déclarer la pratique avec l'accord de "
                         "sa hiérarchie.",
}


def completeness(practice: Practice, references: References, today: dt.date,
                 translate: Callable | None = None) -> list[tuple[str, list[str]]]:
    """What the declaration form would refuse in the stored values: (step title, messages).

    The stored values go through the form's own schemas, so a rule is never written twice;
    attachments are not required and a complete practice gives an empty list.
    """
    problems = []
    for slug, title, schema_class in STEPS:
        if schema_class is None:
            continue
        if slug == "conditions" and practice.source:
            continue  # imported: the partner collected the practice, nobody ticked the box
        schema = schema_class().bind(
            references=references, today=today, echelle=practice.echelle,
            carried=carried_codes(practice),
            csrf_token="",  # nosec B106 # no request: no token to check
            attachments_kept=len(practice.attachments),
        )
        appstruct = {}
        for node in schema.children:
            value = getattr(practice, node.name, None)
            if node.name not in ("csrf_token", "pieces_jointes") and value not in (None, "", []):
                appstruct[node.name] = value
        try:
            schema.deserialize(schema.serialize(appstruct))
        except colander.Invalid as error:
            if slug == "conditions":
                refused = error.asdict()
                messages = [message for name, message in CONDITIONS_REFUSED.items()
                            if name in refused]
            else:
                messages = [m for m in error.asdict(translate=translate).values() if m]
            problems.append((title, messages))
    return problems


#: titles that the form's layout makes clear, and a list out of it would not
_OUT_OF_THE_FORM = {"contact_fonction": "Fonction de la personne à contacter",
                    "contact_telephone": "Téléphone de la personne à contacter"}


def missing_fields(practice: Practice, personal: bool = True) -> list[str]:
    """The titles of the fields FEP's form does not ask that the practice leaves empty
    (« Non renseigné »); without `personal`, those of the contact person are left out, as
    for the committee, who never sees them."""
    titles = {**field_titles(), **_OUT_OF_THE_FORM}
    return [titles[name] for name in COMPLETED_LATER
            if (personal or name not in PERSONAL_FIELDS)
            and getattr(practice, name, None) in (None, "")]


def similar_practices(dbsession: Session, search: SearchService, practice: Practice,
                      limit: int = 5) -> list[Practice]:
    """The published practices most like this one, most similar first (to spot duplicates)."""
    ids = [i for i in search.similar_to(practice, limit) if i != practice.id]
    if not ids:
        return []
    found = {p.id: p for p in dbsession.scalars(select(Practice).where(Practice.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def complement_request(practice: Practice) -> Transition | None:
    """The last request for complements, if any."""
    asked = [t for t in practice.transitions if t.to_status == "complement_demande"]
    return asked[-1] if asked else None


def complement_message(practice: Practice) -> str | None:
    """What the declarant is asked to complete: the moderator's message, or the committee's.

    After an adjournment the committee's request is the comment of the « ajournée » step,
    and the step that reopens the declaration may carry none of its own.
    """
    asked = complement_request(practice)
    if asked is None:
        return None
    if asked.comment:
        return asked.comment
    earlier = practice.transitions[:practice.transitions.index(asked)]
    postponed = [t for t in earlier if t.to_status == "ajournee" and t.comment]
    return postponed[-1].comment if postponed else None


@cache
def field_titles() -> dict[str, str]:
    """Each declared field's title, as the form shows it."""
    titles = {}
    for _, _, schema_class in STEPS:
        if schema_class is not None:
            titles.update({node.name: node.title for node in schema_class().children})
    return titles


def display(field: str, value: object, references: References) -> str:
    """A stored or snapshotted value, as a moderator reads it."""
    if value in (None, "", []):
        return "—"
    if field in MULTI_FIELDS or field in ("echelle", "relais"):
        codes = [value] if isinstance(value, str) else value
        return ", ".join(references.label(field, code) for code in codes)
    if field == "date_mise_en_oeuvre":
        return formatting.date(dt.date.fromisoformat(str(value)))
    if field == "pieces_jointes":
        return ", ".join(value)
    if field == "budget_annuel":
        return f"{value:,} €".replace(",", "\u202f")
    return str(value)


@dataclasses.dataclass(frozen=True)
class Change:
    field: str
    title: str
    before: str
    after: str


def changes(practice: Practice, references: References) -> tuple[Transition | None, list[Change]]:
    """The last request for complements and what the declarant changed since."""
    request = complement_request(practice)
    if request is None or not request.snapshot:
        return request, []
    titles = field_titles()
    return request, [
        Change(field, titles.get(field, field), display(field, before, references),
               display(field, after, references))
        for field, before, after in workflow.changes_since(practice, request)
    ]
