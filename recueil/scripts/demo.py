"""A realistic demonstration data set: practices in every state of their life (spec §3).

``create_demo`` composes plausible French practices from themed sentence fragments (the files
of recueil/data/demo/), with territories that follow the rules of the form (spec §2, step 3),
fictitious people under example.org / example.fr, and a history that walks the workflow's
table (services/workflow.STEPS) up to each practice's current status, each step taken through
the workflow's own operation (workflow.apply, on a clock set to its date) by someone holding
the role it asks for. The committee sat: every session of SESSIONS exists, with each practice
put on its agenda and the decision its history records; the last session's decisions are not
sent yet (its postponed practices wait for them), the next session's agenda is open. It is
deterministic for a seed: the same seed gives the same
practices, with the same identifiers and references, however many times it is run (the
practices of a previous run, ``source == "demo"``, are deleted first). The ONPE's published
fiches dispositifs (level 2, spec §4) come with them, linked to published practices.
"""
import datetime as dt
import json
import random
import re
import unicodedata
import uuid
from collections import Counter
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import formatting
from ..clock import FixedClock
from ..models import (
    AgendaItem,
    AgreementRequest,
    CommitteeSession,
    Departement,
    Practice,
    ReferenceCounter,
    Region,
    Transition,
    User,
    VocabularyTerm,
)
from ..models.committee import COUP_DE_COEUR_MOTIFS, DECISIONS
from ..models.practice import STATUSES
from ..models.reference import FICHE_PREFIX, parse_reference
from ..models.vocabulary import VOCABULARIES
from ..services import workflow
from ..services.numbering import next_reference

SOURCE = "demo"
#: The demo's "now": every date of the data set is before it.
NOW = dt.datetime(2026, 11, 23, 0, 0)
EARLIEST = dt.datetime(2023, 9, 4, 9, 0)
#: Steps of the declaration form a sent practice has validated.
STEPS = ("conditions", "presentation", "localisation", "resultats", "contact")
MULTI = ("types_intervention", "thematiques", "publics")
_ID_NAMESPACE = uuid.UUID("6f1c1f0e-3b1a-4d2b-9a57-2c0de5e0d3a1")

#: Committee sessions held (their practices go online a week later) and the next one.
SESSIONS = tuple(dt.date.fromisoformat(d) for d in (
    "2023-12-14", "2024-02-15", "2024-04-11", "2024-06-27", "2024-10-17", "2024-12-12",
    "2025-02-13", "2025-04-10", "2025-06-26", "2025-10-16", "2025-12-11", "2026-02-12",
    "2026-04-09", "2026-06-25", "2026-09-24", "2026-11-19",
))
NEXT_SESSION = dt.date(2026, 12, 10)
PUBLICATION_DELAY = dt.timedelta(days=7)
#: Where the demo's committee sits: it names the demo's sessions, which a new run replaces.
SESSION_LIEU = "Paris, locaux de France Enfance Protégée"

#: Share of each status among the practices that are not published (45 % are).
PUBLISHED_SHARE = 0.45
STATUS_WEIGHTS = {
    "brouillon": 5, "soumise": 4, "en_moderation": 4, "complement_demande": 4,
    "irrecevable": 3.5, "doublon": 2, "recevable": 4, "inscrite": 5, "selectionnee": 3.5,
    "non_retenue": 5, "ajournee": 2.5, "depubliee": 1.5, "retiree": 2.5,
}

# --------------------------------------------------------------------------- staff

MODERATEURS = ("camille.besson@example.fr", "yanis.ferrand@example.fr", "odile.marchal@example.fr")
SECRETARIAT = ("secretariat.comite@example.fr", "helene.vasseur@example.fr")
ADMINISTRATEURS = ("admin.recueil@example.fr",)

#: The selection committee's members (spec §1): the State, the départements and the
#: associations, with FEP and the ONPE; (address, name, institution type, institution).
#: Their accounts have no password: an administrator gives them one, or signs them in anew.
COMITE = (
    ("comite.dgcs@example.fr", "Nadia Perrin", "etat",
     "Direction générale de la cohésion sociale"),
    ("comite.pjj@example.fr", "Thomas Guérin", "etat",
     "Direction de la protection judiciaire de la jeunesse"),
    ("comite.cd49@example.fr", "Élise Marchand", "departement",
     "Conseil départemental de Maine-et-Loire"),
    ("comite.cd59@example.fr", "Karim Benali", "departement", "Conseil départemental du Nord"),
    ("comite.cnape@example.fr", "Sophie Lambert", "association",
     "Fédération d'associations de protection de l'enfance"),
    ("comite.adepape@example.fr", "Julien Roche", "association",
     "Association d'entraide des personnes accueillies en protection de l'enfance"),
    ("comite.fep@example.fr", "Claire Morel", "fep", "France Enfance Protégée"),
    ("comite.onpe@example.fr", "Hugo Fabre", "onpe",
     "Observatoire national de la protection de l'enfance"),
)
#: An unusable password hash: the demo's committee members cannot sign in until given one
NO_PASSWORD = "!"  # nosec B105 # no hash matches it: it is no password

#: The ONPE's editor who writes the demonstration fiches (an actor of their history only:
#: like the other staff above, no account is created).
REDACTION_ONPE = "redaction.onpe@example.fr"

# --------------------------------------------------------------------------- tables

#: The words the practices are made of: recueil/data/demo/*.json for the tables with a
#: structure, *.txt for plain lists, one item a line (README.md there says which is which).
_DATA = resources.files("recueil").joinpath("data", "demo")


def _json(name: str) -> Any:
    return json.loads(_DATA.joinpath(f"{name}.json").read_text("utf-8"))


def _lines(name: str) -> list[str]:
    return _DATA.joinpath(f"{name}.txt").read_text("utf-8").splitlines()


def _dated(fiche: dict) -> dict:
    dates = ("date_mise_en_oeuvre", "published", "review")
    return {k: dt.date.fromisoformat(v) if k in dates else v for k, v in fiche.items()}


#: Level-2 fiches dispositifs (spec §4): each is published and linked to published practices
#: sharing one of its thématiques.
FICHES = [_dated(fiche) for fiche in _json("fiches")]

_territoires = _json("territoires")
#: Article of each département's name: "le" → du Nord, "la" → de la Gironde, "" → de Paris.
DEP_ARTICLE = {code: article for article, codes in _territoires["articles"].items()
               for code in codes.split()}
REGION_IN = _territoires["en_region"]  # "en Bretagne", "dans les Hauts-de-France", …
REGION_OF = _territoires["de_region"]  # "de Bretagne", "des Hauts-de-France", …
COMMUNES = _territoires["communes"]
DEP_INSTITUTION = _territoires["institutions"]

