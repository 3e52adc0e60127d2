"""The life of a practice (spec §3), step by step: who may take each step, from which state,
with which comment; a refused step changes nothing; snapshots show what changed since."""
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from recueil.clock import FixedClock
from recueil.models import Attachment, Practice
from recueil.models.practice import STATUSES
from recueil.services import workflow

from ...factories import make_practice

NOW = dt.datetime(2026, 11, 23, 9, 30)
OWNER = "claire.martin@departement.example.fr"

#: spec §3, written out here rather than read from the module under test:
#: step -> (states it starts from, state it leads to, role that takes it, comment required)
EXPECTED = {
    "submit": ({"brouillon"}, "soumise", "declarant", False),
    "start_review": ({"soumise"}, "en_moderation", "moderateur", False),
    "ask_complements": ({"en_moderation"}, "complement_demande", "moderateur", True),
    "resubmit": ({"complement_demande"}, "en_moderation", "declarant", False),
    "declare_admissible": ({"en_moderation"}, "recevable", "moderateur", False),
    "declare_inadmissible": ({"en_moderation"}, "irrecevable", "moderateur", True),
    "mark_duplicate": ({"en_moderation"}, "doublon", "moderateur", False),
    "put_on_agenda": ({"recevable"}, "inscrite", "secretariat", False),
    "remove_from_agenda": ({"inscrite"}, "recevable", "secretariat", False),
    "select": ({"inscrite"}, "selectionnee", "secretariat", False),
    "reject": ({"inscrite"}, "non_retenue", "secretariat", True),
    "postpone": ({"inscrite"}, "ajournee", "secretariat", True),
    "ask_postponed_complements": ({"ajournee"}, "complement_demande", "secretariat", False),
    # issue 14: a decision is corrected, with a reason, until the practice is published
    "correct_to_selected": ({"non_retenue", "ajournee", "complement_demande"}, "selectionnee",
                            "secretariat", True),
    "correct_to_rejected": ({"selectionnee", "ajournee", "complement_demande"}, "non_retenue",
                            "secretariat", True),
    "correct_to_postponed": ({"selectionnee", "non_retenue"}, "ajournee", "secretariat", True),
    "publish": ({"selectionnee"}, "publiee", "systeme", False),
    "unpublish": ({"publiee"}, "depubliee", "administrateur", True),
    "republish": ({"depubliee"}, "publiee", "administrateur", False),
    "withdraw": ({"brouillon", "soumise", "en_moderation", "complement_demande", "recevable",
                  "inscrite", "ajournee"}, "retiree", "declarant", False),
    # spec §5: a practice built from an imported row enters moderation, or is migrated online
    "import": ({"brouillon"}, "soumise", "systeme", False),
    "import_published": ({"brouillon"}, "publiee", "systeme", False),
    "import_published_fiche": ({"brouillon"}, "publiee", "systeme", False),
    # spec §4: the ONPE's fiches
    "publish_fiche": ({"brouillon"}, "publiee", "redacteur_onpe", False),
    "unpublish_fiche": ({"publiee"}, "depubliee", "redacteur_onpe", False),
    "republish_fiche": ({"depubliee"}, "publiee", "redacteur_onpe", False),
}
ROLES = ("declarant", "moderateur", "comite", "secretariat", "redacteur_onpe", "administrateur",
         "systeme")


def actor(role: str, email: str = OWNER) -> workflow.Actor:
    if role == "declarant":
        return workflow.Actor(label=email, roles=("declarant",), declarant_email=email)
    if role == "systeme":
        return workflow.SYSTEM
    return workflow.Actor(label=f"{role}@fep.example.fr", roles=(role,), user_id=None)


@pytest.fixture
def clock():
    return FixedClock(NOW)


#: steps taken on level-2 rows (ONPE fiches) only
FICHE_STEPS = {"publish_fiche", "unpublish_fiche", "republish_fiche", "import_published_fiche"}


