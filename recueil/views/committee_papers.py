"""The committee's papers: a session's dossier and its minutes as PDF, and the coups de cœur
of a period for the valorisation event, as a page and a CSV."""
import datetime as dt

import colander
from pyramid.response import Response
from pyramid.view import view_config

from ..forms.committee import PeriodSchema
from ..models.committee import COUP_DE_COEUR_MOTIFS, CRITERIA, DECISIONS
from ..models.user import INSTITUTION_TYPES
from ..security import Permissions
from ..services import committee
from ..settings import public_url
from .committee import _number
from .pdf import pdf_response


@view_config(route_name="committee.dossier", permission=Permissions.COMMITTEE)
def dossier(request):
    """The agenda, then each practice in full, with its moderation notes and documents."""
    session = request.context.session
    items = [i for i in session.items if not committee.withdrawn(i)]
    return pdf_response(request, "recueil:templates/committee/dossier_pdf.pt", {
        "session": session, "items": items, "notes": committee.moderation_notes,
        "age": lambda p: committee.age(p, session.date),
    }, f"dossier-seance-{session.date.isoformat()}.pdf")


@view_config(route_name="committee.minutes", permission=Permissions.COMMITTEE)
def minutes(request):
    """Attendance by institution, each decision with its motivation, the grids' averages."""
    session = request.context.session
    return pdf_response(request, "recueil:templates/committee/minutes_pdf.pt", {
        "session": session, "rows": committee.synthesis(request.dbsession, session),
        "attendance": committee.attendance(session), "institution_types": INSTITUTION_TYPES,
        "decisions": DECISIONS, "criteria": CRITERIA, "motifs": COUP_DE_COEUR_MOTIFS,
        "number": _number, "held": session.date <= request.clock.today(),
        "withdrawn": committee.withdrawn,
    }, f"releve-seance-{session.date.isoformat()}.pdf")


def _period(request) -> tuple[dt.date | None, dt.date | None, list[str]]:
    """The period's bounds read from « du » and « au » (JJ/MM/AAAA), and what was unreadable."""
    values = {k: request.params.get(k, "").strip() for k in ("du", "au")}
    try:
        period = PeriodSchema().deserialize({k: v for k, v in values.items() if v})
    except colander.Invalid as error:
        return None, None, list(error.asdict().values())
    return period.get("du"), period.get("au"), []


@view_config(route_name="committee.favourites",
             renderer="recueil:templates/committee/favourites.pt",
             permission=Permissions.COMMITTEE)
def favourites(request):
    start, end, errors = _period(request)
    rows = [] if errors else committee.favourites(request.dbsession, start, end)
    if errors:
        request.response.status = 400
    query = {k: request.params[k] for k in ("du", "au") if request.params.get(k)}
    return {"page_title": ("Erreur – " if errors else "") + "Coups de cœur du comité",
            "rows": rows, "errors": errors, "du": request.params.get("du", ""),
            "au": request.params.get("au", ""), "motifs": COUP_DE_COEUR_MOTIFS,
            "csv_url": request.route_url("committee.favourites_csv", _query=query),
            "start": start, "end": end}


@view_config(route_name="committee.favourites_csv", permission=Permissions.COMMITTEE)
def favourites_csv(request):
    start, end, errors = _period(request)
    if errors:
        return Response(" ".join(errors), status=400, content_type="text/plain",
                        charset="utf-8")
    rows = committee.favourites(request.dbsession, start, end)
    text = committee.favourites_csv(
        rows, lambda p: public_url(request, "catalogue.show", id=p.id))
    name = "coups-de-coeur"
    if start:
        name += f"-du-{start.isoformat()}"
    if end:
        name += f"-au-{end.isoformat()}"
    return Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                    content_disposition=f'attachment; filename="{name}.csv"',
                    cache_control="no-store")
