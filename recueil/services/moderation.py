"""Moderation (spec §3): the queue, what a moderator checks on a practice, and their decisions.

The decisions themselves are workflow steps; this module adds what moderation needs around
them: the duplicate's original, the snapshot kept when complements are asked, the e-mails.
"""
import dataclasses
import datetime as dt
import math
import uuid
from functools import cache

import colander
from sqlalchemy import func, select

from ..forms.practice import MIN_HISTORY_DAYS, PRACTICE_REFERENCE, STEPS
from ..forms.types import FrenchDate
from ..models import MULTI_FIELDS, Practice, PracticeTerm, Transition
from ..models.practice import STATUSES
from . import access, declarations, notifications, workflow

#: States a moderator works on, and those a practice leaves moderation in.
QUEUE_STATUSES = ("soumise", "en_moderation", "complement_demande")
DONE_STATUSES = ("recevable", "irrecevable", "doublon", "retiree")
STATUS_FILTERS = QUEUE_STATUSES + DONE_STATUSES
#: the queue's default view: everything still waiting for a moderator or a declarant
TO_DO = "a_traiter"
TO_DO_LABEL = "À traiter"
#: the « source » of practices declared through the form (their `source` is empty)
FORM_SOURCE = "formulaire"
FORM_SOURCE_LABEL = "Formulaire en ligne"
SORTS = {
    "anciennes": "Les plus anciennes d'abord",
    "recentes": "Les plus récentes d'abord",
    "titre": "Par intitulé (A → Z)",
}
PER_PAGE = 20
#: the steps a moderator takes from the review page, in the order they are offered
ACTIONS = ("start_review", "ask_complements", "declare_admissible", "declare_inadmissible",
           "mark_duplicate")


# -- the queue ---------------------------------------------------------------------------------

@dataclasses.dataclass
class QueueFilters:
    """The queue's state, as it travels in the GET URL."""

    statut: str = TO_DO
    du: dt.date | None = None
    au: dt.date | None = None
    departement: str = ""
    source: str = ""
    tri: str = "anciennes"
    page: int = 1
    #: French messages for the values that were not understood (and ignored)
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def statuses(self) -> tuple[str, ...]:
        return QUEUE_STATUSES if self.statut == TO_DO else (self.statut,)

    def params(self, **changes) -> dict[str, str]:
        """The URL's query for this state with `changes`; defaults are left out."""
        values = dataclasses.replace(self, **changes)
        query = {
            "statut": "" if values.statut == TO_DO else values.statut,
            "du": values.du.isoformat() if values.du else "",
            "au": values.au.isoformat() if values.au else "",
            "departement": values.departement,
            "source": values.source,
            "tri": "" if values.tri == "anciennes" else values.tri,
            "page": "" if values.page == 1 else str(values.page),
        }
        return {k: v for k, v in query.items() if v}


def _date(params, name: str, title: str, errors: list[str]) -> dt.date | None:
    node = colander.SchemaNode(FrenchDate(), name=name, title=title, missing=None)
    try:
        return node.deserialize(params.get(name, ""))
    except colander.Invalid as error:
        errors.append(error.asdict()[name])
        return None


def parse_filters(params, departements: set[str], sources: set[str]) -> QueueFilters:
    """The queue's state from the URL: unknown values are dropped, with a message for dates."""
    errors: list[str] = []
    statut = params.get("statut", "")
    if statut not in STATUS_FILTERS:
        statut = TO_DO
    tri = params.get("tri", "")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    filters = QueueFilters(
        statut=statut,
        du=_date(params, "du", "Reçue à partir du", errors),
        au=_date(params, "au", "Reçue jusqu'au", errors),
        departement=_one_of(params, "departement", departements),
        source=_one_of(params, "source", sources | {FORM_SOURCE}),
        tri=tri if tri in SORTS else "anciennes",
        page=page,
        errors=errors,
    )
    if filters.du and filters.au and filters.du > filters.au:
        filters.errors.append("« Reçue jusqu'au » est avant « Reçue à partir du » : "
                              "aucune pratique ne peut correspondre ; vérifiez les dates.")
    return filters


def _one_of(params, name: str, allowed: set[str]) -> str:
    value = params.get(name, "")
    return value if value in allowed else ""