PRENOMS_F, PRENOMS_M, NOMS = _lines("prenoms_f"), _lines("prenoms_m"), _lines("noms")
_personnes = _json("personnes")
FONCTIONS = _personnes["fonctions"]
FONCTIONS_ACCORD = _personnes["fonctions_accord"]
PHONE_PREFIX = _personnes["indicatifs"]

_entites = _json("entites")
NATIONAL_ASSOCIATIONS = _entites["associations_nationales"]
NATIONAL_OTHERS = _entites["autres_nationales"]
REGIONAL_ASSOCIATIONS = _entites["associations_regionales"]
REGIONAL_OTHERS = _entites["autres_regionales"]
ASSOCIATIONS = _entites["associations"]
DEPARTEMENTS_ENTITES = _entites["departements"]
OTHER_ENTITES = _entites["autres"]
STATE_ENTITES = _entites["etat"]
MECS = _lines("mecs")
PROGRAMMES = _lines("programmes")

THEMES = _json("themes")
OUVERTURES = _lines("ouvertures")
METHODES = _lines("methodes")
CONCLUSIONS = _lines("conclusions")
OBJECTIFS_GENERIQUES = _lines("objectifs_generiques")
FINANCEMENTS = _lines("financements")
BILANS_GENERIQUES = _lines("bilans_generiques")
AUTRES = _json("autres")  # precisions for « Autre » when a theme has none

COMPLEMENTS = _lines("complements")
IRRECEVABILITES = _lines("irrecevabilites")
MOTIVATIONS = _lines("motivations")
AJOURNEMENTS = _lines("ajournements")
DEPUBLICATIONS = _lines("depublications")
RETRAITS = _lines("retraits")


# --------------------------------------------------------------------------- helpers


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _lcfirst(text: str) -> str:
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _ucfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _de_commune(name: str) -> str:
    """« de Cholet », « du Mans », « des Abymes », « d'Angers »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if _ascii(name[:1]).lower() in "aeiouy":
        return "d'" + name
    return "de " + name


def _a_commune(name: str) -> str:
    """« à Cholet », « au Mans », « aux Abymes »."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


class _Deck:
    """Draws items in a shuffled order, every item once before any is drawn again."""

    def __init__(self, items, rng):
        self.items = list(items)
        self.rng = rng
        self.pile = []

    def draw(self):
        if not self.pile:
            self.pile = list(self.items)
            self.rng.shuffle(self.pile)
        return self.pile.pop()


class _Context:
    """Reference data read once: vocabularies, régions and départements."""

    def __init__(self, dbsession, rng):
        terms = list(dbsession.scalars(
            select(VocabularyTerm).where(VocabularyTerm.active.is_(True))
            .order_by(VocabularyTerm.vocabulary, VocabularyTerm.position, VocabularyTerm.id)
        ))
        self.codes = {name: [] for name in VOCABULARIES}
        if terms:
            for term in terms:
                self.codes.setdefault(term.vocabulary, []).append(term.code)
        else:
            data = json.loads(resources.files("recueil").joinpath("data", "vocabularies.json")
                              .read_text("utf-8"))
            for name, items in data.items():
                self.codes[name] = [item["code"] for item in items]
        self.order = {name: {code: i for i, code in enumerate(codes)}
                      for name, codes in self.codes.items()}
        regions = dbsession.scalars(select(Region).order_by(Region.code))
        self.regions = {r.code: r.nom for r in regions}
        self.departements = {}
        self.region_of = {}
        for dep in dbsession.scalars(select(Departement).order_by(Departement.code)):
            self.departements[dep.code] = dep.nom
            self.region_of[dep.code] = dep.region_code
        if not self.departements:
            raise RuntimeError(
                "Les territoires ne sont pas chargés : lancez d'abord « recueil initdb »."
            )
        self.deps_of = {}
        for code, region in self.region_of.items():
            self.deps_of.setdefault(region, []).append(code)
        self.communes = {c: v for c, v in COMMUNES.items() if c in self.departements}
        # published practices and the others draw territories from their own decks, so
        # that the published ones alone cover as many territories as possible
        self.decks = {
            key: {
                "regions": _Deck(sorted(self.regions), rng),
                "departements": _Deck(sorted(self.departements), rng),
                "communes": _Deck(sorted(self.communes), rng),
                "themes": _Deck(range(len(THEMES)), rng),
            }
            for key in (True, False)
        }

    def de_dep(self, code: str) -> str:
        nom = self.departements[code]
        article = DEP_ARTICLE.get(code, "la")
        return {"l'": f"de l'{nom}", "les": f"des {nom}", "le": f"du {nom}",
                "la": f"de la {nom}", "": f"de {nom}"}[article]

    def institution(self, code: str) -> str:
        return DEP_INSTITUTION.get(code) or f"Conseil départemental {self.de_dep(code)}"

    def sort_codes(self, field: str, codes) -> list[str]:
        order = self.order.get(field, {})
        known = [c for c in dict.fromkeys(codes) if c in order]
        return sorted(known, key=order.__getitem__)


# --------------------------------------------------------------------------- statuses


def _allocate(count: int, rng: random.Random) -> list[str]:
    """The status of each practice: 45 % published, the others spread by weight."""
    published = round(count * PUBLISHED_SHARE)
    rest = count - published
    total = sum(STATUS_WEIGHTS.values())
    exact = {s: rest * w / total for s, w in STATUS_WEIGHTS.items()}
    alloc = {s: int(v) for s, v in exact.items()}
    if rest >= len(STATUS_WEIGHTS):
        for status in alloc:
            alloc[status] = max(1, alloc[status])
    by_fraction = sorted(exact, key=lambda s: (exact[s] - int(exact[s])), reverse=True)
    index = 0
    while sum(alloc.values()) < rest:
        alloc[by_fraction[index % len(by_fraction)]] += 1
        index += 1
    while sum(alloc.values()) > rest:
        alloc[max(alloc, key=alloc.get)] -= 1
    statuses = ["publiee"] * published
    for status, n in alloc.items():
        statuses += [status] * n
    rng.shuffle(statuses)
    return statuses


# --------------------------------------------------------------------------- timeline


def _at_work(day: dt.date, rng: random.Random) -> dt.datetime:
    at = dt.time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))
    return dt.datetime.combine(day, at)


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


_GAPS = {  # days between a transition and the one before it, by (from, to)
    ("brouillon", "soumise"): (0, 12),
    ("soumise", "en_moderation"): (1, 8),
    ("en_moderation", "complement_demande"): (1, 10),
    ("complement_demande", "en_moderation"): (3, 25),
    ("en_moderation", "recevable"): (2, 20),
    ("en_moderation", "irrecevable"): (2, 20),
    ("en_moderation", "doublon"): (1, 12),
    ("recevable", "inscrite"): (3, 30),
    ("inscrite", "selectionnee"): (6, 35),
    ("inscrite", "non_retenue"): (6, 35),
    ("inscrite", "ajournee"): (6, 35),
}


