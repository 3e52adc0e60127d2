"""Staff accounts and their roles."""
import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base

#: role code -> label (spec §1)
ROLES = {
    "declarant": "Déclarant",
    "moderateur": "Modérateur",
    "comite": "Membre du comité de sélection",
    "secretariat": "Secrétariat du comité",
    "redacteur_onpe": "Rédacteur ONPE",
    "administrateur": "Administrateur",
}
#: the institution a committee member sits for (issue: « le comité tel qu'il siège »)
INSTITUTION_TYPES = {
    "etat": "État",
    "departement": "Département",
    "association": "Association",
    "fep": "France Enfance Protégée",
    "onpe": "ONPE",
}
STAFF_ROLES = tuple(code for code in ROLES if code != "declarant")
#: the shortest password a staff account may have
PASSWORD_MIN_LENGTH = 12


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    nom: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    #: for a committee member: INSTITUTION_TYPES code and the institution's name
    institution_type: Mapped[str | None] = mapped_column(String(20))
    institution_nom: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: a session remembers the epoch it was opened in; raising it ends every session of the
    #: account on the server's side (a signed cookie cannot be taken back)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), server_default=func.now())
    #: the daily e-mail of what reached moderation: None follows the roles (moderators
    #: receive it), True or False is the person's own choice
    resume_quotidien: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", back_populates="user", lazy="selectin"
    )

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)

    @property
    def institution_label(self) -> str:
        """« Département – Conseil départemental de Maine-et-Loire », or empty."""
        kind = INSTITUTION_TYPES.get(self.institution_type or "", "")
        return " – ".join(p for p in (kind, self.institution_nom or "") if p)

    @property
    def receives_digest(self) -> bool:
        """Whether the daily digest of moderation is sent to this person."""
        if self.resume_quotidien is not None:
            return self.resume_quotidien
        return "moderateur" in self.roles

    def end_sessions(self) -> None:
        """Every session opened so far stops opening the staff pages."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def add_role(self, role: str) -> None:
        if role not in STAFF_ROLES:
            raise ValueError(f"rôle inconnu : {role}")
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")
