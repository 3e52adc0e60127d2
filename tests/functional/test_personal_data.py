"""The rights the privacy page promises (RGPD): a declarant downloads and erases their data
from their space, an administrator erases a person's data, `recueil purge` applies the
retention durations, and the privacy page states the durations in force."""
import datetime as dt

import pytest
import sqlalchemy as sa
import webtest
from pyramid.scripting import prepare

from recueil import main
from recueil.models import AccessLink, Attachment, Erasure, Practice, RateEvent, Transition
from recueil.models.meta import Base
from recueil.scripts.cli import main as cli
from recueil.services import ratelimit, workflow
from recueil.services.retention import Retention, RetentionError, purge

from ..conftest import NOW, _clean
from ..factories import make_practice
from .helpers import csrf, link_from, sign_in_declarant
from .test_admin import sign_in, staff

OWNER = "claire.martin@departement.example.fr"
OTHER = "marc.leroy@association.example.org"
ACCORD = "paul.durand@departement.example.fr"
PHONE = "06 12 34 56 78"
MODERATOR = workflow.Actor(label="moderatrice@fep.example.fr", roles=("moderateur",))
ADMIN = "admin@fep.example.fr"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PERSONAL = ("contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
            "accord_nom", "accord_fonction", "accord_courriel", "declarant_courriel")


@pytest.fixture
def factory(wsgi_app, testapp):
    return wsgi_app.registry["dbsession_factory"]


def declared(session, status, owner=OWNER, **fields) -> Practice:
    """A practice of `owner` in `status`, with a document, a message of theirs and a
    moderator's note that kept a snapshot of the fields."""
    practice = make_practice(
        session, status=status, declarant_courriel=owner, contact_nom="Claire Martin",
        contact_courriel=owner, contact_telephone="02 41 00 00 00", accord_nom="Paul Durand",
        accord_courriel=ACCORD, **fields)
    practice.attachments.append(Attachment(
        filename="bilan-2025.pdf", media_type="application/pdf", size=len(PDF), sha256="0" * 64,
        content=PDF))
    practice.transitions.append(Transition(
        from_status=status, to_status=status, actor=owner, created_at=dt.datetime(2026, 10, 1),
        comment=f"Message de Claire : appelez-moi au {PHONE}."))
    practice.transitions.append(Transition(
        from_status=status, to_status=status, actor=MODERATOR.label, comment="Relu.",
        created_at=dt.datetime(2026, 10, 2),
        snapshot={"intitule": practice.intitule, "contact_courriel": owner}))
    session.flush()
    return practice


@pytest.fixture
def claire(factory):
    """Claire's practices in each kind of state, and two practices of Marc, one of which names
    Claire as its contact."""
    with factory() as session:
        ids = {
            "draft": declared(session, "brouillon").id,
            "in_progress": declared(session, "en_moderation").id,
            "closed": declared(session, "irrecevable").id,
            "published": declared(session, "publiee").id,
            "mention": make_practice(
                session, status="publiee", declarant_courriel=OTHER, contact_nom="Claire Martin",
                contact_courriel=OWNER, accord_nom="Paul Durand", accord_courriel=ACCORD).id,
            "marc": make_practice(
                session, status="soumise", declarant_courriel=OTHER, contact_nom="Marc Leroy",
                contact_courriel=OTHER).id,
        }
        session.commit()
    return ids


def practice(factory, practice_id) -> Practice | None:
    with factory() as session:
        found = session.get(Practice, practice_id)
        if found is not None:
            found.attachments, found.transitions  # noqa: B018 - loaded before closing
        return found


def occurrences(engine, text: str) -> list[str]:
    """The tables where `text` appears in any column of any row."""
    found = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                if text.lower() in repr(tuple(row)).lower():
                    found.append(table.name)
                    break
    return found


# -- access -------------------------------------------------------------------------------------

