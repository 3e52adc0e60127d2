"""The demonstration data set (`recueil demo`): volume, coverage, form rules, history."""
import datetime as dt
import re
import types
from collections import Counter

import colander
import pytest
from sqlalchemy import select

from recueil.forms.fiche import FicheSchema
from recueil.forms.practice import (
    ContactSchema,
    LocalisationSchema,
    PresentationSchema,
    ResultatsSchema,
)
from recueil.models import CommitteeSession, Departement, Practice, VocabularyTerm
from recueil.models.committee import DECISIONS, PUBLICATION_DELAY_DAYS
from recueil.models.practice import STATUSES
from recueil.scripts.demo import (
    ADMINISTRATEURS,
    MODERATEURS,
    NEXT_SESSION,
    REDACTION_ONPE,
    SECRETARIAT,
    SESSIONS,
    create_demo,
)
from recueil.services import fiches as fiche_service
from recueil.services import workflow
from recueil.services.numbering import next_reference
from recueil.services.references import References

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23)
STEPS = ["conditions", "presentation", "localisation", "resultats", "contact"]
SCALES = {"nationale", "regionale", "departementale", "locale"}

#: Who holds which role among the demo's actors (the declarant is each practice's own).
ROLE_OF = {
    **{email: "moderateur" for email in MODERATEURS},
    **{email: "secretariat" for email in SECRETARIAT},
    **{email: "administrateur" for email in ADMINISTRATEURS},
    workflow.SYSTEM.label: "systeme",
}

LIMITS = {
    "intitule": 100, "nom_entite": 100, "description": 1000, "objectifs": 500, "moyens": 500,
    "bilan": 500, "types_intervention_autre": 100, "thematiques_autre": 100,
    "publics_autre": 100, "relais_autre": 100, "lieu": 100, "contact_nom": 100,
    "contact_fonction": 100, "accord_nom": 100, "accord_fonction": 100,
}
PERSONAL_EMAIL = re.compile(r"^[a-z0-9.-]+@([a-z0-9-]+\.)*example\.(org|fr)$")


def demo_practices(dbsession, niveau=1):
    return list(dbsession.scalars(
        select(Practice).where(Practice.source == "demo", Practice.niveau == niveau)
        .order_by(Practice.source_id)
    ))


@pytest.fixture
def demo(dbsession):
    counts = create_demo(dbsession)
    return counts, demo_practices(dbsession)


def test_volume_and_every_status(demo):
    counts, practices = demo
    assert len(practices) >= 300
    assert sum(counts.values()) == len(practices)
    assert counts == dict(Counter(p.status for p in practices))
    assert set(counts) == set(STATUSES)
    assert 0.40 <= counts["publiee"] / len(practices) <= 0.50
    assert len({p.source_id for p in practices}) == len(practices)
    assert all(p.niveau == 1 and p.accepte_conditions for p in practices)


def test_published_practices_cover_every_vocabulary_and_scale(dbsession, demo):
    _, practices = demo
    published = [p for p in practices if p.status == "publiee"]
    vocabularies = {}
    for term in dbsession.scalars(select(VocabularyTerm).where(VocabularyTerm.active.is_(True))):
        vocabularies.setdefault(term.vocabulary, set()).add(term.code)
    for field in ("types_intervention", "thematiques", "publics"):
        used = {code for p in published for code in getattr(p, field)}
        assert used == vocabularies[field], field
    assert {p.echelle for p in published} == vocabularies["echelle"] == SCALES
    assert {p.relais for p in published} == vocabularies["relais"]
    assert any(p.coup_de_coeur for p in published)
    for p in published:
        assert p.date_publication is not None and p.date_publication < TODAY
        assert p.reference and p.submitted_at
    # many territories, the overseas ones and Corsica among them
    departements = {d for p in practices for d in p.departements}
    assert len(departements) >= 80
    assert {"2A", "2B", "971", "972", "973", "974", "976"} & departements
    # French text the search relies on: accents, elisions, plurals
    text = " ".join(f"{p.intitule} {p.description} {p.objectifs} {p.bilan}" for p in published)
    words = ("école", "écoles", "éducatif", "éducatives", "enfants", "d'enfants", "l'enfant")
    for word in words:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word


