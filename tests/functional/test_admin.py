"""An administrator manages staff accounts and unpublishes or republishes a practice."""

import pytest
import sqlalchemy as sa
import webtest

from recueil.models import Practice, Transition, User
from recueil.models.practice import STATUSES
from recueil.scripts.cli import main as cli
from recueil.services.passwords import hash_password

from ..factories import make_practice

PASSWORD = "une phrase de passe solide"


def staff(dbsession, email, *roles):
    user = User(email=email, password_hash=hash_password(PASSWORD))
    for role in roles:
        user.add_role(role)
    dbsession.add(user)
    dbsession.flush()
    return user


def sign_in(testapp, email, password=PASSWORD):
    form = testapp.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = password
    return form.submit().follow()


def test_an_administrator_creates_an_account_that_can_sign_in(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        session.commit()
    home = sign_in(testapp, "admin@fep.example.fr")
    assert "Administration" in home
    page = testapp.get("/gestion/admin/comptes")
    form = page.forms["nouveau-compte"]
    form["courriel"] = "moderatrice@fep.example.fr"
    form["mot_de_passe"] = "court"
    failed = form.submit("creer")
    assert "12 caractères au moins" in failed and "cochez au moins un rôle" in failed
    form = failed.forms["nouveau-compte"]
    form["mot_de_passe"] = "provisoire-tres-long"
    form.set("valeur", True, index=0)  # moderateur
    form.submit("creer").follow()

    other = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.11"})
    landing = sign_in(other, "moderatrice@fep.example.fr", "provisoire-tres-long")
    assert "Modération" in landing and "Administration" not in landing
    other.get("/gestion/admin", status=403)


def test_roles_change_but_an_administrator_keeps_their_own(testapp, wsgi_app, engine):
    with wsgi_app.registry["dbsession_factory"]() as session:
        admin_id = staff(session, "admin@fep.example.fr", "administrateur").id
        member_id = staff(session, "membre@fep.example.fr", "moderateur").id
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    page = testapp.get("/gestion/admin/comptes")
    form = page.forms[f"roles-{member_id}"]
    form.get("role", index=0).checked = False  # moderateur
    form.get("role", index=1).checked = True  # comite
    form["actif"] = False
    # a committee member sits for an institution
    refused = form.submit().follow()
    assert ("« Type d'institution » : un membre du comité siège pour une institution ; "
            "choisissez son type et son nom.") in refused
    assert _account(engine, "membre@fep.example.fr") == (True, ["moderateur"])
    form = refused.forms[f"roles-{member_id}"]
    form.get("role", index=0).checked = False
    form.get("role", index=1).checked = True
    form["actif"] = False
    form["institution_type"] = "departement"
    form["institution_nom"] = "Conseil départemental de Maine-et-Loire"
    updated = form.submit().follow()
    assert "Compte de membre@fep.example.fr mis à jour." in updated
    assert "Département – Conseil départemental de Maine-et-Loire" in updated
    assert _account(engine, "membre@fep.example.fr") == (False, ["comite"])

    form = testapp.get("/gestion/admin/comptes").forms[f"roles-{admin_id}"]
    form.get("role", index=4).checked = False  # administrateur
    form.get("role", index=0).checked = True
    refused = form.submit().follow()
    assert "Vous ne pouvez pas retirer votre propre rôle d'administrateur." in refused
    assert _account(engine, "admin@fep.example.fr") == (True, ["administrateur"])

    form = refused.forms["nouveau-compte"]
    form["courriel"] = "Membre@fep.example.fr"
    form["mot_de_passe"] = "provisoire-tres-long"
    form.set("valeur", True, index=0)
    again = form.submit("creer").follow()
    assert "Un compte existe déjà pour membre@fep.example.fr : modifiez ses rôles" in again
    assert _account(engine, "membre@fep.example.fr") == (False, ["comite"])


def test_the_command_line_creates_then_completes_an_account(testapp, ini_file, engine,
                                                            monkeypatch, capsys):
    ini = ini_file()
    monkeypatch.setenv("RECUEIL_PASSWORD", PASSWORD)
    command = ["--config", str(ini), "user", "add", "Redac@onpe.example.fr"]
    assert cli([*command, "--role", "redacteur_onpe", "--nom", "Rémi"]) == 0
    assert capsys.readouterr().out == "Compte créé : redac@onpe.example.fr (redacteur_onpe)\n"
    assert cli([*command, "--role", "comite"]) == 0
    assert capsys.readouterr().out == (
        "Compte mis à jour : redac@onpe.example.fr (comite, redacteur_onpe)\n")
    assert _account(engine, "redac@onpe.example.fr") == (True, ["comite", "redacteur_onpe"])
    assert "Gestion du recueil" in sign_in(testapp, "redac@onpe.example.fr")
    with pytest.raises(SystemExit, match="Rôle inconnu ou absent : pape."):
        cli([*command, "--role", "pape"])


def _account(engine, email):
    with engine.connect() as connection:
        user_id, active = connection.execute(
            sa.select(User.id, User.active).where(User.email == email)).one()
        roles = connection.scalars(sa.text(
            "SELECT role FROM user_roles WHERE user_id = :id ORDER BY role"), {"id": user_id})
        return active, list(roles)


def test_unpublish_needs_a_reason_and_republish_restores(testapp, wsgi_app, engine):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        practice_id = make_practice(session, intitule="Une pratique en ligne").id
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    testapp.get(f"/pratiques/{practice_id}", status=200)
    page = testapp.get(f"/gestion/admin/pratiques/{practice_id}")
    failed = page.forms["depublication"].submit("depublier")
    assert "« Motif de la dépublication » est obligatoire" in failed
    motif = failed.html.select_one("textarea[name=motif]")
    label = failed.html.select_one(f"label[for={motif['id']}]")
    assert label is not None and "Motif de la dépublication" in label.get_text()
    assert _status(engine, practice_id) == "publiee"

    form = failed.forms["depublication"]
    form["motif"] = "Coordonnées périmées signalées par le département"
    form.submit("depublier").follow()
    assert _status(engine, practice_id) == "depubliee"
    testapp.get(f"/pratiques/{practice_id}", status=404)
    assert testapp.get("/api/pratiques").json["total"] == 0

    page = testapp.get(f"/gestion/admin/pratiques/{practice_id}")
    assert "Coordonnées périmées" in page
    page.forms["republication"].submit("republier").follow()
    assert _status(engine, practice_id) == "publiee"
    testapp.get(f"/pratiques/{practice_id}", status=200)


def test_the_example_of_a_reference_is_of_this_year(testapp, wsgi_app, clock):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    clock.advance(days=45)  # from 23 November 2026 into 2027
    search = testapp.get("/gestion/admin").html.find(id="reference")
    assert search["placeholder"] == "PI-2027-0042"


def test_a_stale_page_cannot_unpublish(testapp, wsgi_app, engine):
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        practice_id = make_practice(session).id
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    page = testapp.get(f"/gestion/admin/pratiques/{practice_id}")
    with factory() as session:  # someone else changes it meanwhile
        session.get(Practice, practice_id).coup_de_coeur = True
        session.commit()
    form = page.forms["depublication"]
    form["motif"] = "Un motif"
    refused = form.submit("depublier", status=409)
    assert "modifiée entre-temps" in refused
    assert _status(engine, practice_id) == "publiee"
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(Transition)
                                 .where(Transition.to_status == "depubliee")) == 0


