"""The OpenAPI 3.1 description of the public API (`/api/pratiques`), built from the same
column definitions as the CSV's Table Schema (recueil.models.columns) and the same search
parameters as the API reads (recueil.search.query): neither can drift from the other."""
from recueil.models.columns import COLUMNS, DOCUMENTATION, NEUTRALISATION_NOTE, SINGLE_CODED, Column
from recueil.search.query import (
    DEFAULT_PAGE_SIZE,
    FACETS,
    FIXED_VALUES,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    SORTS,
)

from . import metadata
from .vocabularies import Vocabularies

OPENAPI_VERSION = "3.1.0"
#: Bounds the API checks (recueil.search.query.parse).
MAX_PAGE = 10000
YEARS = (1900, 2100)
#: Fields never empty on a published record, whatever its origin (form, import, ONPE).
NEVER_NULL = ("id", "niveau", "coup_de_coeur", "url")
#: The fixed values of the facets that are not vocabularies.
_REF = "#/components/schemas/"
#: A parameter left empty (as an HTML form sends it) is the same as an absent one.
EMPTY = ""
IGNORED = "Vide, il est ignoré."


def _ref(name: str) -> dict:
    return {"$ref": _REF + name}


def _nullable(schema: dict) -> dict:
    """`schema`, or null (JSON Schema 2020-12, as OpenAPI 3.1 reads it)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _description(column: Column) -> str:
    # the JSON gives texts as written: the CSV's neutralisation does not apply
    return column.description.replace(" " + NEUTRALISATION_NOTE, "")


def _property(column: Column) -> dict:
    """The JSON Schema of one field of a record, as `public_record` writes it."""
    if column.multiple:
        schema = {"type": "array", "items": _ref("Code")}
    elif column.name in SINGLE_CODED:
        schema = _ref("Code")
    elif column.type == "date":
        schema = {"type": "string", "format": "date"}
    elif column.type == "integer":
        schema = {"type": "integer"}
        if column.minimum is not None:
            schema["minimum"] = column.minimum
        if column.enum:
            schema["enum"] = list(column.enum)
    elif column.type == "boolean":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string"}
        if column.format in ("uuid", "uri"):
            schema["format"] = column.format
        if column.pattern:
            schema["pattern"] = f"^{column.pattern}$"
    if not column.multiple and column.name not in NEVER_NULL:
        schema = _nullable(schema)
    if "$ref" in schema:
        return {"title": column.title, "description": _description(column), **schema}
    return {**schema, "title": column.title, "description": _description(column)}


def example_record(vocabularies: Vocabularies) -> dict:
    """A record made of each column's documented example, codes given with today's labels."""
    record = {}
    for name in COLUMNS:
        column = DOCUMENTATION[name]
        example = column.example
        if column.multiple:
            value = [{"code": code, "libelle": vocabularies.label(name, code)}
                     for code in example.split("|") if code]
        elif name in SINGLE_CODED:
            value = {"code": example, "libelle": vocabularies.label(name, example)}
        elif column.type == "integer":
            value = int(example) if example else None
        elif column.type == "boolean":
            value = example == "true"
        else:
            value = example or None
        record[name] = value
    return record


def _codes_parameter(name: str, vocabularies: Vocabularies) -> dict:
    if name in FIXED_VALUES:
        codes = list(FIXED_VALUES[name])
        described = ", ".join(f"{code} = {label}" for code, label in FIXED_VALUES[name].items())
    else:
        codes = vocabularies.codes(name)
        described = (f"les codes de la colonne « {name} » des données ouvertes "
                     "(leurs libellés sont dans la réponse, sous « facettes »)")
    return {
        "name": name, "in": "query", "required": False, "style": "form", "explode": True,
        "description": f"Filtre « {FACETS[name]} » : {described}. Répété, il donne les "
                       "pratiques qui ont l'une des valeurs (OU) ; deux filtres différents "
                       f"se combinent (ET). {IGNORED}",
        "schema": {"type": "array", "items": {"type": "string", "enum": [*codes, EMPTY]}},
    }


def _integer_parameter(name: str, description: str, low: int, high: int,
                       default: int | None = None) -> dict:
    number = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        number["default"] = default
    return {"name": name, "in": "query", "required": False,
            "description": f"{description} {IGNORED}",
            "schema": {"anyOf": [number, {"const": EMPTY}]}}


def parameters(vocabularies: Vocabularies) -> list[dict]:
    """The query parameters of /api/pratiques, in the order the page lists them."""
    return [
        {"name": "q", "in": "query", "required": False,
         "description": "Recherche en texte intégral, en français : accents, élisions et "
                        "pluriels ne comptent pas (« ecole » trouve « l'École »).",
         "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
         "example": "parrainage"},
        *(_codes_parameter(name, vocabularies) for name in FACETS if name != "annee"),
        _integer_parameter("annee_min", "Année de mise en œuvre, au plus tôt.", *YEARS),
        _integer_parameter("annee_max", "Année de mise en œuvre, au plus tard (pas avant "
                                        "annee_min).", *YEARS),
        {"name": "tri", "in": "query", "required": False,
         "description": "Ordre des résultats : " + " ; ".join(
             f"{code} = {label}" for code, label in SORTS.items()) + ".",
         "schema": {"type": "string", "enum": [*SORTS, EMPTY], "default": "pertinence"}},
        _integer_parameter("page", "Numéro de la page de résultats.", 1, MAX_PAGE, 1),
        _integer_parameter("par_page", "Nombre de résultats par page.", 1, MAX_PAGE_SIZE,
                           DEFAULT_PAGE_SIZE),
        {"name": "If-None-Match", "in": "header", "required": False,
         "description": "L'ETag d'une réponse déjà reçue : si la réponse n'a pas changé, "
                        "l'API répond 304 sans corps.",
         "schema": {"type": "string"}},
    ]


def _schemas(example: dict) -> dict:
    return {
        "Code": {
            "type": "object",
            "description": "Un code de vocabulaire et son libellé du jour (le code ne change "
                           "jamais ; le libellé peut être corrigé par France Enfance Protégée).",
            "required": ["code", "libelle"],
            "properties": {"code": {"type": "string"}, "libelle": {"type": "string"}},
            "additionalProperties": False,
        },
        "Pratique": {
            "type": "object",
            "title": "Pratique publiée",
            "description": "Les champs publics d'une pratique inspirante (niveau 1) ou d'une "
                           "fiche dispositif de l'ONPE (niveau 2), dans l'ordre des colonnes "
                           "des données ouvertes ; un champ sans valeur vaut null (un tableau "
                           "vide pour une liste de codes).",
            "required": list(COLUMNS),
            "properties": {name: _property(DOCUMENTATION[name]) for name in COLUMNS},
            "additionalProperties": False,
            "examples": [example],
        },
        "ValeurDeFacette": {
            "type": "object",
            "required": ["code", "libelle", "nombre"],
            "properties": {
                "code": {"type": "string"},
                "libelle": {"type": "string"},
                "nombre": {"type": "integer", "minimum": 0,
                           "description": "Le nombre de résultats qu'on obtiendrait en "
                                          "choisissant cette valeur."},
            },
            "additionalProperties": False,
        },
        "Facettes": {
            "type": "object",
            "description": "Pour chaque facette, ses valeurs dans l'ordre du vocabulaire "
                           "(les années en ordre croissant), chacune avec son nombre de "
                           "résultats, calculé avec les filtres des autres facettes seulement.",
            "required": list(FACETS),
            "properties": {
                name: {"type": "array", "title": title, "items": _ref("ValeurDeFacette")}
                for name, title in FACETS.items()
            },
            "additionalProperties": False,
        },
        "Resultats": {
            "type": "object",
            "required": ["total", "page", "par_page", "resultats", "facettes"],
            "properties": {
                "total": {"type": "integer", "minimum": 0,
                          "description": "Le nombre de pratiques qui répondent à la recherche."},
                "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                "par_page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "resultats": {"type": "array", "maxItems": MAX_PAGE_SIZE,
                              "items": _ref("Pratique")},
                "facettes": _ref("Facettes"),
            },
            "additionalProperties": False,
        },
        "Erreur": {
            "type": "object",
            "required": ["erreur", "parametre"],
            "properties": {
                "erreur": {"type": "string", "description": "Ce qui ne va pas, en français."},
                "parametre": {"type": "string", "description": "Le paramètre en cause."},
            },
            "additionalProperties": False,
        },
    }


_HEADERS = {
    "ETag": {"description": "Identifie cette réponse ; à renvoyer dans If-None-Match.",
             "required": True, "schema": {"type": "string", "pattern": '^"[0-9a-f]{32}"$'}},
    "Link": {"description": "Les pages voisines (RFC 8288) : first, last, et prev et next "
                            "quand elles existent, en adresses absolues.",
             "required": True,
             "schema": {"type": "string", "pattern": '^<[^>]+>; rel="first", .*<[^>]+>; '
                                                     'rel="last"$'}},
}


def _json(schema: dict, example: dict | None = None) -> dict:
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"application/json": content}


def openapi(vocabularies: Vocabularies, server: str, paths: dict[str, str]) -> dict:
    """The description; `server` is the public address, `paths` the path of each operation
    ("search", "description") under it."""
    example = example_record(vocabularies)
    search = {
        "operationId": "chercherPratiques",
        "summary": "Chercher parmi les pratiques publiées",
        "description": "La même recherche que la page « Consulter le recueil », avec ses "
                       "facettes : seules les pratiques publiées, seulement leurs champs "
                       "publics. Un paramètre inconnu ou une valeur hors vocabulaire est "
                       "refusé (400), jamais ignoré.",
        "parameters": parameters(vocabularies),
        "responses": {
            "200": {"description": "Une page de résultats et les facettes.",
                    "headers": _HEADERS,
                    "content": _json(_ref("Resultats"))},
            "304": {"description": "La réponse n'a pas changé depuis l'ETag envoyé dans "
                                   "If-None-Match.",
                    "headers": {"ETag": _HEADERS["ETag"]}},
            "400": {"description": "Un paramètre inconnu ou une valeur impossible.",
                    "content": _json(_ref("Erreur"), {
                        "erreur": "Valeur inconnue pour « thematiques » : « ecole ».",
                        "parametre": "thematiques"})},
        },
    }
    describe = {
        "operationId": "decrireApi",
        "summary": "Cette description, au format OpenAPI 3.1",
        "parameters": [{"name": "If-None-Match", "in": "header", "required": False,
                        "description": "L'ETag d'une description déjà reçue.",
                        "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "La description de l'API.",
                    "headers": {"ETag": _HEADERS["ETag"]},
                    "content": {"application/json": {"schema": {"type": "object"}}}},
            "304": {"description": "La description n'a pas changé.",
                    "headers": {"ETag": _HEADERS["ETag"]}},
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "API du recueil des pratiques inspirantes",
            "summary": "Les pratiques publiées, cherchées comme dans le catalogue.",
            "description": (
                f"{metadata.DESCRIPTION} Les réponses sont en JSON (UTF-8), ouvertes à toutes "
                "les origines (CORS) ; elles portent un ETag et répondent 304 à If-None-Match, "
                "et un en-tête Link vers les pages voisines. Les champs sont ceux des données "
                "ouvertes, sous les mêmes noms."),
            "version": metadata.SCHEMA_VERSION,
            "license": {"name": metadata.LICENCE["title"], "url": metadata.LICENCE["path"]},
            "contact": {"name": metadata.PUBLISHER},
        },
        "servers": [{"url": server}],
        "paths": {
            paths["search"]: {"get": search},
            paths["description"]: {"get": describe},
        },
        "components": {
            "schemas": _schemas(example),
        },
    }
