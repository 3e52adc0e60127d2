"""Staff accounts and their roles, as the sign-in, the administration and the command line
change and read them."""
from collections.abc import Iterable

from pyramid.request import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import User
from ..models.user import STAFF_ROLES
from . import ratelimit
from .access import normalise_email
from .passwords import hash_password, verify_password

#: what a sign-in refused over a limit of failures says
SIGNIN_LIMITED = {
    ratelimit.SIGNIN_FAILURES_PER_ACCOUNT: "Trop d'essais infructueux pour ce compte depuis "
                                           "votre connexion : réessayez dans une heure.",
    ratelimit.SIGNIN_FAILURES_PER_CLIENT: "Trop d'essais infructueux depuis votre connexion : "
                                          "réessayez dans une heure.",
}
WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."

#: checked when no account has the address, so that timing does not reveal which ones exist
_NO_ACCOUNT_HASH = hash_password("aucun-compte-ne-porte-ce-mot-de-passe")


class AccountError(Exception):
    """A refused change to an account; the message is French and says why."""


class AccountExists(AccountError):
    """The address already has an account."""

    def __init__(self, email: str):
        super().__init__(f"Un compte existe déjà pour {email}.")
        self.email = email


def user_by_email(dbsession: Session, email: str) -> User | None:
    """The account of this address (already lower-cased), or None."""
    return dbsession.scalars(select(User).where(User.email == email)).one_or_none()


def authenticate(dbsession: Session, email: str, password: str) -> User | None:
    """The active account of `email` (already lower-cased) if `password` is its own."""
    user = user_by_email(dbsession, email)
    password_hash = user.password_hash if user is not None else _NO_ACCOUNT_HASH
    if verify_password(password_hash, password) and user is not None and user.active:
        return user
    return None


def signing_in(request: Request, email: str, password: str) -> User:
    """The active account a sign-in names, if its password is right.

    A wrong address or password raises AccountError (the same message for both) and counts
    against the limits of failures; once one is reached, ratelimit.Limited is raised before
    the password is even checked.
    """
    email = normalise_email(email)
    limiter = ratelimit.for_request(request)
    subjects = ratelimit.signin_subjects(email, request.client_addr or "")
    limited = limiter.first_reached(*subjects)
    if limited is not None:
        raise ratelimit.Limited(SIGNIN_LIMITED[limited])
    user = authenticate(request.dbsession, email, password)
    if user is None:
        limiter.record_all(*subjects)
        raise AccountError(WRONG_CREDENTIALS)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password of `user`, who must give the current one; the sessions opened
    with the old one end (whoever had it may have signed in)."""
    if not verify_password(user.password_hash, current):
        raise AccountError("« Mot de passe actuel » : ce n'est pas votre mot de passe.")
    try:
        user.password_hash = hash_password(new)
    except ValueError as error:
        raise AccountError(str(error)) from error
    user.end_sessions()


def end_sessions(dbsession: Session, user_id: int) -> User:
    """End every session of an account (a lost laptop, a departure): it must sign in again."""
    user = dbsession.get(User, user_id)
    if user is None:
        raise AccountError("Compte introuvable.")
    user.end_sessions()
    return user


def all_users(dbsession: Session) -> list[User]:
    return list(dbsession.scalars(select(User).order_by(User.email)))


def checked_roles(roles: Iterable[str]) -> list[str]:
    """The staff roles asked for, sorted; raises AccountError if none is or one is unknown."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in STAFF_ROLES]
    if unknown or not roles:
        raise AccountError(
            f"Rôle inconnu ou absent : {', '.join(unknown) or '—'}. "
            f"Rôles possibles : {', '.join(STAFF_ROLES)}."
        )
    return roles


def add_user(dbsession: Session, email: str, password: str, roles: Iterable[str], nom: str = "",
             update: bool = False) -> tuple[User, bool]:
    """Create the staff account of `email` with a password and roles; returns it and whether
    it is new. An existing account is refused, or with `update` given this password and
    these roles on top of its own (the command line's « user add »)."""
    roles = checked_roles(roles)
    try:
        password_hash = hash_password(password)
    except ValueError as error:  # too short
        raise AccountError(str(error)) from error
    email = normalise_email(email)
    user = user_by_email(dbsession, email)
    if user is not None and not update:
        raise AccountExists(email)
    created = user is None
    if created:
        user = User(email=email, nom=nom, password_hash=password_hash)
        dbsession.add(user)
    else:
        user.password_hash = password_hash
        user.end_sessions()
    for role in roles:
        user.add_role(role)
    dbsession.flush()
    return user, created


def set_roles(dbsession: Session, user_id: int, roles: Iterable[str], active: bool,
              by: User) -> User:
    """Give an account exactly these staff roles and this state; `by`, the administrator
    doing it, cannot take their own administrator role away and lock themselves out."""
    user = dbsession.get(User, user_id)
    if user is None:
        raise AccountError("Compte introuvable.")
    roles = [r for r in roles if r in STAFF_ROLES]
    if user.id == by.id and "administrateur" not in roles:
        raise AccountError("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
    user.role_rows = [r for r in user.role_rows if r.role in roles]
    for role in roles:
        user.add_role(role)
    user.active = active
    return user


def set_institution(user: User, kind: str, name: str) -> None:
    """The institution a committee member sits for (type code and name; empty for none)."""
    user.institution_type = kind or None
    user.institution_nom = name or None
