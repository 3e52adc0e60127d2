"""Who is asking (staff account or declarant link), and what each role may do."""
import uuid

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.httpexceptions import HTTPNotFound
from pyramid.session import SignedCookieSessionFactory

from .models import Practice, User


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
        user = None
        user_id = request.session.get("staff_user_id")
        if user_id is not None:
            user = request.dbsession.get(User, user_id)
            if user is not None and not user.active:
                user = None
        email = request.session.get("declarant_email")
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
