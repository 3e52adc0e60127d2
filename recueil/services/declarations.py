"""The declaration of a practice (spec §2): drafts saved step by step, then submission."""
import datetime as dt
import hashlib

import colander
import deform
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import SystemClock
from ..forms.attachments import stored_name
from ..forms.normalise import TERRITORY_ASKED, fit_territory, without_orphan_precisions
from ..forms.practice import STEP_SLUGS
from ..models import Attachment, Practice, Transition
from . import workflow
from .numbering import next_reference
from .references import References
from .seniority import seniority


def new_draft(dbsession: Session, clock: SystemClock, email: str) -> Practice:
    practice = Practice(status="brouillon", declarant_courriel=email, niveau=1,
                        etapes_validees=[], saisie_en_cours={})
    practice.transitions.append(
        Transition(from_status=None, to_status="brouillon", actor=email, created_at=clock.now(),
                   comment="Brouillon créé par le déclarant")
    )
    dbsession.add(practice)
    dbsession.flush()
    return practice


def drafts_of(dbsession: Session, email: str) -> list[Practice]:
    return list(dbsession.scalars(
        select(Practice).where(Practice.declarant_courriel == email)
        .order_by(Practice.updated_at.desc(), Practice.created_at.desc())
    ))


def is_editable(practice: Practice) -> bool:
    return practice.status == "brouillon"


def step_reachable(practice: Practice, step: str) -> bool:
    """A step can be opened once every step before it was validated."""
    index = STEP_SLUGS.index(step)
    return all(slug in practice.etapes_validees for slug in STEP_SLUGS[:index])


def save_step(practice: Practice, step: str, appstruct: dict, references: References) -> None:
    """Store a validated step's values on the draft, as the normaliser keeps them."""
    values = {k: v for k, v in appstruct.items() if k not in ("csrf_token", "pieces_jointes")}
    if step == "presentation":
        values = without_orphan_precisions(values)
        if values.get("echelle") != practice.echelle and "localisation" in practice.etapes_validees:
            # the territory asked depends on the scale: it has to be given again (until then
            # the one given stays, should the declarant come back to the former scale)
            practice.etapes_validees = [s for s in practice.etapes_validees if s != "localisation"]
    if step == "localisation":
        values = fit_territory(practice.echelle, values, references.regions_for)
    if step == "contact" and not values.get("contact_courriel"):
        # the declarant is the contact person unless they name another address
        values["contact_courriel"] = practice.declarant_courriel
    for name, value in values.items():
        setattr(practice, name, value)
    for item in appstruct.get("pieces_jointes") or []:
        content = item["content"]
        practice.attachments.append(Attachment(
            filename=stored_name(item["filename"], item["media_type"]),
            media_type=item["media_type"], size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), content=content,
        ))
    if step not in practice.etapes_validees:
        practice.etapes_validees = list(practice.etapes_validees) + [step]
    if step in practice.saisie_en_cours:
        practice.saisie_en_cours = {k: v for k, v in practice.saisie_en_cours.items() if k != step}


def save_complement(practice: Practice, step: str, appstruct: dict,
                    references: References) -> bool:
    """Store one rubric of a practice sent back for complements (save_step); True when its
    scale changed to one that asks a territory, which the declarant has to give now.

    A change to a scale that asks none (national) leaves no territory to give: the rubric
    « Localisation » is saved empty at once."""
    scale = practice.echelle
    save_step(practice, step, appstruct, references)
    if practice.echelle == scale:
        return False
    if TERRITORY_ASKED.get(practice.echelle):
        return True
    save_step(practice, "localisation", {}, references)
    return False


def remove_attachment(practice: Practice, attachment_id: str) -> Attachment | None:
    """Take the document `attachment_id` off the practice; None if it has no such document."""
    attachment = next((a for a in practice.attachments if str(a.id) == attachment_id), None)
    if attachment is not None:
        practice.attachments.remove(attachment)
    return attachment


#: what is kept of a step left while invalid: each text up to its field's length limit and
#: KEPT_MARGIN more (so that the step can still say by how much it is too long), texts
#: without a limit up to KEPT_UNSIZED, and only the codes a field offers
KEPT_MARGIN = 100
KEPT_UNSIZED = 300


def keep_typed(practice: Practice, step: str, cstruct: dict, schema: colander.SchemaNode) -> None:
    """Keep what was typed on a step left before it was valid, to show it again; bounded by
    the step's (bound) `schema`, so that « Précédent » cannot store any amount of input."""
    kept = {}
    for node in schema.children:
        value = cstruct.get(node.name)
        if node.name in ("csrf_token", "pieces_jointes") or not isinstance(value, (str, list)):
            continue
        offered = _codes(node.widget)
        if isinstance(value, list):
            kept[node.name] = [v for v in dict.fromkeys(v for v in value if isinstance(v, str))
                               if v in offered]
        elif offered:  # one choice among codes (radio buttons, a select)
            kept[node.name] = value if value in offered else ""
        elif isinstance(value, str):
            kept[node.name] = value[:_text_limit(node.widget) + KEPT_MARGIN]
    practice.saisie_en_cours = dict(practice.saisie_en_cours, **{step: kept})


def _text_limit(widget: deform.widget.Widget) -> int:
    limit = getattr(widget, "maxlength", None) or (getattr(widget, "attributes", None) or {}).get(
        "maxlength")
    return int(limit) if limit else KEPT_UNSIZED


def _codes(widget: deform.widget.Widget) -> set[str]:
    """The codes a choice widget offers (checkboxes, radio buttons, grouped selects)."""
    choices = list(getattr(widget, "values", ()) or ())
    for _, group in getattr(widget, "groups", None) or ():
        choices.extend(group)
    return {str(code) for code, _ in choices}


def history_warning(practice: Practice, today: dt.date) -> str | None:
    """The visible warning for a practice younger than one year, or None."""
    found = seniority(practice, today)
    if found is None or not found.too_young:
        return None
    return (
        f"Cette pratique est mise en œuvre depuis moins d'un an ({found.text}). "
        "Une antériorité d'au moins un an est souhaitée : vous pouvez l'envoyer, "
        "le comité de sélection verra son ancienneté."
    )


class NotReady(Exception):
    """Some steps of the declaration are not validated yet."""


def submit(dbsession: Session, clock: SystemClock, practice: Practice, actor: str) -> None:
    """Send a complete draft to moderation: it becomes « soumise » with its reference."""
    missing = [s for s in STEP_SLUGS[:-1] if s not in practice.etapes_validees]
    if practice.status != "brouillon":
        raise NotReady("Cette pratique a déjà été envoyée.")
    if missing:
        raise NotReady(missing)
    now = clock.now()
    practice.reference = next_reference(dbsession, now.year)
    practice.submitted_at = now
    workflow.apply(dbsession, clock, practice, "submit",
                   workflow.Actor(label=actor, roles=("declarant",), declarant_email=actor),
                   comment="Déclaration envoyée")


def by_reference(dbsession: Session, reference: str) -> Practice | None:
    """The practice or fiche carrying this reference (PI-… or FD-…), or None."""
    return dbsession.scalars(select(Practice).where(Practice.reference == reference)).one_or_none()
