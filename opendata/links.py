"""The public addresses the files point to, built from the application's routes."""
import dataclasses
import functools
import uuid

from pyramid.request import Request

from recueil.settings import public_url

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@dataclasses.dataclass(frozen=True)
class Links:
    """Absolute URLs of the open-data files, the page and the practices."""

    home: str
    page: str
    csv: str
    json: str
    schema: str
    datapackage: str
    catalogue: str
    atom: str
    newest: str  # the catalogue sorted by newest publication
    practice_prefix: str
    practice_suffix: str = ""

    def practice(self, practice_id: uuid.UUID | str) -> str:
        """A practice's stable page (what the `url` column holds)."""
        return f"{self.practice_prefix}{practice_id}{self.practice_suffix}"

    @classmethod
    def from_request(cls, request: Request) -> "Links":
        """Addresses under ``recueil.public_url``, whatever host the request names."""
        url = functools.partial(public_url, request)
        prefix, suffix = practice_url_parts(request)
        return cls(
            home=url("home"),
            page=url("opendata.page"),
            csv=url("opendata.csv"),
            json=url("opendata.json"),
            schema=url("opendata.schema"),
            datapackage=url("opendata.datapackage"),
            catalogue=url("opendata.catalogue"),
            atom=url("opendata.atom"),
            newest=url("catalogue.search", _query={"tri": "publication"}),
            practice_prefix=prefix,
            practice_suffix=suffix,
        )


def practice_url_parts(request: Request) -> tuple[str, str]:
    """(prefix, suffix) of a practice's page: its address is prefix + id + suffix."""
    prefix, suffix = public_url(request, "catalogue.show", id=_PLACEHOLDER).split(_PLACEHOLDER)
    return prefix, suffix