def test_every_practice_follows_the_rules_of_the_form(dbsession, demo):
    _, practices = demo
    references = References(dbsession)
    region_of = {d.code: d.region_code for d in dbsession.scalars(select(Departement))}
    bind = {"references": references, "today": TODAY, "csrf_token": ""}
    for p in practices:
        for field, limit in LIMITS.items():
            assert len(getattr(p, field) or "") <= limit, (p.source_id, field)
        for field in ("contact_courriel", "accord_courriel", "declarant_courriel"):
            value = getattr(p, field)
            assert value is None or PERSONAL_EMAIL.match(value), (p.source_id, value)
        if p.status == "brouillon":
            assert p.reference is None and p.submitted_at is None
            assert p.etapes_validees == STEPS[: len(p.etapes_validees)]
            continue
        assert p.etapes_validees == STEPS
        presentation = {
            name: getattr(p, name) for name in (
                "nom_entite", "intitule", "description", "echelle", "types_intervention",
                "thematiques", "publics", "relais", "types_intervention_autre",
                "thematiques_autre", "publics_autre", "relais_autre")
            if getattr(p, name) not in (None, [])
        }
        presentation["date_mise_en_oeuvre"] = p.date_mise_en_oeuvre.strftime("%d/%m/%Y")
        localisation = {"regions": p.regions, "departements": p.departements, "lieu": p.lieu}
        resultats = {"objectifs": p.objectifs, "moyens": p.moyens, "bilan": p.bilan,
                     "budget_annuel": p.budget_annuel,
                     "nombre_beneficiaires": p.nombre_beneficiaires}
        contact = {name: getattr(p, name) for name in (
            "contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
            "accord_nom", "accord_fonction", "accord_courriel")}
        for schema, cstruct in (
            (PresentationSchema().bind(**bind), presentation),
            (LocalisationSchema().bind(echelle=p.echelle, **bind), localisation),
            (ResultatsSchema().bind(**bind), resultats),
            (ContactSchema().bind(**bind), contact),
        ):
            cstruct = {k: (str(v) if isinstance(v, int) else v)
                       for k, v in cstruct.items() if v not in (None, [])}
            try:
                schema.deserialize(cstruct)
            except colander.Invalid as error:  # pragma: no cover - shows what failed
                pytest.fail(f"{p.source_id}: {error.asdict()}")
        for field in ("types_intervention", "thematiques", "publics", "relais"):
            chosen = getattr(p, field)
            chosen = [chosen] if isinstance(chosen, str) else chosen
            assert bool(getattr(p, f"{field}_autre")) == ("autre" in chosen), (p.source_id, field)
        # spec §2 step 3 and §9: the territory follows the scale
        if p.echelle == "nationale":
            assert p.regions == [] and p.departements == [] and p.lieu is None
        elif p.echelle == "regionale":
            assert 1 <= len(p.regions) <= 3 and p.departements == [] and p.lieu is None
        elif p.echelle == "departementale":
            assert 1 <= len(p.departements) <= 3 and p.lieu is None
            assert p.regions == sorted({region_of[d] for d in p.departements})
        else:
            assert len(p.departements) == 1 and p.lieu
            assert p.regions == [region_of[p.departements[0]]]
        assert dt.date(2005, 1, 1) <= p.date_mise_en_oeuvre <= dt.date(2026, 10, 31)
        assert p.date_mise_en_oeuvre <= p.created_at.date()
    young = [p for p in practices if p.date_mise_en_oeuvre
             and (TODAY - p.date_mise_en_oeuvre).days < 365]
    assert 0 < len(young) < len(practices) / 5
    assert any(p.budget_annuel is None for p in practices)
    assert sum(p.budget_annuel is not None for p in practices) > len(practices) / 2