def test_the_export_holds_the_declarants_data_and_nothing_of_another_person(
        testapp, mailbox, claire, factory):
    space = sign_in_declarant(testapp, mailbox, OWNER)
    page = space.click(linkid="mes-donnees")
    download = page.click(linkid="telecharger")

    assert download.content_type == "application/json"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="mes-donnees-recueil-2026-11-23.json"')
    assert download.headers["Cache-Control"] == "no-store"
    data = download.json
    assert data["courriel"] == OWNER
    practices = {p["id"]: p for p in data["pratiques_declarees"]}
    assert set(practices) == {str(claire[k])
                              for k in ("draft", "in_progress", "closed", "published")}
    published = practices[str(claire["published"])]
    assert published["etat"] == "publiee" and published["etat_libelle"] == "Publiée"
    assert (published["declarant_courriel"], published["contact_telephone"],
            published["accord_courriel"]) == (OWNER, "02 41 00 00 00", ACCORD)
    assert published["thematiques"] == ["education"]
    assert published["pieces_jointes"] == [{
        "nom": "bilan-2025.pdf", "type": "application/pdf", "taille": len(PDF),
        "ajoutee_le": published["pieces_jointes"][0]["ajoutee_le"]}]
    history = published["historique"]
    assert [(h["par"], h["commentaire"]) for h in history] == [
        ("l'équipe du recueil", None),
        ("vous", f"Message de Claire : appelez-moi au {PHONE}."),
        ("l'équipe du recueil", "Relu."),
    ]
    assert history[1]["date"] == "2026-10-01T00:00:00+00:00"
    # the link she signed in with, the moment she used it
    assert data["liens_personnels"] == [{
        "cree_le": "2026-11-23T09:30:00+00:00", "expire_le": "2026-12-07T09:30:00+00:00",
        "utilise_le": "2026-11-23T09:30:00+00:00"}]
    # on Marc's practice, only her own block
    mention = practice(factory, claire["mention"])
    assert data["pratiques_mentionnant_votre_adresse"] == [{
        "reference": mention.reference, "intitule": mention.intitule,
        "contact_nom": "Claire Martin", "contact_fonction": None, "contact_courriel": OWNER,
        "contact_telephone": None}]
    body = download.text
    for foreign in (OTHER, "Marc Leroy", MODERATOR.label, "%PDF"):
        assert foreign not in body, foreign


def test_only_a_declarant_downloads_and_only_their_own_data(testapp, mailbox, claire):
    testapp.get("/mon-espace/mes-donnees/export", status=302)
    sign_in_declarant(testapp, mailbox, OTHER)
    data = testapp.get("/mon-espace/mes-donnees/export").json
    assert data["courriel"] == OTHER
    # the practices Marc declared, with what he typed in them; nothing of Claire's own
    assert {p["id"] for p in data["pratiques_declarees"]} == {str(claire["marc"]),
                                                              str(claire["mention"])}
    assert data["pratiques_mentionnant_votre_adresse"] == []
    assert "02 41 00 00 00" not in testapp.get("/mon-espace/mes-donnees/export").text


# -- erasure from the space ---------------------------------------------------------------------