def practice_in(dbsession, status: str, step: str | None = None) -> Practice:
    """A practice in `status`, or a fiche when `step` is one of a fiche's."""
    return make_practice(dbsession, status=status, declarant_courriel=OWNER,
                         niveau=2 if step in FICHE_STEPS else 1)


def unchanged(dbsession, practice: Practice, before: tuple) -> bool:
    dbsession.flush()
    return (practice.status, practice.version, len(practice.transitions)) == before


def test_the_steps_are_those_of_the_spec():
    assert set(workflow.STEPS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_step_from_every_state(dbsession, clock, name):
    sources, target, role, _ = EXPECTED[name]
    step = workflow.STEPS[name]
    for status in STATUSES:
        practice = practice_in(dbsession, status, name)
        before = (practice.status, practice.version, len(practice.transitions))
        if status in sources:
            transition = workflow.apply(dbsession, clock, practice, name, actor(role),
                                        comment="  Un commentaire  ")
            assert practice.status == target, (name, status)
            assert practice.transitions[-1] is transition
            assert (transition.from_status, transition.to_status) == (status, target)
            assert transition.actor == actor(role).label
            assert transition.created_at == NOW
            assert transition.comment == "Un commentaire"
            assert transition.snapshot is None
            assert practice.version == before[1] + 1
        else:
            with pytest.raises(workflow.WorkflowError) as refused:
                workflow.apply(dbsession, clock, practice, name, actor(role),
                               comment="Un commentaire")
            what = "la fiche" if name in FICHE_STEPS else "la pratique"
            assert str(refused.value) == (
                f"« {step.label} » est impossible : {what} est « {STATUSES[status]} »."
            )
            assert unchanged(dbsession, practice, before), (name, status)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_the_steps_role_may_take_it(dbsession, clock, name):
    sources, _, role, _ = EXPECTED[name]
    status = sorted(sources)[0]
    step = workflow.STEPS[name]
    for other in ROLES:
        if other == role:
            continue
        practice = practice_in(dbsession, status, name)
        before = (practice.status, practice.version, len(practice.transitions))
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.apply(dbsession, clock, practice, name, actor(other), comment="Un commentaire")
        assert str(refused.value) == (
            f"Vous n'avez pas le droit de faire « {step.label} » sur cette pratique."
        )
        assert unchanged(dbsession, practice, before), (name, other)
        assert step not in workflow.available(practice, actor(other))


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[2] == "declarant"])
def test_a_declarant_acts_only_on_their_own_practice(dbsession, clock, name):
    practice = practice_in(dbsession, sorted(EXPECTED[name][0])[0])
    before = (practice.status, practice.version, len(practice.transitions))
    stranger = actor("declarant", "marc.leroy@association.example.org")
    with pytest.raises(workflow.WorkflowError, match="Vous n'avez pas le droit"):
        workflow.apply(dbsession, clock, practice, name, stranger)
    assert unchanged(dbsession, practice, before)
    # a staff account is not the declarant either, whatever its roles
    staff = workflow.Actor(label="admin@fep.example.fr", roles=ROLES[1:], user_id=None)
    with pytest.raises(workflow.WorkflowError, match="Vous n'avez pas le droit"):
        workflow.apply(dbsession, clock, practice, name, staff)
    workflow.apply(dbsession, clock, practice, name, actor("declarant", OWNER))
    assert practice.status == EXPECTED[name][1]


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[3]])
@pytest.mark.parametrize("comment", [None, "", "   \n  "])
def test_a_comment_is_required_where_the_spec_asks_for_one(dbsession, clock, name, comment):
    sources, target, role, _ = EXPECTED[name]
    step = workflow.STEPS[name]
    practice = practice_in(dbsession, sorted(sources)[0])
    before = (practice.status, practice.version, len(practice.transitions))
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.apply(dbsession, clock, practice, name, actor(role), comment=comment)
    assert str(refused.value) == f"« {step.label} » : indiquez {step.comment_required}."
    assert unchanged(dbsession, practice, before)


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if not e[3]])
def test_other_steps_take_no_comment_when_none_is_given(dbsession, clock, name):
    sources, target, role, _ = EXPECTED[name]
    practice = practice_in(dbsession, sorted(sources)[0], name)
    transition = workflow.apply(dbsession, clock, practice, name, actor(role), comment="   ")
    assert transition.comment is None and practice.status == target