def test_history_follows_the_workflow(demo):
    _, practices = demo
    references = [p.reference for p in practices if p.reference]
    assert len(references) == len(set(references))
    assert all(re.fullmatch(r"PI-20\d\d-\d{4}", r) for r in references)
    for p in practices:
        history = p.transitions
        assert history[0].from_status is None and history[0].to_status == "brouillon"
        assert history[-1].to_status == p.status
        assert p.created_at == history[0].created_at
        assert dt.datetime(2023, 9, 1) <= history[0].created_at
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status, p.source_id
            assert after.created_at >= before.created_at, p.source_id
        assert history[0].actor == p.declarant_courriel
        for step in history[1:]:
            # a step of the workflow's own table, taken by someone it lets take it
            roles = {role for s in workflow.STEPS.values() if s.niveau in (None, 1)
                     and step.from_status in s.sources and s.target == step.to_status
                     for role in s.roles}
            assert roles, (p.source_id, step.from_status, step.to_status)
            role = "declarant" if step.actor == p.declarant_courriel else ROLE_OF[step.actor]
            assert role in roles, (p.source_id, step.to_status, step.actor)
        for step in history:
            assert step.created_at < NOW and step.actor
            if step.to_status in ("irrecevable", "non_retenue", "depubliee", "doublon",
                                  "complement_demande", "ajournee"):
                assert step.comment, (p.source_id, step.to_status)
        if p.status != "brouillon":
            submitted = next(t for t in history if t.to_status == "soumise")
            assert p.submitted_at == submitted.created_at
            assert p.reference.startswith(f"PI-{p.submitted_at.year}-")
        if p.status == "publiee":
            published = history[-1]
            assert published.created_at.date() == p.date_publication
    doublons = [p for p in practices if p.status == "doublon"]
    assert any("PI-" in p.transitions[-1].comment for p in doublons)


def test_running_twice_gives_the_same_set(dbsession):
    real = Practice(status="soumise", reference=next_reference(dbsession, 2026),
                    intitule="Une vraie déclaration", declarant_courriel="vraie@example.fr",
                    etapes_validees=STEPS, saisie_en_cours={})
    dbsession.add(real)
    dbsession.flush()

    def snapshot():
        return [(str(p.id), p.source_id, p.reference, p.status, p.intitule, p.description,
                 p.departements, [(t.to_status, t.created_at) for t in p.transitions])
                for p in demo_practices(dbsession)]

    first = create_demo(dbsession)
    before = snapshot()
    second = create_demo(dbsession)
    assert second == first
    assert snapshot() == before
    # other practices are kept, and later submissions get new references
    assert dbsession.get(Practice, real.id) is real
    query = select(Practice.reference).where(Practice.reference.is_not(None))
    taken = set(dbsession.scalars(query))
    assert next_reference(dbsession, 2026) not in taken


def test_another_seed_gives_another_set_and_small_counts_work(dbsession):
    create_demo(dbsession, count=40)
    default = [p.intitule for p in demo_practices(dbsession)]
    counts = create_demo(dbsession, count=40, seed=7)
    assert sum(counts.values()) == 40 and set(counts) == set(STATUSES)
    practices = demo_practices(dbsession)
    assert [p.source_id for p in practices] == [f"demo-{i:04d}" for i in range(1, 41)]
    assert [p.intitule for p in practices] != default


