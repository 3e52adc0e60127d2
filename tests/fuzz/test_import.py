"""Fuzzing the administration's import: CSV files of any header, cells, separator and
encoding (and files that are no CSV at all), then their confirmation. Never a 5xx; a refused
upload stores nothing; the report names the column of each error; a refused confirmation
imports nothing."""
import csv
import io
import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from webtest import forms as webtest_forms

from ..functional.test_import import (
    HEADER,
    admin,  # noqa: F401 (fixture)
    initiative,
)
from .drill import check_answer, examples, forget_rate_events, snapshot
from .strategies import EDGES, text_value
from .test_queries import CODES

columns = st.sampled_from(HEADER + ["inconnue", "", "Intitulé", "intitule "])
cells = st.one_of(text_value, st.lists(st.sampled_from(CODES + EDGES[:10]), max_size=4).map(
    "|".join))


@st.composite
def csv_files(draw) -> bytes:
    kind = draw(st.sampled_from(["csv"] * 8 + ["bytes", "empty"]))
    if kind == "bytes":
        return draw(st.binary(max_size=500))
    if kind == "empty":
        return b""
    header = draw(st.one_of(st.just(HEADER), st.permutations(HEADER),
                            st.lists(columns, max_size=40)))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = initiative(draw(st.integers(1, 30)))
        for name in header:
            how = draw(st.sampled_from(["valid", "valid", "valid", "any", "empty"]))
            if how == "any":
                row[name] = draw(cells)
            elif how == "empty":
                row[name] = ""
        rows.append(row)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])),
                        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = out.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: len(data) * draw(st.integers(0, 99)) // 100]
    return data


@pytest.fixture
def token(admin):  # noqa: F811
    return admin.get("/gestion/admin/imports").forms["import"]["csrf_token"].value


@examples(0.5)  # an upload, its report and its confirmation
@given(data=st.data())
def test_an_import(admin, engine, token, data):  # noqa: F811
    forget_rate_events(engine)
    items = [("csrf_token", token)]
    how = data.draw(st.sampled_from(["one", "one", "one", "none", "two"]), label="fichiers")
    for _ in range({"one": 1, "none": 0, "two": 2}[how]):
        name = data.draw(st.sampled_from(["initiatives.csv", "", "é.csv", "a\x00.csv", "x" * 300]))
        items.append(("fichier", webtest_forms.Upload(name, data.draw(csv_files(), label="csv"),
                                                      "text/csv")))
    for name in ("source", "publier"):
        choice = data.draw(st.sampled_from(["valid", "any", "missing", "twice"]), label=name)
        value = {"source": "Départements de France", "publier": "true"}[name]
        if choice == "missing":
            continue
        for _ in range(2 if choice == "twice" else 1):
            items.append((name, value if choice == "valid" else data.draw(text_value)))
    items.append(("deposer", ""))
    before = snapshot(engine)
    uploaded = admin.post("/gestion/admin/imports", items, status="*",
                          content_type="multipart/form-data")
    check_answer(uploaded, before, engine)
    if uploaded.status_int != 302:
        return
    report = admin.get(uploaded.location, status="*")
    assert report.status_int == 200, report.text[-3000:]
    for column, message in re.findall(
            r"<tr>\s*<td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", report.text):
        if column != "—":  # an error of a cell names its column's label
            assert "«" in message, message
    practices_before = snapshot(engine, besides=frozenset({"import_batches"}))
    confirmed = admin.post(uploaded.location, {"csrf_token": token, "lignes": "toutes"},
                           status="*")
    event(f"confirmation {confirmed.status_int}")
    assert confirmed.status_int in (302, 409), confirmed.text[-3000:]
    if confirmed.status_int == 409:
        assert snapshot(engine, besides=frozenset({"import_batches"})) == practices_before

