"""Administration: import a CSV file of practices — upload, report, then confirmation (spec §5).

The uploaded file is kept in the database (ImportBatch) between the report and the
confirmation, so that what is imported is exactly what was checked; the confirmation checks
it again against the database as it is then.
"""
import colander
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..forms.imports import UploadSchema
from ..security import Permissions
from ..services import imports
from ..services.import_file import SEPARATORS

HISTORY = 50
ALREADY_DONE = "Cet import est déjà terminé : rien n'a été refait."


def _actor(request):
    user = request.identity.user
    return imports.importer(user.email, user.id)


@view_config(route_name="admin.imports", renderer="recueil:templates/admin/imports.pt",
             permission=Permissions.ADMINISTER)
def upload(request):
    page = {
        "page_title": "Importer des pratiques",
        "csrf_token": get_csrf_token(request),
        "errors": {},
        "typed": {"source": "", "publier": False},
        "batches": imports.recent_batches(request.dbsession, HISTORY),
        "max_megabytes": imports.MAX_BYTES // 1024 // 1024,
    }
    if request.method != "POST":
        return page
    schema = UploadSchema().bind(csrf_token=get_csrf_token(request))
    cstruct = {"fichier": request.POST.get("fichier"),
               "source": request.POST.get("source", ""),
               "publier": request.POST.get("publier", "")}
    try:
        appstruct = schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        request.response.status = 400
        typed = {"source": cstruct["source"], "publier": cstruct["publier"] == "true"}
        return dict(page, page_title="Erreur – Importer des pratiques",
                    errors=invalid.asdict(translate=request.localizer.translate), typed=typed)
    upload = appstruct["fichier"][0]
    options = imports.Options(source=appstruct["source"], publier=appstruct["publier"])
    report = imports.analyse(request.dbsession, upload["content"], options, request.references,
                             request.clock.today())
    batch = imports.record(request.dbsession, request.clock, upload["filename"],
                           upload["content"], options, report, _actor(request))
    return HTTPFound(request.route_url("admin.import", batch_id=batch.id))


@view_config(route_name="admin.import", renderer="recueil:templates/admin/import_report.pt",
             permission=Permissions.ADMINISTER)
def report(request):
    batch = request.context.batch
    page = {
        "page_title": f"Import de « {batch.filename} »",
        "batch": batch,
        "report": batch.report or {},
        "csrf_token": get_csrf_token(request),
        "error": None,
        "separators": SEPARATORS,
        "queue_url": request.route_url("moderation.queue",
                                       _query={"source": batch.source} if batch.source else {}),
    }
    if request.method != "POST":
        return page
    back = HTTPFound(request.route_url("admin.import", batch_id=batch.id))
    if "abandonner" in request.POST:
        if imports.abandon(request.dbsession, request.clock, batch):
            request.session.flash("Import abandonné : rien n'a été importé, et le fichier est "
                                  "effacé.", "info")
        else:
            request.session.flash(ALREADY_DONE, "info")
        return back
    had_errors = bool(page["report"].get("erreurs"))
    done = imports.confirm(request.dbsession, request.clock, batch, request.references,
                           _actor(request), valid_only=request.POST.get("lignes") == "valides")
    if done.already_done:
        request.session.flash(ALREADY_DONE, "info")
    elif done.blocked is not None:
        request.response.status = 409
        return dict(page, report=batch.report, error=(
            "Le fichier contient des erreurs : rien n'est importé tant qu'elles ne sont pas "
            "corrigées, sauf si vous choisissez d'importer seulement les lignes valides."
            if had_errors else
            "Le fichier n'est plus importable tel quel : les pratiques ont changé depuis le "
            "rapport. Voici le rapport à jour ; rien n'a été importé."))
    else:
        request.session.flash(imports.outcome_text(done.outcome, imports.options_of(batch)),
                              "succes")
    return back
