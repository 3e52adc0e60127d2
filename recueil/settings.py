"""Settings: the .ini file, overridden by the environment in production."""
import ipaddress
import os
import urllib.parse

from pyramid.request import Request
from pyramid.settings import asbool

#: the secret written in development.ini: public, so it signs nothing that leaves a laptop
DEVELOPMENT_SECRET = "developpement-uniquement-ne-pas-utiliser-en-production"  # nosec B105
#: the shortest secret accepted with secure cookies: 256 bits, the size of the HMAC key
MIN_SECRET_BYTES = 32

#: environment variable -> setting it overrides
ENVIRONMENT = {
    "RECUEIL_DATABASE_URL": "sqlalchemy.url",
    "RECUEIL_SOLR_URL": "solr.url",
    "RECUEIL_SOLR_ZK_HOSTS": "solr.zk_hosts",
    "RECUEIL_SOLR_COLLECTION": "solr.collection",
    "RECUEIL_SOLR_USERNAME": "solr.username",
    "RECUEIL_SOLR_PASSWORD": "solr.password",  # nosec B105 # the setting's name, not its value
    "RECUEIL_SOLR_CA_BUNDLE": "solr.ca_bundle",
    "RECUEIL_SECRET": "recueil.secret",  # nosec B105 # the setting's name, not its value
    "RECUEIL_SMTP_HOST": "mail.host",
    "RECUEIL_SMTP_PORT": "mail.port",
    "RECUEIL_SEARCH_BACKEND": "search.backend",
    "RECUEIL_PUBLIC_URL": "recueil.public_url",
    "RECUEIL_METRICS_ALLOWED_ADDRESSES": "metrics.allowed_addresses",
    "PROMETHEUS_MULTIPROC_DIR": "metrics.directory",
}

DEFAULTS = {
    "search.backend": "sql",
    "solr.url": "http://127.0.0.1:8983/solr/pratiques",
    # SolrCloud: ZooKeeper's addresses (host:port,host:port[/chroot]); when set, solr.url is
    # not used and the collection is asked of the live nodes
    "solr.zk_hosts": "",
    "solr.collection": "pratiques",
    # the collection that solr-setup creates
    "solr.shards": "1",
    "solr.replication_factor": "2",
    # seconds Solr may take to answer a search or an update (a reindex allows its batches more)
    "solr.timeout": "5",
    "recueil.show_state_brand": "false",
    "recueil.secure_cookies": "false",
    "recueil.hsts_max_age": "0",  # seconds of Strict-Transport-Security; 0: not sent
    "recueil.access_link_days": "14",
    "recueil.max_upload_bytes": str(5 * 1024 * 1024),
    "recueil.link_requests_per_address": "3",
    "recueil.link_requests_per_client": "20",
    "mail.default_sender": "Recueil des pratiques inspirantes <ne-pas-repondre@example.org>",
    "pyramid.default_locale_name": "fr",
    # compile the templates and ask the public pages before serving (recueil/warmup.py)
    "recueil.warm_up": "true",
    # where compiled templates are kept, for the next start and the other processes; empty:
    # in memory only
    "recueil.template_cache": "",
    # who may read /metriques: addresses or networks, separated by spaces
    "metrics.allowed_addresses": "127.0.0.1 ::1",
}


#: what the commands (`recueil`, `opendata`) give `bootstrap`: they serve no page, so the
#: application they load skips the warm-up, which would also ask pages of a database that
#: `initdb` has not built yet
COMMAND = {"commande": "true"}


def is_command(global_config: dict) -> bool:
    """Whether the application is loaded by a command rather than a server."""
    return global_config.get("commande") == COMMAND["commande"]


class SettingsError(RuntimeError):
    """A setting the application refuses to start with; the message says, in French, which."""


def load(settings: dict, environ=None) -> dict:
    """Settings with defaults filled and environment overrides applied; refuses a missing
    secret, and a public or short one where cookies are secure."""
    environ = os.environ if environ is None else environ
    result = dict(DEFAULTS)
    result.update(settings)
    for variable, key in ENVIRONMENT.items():
        if environ.get(variable):
            result[key] = environ[variable]
    secret = result.get("recueil.secret", "")
    if not secret or secret.startswith("${"):
        raise SettingsError(
            "Aucun secret configuré : définissez RECUEIL_SECRET ou recueil.secret."
        )
    result["recueil.public_url"] = _checked_public_url(result.get("recueil.public_url"))
    result["recueil.secure_cookies"] = asbool(result["recueil.secure_cookies"])
    if result["recueil.secure_cookies"]:
        _check_production_secret(secret)
    if result["search.backend"] not in ("sql", "solr"):
        raise SettingsError("search.backend doit valoir « sql » ou « solr ».")
    result["recueil.show_state_brand"] = asbool(result["recueil.show_state_brand"])
    result["recueil.warm_up"] = asbool(result["recueil.warm_up"])
    result["solr.timeout"] = float(result["solr.timeout"])
    for key in ("recueil.access_link_days", "recueil.max_upload_bytes",
                "recueil.link_requests_per_address", "recueil.link_requests_per_client",
                "recueil.hsts_max_age", "solr.shards", "solr.replication_factor"):
        result[key] = int(result[key])
    result["metrics.allowed_addresses"] = _networks(result["metrics.allowed_addresses"])
    directory = result.get("metrics.directory")
    if directory and environ is os.environ:
        # prometheus_client reads it when first imported, which the application does next
        os.makedirs(directory, exist_ok=True)
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", directory)
    return result


def _networks(value: str | list) -> list:
    if isinstance(value, list):
        return value
    try:
        return [ipaddress.ip_network(item, strict=False) for item in value.split()]
    except ValueError as error:
        raise SettingsError(
            f"metrics.allowed_addresses : adresse ou réseau invalide ({error})."
        ) from error


def _check_production_secret(secret: str) -> None:
    """Refuse a secret that anyone can read or guess where cookies are secure, i.e. served
    over HTTPS: whoever knows it forges sessions, hence staff and declarant sign-ins."""
    if secret == DEVELOPMENT_SECRET:
        raise SettingsError(
            "Le secret de development.ini est public : définissez RECUEIL_SECRET avec un "
            "secret propre à ce serveur (par exemple : python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"Le secret (RECUEIL_SECRET ou recueil.secret) doit compter au moins "
            f"{MIN_SECRET_BYTES} octets quand les cookies sont sécurisés "
            "(recueil.secure_cookies) ; générez-en un avec : python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))'."
        )


def _checked_public_url(value: str | None) -> str:
    """The site's public address without its final slash; refused when missing or not http(s)."""
    url = (value or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(
            "Adresse publique du site absente ou invalide : définissez RECUEIL_PUBLIC_URL ou "
            "recueil.public_url (par exemple https://pratiques.example.fr). Les liens envoyés "
            "par courriel, l'API et les données ouvertes en dépendent ; sans elle, ils "
            "prendraient l'hôte annoncé par le visiteur."
        )
    return url.rstrip("/")


def public_url(request: Request, route: str | None = None, **kw) -> str:
    """The absolute address of `route` (of the site without one) on ``recueil.public_url``.

    Every address that leaves the page (e-mails, open data, the API, the feeds, the
    redirections after a sign-in) is built here: the request's Host and X-Forwarded-Host are
    chosen by whoever sends it, so a link built from them could lead to another site.
    """
    base = request.registry.settings["recueil.public_url"]
    if route is None:
        return base
    return request.route_url(route, _app_url=base, **kw)
