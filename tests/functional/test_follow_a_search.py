"""A visitor follows a search: its Atom feed, an e-mail alert confirmed by a signed link, the
daily e-mail of what was published since, the one-click end of an alert (RFC 8058), the page
of all one's alerts; the limits; and no address kept once an alert has ended."""
import datetime as dt
import re
import xml.etree.ElementTree as ET  # nosec B405 # parses the application's own feed
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
import webtest
from pyramid.scripting import prepare

from recueil.clock import SystemClock
from recueil.models import SearchAlert
from recueil.scripts.cli import main as cli
from recueil.services import alerts

from .helpers import sign_in_declarant

ATOM = "{http://www.w3.org/2005/Atom}"
ADDRESS = "lea.moreau@departement.example.fr"
TODAY = dt.date(2026, 11, 23)  # the day of conftest.NOW, in Paris
CONFIRMATION = re.compile(r"https?://[^/\s]+(/alertes/confirmer/\S+)")
MANAGE = re.compile(r"https?://[^/\s]+(/alertes/gerer/\S+)")
UNSUBSCRIBE = re.compile(r"https?://[^/\s]+(/alertes/desabonnement/\S+)")


def path_in(mailbox, message, pattern) -> str:
    match = pattern.search(mailbox.body(message))
    assert match, mailbox.body(message)
    return match.group(1)


def subscribe(testapp, address=ADDRESS, query="thematiques=education", status=302):
    page = testapp.get(f"/alertes/nouvelle?{query}")
    form = page.forms["formulaire"]
    form["courriel"] = address
    return form.submit("suivre", status=status)


def confirm(testapp, mailbox, address=ADDRESS):
    """Follow the confirmation link of the last e-mail to `address` and press the button."""
    page = testapp.get(path_in(mailbox, mailbox.to(address)[-1], CONFIRMATION))
    assert "Activer l'alerte" in page.text
    return page.forms["confirmation"].submit().maybe_follow()


def rows(engine, address=None):
    with engine.connect() as connection:
        query = sa.select(SearchAlert.__table__)
        if address is not None:
            query = query.where(SearchAlert.email == address)
        return connection.execute(query).all()


@pytest.fixture
def run(wsgi_app, clock):
    """The daily command's work, on the test's clock: what it sends goes to the mailbox."""
    def run():
        env = prepare(registry=wsgi_app.registry)
        try:
            return alerts.send_due(env["request"])
        finally:
            env["closer"]()
    return run


# -- the Atom feed --------------------------------------------------------------------------------

@pytest.fixture
def published(publish):
    publish(intitule="Soutien scolaire en foyer", thematiques=["education"],
            departements=["49"], regions=["52"], echelle="departementale",
            date_mise_en_oeuvre=dt.date(2019, 3, 1))
    publish(intitule="L'école des parents", thematiques=["education", "sante-mentale"],
            departements=["44"], regions=["52"], echelle="departementale",
            date_mise_en_oeuvre=dt.date(2021, 3, 1))
    publish(intitule="Accueil mère-enfant", thematiques=["violences-conjugales"],
            departements=["49"], regions=["52"], echelle="departementale", coup_de_coeur=True)
    publish(intitule="Une école dépubliée", thematiques=["education"], status="depubliee")


QUERIES = [
    "",
    "thematiques=education",
    "q=%C3%A9cole&thematiques=education",
    "departements=49&annee_min=2018",
    "coup_de_coeur=true&tri=anciennete&page=2",  # the feed reads neither sort nor page
    "thematiques=harcelement",  # nothing: a valid feed without entries
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_feed_is_valid_atom_listing_the_search_results_newest_first(testapp, published,
                                                                        query):
    response = testapp.get(f"/pratiques.atom?{query}")
    assert response.content_type == "application/atom+xml"
    feed = ET.fromstring(response.body)  # nosec B314 # the application's own feed
    # RFC 4287 § 4.1.1: id, title, updated; an author for the feed or for every entry
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == feed.find(f"{ATOM}id").text
    assert self_link.get("href").startswith("http://localhost/pratiques.atom")
    assert dt.datetime.strptime(feed.find(f"{ATOM}updated").text, "%Y-%m-%dT%H:%M:%SZ")
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("href").startswith("http://localhost/pratiques/")
    filters = [(k, v) for k, v in parse_qsl(query) if k not in ("tri", "page")]
    api = testapp.get("/api/pratiques", [*filters, ("tri", "publication"), ("par_page", "50")])
    expected = [r["id"] for r in api.json["resultats"]]
    assert [e.find(f"{ATOM}id").text.removeprefix("urn:uuid:") for e in entries] == expected
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        r["intitule"] for r in api.json["resultats"]]
    if query == "thematiques=harcelement":
        assert entries == []


