"""Settings: the .ini file, overridden by the environment in production."""
import os

from pyramid.settings import asbool

#: environment variable -> setting it overrides
ENVIRONMENT = {
    "RECUEIL_DATABASE_URL": "sqlalchemy.url",
    "RECUEIL_SOLR_URL": "solr.url",
    "RECUEIL_SOLR_USERNAME": "solr.username",
    "RECUEIL_SOLR_PASSWORD": "solr.password",
    "RECUEIL_SOLR_CA_BUNDLE": "solr.ca_bundle",
    "RECUEIL_SECRET": "recueil.secret",
    "RECUEIL_SMTP_HOST": "mail.host",
    "RECUEIL_SMTP_PORT": "mail.port",
    "RECUEIL_SEARCH_BACKEND": "search.backend",
    "RECUEIL_PUBLIC_URL": "recueil.public_url",
}

DEFAULTS = {
    "search.backend": "sql",
    "solr.url": "http://127.0.0.1:8983/solr/pratiques",
    # seconds Solr may take to answer a search or an update (a reindex allows its batches more)
    "solr.timeout": "5",
    "recueil.show_state_brand": "false",
    "recueil.secure_cookies": "false",
    "recueil.access_link_days": "14",
    "recueil.max_upload_bytes": str(5 * 1024 * 1024),
    "recueil.link_requests_per_address": "3",
    "recueil.link_requests_per_client": "20",
    "mail.default_sender": "Recueil des pratiques inspirantes <ne-pas-repondre@example.org>",
    "pyramid.default_locale_name": "fr",
}


def load(settings: dict, environ=None) -> dict:
    """Settings with defaults filled and environment overrides applied; refuses a missing secret."""
    environ = os.environ if environ is None else environ
    result = dict(DEFAULTS)
    result.update(settings)
    for variable, key in ENVIRONMENT.items():
        if environ.get(variable):
            result[key] = environ[variable]
    secret = result.get("recueil.secret", "")
    if not secret or secret.startswith("${"):
        raise RuntimeError(
            "Aucun secret configuré : définissez RECUEIL_SECRET ou recueil.secret."
        )
    if result["search.backend"] not in ("sql", "solr"):
        raise RuntimeError("search.backend doit valoir « sql » ou « solr ».")
    result["recueil.show_state_brand"] = asbool(result["recueil.show_state_brand"])
    result["recueil.secure_cookies"] = asbool(result["recueil.secure_cookies"])
    result["solr.timeout"] = float(result["solr.timeout"])
    for key in ("recueil.access_link_days", "recueil.max_upload_bytes",
                "recueil.link_requests_per_address", "recueil.link_requests_per_client"):
        result[key] = int(result[key])
    return result
