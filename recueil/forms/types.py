"""Colander types and validators shared by the schemas; every message is French."""
import datetime as dt
import re

import colander

from .normalise import AmbiguousAmount, NotAnAmount, euros

DATE_FR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class FrenchDate(colander.SchemaType):
    """A date typed JJ/MM/AAAA (AAAA-MM-JJ is accepted too, for files)."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.strftime("%d/%m/%Y")

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None) or not str(cstruct).strip():
            return colander.null
        text = str(cstruct)
        match = DATE_FR.match(text)
        if match:
            day, month, year = (int(x) for x in match.groups())
        elif DATE_ISO.match(text):
            year, month, day = (int(x) for x in DATE_ISO.match(text).groups())
        else:
            raise colander.Invalid(
                node, f"« {node.title} » : saisissez la date au format JJ/MM/AAAA, "
                "par exemple 15/09/2022."
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise colander.Invalid(
                node, f"« {node.title} » : le {text.strip()} n'existe pas ; "
                "vérifiez le jour et le mois."
            ) from None


class CodeList(colander.SchemaType):
    """A list of codes, from a list (checkboxes, select multiple) or a single string."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return list(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        if isinstance(cstruct, str):
            values = [cstruct]
        elif isinstance(cstruct, (list, tuple, set)):
            values = [str(v) for v in cstruct]
        else:
            raise colander.Invalid(node, f"« {node.title} » : valeur illisible.")
        values = [v.strip() for v in values if v and v.strip()]
        if not values:
            return colander.null
        return list(dict.fromkeys(values))


class Integer(colander.Integer):
    """An integer whose error message names the field, in French."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str):
            cstruct = cstruct.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
            if not cstruct:
                return colander.null
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(
                node, f"« {node.title} » : saisissez un nombre entier, sans décimale ni unité."
            ) from None


class Euros(colander.Integer):
    """An amount in whole euros, typed as people write it (normalise.euros)."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str):
            if not cstruct.strip():
                return colander.null
            try:
                return euros(cstruct)
            except AmbiguousAmount:
                raise colander.Invalid(
                    node, f"« {node.title} » : « {cstruct.strip()[:30]} » peut se lire de deux "
                    "façons ; écrivez 62 000 pour soixante-deux mille euros, ou 62,50 pour "
                    "soixante-deux euros cinquante."
                ) from None
            except NotAnAmount:
                raise colander.Invalid(
                    node, f"« {node.title} » : saisissez un montant en euros, en chiffres, "
                    "par exemple 62 000 € ou 62000."
                ) from None
        return super().deserialize(node, cstruct)


def max_length(title: str, limit: int):
    def validator(node, value):
        if len(value) > limit:
            raise colander.Invalid(
                node,
                f"« {title} » : {limit} caractères au maximum ; le texte saisi en compte "
                f"{len(value)}, raccourcissez-le.",
            )
    return validator


def in_vocabulary(title: str, codes: set[str]):
    def validator(node, value):
        values = [value] if isinstance(value, str) else list(value)
        unknown = [v for v in values if v not in codes]
        if unknown:
            shown = ", ".join(f"« {v} »" for v in unknown)
            raise colander.Invalid(
                node, f"« {title} » : {shown} ne fait pas partie des valeurs proposées."
            )
    return validator


def strip_text(value):
    if isinstance(value, str):
        # NUL is never typed, and PostgreSQL refuses it in text
        value = value.replace("\r\n", "\n").replace("\x00", "").strip()
        return value or colander.null
    return value