def test_the_onpe_fiches_are_published_and_linked_to_practices_sharing_a_theme(dbsession, demo):
    fiches = demo_practices(dbsession, niveau=2)
    assert len(fiches) == 6
    references = References(dbsession)
    bind = {"references": references, "today": TODAY, "csrf_token": "", "version": None,
            "find_references": lambda refs: fiche_service.by_references(dbsession, refs)}
    for fiche in fiches:
        assert fiche.status == "publiee" and fiche.date_publication < TODAY
        assert re.fullmatch(r"FD-20\d\d-\d{4}", fiche.reference)
        assert fiche.declarant_courriel is None and fiche.contact_courriel is None
        assert [(t.from_status, t.to_status) for t in fiche.transitions] == [
            (None, "brouillon"), ("brouillon", "publiee")]
        assert fiche.transitions[-1].created_at.date() == fiche.date_publication
        linked = fiche.pratiques_liees
        assert linked and all(p.niveau == 1 and p.status == "publiee" for p in linked)
        assert all(set(p.thematiques) & set(fiche.thematiques) for p in linked), fiche.intitule
        assert fiche in linked[0].fiches
        # every fiche passes the rules of the rédacteurs' form
        schema = FicheSchema().bind(**bind)
        try:
            schema.deserialize(schema.serialize(fiche_service.form_values(fiche)))
        except colander.Invalid as error:  # pragma: no cover - shows what failed
            pytest.fail(f"{fiche.reference}: {error.asdict()}")
    assert len({f.reference for f in fiches}) == len(fiches)
    assert {f.echelle for f in fiches} >= {"nationale", "regionale", "departementale"}
    # one is past its « à revoir le » date, to show how the list flags it
    assert [f.intitule for f in fiches if fiche_service.to_review(f, TODAY)] == [
        "Accompagner les jeunes majeurs vers l'autonomie"]


def test_running_again_deletes_the_fiches_and_gives_back_their_numbers(dbsession):
    create_demo(dbsession, count=40)
    first = [(f.id, f.reference) for f in demo_practices(dbsession, niveau=2)]
    create_demo(dbsession, count=40)
    assert [(f.id, f.reference) for f in demo_practices(dbsession, niveau=2)] == first
    year = int(first[0][1][3:7])
    assert next_reference(dbsession, year, prefix="FD") not in {r for _, r in first}


def _replay(practice) -> None:
    """Each step of the history taken again through the workflow's own check (role, state,
    level, comment), on a stand-in of the practice in the state it was in."""
    at = types.SimpleNamespace(status=None, niveau=practice.niveau, version=1,
                               declarant_courriel=practice.declarant_courriel)
    for transition in practice.transitions[1:]:
        if transition.actor == practice.declarant_courriel:
            role, actor = "declarant", workflow.Actor(transition.actor, (),
                                                      declarant_email=transition.actor)
        else:
            role = ("redacteur_onpe" if transition.actor == REDACTION_ONPE
                    else ROLE_OF[transition.actor])
            actor = workflow.Actor(transition.actor, (role,))
        # the step of the workflow's table between these states that this role takes
        (step,) = [s for s in workflow.STEPS.values() if s.niveau in (None, practice.niveau)
                   and transition.from_status in s.sources and s.target == transition.to_status
                   and role in s.roles]
        at.status = transition.from_status
        workflow.check(at, step.name, actor, transition.comment)