def _received():
    # imported practices may have no submission date: their arrival counts instead
    return func.coalesce(Practice.submitted_at, Practice.created_at)


def _filtered(query, filters: QueueFilters):
    """Every filter but the state (the counts per state are computed with these only)."""
    received = _received()
    if filters.du:
        query = query.where(received >= dt.datetime.combine(filters.du, dt.time.min))
    if filters.au:
        day_after = dt.datetime.combine(filters.au + dt.timedelta(days=1), dt.time.min)
        query = query.where(received < day_after)
    if filters.departement:
        query = query.where(Practice.id.in_(
            select(PracticeTerm.practice_id).where(PracticeTerm.field == "departements",
                                                   PracticeTerm.code == filters.departement)
        ))
    if filters.source == FORM_SOURCE:
        query = query.where(Practice.source.is_(None))
    elif filters.source:
        query = query.where(Practice.source == filters.source)
    # a draft withdrawn before it was ever sent is no moderator's business
    query = query.where((Practice.status != "retiree") | Practice.reference.is_not(None))
    return query


def counts(dbsession, filters: QueueFilters) -> dict[str, int]:
    """How many practices each state would show with the other filters, and « à traiter »."""
    query = _filtered(
        select(Practice.status, func.count()).where(Practice.status.in_(STATUS_FILTERS)), filters
    ).group_by(Practice.status)
    found = dict(dbsession.execute(query).all())
    result = {status: found.get(status, 0) for status in STATUS_FILTERS}
    result[TO_DO] = sum(result[s] for s in QUEUE_STATUSES)
    return result


def queue(dbsession, filters: QueueFilters, per_page: int = PER_PAGE) -> tuple[list[Practice], int]:
    """One page of the queue, and how many practices it holds in all."""
    base = _filtered(select(Practice).where(Practice.status.in_(filters.statuses)), filters)
    total = dbsession.scalar(select(func.count()).select_from(base.subquery()))
    received = _received()
    order = {
        "anciennes": (received.asc(), Practice.reference.asc()),
        "recentes": (received.desc(), Practice.reference.desc()),
        "titre": (func.lower(Practice.intitule).asc(), Practice.reference.asc()),
    }[filters.tri]
    last = max(1, math.ceil(total / per_page))
    filters.page = min(filters.page, last)
    practices = list(dbsession.scalars(
        base.order_by(*order).offset((filters.page - 1) * per_page).limit(per_page)
    ))
    return practices, total


def sources(dbsession) -> list[str]:
    """The partners' sources found among the practices in moderation (imports)."""
    return list(dbsession.scalars(
        select(Practice.source)
        .where(Practice.status.in_(STATUS_FILTERS), Practice.source.is_not(None))
        .distinct().order_by(Practice.source)
    ))


def received_at(practice: Practice) -> dt.datetime | None:
    return practice.submitted_at or practice.created_at


# -- what the moderator checks -------------------------------------------------------------------

def completeness(practice: Practice, references, today: dt.date,
                 translate=None) -> list[tuple[str, list[str]]]:
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
                messages = ["Le déclarant n'a pas accepté les conditions préalables."]
            else:
                messages = [m for m in error.asdict(translate=translate).values() if m]
            problems.append((title, messages))
    return problems


@dataclasses.dataclass(frozen=True)
class Seniority:
    years: int
    months: int
    #: under one year: the committee wishes at least one year of history (spec §2)
    too_young: bool

    @property
    def text(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} an{'s' if self.years > 1 else ''}")
        if self.months:
            parts.append(f"{self.months} mois")
        return " et ".join(parts) or "moins d'un mois"


