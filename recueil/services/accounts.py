"""Staff accounts as the sign-in, the administration and the command line read them."""
from sqlalchemy import select

from ..models import User


def user_by_email(dbsession, email: str) -> User | None:
    """The account of this address (already lower-cased), or None."""
    return dbsession.scalars(select(User).where(User.email == email)).one_or_none()


def all_users(dbsession) -> list[User]:
    return list(dbsession.scalars(select(User).order_by(User.email)))