def test_an_unknown_step_is_refused(dbsession, clock):
    practice = practice_in(dbsession, "en_moderation")
    with pytest.raises(workflow.WorkflowError, match="Action inconnue : « envoler »."):
        workflow.apply(dbsession, clock, practice, "envoler", actor("moderateur"))


def test_a_stale_version_is_a_conflict_whatever_else(dbsession, clock):
    practice = practice_in(dbsession, "en_moderation")
    before = (practice.status, practice.version, len(practice.transitions))
    for name, role in (("declare_admissible", "moderateur"), ("select", "comite")):
        with pytest.raises(workflow.ConflictError) as refused:
            workflow.apply(dbsession, clock, practice, name, actor(role),
                           expected_version=practice.version - 1)
        assert str(refused.value) == workflow.CONFLICT
        assert unchanged(dbsession, practice, before)
    workflow.apply(dbsession, clock, practice, "declare_admissible", actor("moderateur"),
                   expected_version=practice.version)
    assert practice.status == "recevable"


def test_check_refuses_like_apply_and_changes_nothing(dbsession):
    practice = practice_in(dbsession, "soumise")
    before = (practice.status, practice.version, len(practice.transitions))
    assert workflow.check(practice, "start_review", actor("moderateur")).target == "en_moderation"
    with pytest.raises(workflow.WorkflowError, match="« Déclarer recevable » est impossible"):
        workflow.check(practice, "declare_admissible", actor("moderateur"))
    assert unchanged(dbsession, practice, before)


def test_available_steps(dbsession):
    practice = practice_in(dbsession, "en_moderation")
    names = [s.name for s in workflow.available(practice, actor("moderateur"))]
    assert names == ["ask_complements", "declare_admissible", "declare_inadmissible",
                     "mark_duplicate"]
    assert [s.name for s in workflow.available(practice, actor("declarant"))] == ["withdraw"]
    stranger = actor("declarant", "marc.leroy@association.example.org")
    assert workflow.available(practice, stranger) == []
    assert workflow.available(practice, actor("comite")) == []
    published = practice_in(dbsession, "publiee")
    assert [s.name for s in workflow.available(published, actor("administrateur"))] == ["unpublish"]
    assert workflow.available(published, actor("declarant")) == []


@pytest.mark.parametrize("name, niveau, message", [
    ("publish_fiche", 1, "« Publier la fiche » ne s'applique qu'aux fiches dispositifs de l'ONPE."),
    ("unpublish_fiche", 1,
     "« Dépublier la fiche » ne s'applique qu'aux fiches dispositifs de l'ONPE."),
    ("unpublish", 2, "« Dépublier » ne s'applique pas aux fiches dispositifs de l'ONPE."),
    ("republish", 2, "« Republier » ne s'applique pas aux fiches dispositifs de l'ONPE."),
])
def test_a_step_of_one_level_refuses_the_other(dbsession, clock, name, niveau, message):
    sources, _, role, _ = EXPECTED[name]
    practice = make_practice(dbsession, status=sorted(sources)[0], niveau=niveau)
    before = (practice.status, practice.version, len(practice.transitions))
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.apply(dbsession, clock, practice, name, actor(role), comment="Un motif")
    assert str(refused.value) == message
    assert unchanged(dbsession, practice, before)
    assert workflow.STEPS[name] not in workflow.available(practice, actor(role))


