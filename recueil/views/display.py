"""How a practice reads in the public lists and pages: its territory in a few words, an
excerpt, counted nouns."""


def territory(practice, references, limit: int | None = 3) -> str:
    """Where a practice takes place, in a few words (a card's detail): `limit` places at
    most, or all of them with None."""
    if practice.echelle == "nationale":
        return "France entière"
    if practice.departements:
        places = [f"{references.label('departements', c)} ({c})" for c in practice.departements]
    else:
        places = [references.label("regions", c) for c in practice.regions]
    text = ", ".join(places[:limit])
    if limit is not None and len(places) > limit:
        text += f" et {len(places) - limit} autre{'s' if len(places) - limit > 1 else ''}"
    if practice.lieu:
        text = f"{practice.lieu}, {text}" if text else practice.lieu
    return text or "Territoire non précisé"


def excerpt(text: str | None, length: int = 220) -> str:
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def counted(count: int, *words: str) -> str:
    """« 1 pratique publiée », « 2 pratiques publiées » (French: 0 is singular)."""
    return " ".join([str(count), *(w + ("s" if count > 1 else "") for w in words)])
