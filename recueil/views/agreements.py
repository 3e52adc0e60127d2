"""The département representative's confirmation of the prior agreement: the page their
signed link opens, and a moderator's « send the request again »."""
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..security import Permissions
from ..services import agreements, workflow

#: the buttons of the page -> the answer they record
ANSWERS = {"confirmer": "confirmee", "refuser": "refusee"}


@view_config(route_name="agreements.confirm", renderer="recueil:templates/agreements/confirm.pt",
             permission=Permissions.VIEW)
def confirm(request):
    """The link asks for a click: a mail gateway that opens every link answers nothing."""
    # a page reached by a signed link, naming a person: never kept by a browser or proxy
    request.response.cache_control = "no-store"
    try:
        practice = agreements.practice_of(request.dbsession, request.clock,
                                          request.registry.settings["recueil.secret"],
                                          request.matchdict["token"])
    except agreements.ExpiredAgreementLink:
        request.response.status = 410
        return {"page_title": "Lien expiré", "reason": "expire"}
    except agreements.InvalidAgreementLink:
        request.response.status = 400
        return {"page_title": "Lien non valide", "reason": "invalide"}
    page = {"page_title": "Confirmer votre accord", "reason": None, "practice": practice,
            "agreement": practice.agreement, "csrf_token": get_csrf_token(request),
            "refs": request.references, "error": None, "recorded": False}
    if request.method == "POST":
        etat = next((ANSWERS[name] for name in ANSWERS if name in request.POST), None)
        if etat is None:
            request.response.status = 400
            return {**page, "page_title": "Erreur – Confirmer votre accord",
                    "error": "Choisissez « Je confirme » ou « Je ne confirme pas »."}
        agreements.answer(request.dbsession, request.clock, practice, etat)
        page.update(recorded=True, page_title="Réponse enregistrée")
    return page


@view_config(route_name="moderation.agreement", request_method="POST",
             permission=Permissions.MODERATE)
def ask_again(request):
    practice = request.context.practice
    if practice.status == "brouillon":
        raise HTTPNotFound()  # a draft belongs to its declarant until it is sent
    try:
        agreements.ask_again(request, practice, workflow.Actor.from_identity(request.identity))
    except agreements.AgreementError as error:
        request.tm.doom()
        request.session.flash(str(error), "erreur")
    else:
        request.session.flash(
            "La demande de confirmation est renvoyée au représentant du département "
            f"({practice.accord_courriel}).", "succes")
    return HTTPFound(request.route_url("moderation.review", id=practice.id, _anchor="accords"))
