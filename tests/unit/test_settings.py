"""The settings the application refuses to start with: a secret anyone can know on a served
(secure-cookie) site, no public address; and production's proxy set-up."""
import configparser
import pathlib

import pytest
from pyramid.paster import get_appsettings

from recueil import main, settings
from recueil.settings import SettingsError, load

ROOT = pathlib.Path(__file__).resolve().parents[2]
STRONG = "k" * 32


def production(**environ) -> dict:
    environ.setdefault("RECUEIL_PUBLIC_URL", "https://pratiques.example.fr")
    return settings.load(get_appsettings(str(ROOT / "production.ini")), environ=environ)


def test_the_development_secret_is_the_one_refused():
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / "development.ini")
    assert ini["app:main"]["recueil.secret"] == settings.DEVELOPMENT_SECRET


def test_production_refuses_the_development_secret():
    with pytest.raises(RuntimeError, match="secret de development.ini est public"):
        production(RECUEIL_SECRET=settings.DEVELOPMENT_SECRET)


@pytest.mark.parametrize("secret", ["secret-de-test", "k" * 31, "é" * 15])
def test_production_refuses_a_secret_shorter_than_32_bytes(secret):
    with pytest.raises(RuntimeError, match="au moins 32 octets"):
        production(RECUEIL_SECRET=secret)


@pytest.mark.parametrize("secret", [STRONG, "é" * 16])
def test_production_accepts_a_secret_of_32_bytes(secret):
    assert production(RECUEIL_SECRET=secret)["recueil.secret"] == secret


def test_production_refuses_no_secret():
    with pytest.raises(RuntimeError, match="Aucun secret configuré"):
        production()


def test_the_secret_in_the_ini_is_checked_too_with_secure_cookies():
    with pytest.raises(RuntimeError, match="secret de development.ini est public"):
        settings.load({"recueil.secret": settings.DEVELOPMENT_SECRET,
                       "recueil.secure_cookies": "true",
                       "recueil.public_url": "https://pratiques.example.fr"}, environ={})


def test_development_keeps_its_secret_without_secure_cookies():
    loaded = settings.load(get_appsettings(str(ROOT / "development.ini")), environ={})
    assert loaded["recueil.secret"] == settings.DEVELOPMENT_SECRET
    assert loaded["recueil.secure_cookies"] is False


SECRET = "un-secret-de-production-assez-long-pour-les-cookies"


def ini(name: str, section: str) -> dict:
    parser = configparser.RawConfigParser()
    parser.read(ROOT / name, encoding="utf-8")
    return dict(parser[section])


def test_production_refuses_to_start_without_the_public_address():
    settings = ini("production.ini", "app:main")
    with pytest.raises(SettingsError, match="RECUEIL_PUBLIC_URL"):
        load(settings, environ={"RECUEIL_SECRET": SECRET})
    started = load(settings, environ={"RECUEIL_SECRET": SECRET,
                                      "RECUEIL_PUBLIC_URL": "https://pratiques.example.fr/"})
    assert started["recueil.public_url"] == "https://pratiques.example.fr"


def test_the_application_is_not_built_without_it(app_settings):
    with pytest.raises(SettingsError, match="recueil.public_url"):
        main({}, **dict(app_settings, **{"recueil.public_url": ""}))


@pytest.mark.parametrize("value", [
    "", "   ", "${RECUEIL_PUBLIC_URL}", "pratiques.example.fr", "//pratiques.example.fr",
    "javascript:alert(1)", "ftp://pratiques.example.fr", "https://", "https://x.fr/?a=1",
    "https://x.fr/#haut",
])
def test_only_an_http_address_will_do(value):
    with pytest.raises(SettingsError):
        load({"recueil.secret": SECRET, "recueil.public_url": value}, environ={})


def test_development_has_one():
    settings = ini("development.ini", "app:main")
    assert load(settings, environ={})["recueil.public_url"] == "http://127.0.0.1:6543"


def test_production_believes_forwarded_headers_from_its_proxy_only():
    server = ini("production.ini", "server:main")
    assert server["trusted_proxy"] == "127.0.0.1"
    assert server["clear_untrusted_proxy_headers"] == "true"
    # the host a visitor names is never believed, even through the proxy
    assert "x-forwarded-host" not in server["trusted_proxy_headers"].split()
    assert server["listen"].startswith("127.0.0.1:")


def test_solrcloud_is_chosen_from_the_environment():
    loaded = production(RECUEIL_SECRET=STRONG, RECUEIL_SOLR_ZK_HOSTS="zk1:2181,zk2:2181/solr",
                        RECUEIL_SOLR_COLLECTION="recueil")
    assert loaded["solr.zk_hosts"] == "zk1:2181,zk2:2181/solr"
    assert loaded["solr.collection"] == "recueil"
    assert (loaded["solr.shards"], loaded["solr.replication_factor"]) == (1, 2)