def test_the_feed_holds_the_fifty_newest(testapp, publish):
    for n in range(53):
        publish(intitule=f"Pratique {n}", date_publication=dt.date(2025, 1, 1)
                + dt.timedelta(days=n))
    feed = ET.fromstring(testapp.get("/pratiques.atom").body)  # nosec B314
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == [f"Pratique {n}" for n in range(52, 2, -1)]


def test_the_search_page_links_to_its_feed_and_to_its_alert(testapp, published):
    page = testapp.get("/pratiques?thematiques=education&tri=anciennete&page=1&q=parents")
    alternate = page.html.find("link", {"rel": "alternate", "type": "application/atom+xml"})
    feed = urlsplit(alternate["href"])
    assert feed.path == "/pratiques.atom"
    assert parse_qsl(feed.query) == [("q", "parents"), ("thematiques", "education")]
    visible = page.html.find("a", string="Flux Atom de cette recherche")
    assert visible["href"] == alternate["href"]
    follow = urlsplit(page.html.find("a", string="Suivre cette recherche")["href"])
    assert follow.path == "/alertes/nouvelle"
    assert parse_qsl(follow.query) == [("q", "parents"), ("thematiques", "education")]
    assert testapp.get(alternate["href"]).status_int == 200


# -- subscribing, the daily e-mail ----------------------------------------------------------------

def test_an_alert_is_confirmed_then_mails_what_was_published_since_then_nothing(
        testapp, mailbox, publish, clock, engine, run):
    publish(intitule="Publiée avant l'alerte", thematiques=["education"],
            date_publication=TODAY - dt.timedelta(days=1))
    page = subscribe(testapp).follow()
    assert ADDRESS in page.text
    assert rows(engine, ADDRESS)[0].confirmed_at is None
    request_mail = mailbox.to(ADDRESS)[-1]
    assert request_mail["Subject"] == ("Confirmez votre alerte sur le recueil des pratiques "
                                       "inspirantes")
    assert "Thématique : Éducation" in mailbox.body(request_mail)
    # opening the link activates nothing (mail gateways open links): the button does
    assert run().active == 0
    page = confirm(testapp, mailbox)
    assert "Votre alerte est active" in page.text
    assert rows(engine, ADDRESS)[0].confirmed_at == clock.now()

    publish(intitule="Nouvelle pratique éducative", thematiques=["education"],
            date_publication=TODAY)
    publish(intitule="Nouvelle pratique d'une autre thématique", thematiques=["sante-mentale"],
            date_publication=TODAY)
    publish(intitule="Publiée le lendemain", thematiques=["education"],
            date_publication=TODAY + dt.timedelta(days=1))
    mailbox.messages.clear()
    assert run().sent == 0  # the day is not over: its publications go in tomorrow's e-mail

    clock.advance(days=1)
    done = run()
    assert (done.active, done.sent, done.listed) == (1, 1, 1)
    [mail] = mailbox.to(ADDRESS)
    body = mailbox.body(mail)
    assert mail["Subject"] == ("Une nouvelle pratique pour votre recherche dans le recueil "
                               "des pratiques inspirantes")
    assert "Nouvelle pratique éducative" in body
    assert "publiée le 23/11/2026" in body
    for absent in ("Publiée avant l'alerte", "autre thématique", "Publiée le lendemain"):
        assert absent not in body
    unsubscribe = path_in(mailbox, mail, UNSUBSCRIBE)
    # folded or not, one address between angle brackets (RFC 2369)
    assert mail["List-Unsubscribe"].strip() == f"<http://localhost{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path_in(mailbox, mail, MANAGE)
    assert rows(engine, ADDRESS)[0].last_sent_at == clock.now()

    mailbox.messages.clear()
    assert run().sent == 0  # run twice the same day: nothing twice
    clock.advance(days=1)
    assert run().listed == 1
    assert "Publiée le lendemain" in mailbox.body(mailbox.to(ADDRESS)[-1])
    mailbox.messages.clear()
    clock.advance(days=1)
    assert run().sent == 0
    assert mailbox.messages == []


def test_one_search_followed_by_several_lists_the_same_practices(testapp, mailbox, publish,
                                                                 clock, run):
    others = ["marc.petit@association.example.org", "nora.ba@departement.example.fr"]
    for address in others:
        subscribe(testapp, address, "q=parents")
        confirm(testapp, mailbox, address)
    publish(intitule="Le café des parents", date_publication=TODAY)
    publish(intitule="Un atelier pour les enfants", date_publication=TODAY)
    clock.advance(days=1)
    mailbox.messages.clear()
    assert run().sent == 2
    for address in others:
        body = mailbox.body(mailbox.to(address)[0])
        assert "Le café des parents" in body and "atelier" not in body