def _before(rng, when: dt.datetime, frm: str, to: str) -> dt.datetime:
    low, high = _GAPS.get((frm, to), (2, 40) if to == "retiree" else (1, 10))
    days = rng.randint(low, high)
    if days == 0:
        return when - dt.timedelta(minutes=rng.randint(15, 150))
    return _at_work(when.date() - dt.timedelta(days=days), rng)


def _times(rng, path: list[str], pins: dict[int, dt.datetime]) -> list[dt.datetime]:
    """A date for each status of the path: the pinned ones, the others around them."""
    times = [None] * len(path)
    for index, when in pins.items():
        times[index] = when
    pinned = sorted(pins)
    for index in range(pinned[0] - 1, -1, -1):
        times[index] = _before(rng, times[index + 1], path[index], path[index + 1])
    for start, end in zip(pinned, pinned[1:], strict=False):
        between = end - start - 1
        if not between:
            continue
        low = times[start].date() + dt.timedelta(days=2)
        high = times[end].date() - dt.timedelta(days=6)
        days = sorted(_random_day(rng, low, max(low, high)) for _ in range(between))
        previous = times[start]
        for offset, day in enumerate(days, start + 1):
            when = _at_work(day, rng)
            if when <= previous:
                when = previous + dt.timedelta(minutes=rng.randint(20, 240))
            times[offset] = previous = when
    return times


def _session_after(day: dt.date) -> dt.date:
    return next((s for s in SESSIONS if s > day), NEXT_SESSION)


def _session_time(rng, session: dt.date) -> dt.datetime:
    return dt.datetime.combine(session, dt.time(rng.randint(14, 16), rng.randint(0, 59)))


def _decisions_sent(session: dt.date) -> dt.datetime | None:
    """When the secretariat sent the session's decisions: the next morning, except for the
    last session held, whose decisions wait to be sent (and the next one, not held)."""
    held = [s for s in SESSIONS if s < NOW.date()]
    if session not in held or session == held[-1]:
        return None
    return dt.datetime.combine(session + dt.timedelta(days=1), dt.time(10, 0))


def _publication_time(session: dt.date) -> dt.datetime:
    return dt.datetime.combine(session + PUBLICATION_DELAY, dt.time(5, 0))


#: The workflow's steps a declared practice takes: the demo's practices come from the form,
#: never from an import, and level 2 belongs to the ONPE's fiches.
#: A decision corrected by the secretariat is an accident of the process: the demo's paths
#: never take one as a shortcut.
_DECLARED_STEPS = [step for step in workflow.STEPS.values()
                   if step.niveau in (None, 1) and step.name not in ("import", "import_published")
                   and not step.name.startswith("correct_to_")]
_STEP_OF = {(source, step.target): step for step in _DECLARED_STEPS for source in step.sources}
if len(_STEP_OF) != sum(len(step.sources) for step in _DECLARED_STEPS):  # kept under -O
    raise RuntimeError("ambiguous steps")


def _shortest(start: str, target: str) -> list[str]:
    """The statuses after ``start`` up to ``target``, by the fewest steps of the workflow."""
    previous = {start: None}
    queue = [start]
    for status in queue:
        if status == target:
            break
        for source, to in _STEP_OF:
            if source == status and to not in previous:
                previous[to] = status
                queue.append(to)
    else:
        raise ValueError(f"no way from {start} to {target}")
    path = []
    while target != start:
        path.append(target)
        target = previous[target]
    return path[::-1]


def _walk(*waypoints: str) -> list[str]:
    """The statuses a practice passes through to reach each waypoint in turn."""
    path = [waypoints[0]]
    for target in waypoints[1:]:
        path += _shortest(path[-1], target)
    return path


def _history(rng: random.Random, status: str) -> dict:
    """The path of statuses up to ``status``, its dates and the committee session if any."""
    today = NOW.date()
    held = [s for s in SESSIONS if s < today]
    with_publication = [s for s in held if s + PUBLICATION_DELAY < today]
    # moderation, possibly with a round of complements, is where every sent practice goes
    head = ("brouillon", "en_moderation")
    loop = ("complement_demande", "en_moderation") if rng.random() < 0.3 else ()
    path, pins, session, first_session = None, {}, None, None

    def recent(days_low, days_high):
        day = today - dt.timedelta(days=rng.randint(days_low, days_high))
        return _at_work(day, rng)

    if status in ("publiee", "depubliee", "selectionnee", "non_retenue", "ajournee"):
        if status == "selectionnee":
            candidates = [s for s in held if s not in with_publication] or held[-1:]
        elif status == "publiee":
            candidates = with_publication
        elif status == "depubliee":
            candidates = [s for s in with_publication if s < today - dt.timedelta(days=60)]
        elif status == "ajournee":
            # sending a session's decisions asks the complements at once (committee.py):
            # a practice stays « ajournée » only while its session's are not sent, the last's
            candidates = held[-1:]
        else:
            candidates = held
        weights = [i + 3 for i in range(len(candidates))]
        session = rng.choices(candidates, weights=weights)[0]
        decision = "ajournee" if status == "ajournee" else (
            "non_retenue" if status == "non_retenue" else "selectionnee")
        earlier = [s for s in held if s < session]
        if status in ("publiee", "non_retenue") and earlier and rng.random() < 0.12:
            # adjourned at a previous session, completed, then examined again
            first_session = earlier[-1]
            path = _walk(*head, *loop, "ajournee", decision)
            pins[path.index("ajournee")] = _session_time(rng, first_session)
            # the complements are asked when the session's decisions are sent
            pins[path.index("ajournee") + 1] = _decisions_sent(first_session)
        else:
            path = _walk(*head, *loop, decision)
        pins[len(path) - 1] = _session_time(rng, session)
        if status in ("publiee", "depubliee"):
            path += _shortest(path[-1], "publiee")
            pins[len(path) - 1] = _publication_time(session)
        if status == "depubliee":
            published = pins[len(path) - 1].date()
            path += _shortest(path[-1], "depubliee")
            day = _random_day(rng, published + dt.timedelta(days=20),
                              today - dt.timedelta(days=2))
            pins[len(path) - 1] = _at_work(day, rng)
    else:
        if status == "brouillon":
            path = _walk("brouillon")
            final = recent(1, 120) if rng.random() < 0.7 else recent(120, 1175)
        elif status == "soumise":
            path = _walk("brouillon", "soumise")
            final = recent(1, 20)
        elif status == "en_moderation":
            path = _walk(*head)
            final = recent(1, 30)
        elif status == "complement_demande":
            path = _walk(*head, *loop, status)
            final = recent(2, 70)
        elif status == "recevable":
            path = _walk(*head, *loop, status)
            final = recent(1, 40)
        elif status == "inscrite":
            path = _walk(*head, *loop, status)
            final = recent(2, 28)
        elif status in ("irrecevable", "doublon"):
            path = _walk(*head, *(loop if status == "irrecevable" else ()), status)
            day = _random_day(rng, dt.date(2023, 10, 16), today - dt.timedelta(days=1))
            final = _at_work(day, rng)
        elif status == "retiree":
            # withdrawn by the declarant before moderation, during it, or once admissible
            before = rng.choice((("soumise",), ("en_moderation",),
                                 ("en_moderation", "complement_demande"),
                                 ("en_moderation", "recevable")))
            path = _walk("brouillon", *before, "retiree")
            day = _random_day(rng, dt.date(2023, 10, 23), today - dt.timedelta(days=1))
            final = _at_work(day, rng)
        else:  # pragma: no cover - every status is handled above
            raise ValueError(status)
        pins[len(path) - 1] = final
    times = _times(rng, path, pins)
    for index, when in enumerate(times):  # the whole history in the life of the platform
        floor = EARLIEST if index == 0 else times[index - 1] + dt.timedelta(minutes=30)
        if when < floor:
            times[index] = floor
    if status == "inscrite":
        session = NEXT_SESSION
    return {"path": path, "times": times, "session": session, "first_session": first_session}


