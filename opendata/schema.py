"""The Table Schema of the CSV (in schema.data.gouv.fr's form) and the datapackage."""
import re

from recueil.models.columns import COLUMNS, DOCUMENTATION, NEUTRALISATION_NOTE, SEPARATOR, Column
from recueil.models.vocabulary import VOCABULARIES

from . import metadata
from .links import Links
from .vocabularies import Vocabularies

TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
_SLUG = re.compile(r"^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$")


def _alternatives(codes: list[str]) -> str:
    # codes are slugs and COG codes; anything else is escaped
    return "|".join(code if _SLUG.match(code) else re.escape(code) for code in codes)


def list_pattern(codes: list[str]) -> str:
    """A cell of codes joined by SEPARATOR, each from `codes` (empty cells are missing values)."""
    one = f"({_alternatives(codes)})"
    return f"^{one}(\\{SEPARATOR}{one})*$"


def _field(column: Column, vocabularies: Vocabularies) -> dict:
    field = {
        "name": column.name,
        "title": column.title,
        "description": column.description,
        "example": column.example,
        "type": column.type,
        "format": column.format or "default",
    }
    if column.type == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    constraints = {"required": column.required}
    if column.unique:
        constraints["unique"] = True
    if column.max_length:
        constraints["maxLength"] = column.max_length
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.pattern:
        constraints["pattern"] = f"^{column.pattern}$"
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.vocabulary:
        codes = vocabularies.codes(column.vocabulary)
        if column.multiple:
            constraints["pattern"] = list_pattern(codes)
        else:
            constraints["enum"] = codes
        if column.vocabulary in VOCABULARIES:
            # labels are France Enfance Protégée's to edit: the schema says today's
            field["description"] += " Codes et libellés : " + " ; ".join(
                f"{code} = {label}" for code, label in vocabularies.terms[column.vocabulary]
            ) + "."
    field["constraints"] = constraints
    return field


def table_schema(vocabularies: Vocabularies, links: Links) -> dict:
    """The Table Schema of the CSV: enums and patterns read from the vocabularies in the base."""
    schema = {
        "$schema": TABLE_SCHEMA,
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": (
            f"{metadata.DESCRIPTION} Une ligne par pratique publiée ; les champs à plusieurs "
            f"valeurs contiennent des codes séparés par « {SEPARATOR} » ; les dates sont au "
            "format AAAA-MM-JJ et les booléens valent true ou false. " + NEUTRALISATION_NOTE
        ),
        "countryCode": "FR",
        "homepage": links.page,
        "path": links.schema,
        "version": metadata.SCHEMA_VERSION,
        "created": metadata.SCHEMA_CREATED,
        "lastModified": metadata.SCHEMA_MODIFIED,
        "keywords": list(metadata.KEYWORDS),
        "contributors": [
            {"title": metadata.PUBLISHER, "organisation": metadata.PUBLISHER, "role": "author"},
        ],
        "licenses": [metadata.LICENCE],
        "resources": [
            {"title": "Les pratiques publiées (fichier valide)", "name": "pratiques-inspirantes",
             "path": links.csv},
        ],
        "missingValues": [""],
        "primaryKey": "id",
        "fields": [_field(DOCUMENTATION[name], vocabularies) for name in COLUMNS],
    }
    return schema


def datapackage(links: Links, files: dict | None = None, paths: dict | None = None) -> dict:
    """The data package of the CSV and the JSON.

    Paths are relative (the files sit beside it, in an export folder as under /opendata/)
    unless `paths` gives other addresses (data.gouv.fr's permanent links); `files` adds each
    file's size and SHA-256 when they are known: {key: (bytes, sha256 hex)}.
    """
    paths = paths or {}
    files = files or {}

    def resource(kind: metadata.FileKind, **extra) -> dict:
        described = {
            "name": kind.filename.rsplit(".", 1)[0] + "-" + kind.key,
            "title": f"{metadata.TITLE} ({kind.key.upper()})",
            "path": paths.get(kind.key, kind.filename),
            "format": kind.key,
            "mediatype": kind.media_type,
            "encoding": "utf-8",
            **extra,
        }
        if kind.key in files:
            size, sha256 = files[kind.key]
            described["bytes"] = size
            described["hash"] = f"sha256:{sha256}"
        return described

    return {
        "profile": "data-package",
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "homepage": links.page,
        "version": metadata.SCHEMA_VERSION,
        "keywords": list(metadata.KEYWORDS),
        "licenses": [metadata.LICENCE],
        "contributors": [{"title": metadata.PUBLISHER, "role": "publisher"}],
        "resources": [
            resource(metadata.CSV, profile="tabular-data-resource",
                     schema=paths.get(metadata.SCHEMA.key, metadata.SCHEMA.filename),
                     dialect={"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                              "lineTerminator": "\r\n", "header": True}),
            resource(metadata.JSON, profile="data-resource",
                     description="Les mêmes pratiques, les champs à plusieurs valeurs en "
                                 "tableaux, chaque code avec son libellé ; « essaimages » "
                                 "liste les reprises publiées de chaque pratique (structure, "
                                 "département, date)."),
        ],
    }
