"""Property tests of the CSV and Excel exporters (hypothesis): no text cell starts with a
formula trigger, numbers round-trip exactly, any text round-trips (neutralised text as the
reader sees it: the original behind one ')."""
from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from metrics.export import FORMULA_PREFIXES, make_csv_bytes, make_xlsx_bytes, neutralise_cell
from metrics.section import NUMBER, TEXT, Column, SectionModel

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# Text cells: any text; XML cannot hold control characters other than tab and newlines, nor
# surrogates, so the workbook test draws from the text XML can hold (the rest become U+FFFD,
# tested apart).
ANY_TEXT = st.text(max_size=40)
XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="".join(
                                              chr(c) for c in range(32) if c not in (9, 10, 13))
                                          + "\ufffe\uffff"), max_size=40)
NUMBERS = st.floats(allow_nan=False, allow_infinity=False)


def model_of(texts: list[str], numbers: list[float]) -> SectionModel:
    n = min(len(texts), len(numbers))
    rows = pd.DataFrame({"text": pd.Series(texts[:n], dtype=object),
                         "value": pd.Series(numbers[:n], dtype="float64")})
    return SectionModel(id="p", lang="en", title="=cmd|' /C calc'!A0",
                        columns=(Column("text", "Text"), Column("value", "Value", NUMBER)),
                        rows=rows, filters={"@filter": "+1"}, data_version="v1")


def reads_back(original: str, read: str) -> bool:
    """A cell read back equals the original, or the original behind the one added '."""
    return read == neutralise_cell(original)


@SETTINGS
@given(st.lists(ANY_TEXT, min_size=1, max_size=8), st.lists(NUMBERS, min_size=1, max_size=8))
def test_csv_text_is_inert_and_round_trips_and_numbers_are_exact(texts, numbers):
    model = model_of(texts, numbers)
    data = make_csv_bytes(model.labelled(), {"Filters": "=HYPERLINK(1)", "Version": "-v"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(model.rows)
    for cell in header + [r[0] for r in body] + [c for r in body for c in r[2:]]:
        assert not cell.startswith(FORMULA_PREFIXES), cell
    for original, row in zip(model.rows["text"], body):
        assert reads_back(original, row[0])
    for number, row in zip(model.rows["value"], body):
        assert float(row[1]) == number  # exactly, negative numbers stay numbers


@SETTINGS
@given(st.lists(XML_TEXT, min_size=1, max_size=6), st.lists(NUMBERS, min_size=1, max_size=6))
def test_xlsx_text_is_inert_and_round_trips_and_numbers_are_exact(texts, numbers):
    model = model_of(texts, numbers)
    sources = [{"source_id": "=s", "publisher": "-p", "title": "@t", "date_published": "+d",
                "url": "", "tier": "B"}]
    wb = load_workbook(io.BytesIO(make_xlsx_bytes(model, sources)))
    data = wb["Data"]
    body = list(data.iter_rows(min_row=2, values_only=True))
    assert len(body) == len(model.rows)
    for original, (text, _) in zip(model.rows["text"], body):
        assert reads_back(original, "" if text is None else text)
    for number, (_, value) in zip(model.rows["value"], body):
        assert isinstance(value, (int, float)) and value == number
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), cell.value


@SETTINGS
@given(st.text(alphabet=st.characters(max_codepoint=0x1f), min_size=1, max_size=10))
def test_xlsx_replaces_what_xml_cannot_hold_and_keeps_the_rest(text):
    model = model_of([text], [1.0])
    wb = load_workbook(io.BytesIO(make_xlsx_bytes(model, [])))
    read = wb["Data"]["A2"].value or ""
    expected = "".join(c if c in "\t\n\r" else "\ufffd" for c in text)
    assert reads_back(expected, read)