def _transitions(rng: random.Random, plan: dict) -> list[tuple]:
    """(from, to, actor, comment, when) rows for a plan's history, each step taken by someone
    holding the role the workflow asks for it."""
    history = plan["history"]
    path, times = history["path"], history["times"]
    declarant = plan["declarant_courriel"]
    staff = {"moderateur": rng.choice(MODERATEURS), "secretariat": rng.choice(SECRETARIAT),
             "systeme": workflow.SYSTEM.label}
    sessions = [s for s in (history["first_session"], history["session"]) if s]
    plan["agenda"] = []  # the session of each put_on_agenda, in order
    rows = [(None, path[0], declarant, "Brouillon créé par le déclarant", times[0])]
    for frm, to, when in zip(path, path[1:], times[1:], strict=False):
        step = _STEP_OF[(frm, to)]
        role = step.roles[0]
        if role == "declarant":
            actor = declarant
        elif role == "administrateur":
            actor = rng.choice(ADMINISTRATEURS)
        else:
            actor = staff[role]
        comment = None
        if step.name == "submit":
            comment = "Déclaration envoyée"
        elif step.name == "start_review":
            comment = "Prise en charge par la modération"
        elif step.name == "resubmit":
            comment = "Compléments apportés par le déclarant"
        elif step.name == "ask_complements":
            comment = rng.choice(COMPLEMENTS)
        elif step.name == "ask_postponed_complements":
            comment = "Suite à l'ajournement du comité : " + _lcfirst(rng.choice(COMPLEMENTS))
        elif step.name == "declare_inadmissible":
            comment = rng.choice(IRRECEVABILITES)
        elif step.name == "mark_duplicate":
            comment = "DOUBLON"  # completed once references are known
        elif step.name == "declare_admissible":
            comment = "Déclaration complète et recevable : transmise au comité de sélection."
        elif step.name == "put_on_agenda":
            session = next((s for s in sessions if s > when.date()), None)
            session = session or _session_after(when.date())
            plan["agenda"].append(session)
            comment = f"Inscrite à l'ordre du jour de la séance du {formatting.date(session)}"
        elif step.name == "select":
            session = when.date()
            comment = (f"Sélectionnée par le comité du {formatting.date(session)} ; "
                       f"mise en ligne le {formatting.date(session + PUBLICATION_DELAY)}.")
            if plan["coup_de_coeur"]:
                comment += " Coup de cœur du comité."
        elif step.name == "reject":
            comment = rng.choice(MOTIVATIONS)
        elif step.name == "postpone":
            reason = rng.choice(AJOURNEMENTS)
            comment = f"Ajournée par le comité du {formatting.date(when.date())} : {reason}"
        elif step.name == "publish":
            session = history["session"]
            comment = f"Mise en ligne une semaine après le comité du {formatting.date(session)}."
        elif step.name == "unpublish":
            comment = rng.choice(DEPUBLICATIONS)
        elif step.name == "withdraw":
            comment = rng.choice(RETRAITS)
        rows.append((frm, to, actor, comment, when))
    return rows


# --------------------------------------------------------------------------- content


def _territory(ctx: _Context, rng, echelle: str, published: bool) -> dict:
    deck = ctx.decks[published]
    if echelle == "nationale":
        return {"regions": [], "departements": [], "lieu": None, "home": None}
    if echelle == "regionale":
        n = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
        regions = []
        while len(regions) < n:
            code = deck["regions"].draw()
            if code not in regions:
                regions.append(code)
        home = rng.choice(ctx.deps_of[regions[0]])
        return {"regions": sorted(regions), "departements": [], "lieu": None, "home": home,
                "region": regions[0]}
    if echelle == "locale":
        dep = deck["communes"].draw()
        lieu = rng.choice(ctx.communes[dep])
        if dep == "75":
            lieu = f"Paris {rng.choice(('10e', '13e', '18e', '19e', '20e'))} arrondissement"
        return {"regions": [ctx.region_of[dep]], "departements": [dep], "lieu": lieu,
                "home": dep, "commune": ctx.communes[dep][0] if dep == "75" else lieu}
    n = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
    deps = [deck["departements"].draw()]
    neighbours = [d for d in ctx.deps_of[ctx.region_of[deps[0]]] if d != deps[0]]
    rng.shuffle(neighbours)
    deps += neighbours[: n - 1]
    return {"regions": sorted({ctx.region_of[d] for d in deps}), "departements": sorted(deps),
            "lieu": None, "home": deps[0]}


def _where(ctx: _Context, territory: dict, echelle: str) -> str:
    if echelle == "nationale":
        return "sur l'ensemble du territoire national"
    if echelle == "regionale":
        regions = territory["regions"]
        return REGION_IN[regions[0]] if len(regions) == 1 and regions[0] in REGION_IN else (
            "dans plusieurs régions")
    if echelle == "locale":
        return _a_commune(territory["lieu"])
    deps = territory["departements"]
    if len(deps) == 1:
        return f"dans le département {ctx.de_dep(deps[0])}"
    names = [ctx.de_dep(d) for d in deps]
    return "dans les départements " + ", ".join(names[:-1]) + " et " + names[-1]


