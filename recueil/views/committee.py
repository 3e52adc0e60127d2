"""The selection committee's pages: sessions and their agenda (secretariat), who attended,
each member's review grid, the synthesis where the secretariat records decisions, corrects
them and sends them, and a session recorded after it was held."""
import itertools

import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from .. import formatting
from ..forms.committee import (
    AgendaSchema,
    AttendanceSchema,
    DecisionSchema,
    SessionSchema,
    correction_schema,
    grid_appstruct,
    grid_notes,
    held_fields,
    held_session_schema,
    review_grid_schema,
)
from ..models import Practice
from ..models.committee import COUP_DE_COEUR_MOTIFS, CRITERIA, DECISIONS, OPINIONS, RATINGS
from ..models.user import INSTITUTION_TYPES
from ..security import Permissions
from ..services import committee
from ..services.moderation import missing_fields
from ..services.workflow import Actor, ConflictError, WorkflowError
from .attachments import attachment_response
from .concurrency import reload_on_conflict

MEMBER_ROLE = "comite"
GRID_FORM = "recueil:templates/committee/grid_form.pt"
HELD_FORM = "recueil:templates/committee/held_form.pt"


def _number(value: float | None) -> str:
    """« 3,5 » (French decimal comma), or « — » when there is nothing to average."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def _common(request, **values) -> dict:
    return dict(
        csrf_token=get_csrf_token(request),
        is_secretariat=request.has_permission(Permissions.SECRETARIAT, request.context),
        is_member=MEMBER_ROLE in request.identity.roles,
        criteria=CRITERIA, ratings=RATINGS, opinions=OPINIONS, decisions=DECISIONS,
        number=_number, today=request.clock.today(),
        states=committee.STATES, state=lambda s: committee.state(s, request.clock.today()),
        withdrawn=committee.withdrawn, motifs=COUP_DE_COEUR_MOTIFS,
        institution_types=INSTITUTION_TYPES,
        **values,
    )


def _refused(request, error: Exception, status: int = 400) -> str:
    """A refused operation: nothing of this request is committed, the page says why."""
    request.tm.doom()
    request.response.status = status
    return str(error)


# -- sessions --------------------------------------------------------------------------------
@view_config(route_name="committee.sessions", renderer="recueil:templates/committee/sessions.pt",
             permission=Permissions.COMMITTEE)
def sessions(request):
    return _common(request, sessions=committee.all_sessions(request.dbsession),
                   page_title="Comité de sélection")


@view_config(route_name="committee.session_new",
             renderer="recueil:templates/committee/session_new.pt",
             permission=Permissions.SECRETARIAT)
def session_new(request):
    schema = SessionSchema().bind(csrf_token=get_csrf_token(request), today=request.clock.today())
    form = deform.Form(schema, formid="seance",
                       buttons=(deform.Button("creer", "Créer la séance"),))
    page = {"page_title": "Nouvelle séance du comité"}
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            request.response.status = 400
            return dict(page, form=failure.render(), page_title="Erreur – " + page["page_title"])
        session = committee.create_session(request.dbsession, request.clock, appstruct["date"],
                                           appstruct["lieu"])
        request.session.flash(
            f"La séance du {formatting.date(session.date)} est créée : composez son ordre du jour.",
            "succes")
        return HTTPFound(request.route_url("committee.session", session_id=session.id))
    return dict(page, form=form.render())


def _held_form(request) -> tuple[deform.Form, list[Practice]]:
    practices = committee.admissible_practices(request.dbsession)
    keys = [(p.id.hex, f"{p.reference or 'Sans référence'} – {p.titre} ({p.nom_entite or '—'})")
            for p in practices]
    schema = held_session_schema(keys).bind(
        csrf_token=get_csrf_token(request), today=request.clock.today(),
        members=_member_choices(request))
    schema.widget = deform.widget.FormWidget(template=HELD_FORM, practices=keys,
                                             fields=held_fields)
    form = deform.Form(schema, formid="seance-tenue",
                       buttons=(deform.Button("enregistrer", "Enregistrer la séance tenue"),))
    return form, practices


@view_config(route_name="committee.session_held",
             renderer="recueil:templates/committee/session_held.pt",
             permission=Permissions.SECRETARIAT)
def session_held(request):
    """A session typed after the committee met: date, place, who attended, decisions."""
    form, practices = _held_form(request)
    page = {"page_title": "Enregistrer une séance tenue", "any_admissible": bool(practices),
            "error": None}
    if request.method != "POST":
        return dict(page, form=form.render())
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return dict(page, form=failure.render(), page_title="Erreur – " + page["page_title"])
    decisions = []
    for practice in practices:
        names = held_fields(practice.id.hex)
        decision = appstruct[names["decision"]]
        if not decision:
            continue
        decisions.append(committee.HeldDecision(
            practice, decision,
            motivation=appstruct[names["complements" if decision == "ajournee" else "motivation"]],
            coup_de_coeur=appstruct[names["coup_de_coeur"]],
            motifs=tuple(appstruct[names["motifs_coup_de_coeur"]])))
    try:
        session = committee.record_held_session(
            request.dbsession, request.clock, appstruct["date"], appstruct["lieu"],
            [int(v) for v in appstruct["presents"]], decisions,
            Actor.from_identity(request.identity))
    except WorkflowError as error:
        return dict(page, form=form.render(appstruct), error=_refused(request, error),
                    page_title="Erreur – " + page["page_title"])
    request.session.flash(
        f"La séance du {formatting.date(session.date)} est enregistrée "
        f"avec {len(decisions)} décision(s) : "
        "relisez la synthèse, puis envoyez les décisions aux déclarants.", "succes")
    return HTTPFound(request.route_url("committee.synthesis", session_id=session.id))


def _agenda_form(request, session):
    admissible = [
        (str(p.id), f"{p.reference or 'Sans référence'} – {p.titre} ({p.nom_entite or '—'})")
        for p in committee.admissible_practices(request.dbsession)
    ]
    schema = AgendaSchema().bind(csrf_token=get_csrf_token(request), admissible=admissible)
    form = deform.Form(
        schema, formid="ordre-du-jour",
        action=request.route_url("committee.agenda", session_id=session.id),
        buttons=(deform.Button("inscrire", "Inscrire à l'ordre du jour"),),
    )
    return form, bool(admissible)


def _member_choices(request) -> list[tuple[str, str]]:
    return [(str(m.id), f"{m.nom or m.email} ({m.institution_label or 'institution à renseigner'})")
            for m in committee.members(request.dbsession)]


def _attendance_form(request, session) -> deform.Form:
    schema = AttendanceSchema().bind(csrf_token=get_csrf_token(request),
                                     members=_member_choices(request))
    return deform.Form(
        schema, formid="presences",
        action=request.route_url("committee.attendance", session_id=session.id),
        buttons=(deform.Button("enregistrer", "Enregistrer les présences"),),
    )


def _session_page(request, agenda_form=None, error=None, attendance_form=None):
    session = request.context.session
    page = _common(request, session=session, error=error,
                   page_title=f"Séance du {formatting.date(session.date)}")
    user = request.identity.user
    page["reviewed"] = (committee.grids_filled_by(request.dbsession, session, user)
                        if user else set())
    page["grid_counts"] = {
        s.item.id: len(s.grids) for s in committee.synthesis(request.dbsession, session)
    } if page["is_secretariat"] else {}
    page["agenda_form"] = None
    page["attendance"] = committee.attendance(session)
    page["attendance_form"] = None
    if page["is_secretariat"]:
        form = _attendance_form(request, session)
        page["attendance_form"] = attendance_form or form.render(
            {"presents": [str(u.id) for u in session.attendees]})
    if page["is_secretariat"] and session.decisions_sent_at is None:
        form, any_admissible = _agenda_form(request, session)
        page["agenda_form"] = agenda_form or (form.render() if any_admissible else None)
    if error:
        page["page_title"] = "Erreur – " + page["page_title"]
    return page


@view_config(route_name="committee.session", renderer="recueil:templates/committee/session.pt",
             permission=Permissions.COMMITTEE)
def session_view(request):
    return _session_page(request)


@view_config(route_name="committee.agenda", request_method="POST",
             renderer="recueil:templates/committee/session.pt", permission=Permissions.SECRETARIAT,
             decorator=reload_on_conflict("committee.session"))
def agenda(request):
    session = request.context.session
    actor = Actor.from_identity(request.identity)
    if "retirer" in request.POST:
        practice = _agenda_practice(request, request.POST.get("pratique", ""))
        try:
            committee.remove_from_agenda(request.dbsession, request.clock, session, practice, actor)
        except WorkflowError as error:
            return _session_page(request, error=_refused(request, error))
        again = "" if practice.status == "retiree" else \
            " ; elle redevient recevable et pourra être inscrite à une autre séance"
        request.session.flash(f"« {practice.titre} » est retirée de l'ordre du jour{again}.",
                              "succes")
        return HTTPFound(request.route_url("committee.session", session_id=session.id))
    form, _ = _agenda_form(request, session)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return _session_page(request, agenda_form=failure.render(),
                             error="Le formulaire d'inscription contient des erreurs.")
    practices = [_agenda_practice(request, value, missing_ok=True)
                 for value in appstruct["pratiques"]]
    if None in practices:
        return _session_page(request, error=_refused(
            request, "Une pratique cochée n'existe plus ; rechargez la page."))
    try:
        committee.add_to_agenda(request.dbsession, request.clock, session, practices, actor)
    except WorkflowError as error:
        return _session_page(request, error=_refused(request, error))
    request.session.flash(f"{len(practices)} pratique(s) inscrite(s) à l'ordre du jour.", "succes")
    return HTTPFound(request.route_url("committee.session", session_id=session.id))


@view_config(route_name="committee.attendance", request_method="POST",
             renderer="recueil:templates/committee/session.pt", permission=Permissions.SECRETARIAT)
def attendance(request):
    """The secretariat ticks the members who attended the session."""
    session = request.context.session
    form = _attendance_form(request, session)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return _session_page(request, attendance_form=failure.render(),
                             error="Le formulaire des présences contient des erreurs.")
    try:
        committee.set_attendance(request.dbsession, session,
                                 [int(v) for v in appstruct["presents"]])
    except WorkflowError as error:
        return _session_page(request, error=_refused(request, error))
    count = len(appstruct["presents"])
    request.session.flash(f"Présences enregistrées : {count} membre(s) présent(s).", "succes")
    return HTTPFound(request.route_url("committee.session", session_id=session.id,
                                      _anchor="presences"))


def _agenda_practice(request, value: str, missing_ok=False) -> Practice | None:
    practice = committee.practice_named(request.dbsession, value)
    if practice is None and not missing_ok:
        raise HTTPNotFound()
    return practice


# -- a member's review -----------------------------------------------------------------------
def _item(request):
    """The agenda item of the route's practice; 404 if the practice is not on this agenda."""
    item = committee.item_of(request.context.session, request.context.practice)
    if item is None:
        raise HTTPNotFound()
    return item


