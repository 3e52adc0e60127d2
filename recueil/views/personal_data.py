"""The rights of the privacy page: a declarant downloads or erases their data from their
space; an administrator erases a person's data on request."""
import json
import re

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.view import view_config

from ..models.erasure import REQUESTERS
from ..security import Permissions
from ..services import access, personal_data
from .concurrency import reload_on_conflict
from .display import counted

#: enough to refuse a typing slip; the address is only compared with stored ones
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def erasure_summary(record) -> str:
    """« 1 brouillon supprimé, 2 pratiques anonymisées… », or what nothing erased means."""
    parts = [
        counted(record.deleted, "brouillon", "supprimé") if record.deleted else "",
        (counted(record.withdrawn, "pratique", "retirée") + " et anonymisée"
         + ("s" if record.withdrawn > 1 else "")) if record.withdrawn else "",
        counted(record.anonymised, "pratique", "anonymisée") if record.anonymised else "",
        ("coordonnées retirées de " + counted(record.mentions, "autre", "pratique"))
        if record.mentions else "",
    ]
    done = [part for part in parts if part]
    return ", ".join(done) if done else "aucune pratique (liens personnels seulement)"


def _plan_page(request, plan) -> dict:
    return {"plan": plan, "csrf_token": get_csrf_token(request)}


@view_config(route_name="declaration.my_data",
             renderer="recueil:templates/personal_data/my_data.pt",
             permission=Permissions.OWN_SPACE)
def my_data(request):
    email = request.identity.declarant_email
    return dict(_plan_page(request, personal_data.plan(request.dbsession, email)),
                email=email, page_title="Mes données personnelles")


@view_config(route_name="declaration.export_data", request_method="GET",
             permission=Permissions.OWN_SPACE)
def export(request):
    email = request.identity.declarant_email
    data = personal_data.export(request.dbsession, email, request.clock.now())
    name = f"mes-donnees-recueil-{request.clock.today():%Y-%m-%d}.json"
    return Response(
        body=json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
        content_type="application/json", charset="utf-8",
        content_disposition=f'attachment; filename="{name}"', cache_control="no-store",
    )


@view_config(route_name="declaration.erase_data",
             renderer="recueil:templates/personal_data/erase.pt",
             permission=Permissions.OWN_SPACE,
             decorator=reload_on_conflict("declaration.erase_data"))
def erase(request):
    """GET (or a POST without « confirmer ») shows what erasure would do; the confirmed POST
    erases and ends the session: nothing is left to show in it."""
    email = request.identity.declarant_email
    plan = personal_data.plan(request.dbsession, email)
    if request.method != "POST" or "confirmer" not in request.POST:
        return dict(_plan_page(request, plan), email=email,
                    page_title="Effacer mes données personnelles")
    record = personal_data.erase(request.dbsession, request.clock, email,
                                 personal_data.by_the_person())
    request.session.invalidate()
    request.session.flash(
        f"Vos données personnelles sont effacées ({erasure_summary(record)}) et vous êtes "
        "déconnecté(e). Vos anciens liens personnels ne fonctionnent plus.", "succes")
    return HTTPFound(request.route_url("home"))


@view_config(route_name="admin.personal_data",
             renderer="recueil:templates/personal_data/admin.pt",
             permission=Permissions.ADMINISTER,
             decorator=reload_on_conflict("admin.personal_data"))
def administer(request):
    """An erasure asked of the team (by post, by e-mail): « examiner » shows what erasing the
    address would do, « effacer » does it; the address is never put in a URL."""
    page = {"page_title": "Effacer les données d'une personne", "plan": None, "error": None,
            "courriel": "", "csrf_token": get_csrf_token(request),
            "erasures": personal_data.recent_erasures(request.dbsession),
            "summary": erasure_summary, "requested": REQUESTERS}
    if request.method != "POST":
        return page
    email = access.normalise_email(request.POST.get("courriel", ""))
    if not EMAIL.fullmatch(email):
        request.response.status = 400
        return dict(page, courriel=email, page_title="Erreur – " + page["page_title"],
                    error="Indiquez l'adresse électronique de la personne, par exemple "
                          "prenom.nom@departement.fr.")
    if "effacer" not in request.POST:
        return dict(page, courriel=email, plan=personal_data.plan(request.dbsession, email))
    user = request.identity.user
    record = personal_data.erase(request.dbsession, request.clock, email,
                                 personal_data.by_administrator(user.email, user.id))
    request.session.flash(
        f"Les données de la personne sont effacées : {erasure_summary(record)}. L'effacement "
        "est inscrit ci-dessous, sans son adresse.", "succes")
    return HTTPFound(request.route_url("admin.personal_data"))