def _entity(ctx: _Context, rng, relais: str, echelle: str,
            territory: dict) -> tuple[str, str | None, str]:
    """(nom_entite, relais_autre, e-mail domain) for who carries the practice."""
    home = territory.get("home")
    if echelle == "nationale":
        if relais == "autre":
            name, precision, domain = rng.choice(NATIONAL_OTHERS)
            return name, precision, f"{domain}.example.fr"
        name, domain = rng.choice(NATIONAL_ASSOCIATIONS)
        return name, None, f"{domain}.example.org"
    if echelle == "regionale" and relais not in ("departement", "etat"):
        region = territory["region"]
        values = {"de_reg": REGION_OF.get(region, f"de {ctx.regions[region]}")}
        if relais == "autre":
            template, precision, domain = rng.choice(REGIONAL_OTHERS)
            return template.format(**values), precision, f"{domain}-{region}.example.fr"
        template, domain = rng.choice(REGIONAL_ASSOCIATIONS)
        return template.format(**values), None, f"{domain}-{region}.example.org"
    commune = territory.get("commune") or territory.get("lieu")
    if commune is None and home in ctx.communes:
        commune = ctx.communes[home][0]
    mecs = rng.choice(MECS)
    values = {
        "de_dep": ctx.de_dep(home), "code": home.lower(), "institution": ctx.institution(home),
        "mecs": mecs, "mecs_slug": _slug(mecs),
        "de_ville": _de_commune(commune) if commune else "", "ville_slug": _slug(commune or ""),
    }
    options = {"association": ASSOCIATIONS, "departement": DEPARTEMENTS_ENTITES,
               "etat": STATE_ENTITES, "autre": OTHER_ENTITES}[relais]
    options = [o for o in options if commune or "{de_ville}" not in o[0]]
    for _ in range(10):
        choice = rng.choice(options)
        name = choice[0].format(**values)
        if len(name) <= 100:
            break
    else:  # pragma: no cover - every template fits
        choice, name = options[0], options[0][0].format(**values)[:100]
    precision = choice[1] if relais == "autre" else None
    domain = choice[-1].format(**values)
    suffix = ".example.fr" if relais != "association" else ".example.org"
    return name, precision, domain + suffix


def _pick_codes(ctx: _Context, rng, theme: dict) -> dict:
    codes = {}
    known = {field: set(ctx.codes.get(field, ())) for field in MULTI}
    for field, (first, extra, spread) in {
        "types_intervention": (0.7, 0.35, 0.08),
        "thematiques": (0.75, 0.4, 0.06),
        "publics": (0.6, 0.6, 0.08),
    }.items():
        pool = [c for c in theme[field] if c in known[field]] or list(ctx.codes[field][:1])
        chosen = [pool[0] if rng.random() < first else rng.choice(pool)]
        if len(pool) > 1 and rng.random() < extra:
            chosen.append(rng.choice(pool))
        if field == "publics" and len(pool) > 2 and rng.random() < 0.3:
            chosen.append(rng.choice(pool))
        if rng.random() < spread:
            chosen.append(rng.choice(ctx.codes[field]))
        codes[field] = ctx.sort_codes(field, chosen)
    return codes


def _precision(rng, theme: dict | None, field: str) -> str:
    if theme and field in theme.get("autre", {}):
        return theme["autre"][field]
    return rng.choice(AUTRES[field])


def _sentences(rng, items, low: int, high: int) -> list[str]:
    """Some of the items, in their order."""
    n = min(len(items), rng.randint(low, high))
    keep = sorted(rng.sample(range(len(items)), n))
    return [items[i] for i in keep]


def _fit(parts: list[str], limit: int, sep: str = " ", minimum: int = 1) -> str:
    text = sep.join(parts)
    while len(text) > limit and len(parts) > minimum:
        parts = parts[:-1]
        text = sep.join(parts)
    return text[:limit]


def _texts(ctx: _Context, rng, theme: dict, plan: dict) -> dict:
    numbers = {
        "ou": _where(ctx, plan["territory"], plan["echelle"]),
        "annee": plan["date_mise_en_oeuvre"].year,
        "nb": plan["nombre_beneficiaires"] or rng.randint(12, 180),
        "etp": rng.choice(("1,5", "2", "2,5", "3", "3,5", "4", "5", "6", "8")),
        "n": rng.randint(2, 9),
        "pct": rng.randint(55, 92), "pct2": rng.randint(35, 80), "pct_bas": rng.randint(12, 40),
        "pct_haut": rng.randint(82, 97), "pct_dep": 0, "pct_caf": 0,
    }
    numbers["pct_dep"] = rng.choice((50, 60, 70, 80))
    numbers["pct_caf"] = 100 - numbers["pct_dep"]

    title = rng.choice(theme["titres"])
    roll = rng.random()
    if roll < 0.2:
        title = f"« {rng.choice(PROGRAMMES)} » : {_lcfirst(title)}"
    elif roll < 0.35:
        title = f"{title} « {rng.choice(PROGRAMMES)} »"
    elif roll < 0.45 and plan["echelle"] == "locale":
        title = f"{title} {_a_commune(plan['territory']['lieu'])}"
    if len(title) > 100:
        title = theme["titres"][0]

    parts = []
    if rng.random() < 0.85:
        parts.append(rng.choice(OUVERTURES).format(**numbers))
    parts += _sentences(rng, theme["description"], 2, 4)
    middle = len(parts)
    parts += _sentences(rng, METHODES, 1, 2)
    if rng.random() < 0.5:
        parts.append(rng.choice(CONCLUSIONS))
    description = _fit(parts, 1000, minimum=3)
    head = " ".join(parts[:middle]) + " "
    if rng.random() < 0.3 and len(description) < 1000 and description.startswith(head):
        # a second paragraph for the method
        description = head.rstrip() + "\n\n" + description[len(head):]

    objectifs = _sentences(rng, theme["objectifs"], 2, 3)
    if rng.random() < 0.3:
        objectifs.append(rng.choice(OBJECTIFS_GENERIQUES))
    objectifs = _ucfirst(_fit(objectifs, 499, sep=" ; ")) + "."
    moyens = _sentences(rng, theme["moyens"], 1, 2)
    moyens.append(rng.choice(FINANCEMENTS))
    moyens = _fit([m.format(**numbers) for m in moyens], 500)
    bilan = _sentences(rng, theme["bilan"], 2, 3)
    if rng.random() < 0.4:
        bilan.append(rng.choice(BILANS_GENERIQUES))
    bilan = _fit([b.format(**numbers) for b in bilan], 500)
    return {"intitule": title, "description": description, "objectifs": objectifs,
            "moyens": moyens, "bilan": _ucfirst(bilan)}


def _person(rng) -> tuple[str, str, bool]:
    feminine = rng.random() < 0.62
    prenom = rng.choice(PRENOMS_F if feminine else PRENOMS_M)
    nom = rng.choice(NOMS)
    return prenom, nom, feminine