def _grid_form(request, item):
    schema = review_grid_schema().bind(csrf_token=get_csrf_token(request))
    schema.widget = deform.widget.FormWidget(template=GRID_FORM, criteria=CRITERIA)
    return deform.Form(
        schema, formid="grille",
        action=request.route_url("committee.review", session_id=item.session_id,
                                 id=item.practice_id),
        buttons=(deform.Button("enregistrer", "Enregistrer ma grille"),),
    )


@view_config(route_name="committee.review", renderer="recueil:templates/committee/review.pt",
             permission=Permissions.COMMITTEE)
def review(request):
    session = request.context.session
    practice = request.context.practice
    item = _item(request)
    page = _common(request, session=session, practice=practice, item=item, error=None,
                   age=committee.age(practice, session.date), page_title=practice.titre)
    # only this member's own grid is ever read here: nobody sees another member's grid
    grid = committee.grid_of(request.dbsession, item, request.identity.user) \
        if page["is_member"] else None
    page["grid"] = grid
    page["form"] = None
    page["missing"] = missing_fields(practice, personal=False)
    editable = page["is_member"] and session.decisions_sent_at is None
    if request.method == "POST":
        if not page["is_member"]:
            raise HTTPForbidden()
        if not editable:
            page["error"] = _refused(request, committee.CommitteeError(
                "Les décisions de cette séance ont été envoyées : "
                "les grilles ne se modifient plus."))
            return page
    if not editable:
        return page
    form = _grid_form(request, item)
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            request.response.status = 400
            return dict(page, form=failure.render(), page_title="Erreur – " + practice.titre)
        committee.save_grid(request.dbsession, request.clock, session, item, request.identity.user,
                            grid_notes(appstruct), appstruct["avis"], appstruct.get("commentaire"))
        request.session.flash(f"Votre grille pour « {practice.titre} » est enregistrée. "
                              "Vous pouvez la modifier jusqu'à l'envoi des décisions.", "succes")
        return HTTPFound(request.route_url("committee.session", session_id=session.id))
    appstruct = grid_appstruct(grid.notes, grid.avis, grid.commentaire) if grid else {}
    page["form"] = form.render(appstruct)
    return page


