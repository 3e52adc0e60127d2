"""A file of partners' initiatives imported by an administrator, kept with what became of it."""
import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base

#: What became of an imported file: awaiting confirmation, then imported or abandoned; or
#: refused at once (unreadable)
AWAITING, IMPORTED, REFUSED, ABANDONED = "en_attente", "importe", "refuse", "abandonne"
#: each state with its French label
BATCH_STATUSES = {
    AWAITING: "En attente de confirmation",
    IMPORTED: "Importé",
    REFUSED: "Refusé",
    ABANDONED: "Abandonné",
}


class ImportBatch(Base):
    """One uploaded file: its bytes, who sent it and when, the report, and the outcome.

    The file is kept between the report and the confirmation (the confirmation imports
    exactly the bytes that were checked), and afterwards for as long as the personal data of
    closed practices (it holds the contact persons of a partner's practices): then the purge
    erases it, and the rest stays as the record of the import.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: the source given for the whole file (a row's own `source` may complete it)
    source: Mapped[str | None] = mapped_column(String(100))
    #: imported as already published (migration) rather than sent to moderation
    publier: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the person chose to import the valid rows only, leaving the others out
    valides_seulement: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=AWAITING, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    #: the report shown before confirmation (see services.imports.Report.as_dict)
    report: Mapped[dict | None] = mapped_column(JSON)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    #: invalid rows left out (only when the person chose the valid rows only)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    #: when the purge erased the file (services.retention); name, size, fingerprint, report
    #: and counts stay as the record of the import
    file_erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime())

    @property
    def status_label(self) -> str:
        return BATCH_STATUSES.get(self.status, self.status)

    @property
    def awaiting(self) -> bool:
        """Still to be confirmed or abandoned."""
        return self.status == AWAITING

    @property
    def imported(self) -> bool:
        return self.status == IMPORTED

    @property
    def abandoned(self) -> bool:
        return self.status == ABANDONED