def _email(prenom: str, nom: str, domain: str) -> str:
    return f"{_slug(prenom)}.{_slug(nom).replace('-', '')}@{domain}"


def _phone(rng, region: str | None) -> str:
    prefix = PHONE_PREFIX.get(region or "", "06 39 98")
    return f"{prefix} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _people(ctx: _Context, rng, plan: dict, domain: str) -> tuple[dict, str]:
    prenom, nom, feminine = _person(rng)
    fonction = rng.choice(FONCTIONS[plan["relais"]])[1 if feminine else 0]
    contact_courriel = _email(prenom, nom, domain)
    home = plan["territory"].get("home") or rng.choice(sorted(ctx.departements))
    a_prenom, a_nom, a_feminine = _person(rng)
    accord_domain = f"cd{home.lower()}.example.fr"
    region = ctx.region_of.get(home)
    people = {
        "contact_nom": f"{prenom} {nom}" if rng.random() < 0.92 else None,
        "contact_fonction": fonction if rng.random() < 0.9 else None,
        "contact_courriel": contact_courriel,
        "contact_telephone": _phone(rng, region) if rng.random() < 0.8 else None,
        "accord_nom": f"{a_prenom} {a_nom}",
        "accord_fonction": rng.choice(FONCTIONS_ACCORD)[1 if a_feminine else 0],
        "accord_courriel": _email(a_prenom, a_nom, accord_domain),
    }
    if rng.random() < 0.7:
        declarant = contact_courriel
    else:
        d_prenom, d_nom, _ = _person(rng)
        declarant = _email(d_prenom, d_nom, domain)
    return people, declarant


def _implementation_date(rng, created: dt.datetime) -> dt.date:
    latest = min(created.date(), dt.date(2026, 10, 31))
    young_from = NOW.date() - dt.timedelta(days=350)
    if latest > young_from + dt.timedelta(days=20) and rng.random() < 0.12:
        return _random_day(rng, young_from, latest)
    if rng.random() < 0.06:
        return _random_day(rng, dt.date(2005, 1, 3), dt.date(2015, 12, 31))
    day = latest - dt.timedelta(days=365 + int(rng.expovariate(1 / (3.5 * 365))))
    day = max(day, dt.date(2005, 1, 3))
    return day.replace(day=1) if rng.random() < 0.35 else day


def _plan(ctx: _Context, rng, index: int, status: str, forced: dict) -> dict:
    published = status == "publiee"
    deck = ctx.decks[published]
    theme_index = forced["theme"] if "theme" in forced else deck["themes"].draw()
    theme = THEMES[theme_index]
    echelle = forced.get("echelle") or rng.choices(
        ("nationale", "regionale", "departementale", "locale"), weights=(10, 15, 40, 35))[0]
    if echelle not in ctx.codes["echelle"] and ctx.codes["echelle"]:
        echelle = ctx.codes["echelle"][0]
    relais = forced.get("relais")
    if relais is None:
        weights = (75, 0, 0, 25) if echelle == "nationale" else (45, 30, 10, 15)
        relais = rng.choices(("association", "departement", "etat", "autre"), weights=weights)[0]
    if echelle == "nationale" and relais in ("departement", "etat"):
        relais = "association"
    territory = _territory(ctx, rng, echelle, published)
    nom_entite, relais_autre, domain = _entity(ctx, rng, relais, echelle, territory)
    coup_de_coeur = status in ("publiee", "selectionnee", "depubliee") and rng.random() < 0.15
    plan = {
        "index": index, "status": status, "theme": theme_index, "echelle": echelle,
        "relais": relais, "relais_autre": relais_autre, "nom_entite": nom_entite,
        "territory": territory, "coup_de_coeur": coup_de_coeur,
    }
    plan["history"] = _history(rng, status)
    created = plan["history"]["times"][0]
    plan["date_mise_en_oeuvre"] = _implementation_date(rng, created)
    large = echelle in ("nationale", "regionale")
    plan["budget_annuel"] = (
        None if rng.random() < 0.25
        else int(round(rng.lognormvariate(11.6 if large else 10.8, 0.8), -2)) + 1000)
    plan["nombre_beneficiaires"] = (
        None if rng.random() < 0.2
        else int(rng.lognormvariate(6.5 if large else 4.2, 0.7)) + 5)
    plan.update(_pick_codes(ctx, rng, theme))
    for field in MULTI:
        plan[f"{field}_autre"] = (_precision(rng, theme, field) if "autre" in plan[field] else None)
    plan.update(_texts(ctx, rng, theme, plan))
    people, declarant = _people(ctx, rng, plan, domain)
    plan.update(people)
    plan["declarant_courriel"] = declarant
    plan["domain"] = domain
    if status == "brouillon":
        plan["etapes"] = list(STEPS[: rng.randint(1, len(STEPS))])
    else:
        plan["etapes"] = list(STEPS)
    return plan


# --------------------------------------------------------------------------- passes


def _link_duplicates(rng, plans: list[dict]) -> None:
    """A duplicate repeats an earlier declaration of the same entity."""
    originals = [p for p in plans if p["status"] not in ("brouillon", "doublon", "retiree")]
    copied = ("theme", "echelle", "relais", "relais_autre", "nom_entite", "territory",
              "date_mise_en_oeuvre", "intitule", "description", "objectifs", "moyens", "bilan",
              "types_intervention", "types_intervention_autre", "thematiques",
              "thematiques_autre", "publics", "publics_autre")
    for plan in plans:
        if plan["status"] != "doublon":
            continue
        submitted = plan["history"]["times"][1]
        candidates = [p for p in originals
                      if p["history"]["times"][1] < submitted - dt.timedelta(days=20)]
        if not candidates:
            plan["original"] = None
            continue
        original = rng.choice(candidates)
        plan["original"] = original
        for name in ("contact_courriel", "declarant_courriel"):
            plan[name] = plan[name].split("@")[0] + "@" + original["domain"]
        plan["domain"] = original["domain"]
        for name in copied:
            value = original[name]
            plan[name] = list(value) if isinstance(value, list) else (
                dict(value) if isinstance(value, dict) else value)


def _cover(ctx: _Context, rng, plans: list[dict]) -> None:
    """Every code of every vocabulary is used by at least one published practice."""
    published = [p for p in plans if p["status"] == "publiee"]
    if not published:
        return
    for field in MULTI:
        used = {code for p in published for code in p[field]}
        for code in ctx.codes.get(field, ()):
            if code in used:
                continue
            plan = rng.choice(published)
            plan[field] = ctx.sort_codes(field, plan[field] + [code])
            if code == "autre":
                plan[f"{field}_autre"] = _precision(rng, THEMES[plan["theme"]], field)
            used.add(code)
    if not any(p["coup_de_coeur"] for p in published):
        published[0]["coup_de_coeur"] = True


