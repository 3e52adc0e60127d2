"""A moderator's decisions (spec §3) and the e-mails that tell the declarant.

The decisions themselves are workflow steps; this module adds what moderation needs around
them: the duplicate's original, the snapshot kept when complements are asked, the e-mails.
"""
import uuid

from pyramid.request import Request
from sqlalchemy.orm import Session

from ...clock import SystemClock
from ...forms.practice import PRACTICE_REFERENCE
from ...models import Practice, Transition
from .. import access, declarations, notifications, workflow

#: the steps a moderator takes from the review page, in the order they are offered
ACTIONS = ("start_review", "ask_complements", "declare_admissible", "declare_inadmissible",
           "mark_duplicate")


def find_original(dbsession: Session, practice: Practice, value: str | None) -> Practice:
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


def decide(dbsession: Session, clock: SystemClock, practice: Practice, action: str,
           actor: workflow.Actor, comment: str | None = None,
           expected_version: int | None = None, original: str | None = None) -> Transition:
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


def notify(request: Request, practice: Practice, transition: Transition) -> bool:
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


def _public_url(request: Request, route: str, **kw) -> str:
    base = request.registry.settings.get("recueil.public_url") or request.application_url
    return base.rstrip("/") + request.route_path(route, **kw)


def _follow_link(request: Request, practice: Practice) -> str:
    return access.personal_link(request, practice.declarant_courriel,
                                request.route_path("declaration.view", id=practice.id))
