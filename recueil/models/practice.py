"""A practice (level 1) or an ONPE fiche dispositif (level 2), its vocabulary codes,
attachments, history, and the links of fiches to the practices they build on."""
import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base

#: Public fields of spec §9, in their canonical order (open data, API, index).
PUBLIC_FIELDS = (
    "id", "reference", "niveau", "intitule", "nom_entite", "description",
    "date_mise_en_oeuvre", "echelle", "types_intervention", "types_intervention_autre",
    "thematiques", "thematiques_autre", "publics", "publics_autre", "relais", "relais_autre",
    "regions", "departements", "lieu", "objectifs", "moyens", "bilan", "budget_annuel",
    "nombre_beneficiaires", "coup_de_coeur", "nombre_essaimages", "date_publication", "source",
    "url",
)
#: The sections and follow-up of an ONPE fiche dispositif (level 2, spec §4), public and
#: empty for a practice (level 1). They come after `url`, so that a reader of the earlier
#: files finds every column where it was.
FICHE_FIELDS = ("cles_reussite", "resultats_attendus", "difficultes", "evaluation_references",
                "co_auteurs", "date_revision")
PUBLIC_FIELDS += FICHE_FIELDS

#: Personal fields: never shown publicly, never exported.
PERSONAL_FIELDS = (
    "contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
    "accord_nom", "accord_fonction", "accord_courriel",
)

#: Multi-valued fields, stored as rows of PracticeTerm.
MULTI_FIELDS = ("types_intervention", "thematiques", "publics", "regions", "departements")

#: The sections a level-2 fiche has and a level-1 practice has not (spec §4), searched in
#: full text.
FICHE_SECTIONS = ("cles_reussite", "resultats_attendus", "difficultes", "evaluation_references")

#: Workflow states (spec §3), with their French labels.
STATUSES = {
    "brouillon": "Brouillon",
    "soumise": "Soumise",
    "en_moderation": "En modération",
    "complement_demande": "Complément demandé",
    "irrecevable": "Irrecevable",
    "doublon": "Doublon",
    "recevable": "Recevable",
    "inscrite": "Inscrite à l'ordre du jour",
    "selectionnee": "Sélectionnée",
    "non_retenue": "Non retenue",
    "ajournee": "Ajournée",
    "publiee": "Publiée",
    "depubliee": "Dépubliée",
    "retiree": "Retirée",
}
#: Statuses whose practices are public: in the catalogue, the index and the open data.
PUBLIC_STATUSES = ("publiee",)


def title(intitule: str | None, niveau: int | None) -> str:
    """What a practice or a fiche is called on the pages, even before it has an intitulé."""
    if intitule:
        return intitule
    return "Fiche sans intitulé" if niveau == 2 else "Pratique sans intitulé"