@view_config(route_name="committee.attachment", request_method="GET",
             permission=Permissions.COMMITTEE)
def attachment(request):
    """A document joined to a practice on this session's agenda, for the committee to read."""
    _item(request)
    return attachment_response(request, request.context.practice)


# -- synthesis and decisions -----------------------------------------------------------------
def _decision_form(request, item, counter) -> deform.Form:
    schema = DecisionSchema().bind(csrf_token=get_csrf_token(request))
    return deform.Form(
        schema, formid=f"decision-{item.id}", counter=counter,
        # the answer to a refused post opens on this practice, not at the top of the page
        action=request.route_url("committee.decide", session_id=item.session_id,
                                 id=item.practice_id, _anchor=f"pratique-{item.id}"),
        buttons=(deform.Button("enregistrer", "Enregistrer la décision"),),
    )


def _correction_form(request, item, counter) -> deform.Form:
    schema = correction_schema().bind(csrf_token=get_csrf_token(request))
    return deform.Form(
        schema, formid=f"correction-{item.id}", counter=counter,
        action=request.route_url("committee.correct", session_id=item.session_id,
                                 id=item.practice_id, _anchor=f"pratique-{item.id}"),
        buttons=(deform.Button("corriger", "Corriger la décision"),),
    )


def _synthesis_page(request, failed=None, error=None, status=None, error_item=None,
                    failed_correction=None):
    """The synthesis; `failed` (and `failed_correction`) is (item id, rendered form with its
    errors) after a bad post, `error_item` the item whose section shows `error` (else it
    shows at the top)."""
    session = request.context.session
    counter = itertools.count()
    rows = committee.synthesis(request.dbsession, session)
    forms = {}
    corrections = {}
    for row in rows:
        item = row.item
        if failed and failed[0] == item.id:
            forms[item.id] = failed[1]
        elif committee.undecided_item(item) and session.decisions_sent_at is None:
            form = _decision_form(request, item, counter)
            forms[item.id] = form.render({"version": item.practice.version})
        if failed_correction and failed_correction[0] == item.id:
            corrections[item.id] = failed_correction[1]
        elif committee.correctable(item):
            practice = item.practice
            corrections[item.id] = _correction_form(request, item, counter).render({
                "version": practice.version, "decision": item.decision,
                "coup_de_coeur": practice.coup_de_coeur,
                "motifs_coup_de_coeur": practice.motifs_coup_de_coeur,
                **({} if not item.motivation else {"complements": item.motivation}
                   if item.decision == "ajournee" else {"motivation": item.motivation}),
            })
    if status:
        request.response.status = status
    return _common(
        request, session=session, rows=rows, forms=forms, error=error, error_item=error_item,
        undecided=committee.undecided(session), corrections=corrections,
        attendance=committee.attendance(session),
        page_title=("Erreur – " if error or failed else "") +
        f"Synthèse – séance du {formatting.date(session.date)}",
    )


