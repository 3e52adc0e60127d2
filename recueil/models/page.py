"""An informational page (why this collection, legal notices…), editable by administrators."""
import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class Page(Base):
    __tablename__ = "pages"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    titre: Mapped[str] = mapped_column(String(200))
    #: the text, in the small markup of models/markup.py
    contenu: Mapped[str] = mapped_column(Text)
    #: optimistic locking: an edit made on an older version is refused, never applied
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())
    #: who saved it last; None while it is still the text shipped with the application
    updated_by: Mapped[str | None] = mapped_column(String(254))

    __mapper_args__ = {"version_id_col": version}

    @property
    def edited(self) -> bool:
        return self.updated_by is not None
