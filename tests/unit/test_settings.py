"""The settings the application refuses to start with, and production's proxy set-up."""
import configparser
from pathlib import Path

import pytest

from recueil import main
from recueil.settings import SettingsError, load

ROOT = Path(__file__).resolve().parents[2]
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