@view_config(route_name="committee.synthesis", renderer="recueil:templates/committee/synthesis.pt",
             permission=Permissions.SECRETARIAT)
def synthesis(request):
    return _synthesis_page(request)


def _decision_post(request, make_form, failed_as: str, act, done):
    """What deciding and correcting share: the practice's form (`make_form(item)`)
    validated, its motivation read as the decision wants it (complements for an
    adjournment), `act(item, appstruct, decision, motivation)` called. A form with errors,
    a conflict or a refusal shows the synthesis again on this practice (`failed_as`: the
    page's argument for this form); otherwise the flash `done(item, decision, acted)` and
    back to the practice in the synthesis."""
    item = _item(request)
    try:
        appstruct = make_form(item).validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return _synthesis_page(request, status=400, **{failed_as: (item.id, failure.render())})
    decision = appstruct["decision"]
    motivation = (appstruct.get("complements") if decision == "ajournee"
                  else appstruct.get("motivation"))
    try:
        acted = act(item, appstruct, decision, motivation)
    except ConflictError as error:
        return _synthesis_page(request, error=_refused(request, error, 409), error_item=item.id)
    except WorkflowError as error:
        return _synthesis_page(request, error=_refused(request, error), error_item=item.id)
    request.session.flash(done(item, decision, acted), "succes")
    return HTTPFound(request.route_url("committee.synthesis", session_id=item.session_id,
                                      _anchor=f"pratique-{item.id}"))