def test_the_command_sends_the_alerts_on_the_real_clock(testapp, mailbox, publish, wsgi_app,
                                                        ini_file, capsys):
    today = SystemClock().today()
    with wsgi_app.registry["dbsession_factory"]() as session:
        session.add(SearchAlert(
            email=ADDRESS, query="thematiques=education", nonce="1" * 32,
            description="Thématique : Éducation", created_at=dt.datetime(2026, 1, 1),
            confirmed_at=dt.datetime(2026, 1, 1), covered_through=today - dt.timedelta(days=2)))
        session.commit()
    publish(intitule="Publiée hier", thematiques=["education"],
            date_publication=today - dt.timedelta(days=1))
    ini = ini_file()
    assert cli(["--config", ini, "alertes"]) == 0
    assert "1 courriel(s) envoyé(s), 1 pratique(s) signalée(s)" in capsys.readouterr().out
    assert "Publiée hier" in mailbox.body(mailbox.to(ADDRESS)[0])
    assert cli(["--config", ini, "alertes"]) == 0
    assert "0 courriel(s) envoyé(s)" in capsys.readouterr().out
    assert len(mailbox.to(ADDRESS)) == 1


# -- ending alerts --------------------------------------------------------------------------------

@pytest.fixture
def alert_mail(testapp, mailbox, publish, clock, run):
    """The first e-mail of an active alert on « éducation »."""
    subscribe(testapp)
    confirm(testapp, mailbox)
    publish(intitule="Une pratique éducative", thematiques=["education"], date_publication=TODAY)
    clock.advance(days=1)
    mailbox.messages.clear()
    run()
    [mail] = mailbox.to(ADDRESS)
    return mail