def test_the_page_offers_only_the_step_the_state_allows(testapp, wsgi_app):
    """Unpublishing for a published practice, republishing for an unpublished one, nothing
    for any other state nor for an ONPE fiche (its editors unpublish it)."""
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as session:
        staff(session, "admin@fep.example.fr", "administrateur")
        ids = {(niveau, status): make_practice(session, status=status, niveau=niveau).id
               for niveau in (1, 2) for status in STATUSES}
        session.commit()
    sign_in(testapp, "admin@fep.example.fr")
    for (niveau, status), practice_id in ids.items():
        page = testapp.get(f"/gestion/admin/pratiques/{practice_id}")
        shown = {name for name in ("depublication", "republication") if name in page.forms}
        expected = {("publiee", 1): {"depublication"},
                    ("depubliee", 1): {"republication"}}.get((status, niveau), set())
        assert shown == expected, (niveau, status)
        assert ("<h2 class=\"fr-h5\">Dépublier</h2>" in page) == ("depublication" in expected)
        assert ("Republier</button>" in page) == ("republication" in expected)


def _status(engine, practice_id):
    with engine.connect() as connection:
        return connection.scalar(sa.select(Practice.status).where(Practice.id == practice_id))


def test_a_staff_member_changes_their_password(testapp, wsgi_app):
    with wsgi_app.registry["dbsession_factory"]() as session:
        staff(session, "membre@comite.example.fr", "comite")
        session.commit()
    sign_in(testapp, "membre@comite.example.fr")
    form = testapp.get("/gestion/mot-de-passe").forms["mot-de-passe"]
    form["actuel"] = "pas le bon mot de passe"
    form["nouveau"] = form["confirmation"] = "une toute nouvelle phrase"
    assert "ce n'est pas votre mot de passe" in form.submit("changer", status=400)
    form = testapp.get("/gestion/mot-de-passe").forms["mot-de-passe"]
    form["actuel"] = PASSWORD
    form["nouveau"] = "une toute nouvelle phrase"
    form["confirmation"] = "une autre phrase encore"
    assert "les deux mots de passe diffèrent" in form.submit("changer")
    form = testapp.get("/gestion/mot-de-passe").forms["mot-de-passe"]
    form["actuel"] = PASSWORD
    form["nouveau"] = form["confirmation"] = "une toute nouvelle phrase"
    assert "Votre mot de passe a été changé" in form.submit("changer").follow()

    other = webtest.TestApp(wsgi_app, extra_environ={"REMOTE_ADDR": "192.0.2.12"})
    assert "incorrect" in _try(other, "membre@comite.example.fr", PASSWORD)
    assert "Gestion du recueil" in sign_in(
        other, "membre@comite.example.fr", "une toute nouvelle phrase"
    )


def _try(app, email, password):
    form = app.get("/connexion").forms["connexion"]
    form["courriel"] = email
    form["mot_de_passe"] = password
    return form.submit(status=400)
