"""Who is asking (staff account or declarant link), and what each role may do."""
import uuid

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.httpexceptions import HTTPNotFound
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

    def __init__(self, request):
        super().__init__(request)
        self.practice = _practice(request)


class CommitteeSessionContext(Root):
    """A committee session, and for some routes one practice of its agenda."""

    def __init__(self, request):
        super().__init__(request)
        from .models import CommitteeSession

        try:
            session_id = int(request.matchdict["session_id"])
        except ValueError:
            raise HTTPNotFound() from None
        self.session = request.dbsession.get(CommitteeSession, session_id)
        if self.session is None:
            raise HTTPNotFound()
        self.practice = _practice(request) if "id" in request.matchdict else None


class ImportBatchContext(Root):
    """An imported file and its report (administration): the role's permission decides."""

    def __init__(self, request):
        super().__init__(request)
        from .models import ImportBatch

        try:
            batch_id = int(request.matchdict["batch_id"])
        except ValueError:
            raise HTTPNotFound() from None
        self.batch = request.dbsession.get(ImportBatch, batch_id)
        if self.batch is None:
            raise HTTPNotFound()


class DeclarantPractice(Root):
    """A practice seen from its declarant's space: only its owner may open it."""

    def __init__(self, request):
        super().__init__(request)
        self.practice = _practice(request)

    @property
    def __acl__(self):
        acl = list(Root.__acl__)
        if self.practice.declarant_courriel:
            acl.append(
                (Allow, f"declarant:{self.practice.declarant_courriel}", Permissions.EDIT_PRACTICE)
            )
        return acl


def includeme(config):
    settings = config.get_settings()
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["recueil.secret"],
            cookie_name="recueil_session",
            httponly=True,
            samesite="Lax",
            secure=settings["recueil.secure_cookies"],
            timeout=8 * 3600,
            reissue_time=600,
        )
    )
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(Root)
    config.set_default_permission(Permissions.DENY_BY_DEFAULT)
