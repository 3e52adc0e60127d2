"""Colander schemas (the single home of every field rule) and Deform in DSFR markup."""
from importlib import resources

import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request


def _translator(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def includeme(config):
    config.add_translation_dirs("colander:locale/", "deform:locale/")
    ours = str(resources.files("recueil").joinpath("templates", "deform"))
    theirs = str(resources.files("deform").joinpath("templates"))
    deform.Form.set_zpt_renderer((ours, theirs), translator=_translator)
