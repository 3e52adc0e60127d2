"""The DCAT catalogue (JSON-LD) of the dataset, and the Atom feed of new publications."""
import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET  # nosec B405 # only builds the feed, never parses XML

from . import metadata
from .links import Links
from .records import Batch
from .vocabularies import Vocabularies

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_EU = "http://publications.europa.eu/resource/authority"


def _iso(moment: dt.date | dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return moment.isoformat()


def _typed(value: str, kind: str) -> dict:
    return {"@value": value, "@type": f"xsd:{kind}"}


def dcat_catalogue(links: Links, modified: dt.datetime | None = None) -> dict:
    """A dcat:Catalog holding one dcat:Dataset and its four distributions (DCAT-AP fields,
    as udata's harvester maps them)."""
    licence = {"@id": metadata.LICENCE["path"]}
    publisher = {"@type": "foaf:Organization", "foaf:name": metadata.PUBLISHER}

    def distribution(url: str, kind: metadata.FileKind, title: str, conforms: bool) -> dict:
        described = {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dcat:downloadURL": {"@id": url},
            "dcat:accessURL": {"@id": url},
            "dcat:mediaType": kind.media_type,
            "dct:format": kind.key.upper() if kind.key in ("csv", "json") else "JSON",
            "dct:license": licence,
        }
        if conforms:
            described["dct:conformsTo"] = {"@id": links.schema}
        return described

    dataset = {
        "@id": links.page + "#jeu-de-donnees",
        "@type": "dcat:Dataset",
        "dct:identifier": metadata.NAME,
        "dct:title": metadata.TITLE,
        "dct:description": metadata.DESCRIPTION,
        "dcat:keyword": list(metadata.KEYWORDS),
        "dct:language": {"@id": f"{_EU}/language/FRA"},
        "dct:spatial": {"@id": f"{_EU}/country/FRA"},
        "dct:accrualPeriodicity": {"@id": f"{_EU}/frequency/IRREG"},
        "dct:license": licence,
        "dct:publisher": publisher,
        "dct:conformsTo": {"@id": links.schema},
        "dcat:landingPage": {"@id": links.page},
        "dcat:distribution": [
            distribution(links.csv, metadata.CSV, "Pratiques publiées (CSV)", True),
            distribution(links.json, metadata.JSON, "Pratiques publiées (JSON)", False),
            distribution(links.schema, metadata.SCHEMA, "Schéma du CSV (Table Schema)", False),
            distribution(links.datapackage, metadata.DATAPACKAGE,
                         "Description du jeu de données (Data Package)", False),
        ],
    }
    if modified is not None:
        dataset["dct:modified"] = _typed(_iso(modified), "dateTime")
    return {
        "@context": DCAT_CONTEXT,
        "@id": links.catalogue,
        "@type": "dcat:Catalog",
        "dct:title": f"Données ouvertes – {metadata.TITLE}",
        "dct:description":
            "Le catalogue des données ouvertes du recueil des pratiques inspirantes.",
        "dct:publisher": publisher,
        "dct:language": {"@id": f"{_EU}/language/FRA"},
        "dct:license": licence,
        "foaf:homepage": {"@id": links.home},
        "dcat:dataset": [dataset],
    }


# -- Atom -----------------------------------------------------------------------------------------
ATOM = "http://www.w3.org/2005/Atom"
# characters XML 1.0 cannot carry, even escaped (control characters but tab and line breaks)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _day(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


@dataclasses.dataclass(frozen=True)
class FeedHead:
    """What names a feed: its own address (also its id), the page it follows, its title."""

    url: str
    page: str
    title: str
    subtitle: str


def newest_head(links: Links) -> FeedHead:
    """The head of the open-data feed: the newest publications, whatever they are."""
    return FeedHead(links.atom, links.newest,
                    f"Nouvelles pratiques inspirantes – {metadata.TITLE}",
                    "Les 50 dernières pratiques publiées dans le recueil.")


def atom_feed(batch: Batch, links: Links, vocabularies: Vocabularies,
              updated: dt.datetime | None = None, head: FeedHead | None = None) -> bytes:
    """Published practices as an Atom 1.0 feed (RFC 4287), in the batch's order (newest
    first); `head` names the feed (by default, the open-data feed of the newest ones)."""
    head = head or newest_head(links)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = _text(text)
        return element

    # the default namespace as a plain attribute: no global ET.register_namespace
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "fr"})
    sub(feed, "id", head.url)
    sub(feed, "title", head.title)
    sub(feed, "subtitle", head.subtitle)
    newest = max((row.date_publication for row in batch.rows if row.date_publication), default=None)
    sub(feed, "updated", _iso(updated) if updated is not None else _day(newest))
    sub(feed, "link", rel="self", type="application/atom+xml", href=head.url)
    sub(feed, "link", rel="alternate", type="text/html", href=head.page)
    author = sub(feed, "author")
    sub(author, "name", metadata.PUBLISHER)
    sub(feed, "rights", "Licence Ouverte / Open Licence version 2.0 (etalab-2.0)")
    for row in batch.rows:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:uuid:{row.id}")
        sub(entry, "title", row.intitule or "Pratique sans intitulé")
        sub(entry, "link", rel="alternate", type="text/html", href=links.practice(row.id))
        sub(entry, "published", _day(row.date_publication))
        sub(entry, "updated", _day(row.date_publication))
        if row.nom_entite:
            sub(sub(entry, "author"), "name", row.nom_entite)
        for code in batch.multi(row.id, "thematiques"):
            sub(entry, "category", term=code, label=_text(vocabularies.label("thematiques", code)))
        sub(entry, "summary", row.description or "", type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
