"""The moderators' daily digest: the declarations and complements that arrived since the day
before, sent once a day by the `resume` command; and the count of what waits, for the
header of their pages."""
import dataclasses
import datetime as dt

from pyramid.request import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Practice, Transition, User
from ...settings import public_url
from .. import notifications
from .listing import TO_DO, QueueFilters, counts

#: the transitions that bring a practice to the moderators: (from, to) -> kind
ARRIVALS = {("brouillon", "soumise"): "declaration", ("complement_demande", "en_moderation"):
            "complements"}
#: how far back a digest looks: the command runs once a day
PERIOD = dt.timedelta(days=1)


def waiting(dbsession: Session) -> int:
    """How many practices the queue's « À traiter » tab holds."""
    return counts(dbsession, QueueFilters())[TO_DO]


@dataclasses.dataclass
class Digest:
    declarations: list[Practice]
    complements: list[Practice]
    waiting: int
    recipients: list[str] = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.declarations and not self.complements


def arrivals(dbsession: Session, since: dt.datetime, until: dt.datetime) -> Digest:
    """What reached moderation in [since, until), oldest first, each practice once per kind."""
    found: dict[str, dict] = {"declaration": {}, "complements": {}}
    rows = dbsession.execute(
        select(Transition.from_status, Transition.to_status, Practice)
        .join(Practice, Practice.id == Transition.practice_id)
        .where(Transition.created_at >= since, Transition.created_at < until,
               Transition.to_status.in_({to for _, to in ARRIVALS}))
        .order_by(Transition.created_at, Transition.id)
    ).all()
    for from_status, to_status, practice in rows:
        kind = ARRIVALS.get((from_status, to_status))
        if kind is not None:
            found[kind].setdefault(practice.id, practice)
    return Digest(list(found["declaration"].values()), list(found["complements"].values()),
                  waiting(dbsession))


def recipients(dbsession: Session) -> list[str]:
    """The addresses of the active staff members who receive the digest."""
    users = dbsession.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    return [user.email for user in users if user.receives_digest]


def send_digest(request: Request) -> Digest:
    """E-mail the day's arrivals to each recipient; nothing is sent on a day without any."""
    dbsession = request.dbsession
    now = request.clock.now()
    digest = arrivals(dbsession, now - PERIOD, now)
    if digest.empty:
        return digest
    # on the site's address: the command that sends it has no visitor's request to go by
    queue_url = public_url(request, "moderation.queue")
    for email in recipients(dbsession):
        notifications.send(request, "moderation_digest", email, digest=digest,
                           queue_url=queue_url,
                           review_url=lambda p: public_url(request, "moderation.review", id=p.id))
        digest.recipients.append(email)
    return digest


def set_choice(dbsession: Session, user: User, wanted: bool) -> None:
    """The person's own choice; the default of their roles when it is the same."""
    default = "moderateur" in user.roles
    user.resume_quotidien = None if wanted == default else wanted
    dbsession.flush()

