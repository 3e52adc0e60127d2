"""Drill: whatever host a request names, the addresses the platform gives out lead to
recueil.public_url (the tests' is http://localhost)."""
import csv
import io
import re

import pytest

from .helpers import csrf, link_from

VICTIM = "claire.martin@departement.example.fr"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
          "X-Forwarded-Proto": "https", "X-Forwarded-Prefix": "/piege"}
ADDRESSES = re.compile(r"(?:https?:)?//[^\s\"'<>]+")


def forged(testapp) -> dict:
    """The forged headers, with the session cookie a browser on the real site holds."""
    cookies = "; ".join(f"{name}={value}" for name, value in testapp.cookies.items())
    return dict(FORGED, Cookie=cookies)


def ask_link_with_forged_host(testapp, address=VICTIM):
    page = testapp.get("/declarer")
    return testapp.post("/declarer", {"csrf_token": csrf(page), "courriel": address,
                                      "envoyer": "envoyer"}, headers=forged(testapp))


def test_a_link_asked_with_a_forged_host_leads_to_the_public_address(testapp, mailbox):
    assert ask_link_with_forged_host(testapp).status_int == 302
    [message] = mailbox.to(VICTIM)  # received by the real SMTP server
    body = mailbox.body(message)
    assert "evil" not in body and "piege" not in body
    addresses = ADDRESSES.findall(body)
    assert addresses and all(a.startswith("http://localhost/") for a in addresses)
    assert re.search(r"http://localhost/acces/\S+", body)


def test_following_a_link_with_a_forged_host_redirects_to_the_public_address(testapp, mailbox):
    ask_link_with_forged_host(testapp)
    followed = testapp.get(link_from(mailbox, VICTIM), headers=FORGED, status=302)
    assert followed.location == "http://localhost/mon-espace"


def test_signing_in_with_a_forged_host_redirects_to_the_public_address(testapp, engine):
    from .test_staff_signin import EMAIL, PASSWORD, create_user

    create_user(engine)
    form = testapp.get("/connexion").forms["connexion"]
    response = testapp.post("/connexion", {
        "csrf_token": form["csrf_token"].value, "courriel": EMAIL, "mot_de_passe": PASSWORD,
        "connexion": "connexion"}, headers=forged(testapp), status=302)
    assert response.location == "http://localhost/gestion"


def test_the_api_gives_public_addresses_to_a_forged_host(testapp, publish):
    practice = publish(intitule="Un accueil de jour")
    answer = testapp.get("/api/pratiques", headers=FORGED).json
    assert [r["url"] for r in answer["resultats"]] == [f"http://localhost/pratiques/{practice.id}"]


@pytest.mark.parametrize("path", [
    "/opendata/pratiques-inspirantes.csv", "/opendata/pratiques-inspirantes.json",
    "/opendata/schema.json", "/opendata/datapackage.json", "/opendata/catalogue.jsonld",
    "/opendata/nouveautes.atom",
])
def test_open_data_files_and_feeds_give_public_addresses_to_a_forged_host(testapp, publish, path):
    practice = publish(intitule="Un accueil de jour")
    text = testapp.get(path, headers=FORGED).text
    assert "evil" not in text and "piege" not in text
    if path.endswith(".csv"):
        [row] = csv.DictReader(io.StringIO(text, newline=""))
        assert row["url"] == f"http://localhost/pratiques/{practice.id}"
    assert "http://localhost/" in text