def seniority(practice: Practice, today: dt.date) -> Seniority | None:
    """How long the practice has been implemented (« antériorité »), or None without a date."""
    started = practice.date_mise_en_oeuvre
    if started is None:
        return None
    months = (today.year - started.year) * 12 + today.month - started.month
    if today.day < started.day:
        months -= 1
    months = max(0, months)
    return Seniority(months // 12, months % 12, (today - started).days < MIN_HISTORY_DAYS)


def similar_practices(dbsession, search, practice: Practice, limit: int = 5) -> list[Practice]:
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


def display(field: str, value, references) -> str:
    """A stored or snapshotted value, as a moderator reads it."""
    if value in (None, "", []):
        return "—"
    if field in MULTI_FIELDS or field in ("echelle", "relais"):
        codes = [value] if isinstance(value, str) else value
        return ", ".join(references.label(field, code) for code in codes)
    if field == "date_mise_en_oeuvre":
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
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


def changes(practice: Practice, references) -> tuple[Transition | None, list[Change]]:
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


# -- decisions ---------------------------------------------------------------------------------

def find_original(dbsession, practice: Practice, value: str) -> Practice:
    """The practice `practice` duplicates, by id (a similar one) or by reference."""
    value = (value or "").strip()
    if not value:
        raise workflow.WorkflowError(
            "« Signaler un doublon » : indiquez la pratique originale, parmi les pratiques "
            "semblables ou par sa référence (PI-AAAA-NNNN)."
        )
    original = None
    if PRACTICE_REFERENCE.match(value.upper()):
        original = declarations.by_reference(dbsession, value.upper())
    else:
        try:
            original = dbsession.get(Practice, uuid.UUID(value))
        except ValueError:
            raise workflow.WorkflowError(  # noqa: B904 (the French message says it all)
                f"« {value} » n'est pas une référence de pratique : le format attendu est "
                "PI-AAAA-NNNN, par exemple PI-2024-0042."
            )
    if original is None or original.status == "brouillon":
        raise workflow.WorkflowError(f"Aucune pratique ne porte la référence « {value} ».")
    if original.id == practice.id:
        raise workflow.WorkflowError("Une pratique ne peut pas être le doublon d'elle-même.")
    if original.status == "doublon":
        raise workflow.WorkflowError(
            f"La pratique {original.reference} est elle-même un doublon : "
            "indiquez la pratique originale."
        )
    return original


def decide(dbsession, clock, practice: Practice, action: str, actor: workflow.Actor,
           comment: str | None = None, expected_version: int | None = None,
           original: str | None = None) -> Transition:
    """Take a moderator's step; raises WorkflowError and changes nothing when it is refused."""
    if action not in ACTIONS:
        raise workflow.WorkflowError("Cette action n'est pas une action de modération.")
    if action == "mark_duplicate":
        # the step's own refusals (state, rights, stale page) come before the original's
        workflow.check(practice, action, actor, comment, expected_version)
        found = find_original(dbsession, practice, original)
        note = (comment or "").strip()
        comment = f"Doublon de {found.reference}" + (f" : {note}" if note else "")
        # every check has passed: the link and the step are written in the same flush
        practice.doublon_de = found
        return workflow.apply(dbsession, clock, practice, action, actor, comment, expected_version)
    # the practice as it was when complements were asked, to show later what changed
    return workflow.apply(dbsession, clock, practice, action, actor, comment, expected_version,
                          keep_snapshot=action == "ask_complements")


def notify(request, practice: Practice, transition: Transition) -> bool:
    """E-mail the declarant about a moderator's decision; False when there is nobody to tell."""
    recipient = practice.declarant_courriel
    if not recipient or transition.to_status == "en_moderation":
        return False
    reference = practice.reference or ""
    title = f"« {practice.intitule} » ({reference})"
    if transition.to_status == "complement_demande":
        link = access.personal_link(
            request, recipient, request.route_path("declaration.complements", id=practice.id)
        )
        subject = f"Des compléments sont demandés pour votre pratique {reference}"
        body = (
            "Bonjour,\n\n"
            f"L'équipe de modération a relu votre pratique {title} et vous demande des "
            "compléments avant de la transmettre au comité de sélection :\n\n"
            f"{_quoted(transition.comment)}\n\n"
            "Pour compléter votre déclaration puis la renvoyer, suivez ce lien personnel :\n\n"
            f"{link}\n\n"
            f"Ce lien est valable {request.registry.settings['recueil.access_link_days']} jours "
            "et n'est destiné qu'à vous. Une fois expiré, demandez-en un nouveau sur la page "
            "« Déclarer une pratique » avec la même adresse."
        )
    elif transition.to_status == "irrecevable":
        subject = f"Votre pratique {reference} n'a pas été déclarée recevable"
        body = (
            "Bonjour,\n\n"
            f"L'équipe de modération a examiné votre pratique {title}. Elle ne peut pas être "
            "transmise au comité de sélection, pour le motif suivant :\n\n"
            f"{_quoted(transition.comment)}\n\n"
            f"Pour la consulter : {_follow_link(request, practice)}"
        )
    elif transition.to_status == "doublon":
        original = practice.doublon_de
        where = ""
        if original.status == "publiee":
            where = (" Vous pouvez la consulter : "
                     + _public_url(request, "catalogue.show", id=original.id))
        subject = f"Votre pratique {reference} est déjà présente dans le recueil"
        body = (
            "Bonjour,\n\n"
            f"L'équipe de modération a relu votre pratique {title} : elle décrit la même "
            f"pratique que « {original.intitule} », déjà enregistrée sous la référence "
            f"{original.reference}.{where}\n\n"
            "Votre déclaration est donc classée comme doublon et ne sera pas examinée une "
            "seconde fois. Si vous pensez qu'il s'agit d'une erreur, déclarez-la de nouveau en "
            "précisant ce qui la distingue.\n\n"
            f"Pour suivre votre déclaration : {_follow_link(request, practice)}"
        )
    elif transition.to_status == "recevable":
        subject = f"Votre pratique {reference} est recevable"
        body = (
            "Bonjour,\n\n"
            f"Votre pratique {title} a été déclarée recevable par l'équipe de modération. "
            "Elle sera examinée par le comité de sélection lors d'une prochaine séance ; "
            "vous serez informé(e) de sa décision par courriel.\n\n"
            f"Pour suivre son avancement : {_follow_link(request, practice)}"
        )
    else:
        return False
    notifications.send(request, recipient, subject, body)
    return True


def _quoted(text: str | None) -> str:
    return "\n".join(f"  {line}" for line in (text or "").splitlines())


def _public_url(request, route: str, **kw) -> str:
    base = request.registry.settings.get("recueil.public_url") or request.application_url
    return base.rstrip("/") + request.route_path(route, **kw)


def _follow_link(request, practice: Practice) -> str:
    return access.personal_link(request, practice.declarant_courriel,
                                request.route_path("declaration.view", id=practice.id))


def status_label(status: str) -> str:
    return TO_DO_LABEL if status == TO_DO else STATUSES[status]


# -- the declarant's answer ----------------------------------------------------------------------

#: The form's steps a declarant edits when complements are asked: not the conditions, accepted
#: once and for all before the first submission, nor the summary.
EDITABLE_STEPS = tuple((slug, title, schema) for slug, title, schema in STEPS
                       if schema is not None and slug != "conditions")


@dataclasses.dataclass(frozen=True)
class Section:
    slug: str
    title: str
    #: French messages: what the form refuses in the stored values, or why the step is to redo
    problems: list[str]


def sections(practice: Practice, references, today: dt.date) -> list[Section]:
    """Each step of the form with what still stops the declaration from being sent back."""
    problems = dict(completeness(practice, references, today))
    result = []
    for slug, title, _ in EDITABLE_STEPS:
        messages = list(problems.get(title, []))
        if slug not in practice.etapes_validees and not messages:
            messages.append(
                "Cette rubrique est à vérifier : ouvrez-la et enregistrez-la"
                + (" (l'échelle de l'action a changé)." if slug == "localisation" else ".")
            )
        result.append(Section(slug, title, messages))
    return result


def resubmit(dbsession, clock, practice: Practice, actor: workflow.Actor, references,
             today: dt.date, message: str | None = None,
             expected_version: int | None = None) -> Transition:
    """Send a practice back to moderation with its complements, if the form accepts it."""
    workflow.check(practice, "resubmit", actor, message, expected_version)
    pending = [s.title for s in sections(practice, references, today) if s.problems]
    if pending:
        raise workflow.WorkflowError(
            "Votre déclaration ne peut pas encore être renvoyée : complétez "
            + ", ".join(f"« {title} »" for title in pending) + "."
        )
    message = (message or "").strip()
    comment = "Compléments envoyés par le déclarant" + (f" : {message}" if message else "")
    return workflow.apply(dbsession, clock, practice, "resubmit", actor, comment, expected_version)
