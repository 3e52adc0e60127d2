"""Who is asking (staff account or declarant link), and what each role may do.

The contexts of the routes with an id decide on the role alone and load their record only
when the view reads it: a visitor without the right gets the same answer for an id that
exists and for one that does not, so ids cannot be probed.
"""
import json
import re
import uuid

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.session import SignedCookieSessionFactory

from .models import Practice, User
from .services import access

#: the session's keys: the staff account and the epoch it was opened in, the declarant's link
STAFF_USER, STAFF_EPOCH, DECLARANT_LINK = "staff_user_id", "staff_epoch", "declarant_link"


class Permissions:
    """Every permission a view can name; a view naming none is denied (default)."""

    VIEW = "view"  # public pages
    OWN_SPACE = "espace"  # a declarant's own space
    EDIT_PRACTICE = "edit_practice"  # a declarant on their own practice
    STAFF = "staff"  # any staff account (password change, staff home)
    MODERATE = "moderate"
    COMMITTEE = "committee"
    SECRETARIAT = "secretariat"
    WRITE_FICHES = "write_fiches"
    ADMINISTER = "administer"
    DENY_BY_DEFAULT = "nobody"


ROLE_PERMISSIONS = {
    "moderateur": [Permissions.MODERATE],
    "comite": [Permissions.COMMITTEE],
    "secretariat": [Permissions.SECRETARIAT, Permissions.COMMITTEE],
    "redacteur_onpe": [Permissions.WRITE_FICHES],
    "administrateur": [Permissions.ADMINISTER],
}


class Identity:
    """The person behind a request: a staff user, a declarant, or both."""

    def __init__(self, user: User | None = None, declarant_email: str | None = None):
        self.user = user
        self.declarant_email = declarant_email

    @property
    def roles(self) -> list[str]:
        roles = list(self.user.roles) if self.user else []
        if self.declarant_email:
            roles.append("declarant")
        return roles

    @property
    def label(self) -> str:
        return self.user.email if self.user else (self.declarant_email or "")


class SecurityPolicy:
    def __init__(self):
        self.helper = ACLHelper()

    def identity(self, request):
        """Who the session names, if the server has not ended that session since; looked up
        once per request and session state (a page rendered after a failed flush reads it
        without touching the database)."""
        session = request.session
        key = (session.get(STAFF_USER), session.get(STAFF_EPOCH), session.get(DECLARANT_LINK))
        cached = request.environ.get("recueil.identity")
        if cached is not None and cached[0] == key:
            return cached[1]
        identity = self._identity(request, session)
        request.environ["recueil.identity"] = (key, identity)
        return identity

    @staticmethod
    def _identity(request, session):
        user = None
        user_id = session.get(STAFF_USER)
        if user_id is not None:
            user = request.dbsession.get(User, user_id)
            if user is not None and (not user.active
                                     or session.get(STAFF_EPOCH) != user.session_epoch):
                user = None
        email = None
        link_id = session.get(DECLARANT_LINK)
        if link_id is not None:
            email = access.session_holder(request.dbsession, link_id)
        if user is None and not email:
            return None
        return Identity(user, email)

    def authenticated_userid(self, request):
        identity = request.identity
        return identity.label if identity else None

    def effective_principals(self, request):
        principals = [Everyone]
        identity = request.identity
        if identity is not None:
            principals.append(Authenticated)
            principals.extend(f"role:{role}" for role in identity.roles)
            if identity.user is not None:
                principals.append(f"user:{identity.user.id}")
                principals.append("staff")
            if identity.declarant_email:
                principals.append(f"declarant:{identity.declarant_email}")
        return principals

    def permits(self, request, context, permission):
        return self.helper.permits(context, self.effective_principals(request), permission)

    def remember(self, request, _userid, **kw):
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        return []


def remember_staff(request, user: User) -> None:
    """The session opens the staff pages of `user` until one of their sessions is ended."""
    request.session[STAFF_USER] = user.id
    request.session[STAFF_EPOCH] = user.session_epoch


def remember_declarant(request, link) -> None:
    """The session opens the space of the declarant the access link `link` belongs to; it
    keeps the link's id, so the cookie never carries the address."""
    request.session[DECLARANT_LINK] = link.id


def sign_out(request) -> None:
    """End the sessions of whoever signs out, everywhere: the server forgets them (the copy of
    a cookie stops working) and a declarant's links stop opening their space."""
    identity = request.identity
    if identity is not None and identity.user is not None:
        identity.user.end_sessions()
    if identity is not None and identity.declarant_email:
        access.revoke(request.dbsession, request.clock, identity.declarant_email)
    request.session.invalidate()