class PracticeTerm(Base):
    """One code of one multi-valued field of a practice (thématique, région, …)."""

    __tablename__ = "practice_terms"

    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(30), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class _MultiField:
    """A list-valued attribute of Practice backed by PracticeTerm rows."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        rows = [t for t in obj.terms if t.field == self.name]
        return [t.code for t in sorted(rows, key=lambda t: t.position)]

    def __set__(self, obj, codes):
        codes = list(dict.fromkeys(codes or ()))
        if inspect(obj).persistent and codes != self.__get__(obj):
            # the practice's own row changes too: its version (optimistic locking) and
            # updated_at (open data's ETag) must see a change of codes
            obj.updated_at = func.now()
        keep = [t for t in obj.terms if t.field != self.name or t.code in codes]
        current = {t.code: t for t in keep if t.field == self.name}
        new_terms = [t for t in keep if t.field != self.name]
        for position, code in enumerate(codes):
            term = current.get(code) or PracticeTerm(field=self.name, code=code)
            term.position = position
            new_terms.append(term)
        obj.terms = new_terms


#: A fiche (level 2) builds on level-1 practices: (fiche, practice) pairs.
fiche_practice_links = Table(
    "fiche_practice_links",
    Base.metadata,
    Column("fiche_id", Uuid, ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", Uuid, ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Practice(Base):
    __tablename__ = "practices"
    # the newest publications (home page, administration) have indexes of their own, written
    # in migration 0017 only: their order is said differently to PostgreSQL and to SQLite
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    niveau: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(30), default="brouillon", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    intitule: Mapped[str | None] = mapped_column(String(100))
    nom_entite: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    date_mise_en_oeuvre: Mapped[dt.date | None] = mapped_column(Date)
    echelle: Mapped[str | None] = mapped_column(String(20))
    types_intervention_autre: Mapped[str | None] = mapped_column(String(100))
    thematiques_autre: Mapped[str | None] = mapped_column(String(100))
    publics_autre: Mapped[str | None] = mapped_column(String(100))
    relais: Mapped[str | None] = mapped_column(String(20))
    relais_autre: Mapped[str | None] = mapped_column(String(100))
    lieu: Mapped[str | None] = mapped_column(String(100))
    objectifs: Mapped[str | None] = mapped_column(Text)
    moyens: Mapped[str | None] = mapped_column(Text)
    bilan: Mapped[str | None] = mapped_column(Text)
    budget_annuel: Mapped[int | None] = mapped_column(BigInteger)
    nombre_beneficiaires: Mapped[int | None] = mapped_column(Integer)
    coup_de_coeur: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the published accounts of teams that took the practice up (essaimages), counted here
    #: so that the indexes and the open data read it with the practice's other columns
    nombre_essaimages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    date_publication: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(100))
    source_id: Mapped[str | None] = mapped_column(String(100))

    # level 2 only (ONPE fiches dispositifs, spec §4)
    cles_reussite: Mapped[str | None] = mapped_column(Text)
    resultats_attendus: Mapped[str | None] = mapped_column(Text)
    difficultes: Mapped[str | None] = mapped_column(Text)
    evaluation_references: Mapped[str | None] = mapped_column(Text)
    #: the fiche's co-authors (people or bodies), one per line
    co_auteurs: Mapped[str | None] = mapped_column(Text)
    #: « à revoir le »: when the ONPE means to review the fiche
    date_revision: Mapped[dt.date | None] = mapped_column(Date)

    contact_nom: Mapped[str | None] = mapped_column(String(100))
    contact_fonction: Mapped[str | None] = mapped_column(String(100))
    contact_courriel: Mapped[str | None] = mapped_column(String(254))
    contact_telephone: Mapped[str | None] = mapped_column(String(30))
    accord_nom: Mapped[str | None] = mapped_column(String(100))
    accord_fonction: Mapped[str | None] = mapped_column(String(100))
    accord_courriel: Mapped[str | None] = mapped_column(String(254))

    #: The practice this one duplicates (state « doublon »).
    doublon_de_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practices.id"))

    #: The address of the person who declared it: the owner of the draft.
    declarant_courriel: Mapped[str | None] = mapped_column(String(254), index=True)
    accepte_conditions: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the declarant declares the practice with their hierarchy's agreement
    accord_hierarchie: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Steps of the declaration form completed so far.
    etapes_validees: Mapped[list] = mapped_column(JSON, default=list)
    #: What was typed on a step left with "Précédent" before it was valid.
    saisie_en_cours: Mapped[dict] = mapped_column(JSON, default=dict)

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(), server_default=func.now(), onupdate=func.now()
    )
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime())

    terms: Mapped[list[PracticeTerm]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        cascade="all, delete-orphan",
        order_by="Attachment.created_at",
        back_populates="practice",
    )
    transitions: Mapped[list["Transition"]] = relationship(
        cascade="all, delete-orphan", order_by="Transition.id", back_populates="practice"
    )
    doublon_de: Mapped["Practice | None"] = relationship(remote_side="Practice.id")
    #: the département representative's confirmation of their prior agreement, once asked
    agreement: Mapped["AgreementRequest | None"] = relationship(
        cascade="all, delete-orphan", back_populates="practice")
    #: a fiche's level-1 practices, whatever their state (the pages show the published ones)
    pratiques_liees: Mapped[list["Practice"]] = relationship(
        secondary=fiche_practice_links,
        primaryjoin="Practice.id == fiche_practice_links.c.fiche_id",
        secondaryjoin="Practice.id == fiche_practice_links.c.practice_id",
        order_by="Practice.intitule",
    )
    #: the fiches that build on this practice (written through `pratiques_liees` only)
    fiches: Mapped[list["Practice"]] = relationship(
        secondary=fiche_practice_links,
        primaryjoin="Practice.id == fiche_practice_links.c.practice_id",
        secondaryjoin="Practice.id == fiche_practice_links.c.fiche_id",
        order_by="Practice.intitule",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}

    types_intervention = _MultiField()
    thematiques = _MultiField()
    publics = _MultiField()
    regions = _MultiField()
    departements = _MultiField()
    #: why the committee gave its « coup de cœur » (models.committee.COUP_DE_COEUR_MOTIFS)
    motifs_coup_de_coeur = _MultiField()

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def titre(self) -> str:
        return title(self.intitule, self.niveau)

    @property
    def is_fiche(self) -> bool:
        """A level-2 fiche dispositif of the ONPE."""
        return self.niveau == 2

    @property
    def co_auteurs_list(self) -> list[str]:
        return [line.strip() for line in (self.co_auteurs or "").splitlines() if line.strip()]


def in_workflow_states(statuses: Iterable[str]) -> ColumnElement[bool]:
    """The practice is in one of these states of the workflow (moderation, committee): a
    condition on its id, read from an index that holds its status and id.

    Written `status IN (…)`, SQLite reads the whole table. Its statistics keep one average
    number of practices per status, which the published ones make large, so it expects
    thousands of rows from the status index where moderation and the committee hold a few
    dozen; it then looks the practices up one by one. Not for the published practices, where
    reading the table is the right plan.
    """
    return Practice.id.in_(select(Practice.id).where(Practice.status.in_(tuple(statuses))))


class Transition(Base):
    """One step of a practice's history: who, when, from, to, why."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(254))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    #: the practice's fields when the step was taken (to show what changed since)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    practice: Mapped[Practice] = relationship(back_populates="transitions")


class Attachment(Base):
    """A document joined to a practice; its type was checked on its content."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), server_default=func.now())
    practice: Mapped[Practice] = relationship(back_populates="attachments")


#: The answers of a département representative asked to confirm their prior agreement.
AGREEMENT_STATES = {
    "attendue": "En attente de réponse",
    "confirmee": "Accord confirmé",
    "refusee": "Accord non confirmé",
}


class AgreementRequest(Base):
    """The request sent to the département representative named as having given the prior
    agreement, and their answer.

    Kept apart from the practice's row: an answer arriving while a moderator or the
    declarant edits the practice must not make their change a conflict.
    """

    __tablename__ = "agreement_requests"

    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    #: AGREEMENT_STATES
    etat: Mapped[str] = mapped_column(String(20))
    #: when the request was last sent, and when the representative answered
    demande_le: Mapped[dt.datetime] = mapped_column(DateTime())
    reponse_le: Mapped[dt.datetime | None] = mapped_column(DateTime())
    practice: Mapped[Practice] = relationship(back_populates="agreement")

    @property
    def label(self) -> str:
        return AGREEMENT_STATES.get(self.etat, self.etat)