@view_config(route_name="committee.decide", request_method="POST",
             renderer="recueil:templates/committee/synthesis.pt",
             permission=Permissions.SECRETARIAT,
             decorator=reload_on_conflict("committee.synthesis"))
def decide(request):
    def act(item, appstruct, decision, motivation):
        committee.decide(
            request.dbsession, request.clock, request.context.session, item, decision,
            Actor.from_identity(request.identity), motivation=motivation,
            coup_de_coeur=appstruct["coup_de_coeur"], expected_version=appstruct["version"],
            motifs=appstruct["motifs_coup_de_coeur"],
        )

    def done(item, decision, _acted) -> str:
        practice = item.practice
        extra = " Coup de cœur du comité." if practice.coup_de_coeur else ""
        return f"Décision enregistrée pour « {practice.titre} » : {DECISIONS[decision]}.{extra}"

    return _decision_post(
        request, lambda item: _decision_form(request, item, itertools.count(1000)), "failed",
        act, done)


@view_config(route_name="committee.correct", request_method="POST",
             renderer="recueil:templates/committee/synthesis.pt",
             permission=Permissions.SECRETARIAT,
             decorator=reload_on_conflict("committee.synthesis"))
def correct(request):
    """The secretariat corrects a decision, until the practice is published."""
    def act(item, appstruct, decision, motivation) -> bool:
        return committee.correct(
            request, request.context.session, item, decision, appstruct["motif_correction"],
            Actor.from_identity(request.identity), motivation=motivation,
            coup_de_coeur=appstruct["coup_de_coeur"], motifs=appstruct["motifs_coup_de_coeur"],
            expected_version=appstruct["version"],
        )

    def done(item, decision, mailed: bool) -> str:
        told = (" Le déclarant a reçu la décision corrigée, qui remplace la précédente."
                if mailed else "")
        return (f"Décision corrigée pour « {item.practice.titre} » : "
                f"{DECISIONS[decision]}.{told}")

    return _decision_post(
        request, lambda item: _correction_form(request, item, itertools.count(2000)),
        "failed_correction", act, done)


@view_config(route_name="committee.send_decisions", request_method="POST",
             renderer="recueil:templates/committee/synthesis.pt",
             permission=Permissions.SECRETARIAT,
             decorator=reload_on_conflict("committee.synthesis"))
def send_decisions(request):
    session = request.context.session
    done = request.route_url("committee.synthesis", session_id=session.id)
    try:
        sent = committee.send_decisions(request, session, Actor.from_identity(request.identity))
    except committee.AlreadySent as error:
        # a second click: said plainly, and nothing is sent again
        request.tm.doom()
        request.session.flash(str(error), "info")
        return HTTPFound(done)
    except WorkflowError as error:
        return _synthesis_page(request, error=_refused(request, error))
    parts = [f"{sent.selected} sélectionnée(s)", f"{sent.rejected} non retenue(s)",
             f"{sent.postponed} ajournée(s)"]
    message = "Décisions envoyées aux déclarants : " + ", ".join(parts) + "."
    if sent.unreachable:
        message += (" Sans adresse, donc non prévenue(s) : " + ", ".join(sent.unreachable) + ".")
    request.session.flash(message, "succes")
    return HTTPFound(done)