def test_a_fiche_is_published_unpublished_and_republished_by_its_editors(dbsession, clock):
    fiche = make_practice(dbsession, status="brouillon", niveau=2, date_publication=None)
    editor = actor("redacteur_onpe")
    assert [s.name for s in workflow.available(fiche, editor)] == ["publish_fiche"]
    for name in ("publish_fiche", "unpublish_fiche", "republish_fiche"):
        workflow.apply(dbsession, clock, fiche, name, editor)
    assert [(t.from_status, t.to_status) for t in fiche.transitions[1:]] == [
        ("brouillon", "publiee"), ("publiee", "depubliee"), ("depubliee", "publiee")]
    assert workflow.available(fiche, actor("administrateur")) == []
    with pytest.raises(workflow.WorkflowError, match="« Publier la fiche » est impossible : "
                                                      "la fiche est « Publiée »."):
        workflow.apply(dbsession, clock, fiche, "publish_fiche", editor)


def test_a_snapshot_shows_what_changed_since(dbsession, clock):
    practice = practice_in(dbsession, "en_moderation")
    asked = workflow.apply(dbsession, clock, practice, "ask_complements", actor("moderateur"),
                           comment="Précisez le bilan.", keep_snapshot=True)
    assert asked.snapshot["intitule"] == practice.intitule
    assert asked.snapshot["date_mise_en_oeuvre"] == "2020-01-15"
    assert asked.snapshot["thematiques"] == ["education"]
    assert asked.snapshot["contact_courriel"] == "contact@example.org"
    assert asked.snapshot["pieces_jointes"] == []
    assert "reference" not in asked.snapshot and "id" not in asked.snapshot
    assert workflow.changes_since(practice, asked) == []

    practice.bilan = "Un bilan chiffré : 52 familles."
    practice.thematiques = ["education", "sante-mentale"]
    practice.date_mise_en_oeuvre = dt.date(2019, 9, 1)
    practice.attachments.append(Attachment(filename="bilan.pdf", media_type="application/pdf",
                                           size=5, sha256="0" * 64, content=b"%PDF-"))
    dbsession.flush()
    dbsession.expire_all()  # what was stored, as a later request reads it
    practice = dbsession.get(Practice, practice.id)
    asked = practice.transitions[-1]
    assert sorted(workflow.changes_since(practice, asked)) == [
        ("bilan", "Un bilan.", "Un bilan chiffré : 52 familles."),
        ("date_mise_en_oeuvre", "2020-01-15", "2019-09-01"),
        ("pieces_jointes", [], ["bilan.pdf"]),
        ("thematiques", ["education"], ["education", "sante-mentale"]),
    ]
    resubmitted = workflow.apply(dbsession, clock, practice, "resubmit", actor("declarant"))
    assert workflow.changes_since(practice, resubmitted) == []  # no snapshot kept


def test_a_write_over_a_newer_version_fails_on_flush(dbsession, clock, wsgi_app, engine):
    """Two people loaded the same version; the second write finds a newer one and fails."""
    factory = wsgi_app.registry["dbsession_factory"]
    with factory() as setup:
        practice_id = practice_in(setup, "en_moderation").id
        setup.commit()
    with factory() as first, factory() as second:
        mine = first.get(Practice, practice_id)
        assert len(mine.transitions) == 1
        theirs = second.get(Practice, practice_id)
        workflow.apply(second, clock, theirs, "declare_admissible", actor("moderateur"))
        second.commit()
        # the version check before the write passes (the page's version is the one loaded) …
        with pytest.raises(StaleDataError):
            workflow.apply(first, clock, mine, "declare_inadmissible", actor("moderateur"),
                           comment="Hors sujet", expected_version=1)
        first.rollback()  # … and the database refuses the write
    with engine.connect() as connection:
        status, version = connection.execute(
            sa.select(Practice.status, Practice.version).where(Practice.id == practice_id)).one()
        steps = connection.execute(sa.text(
            "SELECT to_status FROM transitions ORDER BY id")).scalars().all()
    assert (status, version) == ("recevable", 2)
    assert steps == ["en_moderation", "recevable"]
