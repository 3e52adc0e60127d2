"""The informational pages: their shipped texts (reference data) and administrators' edits."""
import datetime as dt
from collections.abc import Iterable
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Page

#: the pages about the collection (« À propos »), in reading order
ABOUT = (
    "pourquoi-ce-recueil",
    "pratique-inspirante",
    "comment-contribuer",
    "comment-consulter",
    "qui-gere-le-recueil",
)
#: the pages every public site owes its visitors (linked from the footer)
LEGAL = ("mentions-legales", "donnees-personnelles", "accessibilite")
ORDER = ABOUT + LEGAL


class StalePage(Exception):
    """The page was saved by someone else since the person opened it."""

    def __init__(self, page: Page):
        super().__init__(page.slug)
        self.page = page


def shipped_pages() -> dict[str, tuple[str, str]]:
    """slug -> (titre, contenu) of the texts in recueil/data/pages/ (first line: « # Titre »)."""
    pages = {}
    folder = resources.files("recueil").joinpath("data", "pages")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        first, _, rest = entry.read_text("utf-8").partition("\n")
        if not first.startswith("# "):
            raise ValueError(f"{entry.name} : la première ligne doit être « # Titre de la page ».")
        pages[entry.name[:-3]] = (first[2:].strip(), rest.strip() + "\n")
    return pages


def load_pages(dbsession: Session, now: dt.datetime | None = None) -> int:
    """Add the missing pages; refresh those no administrator has edited; returns how many changed.

    A page an administrator saved is never overwritten.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    existing = {p.slug: p for p in dbsession.scalars(select(Page))}
    changed = 0
    for slug, (titre, contenu) in shipped_pages().items():
        page = existing.get(slug)
        if page is None:
            dbsession.add(Page(slug=slug, titre=titre, contenu=contenu, updated_at=now))
            changed += 1
        elif not page.edited and (page.titre, page.contenu) != (titre, contenu):
            page.titre, page.contenu, page.updated_at = titre, contenu, now
            changed += 1
    dbsession.flush()
    return changed


def ordered(pages: Iterable[Page]) -> list[Page]:
    """Pages in reading order: « À propos » first, then the legal pages, then any other."""
    rank = {slug: i for i, slug in enumerate(ORDER)}
    return sorted(pages, key=lambda p: (rank.get(p.slug, len(ORDER)), p.slug))


def all_pages(dbsession: Session) -> list[Page]:
    return ordered(dbsession.scalars(select(Page)))


def get_page(dbsession: Session, slug: str) -> Page | None:
    return dbsession.get(Page, slug)


def save(dbsession: Session, page: Page, titre: str, contenu: str, expected_version: int | None,
         author: str, now: dt.datetime) -> None:
    """Apply an administrator's edit made on `expected_version` of the page.

    Raises StalePage when the page has changed since; the database refuses it too
    (version_id_col) if another edit commits between this check and the flush.
    """
    if expected_version != page.version:
        raise StalePage(page)
    page.titre = titre
    page.contenu = contenu
    page.updated_at = now
    page.updated_by = author
    dbsession.flush()