def test_the_one_click_unsubscribe_works_without_cookie_nor_token(wsgi_app, alert_mail, engine,
                                                                  mailbox):
    target = alert_mail["List-Unsubscribe"].strip().strip("<>")
    # what a mail client does (RFC 8058 § 3.2): a POST of this body, no cookie, no CSRF token
    client = webtest.TestApp(wsgi_app)
    response = client.post(target, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_int == 200
    assert response.text == "Alerte arrêtée."
    assert "Set-Cookie" not in response.headers
    assert rows(engine) == []
    # posted again (a client retrying): the alert is ended, as asked
    assert client.post(target, "List-Unsubscribe=One-Click").status_int == 200


def test_the_unsubscribe_link_asks_before_ending(wsgi_app, alert_mail, engine, mailbox):
    client = webtest.TestApp(wsgi_app)
    page = client.get(path_in(mailbox, alert_mail, UNSUBSCRIBE))
    assert page.headers["Cache-Control"] == "no-store"
    assert "Thématique : Éducation" in page.text
    assert len(rows(engine)) == 1  # opening the link ends nothing
    done = page.forms["arret"].submit()
    assert "Alerte arrêtée" in done.text
    assert rows(engine) == []


def test_a_forged_unsubscribe_link_ends_nothing(wsgi_app, alert_mail, engine, mailbox):
    path = path_in(mailbox, alert_mail, UNSUBSCRIBE)
    client = webtest.TestApp(wsgi_app)
    assert client.post(path[:-3] + "AAA", status=400)
    assert client.get("/alertes/gerer/" + path.rsplit("/", 1)[1][:-3] + "AAA", status=400)
    assert len(rows(engine)) == 1


def test_only_the_one_click_route_goes_without_csrf(wsgi_app, alert_mail, mailbox, engine):
    client = webtest.TestApp(wsgi_app)
    client.post(path_in(mailbox, alert_mail, MANAGE), {"tout": "tout"}, status=400)
    assert len(rows(engine)) == 1


def test_the_page_of_my_alerts_shows_and_ends_them_all(testapp, wsgi_app, alert_mail, mailbox,
                                                       engine):
    subscribe(testapp, query="departements=49")
    confirm(testapp, mailbox)
    other = "sam.roy@association.example.org"
    subscribe(testapp, other)
    confirm(testapp, mailbox, other)
    visitor = webtest.TestApp(wsgi_app)  # the e-mail's link, opened anywhere
    page = visitor.get(path_in(mailbox, alert_mail, MANAGE))
    assert page.headers["Cache-Control"] == "no-store"
    listed = [a.get_text(strip=True) for a in page.html.select("#alertes tbody td:first-child a")]
    assert listed == ["Thématique : Éducation", "Département : Maine-et-Loire (49)"]
    # the last e-mail: the alert's first, sent the day after it was confirmed
    assert page.html.select_one("#alertes tbody tr td:nth-of-type(3)").text == "24/11/2026"
    assert other not in page.text
    # end one: the other stays, on the same page
    second = next(r.id for r in rows(engine, ADDRESS) if r.query == "departements=49")
    form = next(f for f in page.forms.values()
                if f.html.find("button", {"name": "arreter", "value": str(second)}))
    page = form.submit("arreter").follow()
    assert [a.get_text(strip=True) for a in page.html.select("#alertes tbody td:first-child a")
            ] == ["Thématique : Éducation"]
    page = page.forms["tout-arreter"].submit("tout")
    assert "Toutes les alertes" in page.text
    assert rows(engine, ADDRESS) == []
    assert [r.email for r in rows(engine)] == [other]


def test_an_ended_alert_keeps_no_address(testapp, alert_mail, mailbox, engine, clock, run):
    # ended from its e-mail, or never confirmed: nothing of the address stays in the table
    webtest.TestApp(testapp.app).post(alert_mail["List-Unsubscribe"].strip().strip("<>"))
    pending = "jamais.confirme@association.example.org"
    subscribe(testapp, pending)
    clock.advance(days=alerts.CONFIRMATION_DAYS, minutes=1)
    assert run().expired == 1
    with engine.connect() as connection:
        dump = [str(value) for row in connection.execute(sa.select(SearchAlert.__table__))
                for value in row]
    assert not any(ADDRESS in value or pending in value for value in dump)
    assert rows(engine) == []
    # its confirmation link has ended with it
    page = testapp.get(path_in(mailbox, mailbox.to(pending)[-1], CONFIRMATION), status=410)
    assert "n'existe plus" in page.text


# -- limits ---------------------------------------------------------------------------------------

def test_an_address_holds_ten_alerts_at_most(testapp, mailbox, clock, engine):
    for year in range(2010, 2021):
        subscribe(testapp, query=f"annee_min={year}")
        clock.advance(minutes=21)  # three requests an hour per address
    assert len(rows(engine, ADDRESS)) == alerts.MAX_ALERTS
    refusal = mailbox.to(ADDRESS)[-1]
    assert refusal["Subject"] == ("Votre alerte sur le recueil des pratiques inspirantes "
                                  "n'a pas été créée")
    assert "Mise en œuvre depuis 2020" in mailbox.body(refusal)
    # the page tells nothing of it: only the address's owner learns what it follows
    assert path_in(mailbox, refusal, MANAGE)


def test_a_search_already_followed_is_not_followed_twice(testapp, mailbox, engine, clock):
    subscribe(testapp)
    confirm(testapp, mailbox)
    clock.advance(minutes=5)
    subscribe(testapp, query="thematiques=education&tri=publication&page=3")
    assert len(rows(engine, ADDRESS)) == 1
    assert "déjà" in mailbox.to(ADDRESS)[-1]["Subject"]


def test_alert_requests_are_rate_limited_per_address_and_per_connection(testapp, mailbox, clock,
                                                                        engine):
    for n in range(3):
        subscribe(testapp, query=f"annee_min={2010 + n}")
    page = subscribe(testapp, query="annee_min=2020", status=429)
    assert "Trop de demandes d'alerte" in page.text
    assert len(mailbox.to(ADDRESS)) == 3
    clock.advance(hours=1, minutes=1)
    subscribe(testapp, query="annee_min=2020")
    assert len(mailbox.to(ADDRESS)) == 4
    # one connection, many addresses: twenty an hour
    for n in range(19):
        subscribe(testapp, f"personne{n}@example.org")
    subscribe(testapp, "une.de.trop@example.org", status=429)
    assert mailbox.to("une.de.trop@example.org") == []


def test_a_persons_data_lists_their_alerts_and_their_erasure_ends_them(testapp, mailbox, engine):
    subscribe(testapp)
    confirm(testapp, mailbox)
    sign_in_declarant(testapp, mailbox, ADDRESS)
    data = testapp.get("/mon-espace/mes-donnees/export").json
    assert [(a["recherche"], a["parametres"]) for a in data["alertes"]] == [
        ("Thématique : Éducation", "thematiques=education")]
    page = testapp.get("/mon-espace/mes-donnees/effacement")
    page.forms["effacement"].submit("confirmer")
    assert rows(engine) == []