class Root:
    """The default context: grants by role."""

    __acl__ = [
        (Allow, Everyone, Permissions.VIEW),
        (Allow, "role:declarant", Permissions.OWN_SPACE),
        (Allow, "staff", Permissions.STAFF),
    ] + [
        (Allow, f"role:{role}", permission)
        for role, permissions in ROLE_PERMISSIONS.items()
        for permission in permissions
    ]

    def __init__(self, request):
        self.request = request


class BadInput(HTTPBadRequest):
    """A request no page of the site sends (a number out of range, a broken form, bytes that
    are not text): answered by the French 400 page, with `message` saying what is wrong."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(detail=message)
        self.message = message
        self.parameter = parameter


#: the largest id an integer column holds, the same in SQLite and PostgreSQL
MAX_ROW_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")


def row_id(text: str, label: str) -> int:
    """The row id written in `text`; BadInput naming `label` when it is not a whole number a
    row can have (the database would otherwise fail on it)."""
    if not _DIGITS.fullmatch(text or "") or int(text) > MAX_ROW_ID:
        raise BadInput(f"« {label} » : « {text[:40]} » n'est pas un numéro valide.")
    return int(text)


def _path_row(request, model, name: str, label: str):
    """The row of `model` whose id is the route's `name`: not found unless it exists."""
    text = request.matchdict[name]
    if not _DIGITS.fullmatch(text):
        raise HTTPNotFound()
    row = request.dbsession.get(model, row_id(text, label))
    if row is None:
        raise HTTPNotFound()
    return row


def _practice(request) -> Practice:
    try:
        practice_id = uuid.UUID(request.matchdict["id"])
    except ValueError:
        raise HTTPNotFound() from None
    practice = request.dbsession.get(Practice, practice_id)
    if practice is None:
        raise HTTPNotFound()
    return practice


class StaffPractice(Root):
    """A practice seen by staff: the role's permission decides (Root's ACL)."""

    @reify
    def practice(self) -> Practice:
        return _practice(self.request)


class CommitteeSessionContext(Root):
    """A committee session, and for some routes one practice of its agenda."""

    @reify
    def session(self):
        from .models import CommitteeSession

        return _path_row(self.request, CommitteeSession, "session_id", "Séance")

    @reify
    def practice(self) -> Practice | None:
        return _practice(self.request) if "id" in self.request.matchdict else None


class ImportBatchContext(Root):
    """An imported file and its report (administration): the role's permission decides."""

    @reify
    def batch(self):
        from .models import ImportBatch

        return _path_row(self.request, ImportBatch, "batch_id", "Import")


class DeclarantPractice(Root):
    """A practice seen from its declarant's space: only its owner may open it.

    Only a declarant's request reads the practice to decide; to them, a practice that does
    not exist is refused as another person's is.
    """

    @reify
    def practice(self) -> Practice:
        return _practice(self.request)

    @property
    def __acl__(self):
        acl = list(Root.__acl__)
        identity = self.request.identity
        if identity is None or not identity.declarant_email:
            return acl
        try:
            owner = self.practice.declarant_courriel
        except HTTPNotFound:
            return acl
        if owner:
            acl.append((Allow, f"declarant:{owner}", Permissions.EDIT_PRACTICE))
        return acl


#: what the flash messages of a session may weigh, as JSON: the whole session travels in a
#: cookie of at most 4 kB once signed and encoded, with the account and the CSRF token
FLASH_BUDGET = 1200


def _session_factory(settings):
    base = SignedCookieSessionFactory(
        settings["recueil.secret"],
        cookie_name="recueil_session",
        httponly=True,
        samesite="Lax",
        secure=settings["recueil.secure_cookies"],
        timeout=8 * 3600,
        reissue_time=600,
    )

    class Session(base):
        """Flash messages that never overflow the cookie: a message too long is shortened,
        and unread messages give way to the new one, the oldest of the fullest queue first."""

        def flash(self, msg, queue="", allow_duplicate=True):
            msg = str(msg)
            while _weight(msg) > FLASH_BUDGET:
                msg = msg[: len(msg) * 2 // 3] + "…"
            super().flash(msg, queue, allow_duplicate)
            queues = [key for key in self if key.startswith("_f_")]
            while sum(_weight(self[key]) for key in queues) > FLASH_BUDGET:
                oldest = max(queues, key=lambda key: _weight(self[key]))
                self[oldest] = self[oldest][1:]

    return Session


def _weight(value) -> int:
    return len(json.dumps(value))


def includeme(config):
    settings = config.get_settings()
    config.set_session_factory(_session_factory(settings))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(Root)
    config.set_default_permission(Permissions.DENY_BY_DEFAULT)