def test_a_declarant_erases_their_data_after_a_confirmation(testapp, mailbox, claire, factory,
                                                            engine):
    space = sign_in_declarant(testapp, mailbox, OWNER)
    old_link = link_from(mailbox, OWNER)
    page = space.click(linkid="mes-donnees")
    for group, count in (("brouillons", 1), ("en-cours", 1), ("closes", 1), ("publiques", 1),
                         ("mentions", 1)):
        assert f"({count})" in page.html.find(id=f"effacement-{group}").h3.text, group
    confirmation = page.click(linkid="effacer")
    assert "définitif" in confirmation.html.find(class_="fr-alert--warning").text

    # a post without the confirmation erases nothing
    testapp.post("/mon-espace/mes-donnees/effacement", {"csrf_token": csrf(confirmation)})
    assert practice(factory, claire["draft"]) is not None
    assert occurrences(engine, PHONE)

    done = confirmation.forms["effacement"].submit("confirmer").follow()
    assert ("Vos données personnelles sont effacées (1 brouillon supprimé, 1 pratique retirée "
            "et anonymisée, 2 pratiques anonymisées, coordonnées retirées de 1 autre pratique)"
            ) in done.text
    # the session is over and her links open nothing
    assert testapp.get("/mon-espace", status=302).location.endswith("/declarer")
    testapp.get(old_link, status=400)

    assert practice(factory, claire["draft"]) is None
    in_progress = practice(factory, claire["in_progress"])
    assert in_progress.status == "retiree"
    assert in_progress.transitions[-2].comment == (
        "Retirée : la personne a demandé l'effacement de ses données")
    assert in_progress.transitions[-1].comment == (
        "Données personnelles effacées (à la demande de la personne).")
    for key in ("in_progress", "closed", "published"):
        kept = practice(factory, claire[key])
        assert all(getattr(kept, name) is None for name in PERSONAL), key
        assert kept.attachments == [], key
    published = practice(factory, claire["published"])
    assert published.status == "publiee" and published.description
    public = testapp.get(f"/pratiques/{claire['published']}")
    assert published.intitule in public.text
    assert "ne peut pas être contacté" in public.html.find(id="contact").text
    mention = practice(factory, claire["mention"])
    assert (mention.contact_nom, mention.contact_courriel) == (None, None)
    assert (mention.declarant_courriel, mention.accord_courriel) == (OTHER, ACCORD)
    marc = practice(factory, claire["marc"])
    assert (marc.status, marc.contact_nom, marc.contact_courriel) == ("soumise", "Marc Leroy",
                                                                      OTHER)
    # nothing of hers is left anywhere, and the trace says what was done, not to whom
    for trace in (OWNER, PHONE, "Claire Martin"):
        assert occurrences(engine, trace) == [], trace
    with factory() as session:
        erasure = session.scalars(sa.select(Erasure)).one()
        assert (erasure.requested_by, erasure.actor, erasure.deleted, erasure.withdrawn,
                erasure.anonymised, erasure.mentions) == ("personne", None, 1, 1, 2, 1)
        assert erasure.created_at == NOW


# -- erasure by an administrator ----------------------------------------------------------------

PAGE = "/gestion/admin/donnees-personnelles"


def test_an_administrator_erases_a_persons_data_and_the_trace_keeps_none(
        testapp, claire, factory, engine):
    with factory() as session:
        staff(session, ADMIN, "administrateur")
        session.commit()
    sign_in(testapp, ADMIN)
    page = testapp.get("/gestion/admin").click(href=PAGE)
    assert "Aucun effacement pour l'instant." in page.text
    form = page.forms["recherche"]
    form["courriel"] = "  Claire.Martin@Departement.example.FR "
    shown = form.submit("examiner")
    assert OWNER in shown.html.find(id="plan-titre").text
    assert "(1)" in shown.html.find(id="effacement-publiques").h3.text
    assert practice(factory, claire["draft"]) is not None  # looking erases nothing

    done = shown.forms["effacement"].submit("effacer").follow()
    assert "Les données de la personne sont effacées : 1 brouillon supprimé" in done.text
    row = done.html.find(id="registre").find("tbody").find("tr").text
    assert "Personne effacée le 23/11/2026 à 10:30" in row
    assert f"par un administrateur ({ADMIN})" in row
    assert "2 pratiques anonymisées" in row
    assert practice(factory, claire["in_progress"]).transitions[-1].actor == ADMIN
    for trace in (OWNER, PHONE, "Claire Martin"):
        assert occurrences(engine, trace) == [], trace


def test_an_administrators_erasure_needs_the_role_the_token_and_an_address(
        testapp, claire, factory, wsgi_app):
    with factory() as session:
        staff(session, ADMIN, "administrateur")
        staff(session, "moderatrice@fep.example.fr", "moderateur")
        session.commit()
    moderator = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.11"})
    sign_in(moderator, "moderatrice@fep.example.fr")
    moderator.get(PAGE, status=403)

    sign_in(testapp, ADMIN)
    page = testapp.get(PAGE)
    testapp.post(PAGE, {"courriel": OWNER, "effacer": "effacer"}, status=400)
    refused = testapp.post(PAGE, {"csrf_token": csrf(page), "courriel": "claire.martin",
                                  "effacer": "effacer"}, status=400)
    assert "Indiquez l'adresse électronique de la personne" in refused.html.find(id="erreur").text
    assert practice(factory, claire["draft"]) is not None
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Erasure)) == 0


