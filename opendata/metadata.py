"""What the published files say about themselves: names, version, licence, producer."""
import dataclasses

#: Version of the Table Schema (semantic versioning: a new column or a renamed one is a
#: new major or minor version; vocabulary codes added by administrators are not).
SCHEMA_VERSION = "1.1.0"
#: Dates of the schema's definition (bump SCHEMA_MODIFIED with SCHEMA_VERSION), not of the data.
SCHEMA_CREATED = "2026-11-23"
SCHEMA_MODIFIED = "2026-12-04"
NAME = "pratiques-inspirantes-protection-enfance"
TITLE = "Recueil des pratiques inspirantes en prévention et protection de l'enfance"
DESCRIPTION = (
    "Les pratiques inspirantes en prévention et protection de l'enfance publiées dans le "
    "recueil national porté par France Enfance Protégée : une ligne par pratique, avec son "
    "intitulé, l'entité qui la porte, sa description, ses thématiques, ses publics, son "
    "territoire, ses objectifs, ses moyens et son bilan. Seules les pratiques publiées et "
    "leurs champs publics y figurent : aucun nom, courriel ni téléphone de personne."
)
KEYWORDS = ("protection de l'enfance", "prévention", "pratiques inspirantes", "enfance",
            "aide sociale à l'enfance", "innovation sociale")
PUBLISHER = "France Enfance Protégée"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}


@dataclasses.dataclass(frozen=True)
class FileKind:
    """One of the four published files."""

    key: str  # the name used in settings (datagouv.resource_ids.<key>) and messages
    filename: str
    media_type: str
    label: str  # French, for people


CSV = FileKind("csv", "pratiques-inspirantes.csv", "text/csv", "les pratiques (CSV)")
JSON = FileKind("json", "pratiques-inspirantes.json", "application/json", "les pratiques (JSON)")
SCHEMA = FileKind("schema", "schema.json", "application/json", "le schéma (schema.json)")
DATAPACKAGE = FileKind("datapackage", "datapackage.json", "application/json",
                       "la description du jeu de données (datapackage.json)")
#: In the order they are uploaded: the schema before the data it describes, the package last.
FILES = (SCHEMA, CSV, JSON, DATAPACKAGE)