def test_every_state_is_reached_through_the_workflow_and_the_committee(dbsession, demo):
    _, practices = demo
    for p in [*practices, *demo_practices(dbsession, niveau=2)]:
        _replay(p)
    sessions = list(dbsession.scalars(select(CommitteeSession).order_by(CommitteeSession.date)))
    assert [s.date for s in sessions] == [*SESSIONS, NEXT_SESSION]
    held = [s for s in sessions if s.date < TODAY]
    # the last session's decisions are recorded, not sent yet: its postponed practices wait
    for session in held[:-1]:
        assert session.decisions_sent_at.date() == session.date + dt.timedelta(days=1)
    assert held[-1].decisions_sent_at is None
    assert all(s.decisions_sent_at is None and s.date > TODAY
               for s in sessions if s not in held)
    items = {}
    for session in sessions:
        assert [i.position for i in session.items] == list(range(1, len(session.items) + 1))
        for item in session.items:
            items.setdefault(item.practice_id, []).append((session, item))
            if session.date > TODAY:
                assert item.decision is None and item.practice.status == "inscrite"
            else:
                # a session held has decided every practice of its agenda, that very day
                assert item.decision in DECISIONS and item.decided_by in SECRETARIAT
                assert item.decided_at.date() == session.date
                assert (item.motivation is None) == (item.decision == "selectionnee")
    for p in practices:
        placed = items.get(p.id, [])
        on_agenda = [t for t in p.transitions if t.to_status == "inscrite"]
        assert len(placed) == len(on_agenda), p.source_id
        for (session, item), transition in zip(placed, on_agenda, strict=True):
            assert transition.created_at.date() < session.date, p.source_id
            decided = [t for t in p.transitions
                       if t.from_status == "inscrite" and t.created_at.date() == session.date]
            if item.decision is not None:
                (decision,) = decided
                assert (decision.to_status, decision.created_at) == (item.decision,
                                                                      item.decided_at)
            if item.decision == "ajournee" and session.decisions_sent_at:
                # sending the decisions asked the complements, at that moment
                asked = next(t for t in p.transitions if t.from_status == "ajournee")
                assert (asked.to_status, asked.created_at) == ("complement_demande",
                                                               session.decisions_sent_at)
        # no decided state without the session that decided it
        last = placed[-1] if placed else (None, None)
        session, item = last
        if p.status in ("selectionnee", "publiee", "depubliee"):
            assert item.decision == "selectionnee", p.source_id
        elif p.status in ("non_retenue", "ajournee"):
            assert item.decision == p.status, p.source_id
        elif p.status == "inscrite":
            assert session.date == NEXT_SESSION and item.decision is None
        if p.status == "ajournee":
            assert session.decisions_sent_at is None
        if p.status in ("publiee", "depubliee"):
            # published by publish-due, a week after the session whose decisions were sent
            published = next(t for t in p.transitions if t.to_status == "publiee")
            assert published.created_at > session.decisions_sent_at
            assert p.date_publication == session.date + dt.timedelta(days=PUBLICATION_DELAY_DAYS)
        if p.status == "selectionnee":
            assert p.date_publication is None or p.date_publication > TODAY
def test_the_representatives_answers_are_plausible(demo):
    _, practices = demo
    sent = [p for p in practices if p.submitted_at is not None]
    assert all(p.accord_hierarchie for p in practices)
    assert all(p.agreement is not None for p in sent)
    assert all(p.agreement is None for p in practices if p.submitted_at is None)
    states = Counter(p.agreement.etat for p in sent)
    assert set(states) == {"attendue", "confirmee", "refusee"}
    assert states["confirmee"] > states["attendue"] > states["refusee"]
    for p in sent:
        agreement = p.agreement
        assert agreement.demande_le == p.submitted_at
        if agreement.etat == "attendue":
            assert agreement.reponse_le is None
        else:
            assert agreement.demande_le < agreement.reponse_le < NOW
    # the committee only ever saw practices whose representative did not refuse
    assert not [p.source_id for p in practices if p.agreement is not None
                and p.agreement.etat == "refusee"
                and p.status in ("recevable", "inscrite", "selectionnee", "publiee",
                                 "depubliee", "non_retenue", "ajournee")]


def test_the_committee_sat_with_its_institutions_and_said_why_it_loved(dbsession, demo):
    from recueil.models import User
    from recueil.services import committee

    _, practices = demo
    sessions = list(dbsession.scalars(select(CommitteeSession).order_by(CommitteeSession.date)))
    held = [s for s in sessions if s.date < TODAY]
    members = list(dbsession.scalars(select(User).where(User.email.like("comite.%"))))
    assert {m.institution_type for m in members} == {"etat", "departement", "association",
                                                     "fep", "onpe"}
    assert all(m.institution_nom and m.roles == ["comite"] for m in members)
    missing = [committee.attendance(s).missing for s in held]
    assert all(s.attendees for s in held)
    assert all(s.attendees == [] for s in sessions if s not in held)
    # one session sat without the associations: its synthesis warns of it
    assert [m for m in missing if m] == [["association"]]
    loved = [p for p in practices if p.coup_de_coeur]
    assert loved and all(p.motifs_coup_de_coeur for p in loved)
    assert all(p.motifs_coup_de_coeur == [] for p in practices if not p.coup_de_coeur)


def test_running_again_keeps_the_committee_members(dbsession, demo):
    from recueil.models import User

    create_demo(dbsession)
    emails = list(dbsession.scalars(select(User.email).where(User.email.like("comite.%"))))
    assert len(emails) == len(set(emails)) == 8
