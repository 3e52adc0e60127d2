"""What every fuzzed answer must hold: no 5xx, nothing stored from a refused post, and every
field error naming its field."""
import hashlib
import html
import re

import sqlalchemy as sa
from hypothesis import event, settings
from hypothesis import strategies as st
from webtest import forms as webtest_forms

from recueil.models.meta import Base

from ..conftest import REFERENCE_TABLES
from .strategies import file_value, text_value

#: what a refused post may leave behind: its own count against the rate limits
NOT_CONTENT = REFERENCE_TABLES | {"rate_events"}
REDIRECTS = (301, 302, 303)


def snapshot(engine, besides: frozenset = frozenset()) -> str:
    """A digest of every row of the tables a post could write to (but `besides`)."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_CONTENT or table.name in besides:
                continue
            rows = connection.execute(sa.select(table)).all()
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    return digest.hexdigest()


def forget_rate_events(engine) -> None:
    """Each example starts with no rate limit used up, so that the limits do not hide the
    forms from the fuzzing."""
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM rate_events"))


def check_answer(response, before: str, engine) -> None:
    status = response.status_int
    event(f"réponse {status}")  # shown by --hypothesis-show-statistics
    assert status < 500, f"{status} :\n{response.text[-3000:]}"
    if status in REDIRECTS:
        return
    assert snapshot(engine) == before, f"un envoi refusé ({status}) a été enregistré"
    if "html" in response.content_type:
        assert "Traceback" not in response.text
        check_errors_name_fields(response)


_QUOTED = re.compile(r"«\s*(.+?)\s*»")
_SUMMARY = re.compile(r'<div[^>]*id="[^"]*-erreurs".*?</div>', re.S)
_ERROR = re.compile(r'<a href="#([^"]+)"[^>]*>(.*?)</a>', re.S)


def label_of(text: str, oid: str) -> str | None:
    """The label a person reads for the field `oid` of a Deform form: its <label>, or the
    legend of its fieldset (read from the page's text: parsing whole pages would take most of
    the drill's time)."""
    oid = re.escape(oid)
    found = (re.search(rf'<label[^>]*\bfor="{oid}"[^>]*>\s*([^<]*)', text)
             or re.search(rf'<fieldset[^>]*\bid="{oid}"[^>]*>\s*<legend[^>]*>\s*([^<]*)', text)
             or re.search(rf'<p[^>]*\bclass="fr-label"[^>]*\bid="{oid}"[^>]*>\s*([^<]*)', text))
    return html.unescape(found.group(1)).strip().rstrip("*").strip() if found else None


def names(message: str, label: str) -> bool:
    """Whether `message` names the field labelled `label`: it quotes the label or a part of
    it (« Budget annuel » for « Budget annuel (en euros) », « Thématique » for « Précision
    pour « Autre » (thématique) »)."""
    return any(quoted.lower() in label.lower() for quoted in _QUOTED.findall(message))


_FIELD_ERROR = re.compile(r'<p[^>]*\bid="([^"]+)-erreur"[^>]*>(.*?)</p>', re.S)


def check_errors_name_fields(response) -> None:
    """Each error of a Deform form's summary, and each error written under a field of a
    hand-written form (`<p id="FIELD-erreur">`), names its field's label."""
    text = response.text
    errors = [error for summary in _SUMMARY.findall(text) for error in _ERROR.findall(summary)]
    errors += _FIELD_ERROR.findall(text)
    for oid, message in errors:
        message = html.unescape(re.sub(r"<[^>]+>", "", message)).strip()
        label = label_of(text, oid)
        assert label is not None, f"erreur sans champ : {message!r}"
        assert names(message, label), f"« {label} » : le message {message!r} ne le nomme pas"


# -- filling a form as people and robots do -------------------------------------------------

KEPT_HIDDEN = {"csrf_token", "__start__", "__end__", "_charset_", "__formid__", "version"}


def examples(share: float) -> settings:
    """The settings of a target that gets `share` of the profile's examples: the slow pages
    (a form re-rendered with its errors) fewer, the quick answers more."""
    return settings(max_examples=max(10, round(settings.default.max_examples * share)))


def fill(data, form, valid: dict, button: str) -> list:
    """The (name, value) pairs of `form` posted with `button`: each field valid, missing,
    twice, or any value at all; now and then the hidden markers and the order are broken.

    How wild a post is, is drawn first: a form of many fields is otherwise never valid as a
    whole, and what follows a valid post (the save, the e-mail) is never reached."""
    wild = data.draw(st.integers(0, 3), label="désordre")
    tampered = data.draw(st.integers(0, 4), label="champs cachés") == 0
    ways = ["valid"] * (12 - 3 * wild) + ["any", "missing", "twice"] * wild
    items = []
    for name, field in form.field_order:
        if isinstance(field, webtest_forms.Submit) or not name:
            continue
        if isinstance(field, webtest_forms.Hidden) and name in KEPT_HIDDEN:
            kept = not tampered or data.draw(st.integers(0, 9), label=f"{name}?") > 0
            if kept:
                items.append((name, field.value or ""))
            continue
        how = data.draw(st.sampled_from(ways), label=f"{name}?") if wild else "valid"
        if how == "missing":
            continue
        values = [_value(data, name, field, valid, how)
                  for _ in range(2 if how == "twice" else 1)]
        items += [(name, value) for value in values if value is not None]
    if tampered and data.draw(st.booleans(), label="ordre ?"):
        items = data.draw(st.permutations(items), label="ordre")
    items.append((button, button))
    return items


def _value(data, name, field, valid, how):
    if isinstance(field, webtest_forms.File):
        filename, content = data.draw(file_value(), label=name)
        return webtest_forms.Upload(filename, content)
    if how == "valid":
        if isinstance(field, webtest_forms.Checkbox):
            return field._value if data.draw(st.booleans(), label=name) else None
        if isinstance(field, (webtest_forms.Select, webtest_forms.Radio)):
            options = [value for value, *_ in field.options] or [""]
            return data.draw(st.sampled_from(options), label=name)
        if name in valid:
            return valid[name]
    return data.draw(text_value, label=name)