# -- retention ----------------------------------------------------------------------------------

def run_purge(wsgi_app):
    """What the cron job does, on the tests' clock."""
    env = prepare(registry=wsgi_app.registry)
    try:
        request = env["request"]
        with request.tm:
            return purge(request.dbsession, request.clock, wsgi_app.registry["retention"])
    finally:
        env["closer"]()


@pytest.fixture
def aging(factory, clock):
    """A draft last saved now, practices closed now and others still alive, links and
    rate-limit events of several ages."""
    now = clock.now()
    with factory() as session:
        ids = {}
        ids["draft"] = declared(session, "brouillon").id
        for status in ("retiree", "irrecevable", "non_retenue", "doublon"):
            found = declared(session, status, owner=f"{status}@example.org")
            found.transitions.append(Transition(from_status="en_moderation", to_status=status,
                                                actor=MODERATOR.label, created_at=now))
            ids[status] = found.id
        ids["published"] = declared(session, "publiee", owner="publiee@example.org").id
        ids["in_progress"] = declared(session, "en_moderation", owner="encours@example.org").id
        session.flush()
        session.execute(sa.update(Practice).values(updated_at=now))
        session.add_all([
            AccessLink(email=OWNER, token_hash="a" * 64, created_at=now - dt.timedelta(days=15),
                       expires_at=now - dt.timedelta(days=1)),
            AccessLink(email=OWNER, token_hash="b" * 64, created_at=now,
                       expires_at=now + dt.timedelta(days=14)),
            RateEvent(key=ratelimit.LINKS_PER_ADDRESS.key(OWNER),
                      created_at=now - dt.timedelta(days=2)),
            RateEvent(key=ratelimit.LINKS_PER_ADDRESS.key(OWNER), created_at=now),
        ])
        session.commit()
    return ids