def _actor(step: workflow.Step, label: str) -> workflow.Actor:
    """Who took `step` in the demo's history: the role the workflow asks for it."""
    role = step.roles[0]
    if role == "systeme":
        return workflow.SYSTEM
    return workflow.Actor(label=label, roles=(role,),
                          declarant_email=label if role == "declarant" else None)


def _build(dbsession: Session, plan: dict, seed: int) -> Practice:
    status = plan["status"]
    history = plan["history"]
    path, times = history["path"], history["times"]
    steps = plan["etapes"]
    values = {}
    if "presentation" in steps:
        values.update({name: plan[name] for name in (
            "date_mise_en_oeuvre", "nom_entite", "intitule", "description", "echelle",
            "types_intervention_autre", "thematiques_autre", "publics_autre", "relais",
            "relais_autre")})
    if "resultats" in steps:
        values.update({name: plan[name] for name in (
            "objectifs", "moyens", "bilan", "budget_annuel", "nombre_beneficiaires")})
    if "contact" in steps:
        values.update({name: plan[name] for name in (
            "contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
            "accord_nom", "accord_fonction", "accord_courriel")})
    session = history["session"]
    if status in ("publiee", "depubliee", "selectionnee") and session:
        values["date_publication"] = session + PUBLICATION_DELAY
    practice = Practice(
        id=uuid.uuid5(_ID_NAMESPACE, f"{seed}:{plan['index']}"),
        reference=plan.get("reference"),
        niveau=1,
        status=path[0],
        coup_de_coeur=plan["coup_de_coeur"],
        source=SOURCE,
        source_id=f"demo-{plan['index'] + 1:04d}",
        declarant_courriel=plan["declarant_courriel"],
        accepte_conditions=True,
        accord_hierarchie=True,
        etapes_validees=list(steps),
        saisie_en_cours={},
        created_at=times[0],
        updated_at=times[-1],
        submitted_at=times[path.index("soumise")] if "soumise" in path else None,
        **values,
    )
    if "soumise" in path:
        practice.agreement = _agreement(plan, seed, times[path.index("soumise")])
    if "presentation" in steps:
        for field in MULTI:
            setattr(practice, field, plan[field])
    if "localisation" in steps:
        practice.regions = plan["territory"]["regions"]
        practice.departements = plan["territory"]["departements"]
        practice.lieu = plan["territory"]["lieu"]
    (_, first, actor, comment, when), *steps = plan["transitions"]
    practice.transitions.append(Transition(
        from_status=None, to_status=first, actor=actor, comment=comment, created_at=when))
    # every later state is reached by the workflow's own operation, which checks the role,
    # the state it starts from, the level and the comment it asks for, as in the application
    for frm, to, actor, comment, when in steps:
        if to == "doublon":
            original = plan.get("original")
            if original and original.get("reference"):
                comment = (f"Doublon de la pratique {original['reference']} : "
                           "même intitulé, même entité.")
            else:
                comment = "Doublon d'une déclaration déjà enregistrée par la même structure."
        step = _STEP_OF[(frm, to)]
        workflow.apply(dbsession, FixedClock(when), practice, step.name, _actor(step, actor),
                       comment=comment,
                       keep_snapshot=step.name in ("ask_complements", "ask_postponed_complements"))
    if practice.status != status:  # pragma: no cover - a guard on the plan
        raise RuntimeError(f"{practice.source_id}: {practice.status} au lieu de {status}")
    return practice


#: how the département representatives answered the request to confirm their agreement, by
#: where the practice went: (awaited, confirmed, not confirmed) weights. A practice that went
#: to the committee was almost always confirmed; a refusal mostly ends in « irrecevable ».
AGREEMENT_ANSWERS = {"irrecevable": (20, 40, 40), "retiree": (40, 45, 15),
                     "soumise": (60, 35, 5), "en_moderation": (45, 50, 5),
                     "complement_demande": (45, 50, 5), "doublon": (40, 55, 5)}
AGREEMENT_ANSWERED = (10, 90, 0)


def _agreement(plan: dict, seed: int, asked: dt.datetime) -> AgreementRequest:
    """The representative's answer, drawn apart from the main sequence so that the rest of
    the demo does not depend on it; answered within days, or never."""
    rng = random.Random(f"{seed}:{plan['index']}:accord")  # nosec B311 # demo data
    weights = AGREEMENT_ANSWERS.get(plan["status"], AGREEMENT_ANSWERED)
    etat = rng.choices(("attendue", "confirmee", "refusee"), weights=weights)[0]
    answered = asked + dt.timedelta(hours=2 + rng.expovariate(1 / 60))
    if etat == "attendue" or answered >= NOW:
        return AgreementRequest(etat="attendue", demande_le=asked)
    return AgreementRequest(etat=etat, demande_le=asked, reponse_le=answered)


def _fiches(dbsession, rng, seed: int, built: list[tuple[dict, Practice]]) -> list[Practice]:
    """The ONPE's demonstration fiches, published, each linked to published practices that
    share one of its thématiques (or to any published practice when none does)."""
    region_of = {d.code: d.region_code for d in dbsession.scalars(select(Departement))}
    published = [practice for plan, practice in built if plan["status"] == "publiee"]
    fiches = []
    for index, data in enumerate(FICHES):
        day = data["published"]
        created = _at_work(day - dt.timedelta(days=rng.randint(20, 60)), rng)
        departements = data.get("departements", [])
        fiche = Practice(
            id=uuid.uuid5(_ID_NAMESPACE, f"{seed}:fiche:{index}"),
            reference=next_reference(dbsession, created.year, prefix=FICHE_PREFIX),
            niveau=2, status="brouillon", coup_de_coeur=False, source=SOURCE,
            source_id=f"demo-fiche-{index + 1:02d}", accepte_conditions=False,
            etapes_validees=[], saisie_en_cours={}, created_at=created,
            updated_at=dt.datetime.combine(day, dt.time(10, 0)), date_publication=day,
            date_revision=data["review"], lieu=None,
            **{name: data.get(name) for name in (
                "intitule", "nom_entite", "co_auteurs", "description", "date_mise_en_oeuvre",
                "echelle", "types_intervention_autre", "relais", "relais_autre", "objectifs",
                "moyens", "cles_reussite", "resultats_attendus", "difficultes",
                "evaluation_references")},
        )
        for field in MULTI:
            setattr(fiche, field, data[field])
        fiche.departements = departements
        fiche.regions = sorted(set(data.get("regions", [])) | {region_of[d] for d in departements})
        sharing = [p for p in published if set(p.thematiques) & set(data["thematiques"])]
        chosen = rng.sample(sharing or published, min(3, len(sharing or published)))
        fiche.pratiques_liees = sorted(chosen, key=lambda p: p.reference or "")
        fiche.transitions = [Transition(from_status=None, to_status="brouillon",
                                        actor=REDACTION_ONPE, comment="Fiche créée",
                                        created_at=created)]
        workflow.apply(dbsession, FixedClock(dt.datetime.combine(day, dt.time(10, 0))), fiche,
                       "publish_fiche", workflow.Actor(REDACTION_ONPE, ("redacteur_onpe",)),
                       comment=f"Publiée le {formatting.date(day)}")
        fiches.append(fiche)
    return fiches


