"""The settings refuse to start a served (secure-cookie) site with a secret anyone can know."""
import configparser
import pathlib

import pytest
from pyramid.paster import get_appsettings

from recueil import settings

ROOT = pathlib.Path(__file__).resolve().parents[2]
STRONG = "k" * 32


def production(**environ) -> dict:
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
                       "recueil.secure_cookies": "true"}, environ={})


def test_development_keeps_its_secret_without_secure_cookies():
    loaded = settings.load(get_appsettings(str(ROOT / "development.ini")), environ={})
    assert loaded["recueil.secret"] == settings.DEVELOPMENT_SECRET
    assert loaded["recueil.secure_cookies"] is False