def counts(engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return tuple(connection.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (AccessLink, RateEvent))


def test_the_purge_applies_each_duration_once(wsgi_app, clock, aging, factory, engine):
    done = run_purge(wsgi_app)
    assert (done.links, done.rate_events, done.drafts, done.anonymised) == (1, 1, [], [])
    assert counts(engine) == (1, 1)
    assert run_purge(wsgi_app).nothing

    clock.advance(days=183)  # a little more than six months: the draft is abandoned
    done = run_purge(wsgi_app)
    assert len(done.drafts) == 1 and done.anonymised == []
    assert practice(factory, aging["draft"]) is None
    assert practice(factory, aging["irrecevable"]).contact_courriel == "irrecevable@example.org"

    clock.advance(days=183)  # a year after the decisions: their personal data goes
    done = run_purge(wsgi_app)
    assert len(done.anonymised) == 4
    for status in ("retiree", "irrecevable", "non_retenue", "doublon"):
        closed = practice(factory, aging[status])
        assert all(getattr(closed, name) is None for name in PERSONAL), status
        assert closed.transitions[-1].comment == (
            "Données personnelles effacées : la durée de conservation (12 mois après la "
            "clôture) est écoulée.")
        assert closed.transitions[-1].actor == "système (durée de conservation)"
        assert closed.status == status and closed.intitule
        # the declarant's own words go with their address; the moderator's stay
        assert [t.actor for t in closed.transitions][1:3] == ["déclarant (données effacées)",
                                                              MODERATOR.label]
        assert closed.transitions[2].snapshot["contact_courriel"] is None
    for key in ("published", "in_progress"):
        alive = practice(factory, aging[key])
        assert alive.contact_nom == "Claire Martin" and alive.declarant_courriel, key
    assert run_purge(wsgi_app).nothing


def test_the_command_says_what_it_did_and_then_that_nothing_is_left(
        ini_file, engine, factory, capsys):
    from recueil.clock import SystemClock

    long_ago = SystemClock().now() - dt.timedelta(days=800)
    with factory() as session:
        closed = declared(session, "non_retenue")
        closed.reference = "PI-2024-0999"
        draft = declared(session, "brouillon")
        session.flush()
        session.execute(sa.update(Transition).where(Transition.practice_id == closed.id)
                        .values(created_at=long_ago))
        session.execute(sa.update(Practice).where(Practice.id == draft.id)
                        .values(updated_at=long_ago))
        session.add(AccessLink(email=OWNER, token_hash="c" * 64, created_at=long_ago,
                               expires_at=long_ago + dt.timedelta(days=14)))
        session.commit()
    ini = ini_file(**{"recueil.retention.drafts_months": "3"})
    try:
        assert cli(["--config", str(ini), "purge"]) == 0
        out = capsys.readouterr().out
        today = f"{SystemClock().today():%d/%m/%Y}"
        rules = ("brouillons abandonnés depuis 3 mois, coordonnées des pratiques closes depuis "
                 "12 mois")
        assert out == (f"Effacé le {today} ({rules}) :\n"
                       "  1 lien(s) personnel(s) expiré(s)\n"
                       "  0 événement(s) de limitation de fréquence périmé(s)\n"
                       "  1 brouillon(s) abandonné(s), supprimé(s)\n"
                       "  les données personnelles de 1 pratique(s) close(s) : PI-2024-0999\n")
        assert cli(["--config", str(ini), "purge"]) == 0
        assert capsys.readouterr().out == f"Rien à effacer le {today} ({rules}).\n"
    finally:
        _clean(engine)


# -- what the privacy page says -----------------------------------------------------------------

def test_the_privacy_page_states_the_durations_in_force(testapp, wsgi_app):
    page = testapp.get("/pages/donnees-personnelles")
    text = page.html.find(class_="page-information__contenu").text
    assert "Un lien personnel est valable 14 jours" in text
    assert "elles sont effacées au bout de 24 heures" in text
    assert "depuis 6 mois est considéré comme abandonné" in text
    assert "sont effacées 12 mois après cette décision" in text
    assert "{{" not in text

    registry = wsgi_app.registry
    previous = registry["retention"]
    registry["retention"] = Retention(drafts_months=3, personal_months=24, link_days=7)
    try:
        text = testapp.get("/pages/donnees-personnelles").text
    finally:
        registry["retention"] = previous
    assert "valable 7 jours" in text and "depuis 3 mois" in text and "24 mois après" in text


def test_the_durations_come_from_the_settings_and_a_wrong_one_stops_the_start(app_settings):
    app = main({}, **dict(app_settings, **{"recueil.retention.drafts_months": "2",
                                           "recueil.retention.personal_months": "18"}))
    assert app.registry["retention"] == Retention(drafts_months=2, personal_months=18,
                                                  link_days=14)
    with pytest.raises(RetentionError, match="recueil.retention.personal_months doit être un "
                                             "nombre entier de mois, au moins 1"):
        main({}, **dict(app_settings, **{"recueil.retention.personal_months": "six"}))


def test_an_administrator_sees_the_placeholders_and_their_values(testapp, factory):
    with factory() as session:
        staff(session, ADMIN, "administrateur")
        session.commit()
    sign_in(testapp, ADMIN)
    page = testapp.get("/gestion/admin/pages/donnees-personnelles")
    help_text = page.html.find(id="durees").text
    assert "{{duree_brouillons}} : 6 mois" in help_text
    assert "{{duree_liens}} : 14 jours" in help_text
    form = page.forms["page"]
    form["contenu"] = "Les brouillons sont gardés {{duree_brouillons}}."
    preview = form.submit("previsualiser")
    assert "Les brouillons sont gardés 6 mois." in preview.html.find(id="apercu").text