def _sessions(built: list[tuple[dict, Practice]]) -> list[CommitteeSession]:
    """The committee's sessions as they sat: each practice on the agenda of the session its
    history names, with the decision, motivation, date and secretary of that history; the
    decisions of every session held are sent, but the last one's."""
    sessions = {}
    for day in (*SESSIONS, NEXT_SESSION):
        sessions[day] = CommitteeSession(
            date=day, lieu=SESSION_LIEU, decisions_sent_at=_decisions_sent(day),
            created_at=dt.datetime.combine(day - dt.timedelta(days=60), dt.time(9, 30)))
    for plan, practice in sorted(built, key=lambda pair: pair[1].reference or ""):
        agenda = iter(plan.get("agenda", ()))
        item = None
        for transition in practice.transitions:
            if transition.to_status == "inscrite":
                session = sessions[next(agenda)]
                item = AgendaItem(practice=practice, position=len(session.items) + 1)
                session.items.append(item)
            elif item is not None and transition.to_status in DECISIONS:
                item.decision = transition.to_status
                item.motivation = transition.comment if item.decision != "selectionnee" else None
                item.decided_at = transition.created_at
                item.decided_by = transition.actor
                item = None
    return list(sessions.values())


def _members(dbsession: Session) -> list[User]:
    """The committee's demonstration members, created once and kept from run to run."""
    members = []
    for email, nom, kind, institution in COMITE:
        user = dbsession.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, nom=nom, password_hash=NO_PASSWORD)
            user.add_role("comite")
            dbsession.add(user)
        user.institution_type, user.institution_nom = kind, institution
        members.append(user)
    dbsession.flush()
    return members


def _sit(dbsession: Session, rng: random.Random, sessions: list[CommitteeSession],
         built: list[tuple[dict, Practice]]) -> None:
    """Who attended each session held, and why each coup de cœur was given.

    Most sessions gather every kind of institution; one of them sat without the associations,
    which its synthesis warns of."""
    members = _members(dbsession)
    held = [s for s in sessions if s.date < NOW.date()]
    for index, session in enumerate(held):
        present = [m for m in members if rng.random() < 0.85]
        if index == len(held) // 2:
            present = [m for m in present if m.institution_type != "association"]
        else:
            for kind in ("etat", "departement", "association"):
                if not any(m.institution_type == kind for m in present):
                    present.append(next(m for m in members if m.institution_type == kind))
        session.attendees = present
    motifs = list(COUP_DE_COEUR_MOTIFS)
    for _, practice in built:
        if practice.coup_de_coeur:
            practice.motifs_coup_de_coeur = sorted(rng.sample(motifs, rng.choice((1, 1, 2, 3))))


def delete_demo(dbsession: Session) -> int:
    """Delete the practices and fiches of a previous demo run, with their terms, history and
    links."""
    practices = list(dbsession.scalars(
        select(Practice).where(Practice.source == SOURCE)
        .options(selectinload(Practice.transitions), selectinload(Practice.attachments))
    ))
    for session in dbsession.scalars(select(CommitteeSession).where(
            CommitteeSession.lieu == SESSION_LIEU,
            CommitteeSession.date.in_((*SESSIONS, NEXT_SESSION)))):
        dbsession.delete(session)  # with its agenda
    dbsession.flush()
    if not practices:
        return 0
    for practice in practices:
        dbsession.delete(practice)
    dbsession.flush()
    # give back the reference numbers above the highest one still in use
    highest = {}
    query = select(Practice.reference).where(Practice.reference.is_not(None))
    for reference in dbsession.scalars(query):
        parsed = parse_reference(reference)
        if parsed:
            prefix, year, number = parsed
            highest[prefix, year] = max(highest.get((prefix, year), 0), number)
    for counter in dbsession.scalars(select(ReferenceCounter)):
        counter.last = highest.get((counter.prefix, counter.year), 0)
    dbsession.flush()
    return len(practices)


def create_demo(dbsession: Session, count: int = 320, seed: int = 2023) -> dict[str, int]:
    """Create ``count`` demonstration practices and the ONPE's published fiches (FICHES);
    returns how many practices per workflow status.

    Runs inside the caller's transaction: it flushes, never commits.
    """
    rng = random.Random(seed)  # nosec B311 # reproducible demo data, it draws no secret
    delete_demo(dbsession)
    ctx = _Context(dbsession, rng)
    statuses = _allocate(count, rng)
    plans = []
    rank = 0
    scales = ("nationale", "regionale", "departementale", "locale")
    carriers = ("association", "departement", "etat", "autre")
    for index, status in enumerate(statuses):
        forced = {}
        if status == "publiee":
            # the first published practices take every scale, relais and theme in turn
            if rank < len(scales):
                forced["echelle"] = scales[rank]
            if rank < len(carriers):
                forced["relais"] = carriers[rank]
            if rank < len(THEMES):
                forced["theme"] = rank
            rank += 1
        plans.append(_plan(ctx, rng, index, status, forced))
    _link_duplicates(rng, plans)
    _cover(ctx, rng, plans)
    for plan in plans:
        plan["transitions"] = _transitions(rng, plan)
    sent = [p for p in plans if "soumise" in p["history"]["path"]]
    def submitted(plan):
        return plan["history"]["times"][plan["history"]["path"].index("soumise")]

    for plan in sorted(sent, key=lambda p: (submitted(p), p["index"])):
        plan["reference"] = next_reference(dbsession, submitted(plan).year)
    built = [(plan, _build(dbsession, plan, seed)) for plan in plans]
    dbsession.add_all(practice for _, practice in built)
    dbsession.add_all(_fiches(dbsession, rng, seed, built))
    sessions = _sessions(built)
    dbsession.add_all(sessions)
    # drawn apart from the practices' own draws, which stay as they were
    _sit(dbsession, random.Random(seed + 1), sessions, built)  # nosec B311 # demo data
    dbsession.flush()
    counts = Counter(p["status"] for p in plans)
    return {status: counts[status] for status in STATUSES if counts[status]}
