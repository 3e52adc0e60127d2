"""What a request carries is decoded once, before any view reads it.

A query string or a path that is not UTF-8, a form declared in another charset, a multipart
body without its boundary, a form whose sequence markers (Deform's `__start__`/`__end__`) do
not pair up: each would fail in whichever view read it first, as a 500. Checked here, they
answer the French 400 page (`errors.bad_request`) naming what is wrong.
"""
from urllib.parse import parse_qsl

import peppercorn
from pyramid.tweens import MAIN

from ..security import BadInput

MARKERS = {"__start__", "__end__"}


def check_input_tween_factory(handler, registry):
    def check_input(request):
        _check_path(request)
        _check_query(request)
        if request.method == "POST":
            _check_form(request)
        return handler(request)
    return check_input


def _check_path(request) -> None:
    try:
        request.path_info  # noqa: B018 (the routes match the decoded path)
    except UnicodeDecodeError:
        raise BadInput("L'adresse demandée contient des caractères qui ne sont pas du texte "
                       "valide.") from None


def _check_query(request) -> None:
    try:
        request.GET  # noqa: B018 (decoded here, once; the views read the decoded copy)
    except UnicodeDecodeError:
        name = _undecodable_parameter(request.environ.get("QUERY_STRING", ""))
        raise BadInput(f"Le paramètre « {name} » de l'adresse contient des caractères qui ne "
                       "sont pas du texte valide.", parameter=name) from None


def _undecodable_parameter(query: str) -> str:
    for key, value in parse_qsl(query, keep_blank_values=True, encoding="latin-1"):
        name = key.encode("latin-1").decode("utf-8", "replace")
        try:
            key.encode("latin-1").decode("utf-8")
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return name
    return "?"


def _check_form(request) -> None:
    try:
        posted = request.POST
    except (ValueError, LookupError):  # multipart without a boundary, an unknown charset
        raise BadInput("Le formulaire envoyé est mal formé : il n'a pas pu être lu.") from None
    except DeprecationWarning:  # what WebOb raises for a charset other than UTF-8
        raise BadInput("Le formulaire envoyé n'est pas encodé en UTF-8, comme le sont ceux de "
                       "ce site.") from None
    if MARKERS.intersection(posted.keys()):
        try:
            peppercorn.parse(list(posted.items()))
        except ValueError:
            raise BadInput("Le formulaire envoyé est incomplet ou a été modifié : ses listes de "
                           "choix ne sont pas complètes.") from None


def includeme(config):
    # under the exception views, so that a BadInput raised here is shown as the 400 page
    config.add_tween("recueil.views.request_checks.check_input_tween_factory", over=MAIN)
