"""Release import (metrics.ingest): round-trips of each layout and encoding.

A release is published into a temporary copy of the data folder, then read back with
metrics.load.load_dataset: the figures, their source (from the sidecar) and their quote.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from metrics.ingest import check_files, publish_files
from metrics.load import load_dataset
from tests.ingest_support import (DISTRICT_EXPECTED, DISTRICT_ROWS, DISTRICT_SIDECAR,  # noqa: F401
                                  SIDECAR, WIDE_EXPECTED, WIDE_MERGES_XLS, WIDE_MERGES_XLSX,
                                  WIDE_ROWS, data_dir, long_csv, pristine_data, rel_dir,
                                  rows_csv, wide_merged_rows, write_release, write_sidecar,
                                  write_xls, write_xlsx)

KEY = ["indicator_id", "region_code", "industry_code", "period"]
QUOTE_C39 = "1—9月，全市规模以上工业中，计算机、通信和其他电子设备制造业增加值增长９.１％。"
QUOTE_C36 = "汽车制造业增长12.0%，拉动全市工业增长1.1个百分点。"
LONG_ROWS = (f"iva_growth_cum,370200,C39,2026-09,9.1,,published,{QUOTE_C39},",
             f"iva_growth_cum,370200,C36,2026-09,12.0,,preliminary,{QUOTE_C36},初步数")
LONG_EXPECTED = {("iva_growth_cum", "370200", "C39", "2026-09"): 9.1,
                 ("iva_growth_cum", "370200", "C36", "2026-09"): 12.0}
FULL_SIDECAR = {**SIDECAR, "title": "9月份全市工业经济运行情况", "region": "370200",
                "carrier": "观海新闻", "carrier_url": "https://www.guanhai.com.cn/p/1.html",
                "source_id": "qd-2026-10-20-iva-2026-09", "note": "A test release."}


def observations(ds, keys) -> dict:
    """The published rows of ``keys`` as key -> row dict."""
    obs = ds["observations"]
    rows = {tuple(r[k] for k in KEY): r for r in obs.to_dict("records")}
    return {k: rows[k] for k in keys if k in rows}


def publish_and_load(data_dir: Path, paths: list[Path], expected: dict):
    """Publish, then load the data folder: every expected figure is there with its value."""
    before = load_dataset(data_dir)
    assert not observations(before, expected), "the test keys must be new"
    version, preview = publish_files(paths, data_dir)
    assert version, "nothing was published"
    assert not preview.refused
    ds = load_dataset(data_dir)
    assert ds.version == version and ds.parent == before.version
    got = observations(ds, expected)
    assert {k: r["value"] for k, r in got.items()} == pytest.approx(expected)
    assert len(ds["observations"]) == len(before["observations"]) + len(expected)
    return ds, got, preview


# -- long layout ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_long_csv_round_trip(data_dir, rel_dir, encoding):
    path = write_release(rel_dir, "release.csv", long_csv(*LONG_ROWS), encoding=encoding,
                         sidecar=FULL_SIDECAR)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    ds, got, preview = publish_and_load(data_dir, [path], LONG_EXPECTED)
    assert preview.layouts == {"release.csv": "long"}
    c39 = got[("iva_growth_cum", "370200", "C39", "2026-09")]
    assert c39["quote"] == QUOTE_C39  # verbatim, full-width digits kept
    assert c39["status"] == "published" and not c39["qualifier"]
    c36 = got[("iva_growth_cum", "370200", "C36", "2026-09")]
    assert c36["status"] == "preliminary" and c36["note"] == "初步数"
    assert c39["source_id"] == c36["source_id"] == "qd-2026-10-20-iva-2026-09"
    src = ds.source(c39["source_id"])
    for key in ("publisher", "title", "date_published", "url", "tier", "carrier",
                "carrier_url", "note"):
        assert src[key] == FULL_SIDECAR[key], key


def test_long_utf16_text_from_excel(data_dir, rel_dir):
    """Excel's 'Unicode text' export: UTF-16 with a BOM, tab-separated."""
    text = long_csv(*LONG_ROWS).replace(",", "\t")
    path = write_release(rel_dir, "release.csv", text, encoding="utf-16", sidecar=FULL_SIDECAR)
    preview = check_files([path], data_dir)
    assert not preview.refused
    assert {c.key: c.value for c in preview.changes.added} == LONG_EXPECTED


def test_long_xlsx_round_trip(data_dir, rel_dir):
    header = long_csv().strip().split(",")
    rows = [header] + [r.split(",") for r in LONG_ROWS]
    for row in rows[1:]:
        row[4] = float(row[4])
    path = write_xlsx(rel_dir / "release.xlsx", rows)
    write_sidecar(path, FULL_SIDECAR)
    publish_and_load(data_dir, [path], LONG_EXPECTED)


def test_long_without_quote_gets_one_made_from_the_row(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", "indicator_id,region_code,industry_code,period,"
                         "value\niva_growth_cum,370200,C39,2026-09,9.1\n")
    _, got, _ = publish_and_load(data_dir, [path], {("iva_growth_cum", "370200", "C39",
                                                     "2026-09"): 9.1})
    row = next(iter(got.values()))
    assert SIDECAR["title"] in row["quote"] and "9.1" in row["quote"]
    assert "Quote made from the table row" in row["note"]


def test_thousands_separator_and_unit_conversion(data_dir, rel_dir):
    """'value(万元)' with '12,345,600' is 1,234.56 亿元 for revenue (an indicator in 亿元)."""
    content = ("indicator_id,region_code,industry_code,period,value(万元),quote\n"
               'revenue,370200,C36,2026-09,"12,345,600",营业收入12345600万元。\n'
               'gross_output,370200,C39,2026-09,"9,876",产值9876万元。\n')
    path = write_release(rel_dir, "release.csv", content)
    publish_and_load(data_dir, [path], {("revenue", "370200", "C36", "2026-09"): 1234.56,
                                        ("gross_output", "370200", "C39", "2026-09"): 0.9876})


def test_thousands_separator_in_yi_yuan(data_dir, rel_dir):
    content = ("indicator_id,region_code,industry_code,period,value(亿元),quote\n"
               'revenue,370200,ALL,2026-09,"1,234.5",营业收入1234.5亿元。\n')
    path = write_release(rel_dir, "release.csv", content)
    publish_and_load(data_dir, [path], {("revenue", "370200", "ALL", "2026-09"): 1234.5})


def test_not_published_marks_give_no_row(data_dir, rel_dir):
    rows = [f"iva_growth_cum,370200,C{n},2026-09,{mark},,published,引文。,"
            for n, mark in zip((13, 14, 15, 17, 18), ("—", "-", "…", "/", ""))]
    path = write_release(rel_dir, "release.csv", long_csv(LONG_ROWS[0], *rows))
    preview = check_files([path], data_dir)
    assert not preview.refused
    assert [c.key for c in preview.changes.added] == [("iva_growth_cum", "370200", "C39",
                                                       "2026-09")]
    assert len(preview.skipped) == 5


# -- a bureau's monthly table (wide) ----------------------------------------------------------

def _check_wide(ds, got, preview, name):
    assert preview.layouts == {name: "wide"}
    assert any("汽车(万辆)" in s and "分产品" in s for s in preview.skipped), preview.skipped
    # 绝对量 '—' is not published; the D cumulative '—' gives no row
    assert ("iva_growth_cum", "370200", "D", "2026-10") not in got
    row = got[("iva_growth_cum", "370200", "C13", "2026-10")]
    assert row["value"] == -0.4
    assert row["quote"].startswith(SIDECAR["title"]) and "农副食品加工业" in row["quote"]
    assert "1—10月" in row["quote"]
    month = got[("iva_growth_month", "370200", "ALL", "2026-10")]
    assert "10月" in month["quote"] and "5.8" in month["quote"].replace("５.８", "5.8")
    src = ds.source(row["source_id"])
    assert (src["publisher"], src["title"], src["date_published"], src["url"], src["tier"]) == (
        SIDECAR["publisher"], SIDECAR["title"], SIDECAR["date_published"], SIDECAR["url"],
        SIDECAR["tier"])


def test_wide_csv_round_trip(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", rows_csv(WIDE_ROWS))
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.csv")


def test_wide_csv_gbk_round_trip(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", rows_csv(WIDE_ROWS).replace("５.８", "5.8")
                         .replace("１０.１", "10.1"), encoding="gbk")
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.csv")


def test_wide_xlsx_with_merged_header_cells(data_dir, rel_dir):
    path = write_xlsx(rel_dir / "release.xlsx", wide_merged_rows(), merges=WIDE_MERGES_XLSX)
    with zipfile.ZipFile(path) as zf:
        assert "<mergeCell " in zf.read("xl/worksheets/sheet1.xml").decode()
    write_sidecar(path)
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.xlsx")


def test_wide_xlsx_numbers_stored_as_numbers(data_dir, rel_dir):
    rows = wide_merged_rows()
    for row in rows[3:14]:
        for i in (2, 4):
            if isinstance(row[i], str) and re.fullmatch(r"-?[\d.]+", row[i]):
                row[i] = float(row[i])
    path = write_xlsx(rel_dir / "release.xlsx", rows, merges=WIDE_MERGES_XLSX)
    write_sidecar(path)
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.xlsx")


def test_wide_xls_with_merged_header_cells(data_dir, rel_dir):
    path = write_xls(rel_dir / "release.xls", wide_merged_rows(), merges=WIDE_MERGES_XLS)
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    write_sidecar(path)
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.xls")


def test_wide_table_of_several_sheets(data_dir, rel_dir):
    """A workbook with the table on one sheet and the district table on another."""
    def more(wb, _ws):
        ws = wb.create_sheet("区市")
        for row in DISTRICT_ROWS[:1] + DISTRICT_ROWS[1:2] + DISTRICT_ROWS[4:7]:
            ws.append(list(row))
    path = write_xlsx(rel_dir / "release.xlsx", wide_merged_rows(), merges=WIDE_MERGES_XLSX,
                      extra=more)
    write_sidecar(path)
    expected = {**WIDE_EXPECTED, **{k: v for k, v in DISTRICT_EXPECTED.items()
                                    if k[1] in ("370211", "370212", "370281")}}
    _, got, preview = publish_and_load(data_dir, [path], expected)
    assert preview.layouts == {"release.xlsx": "wide+district"}


def _set_cached_formula(path: Path, cell: str, formula: str, cached: str | None) -> None:
    """Rewrite one cell of sheet1 as a formula with (or without) a cached value, as Excel saves
    it (openpyxl cannot write cached values)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    pattern = re.compile(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)')
    assert pattern.search(xml), cell
    value = f"<v>{cached}</v>" if cached is not None else ""
    xml = pattern.sub(f'<c r="{cell}"><f>{formula}</f>{value}</c>', xml, count=1)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_formula_cell_is_read_as_its_cached_value(data_dir, rel_dir):
    """C7 (制造业, 10月) holds =1+1 with the cached value 6.3: 6.3 is read, never 2; E7 holds a
    formula over an external workbook, read as its cached value, the link not followed."""
    rows = wide_merged_rows()
    rows[6][2] = 0.0
    rows[6][4] = 0.0
    path = write_xlsx(rel_dir / "release.xlsx", rows, merges=WIDE_MERGES_XLSX)
    _set_cached_formula(path, "C7", "1+1", "6.3")
    _set_cached_formula(path, "E7", "[1]Sheet1!$E$7*100", "6.6")
    write_sidecar(path)
    ds, got, preview = publish_and_load(data_dir, [path], WIDE_EXPECTED)
    _check_wide(ds, got, preview, "release.xlsx")


def test_formula_cell_without_cached_value_is_not_a_figure(data_dir, rel_dir):
    rows = wide_merged_rows()
    rows[6][2] = 0.0
    path = write_xlsx(rel_dir / "release.xlsx", rows, merges=WIDE_MERGES_XLSX)
    _set_cached_formula(path, "C7", "1+1", None)
    write_sidecar(path)
    preview = check_files([path], data_dir)
    assert not preview.refused
    added = {c.key: c.value for c in preview.changes.added}
    assert ("iva_growth_month", "370200", "C", "2026-10") not in added
    assert 2.0 not in added.values()


# -- district table ---------------------------------------------------------------------------

def test_district_csv_round_trip(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", rows_csv(DISTRICT_ROWS),
                         sidecar=DISTRICT_SIDECAR)
    ds, got, preview = publish_and_load(data_dir, [path], DISTRICT_EXPECTED)
    assert preview.layouts == {"release.csv": "district"}
    west = got[("iva_growth_cum", "370211", "ALL", "2026-10")]
    assert "黄岛区（西海岸新区）" in west["quote"] and "1—10月增速" in west["quote"]


@pytest.mark.parametrize("name, code", [("西海岸新区", "370211"), ("青岛西海岸新区", "370211"),
                                        ("黄岛区", "370211"), ("胶州", "370281"),
                                        ("平度市", "370283"), ("崂 山 区", "370212"),
                                        ("莱西市", "370285")])
def test_district_names_as_commonly_written(data_dir, rel_dir, name, code):
    rows = DISTRICT_ROWS[:2] + [[name, "4.5", "5.5"]]
    path = write_release(rel_dir, "release.csv", rows_csv(rows), sidecar=DISTRICT_SIDECAR)
    preview = check_files([path], data_dir)
    assert not preview.refused, [str(e) for e in preview.refused]
    assert {c.key: c.value for c in preview.changes.added} == {
        ("iva_growth_month", code, "ALL", "2026-10"): 4.5,
        ("iva_growth_cum", code, "ALL", "2026-10"): 5.5}


def test_district_xlsx_round_trip(data_dir, rel_dir):
    rows = [list(r) for r in DISTRICT_ROWS]
    rows[2][1], rows[2][2] = 5.8, 6.1  # numbers stored as numbers
    path = write_xlsx(rel_dir / "release.xlsx", rows, merges=["A1:C1"])
    write_sidecar(path, DISTRICT_SIDECAR)
    publish_and_load(data_dir, [path], DISTRICT_EXPECTED)


@pytest.mark.parametrize("month, cumulative", [("10月", "1-10月"), ("10月", "1～10月"),
                                               ("10月份", "1至10月"), ("１０月", "１—１０月"),
                                               ("10月", "1—10月累计")])
def test_wide_header_variants(data_dir, rel_dir, month, cumulative):
    rows = [list(r) for r in WIDE_ROWS]
    rows[1][1], rows[1][3] = month, cumulative
    path = write_release(rel_dir, "release.csv", rows_csv(rows))
    preview = check_files([path], data_dir)
    assert not preview.refused, [str(e) for e in preview.refused]
    assert {c.key: c.value for c in preview.changes.added} == WIDE_EXPECTED


@pytest.mark.parametrize("title", ["2026年1—10月份规模以上工业生产主要数据",
                                   "２０２６年１０月份规模以上工业生产主要数据",
                                   "青岛市2026年10月规模以上工业增加值主要数据"])
def test_wide_title_variants(data_dir, rel_dir, title):
    rows = [list(r) for r in WIDE_ROWS]
    rows[0][0] = title
    path = write_release(rel_dir, "release.csv", rows_csv(rows), title=title)
    preview = check_files([path], data_dir)
    assert not preview.refused, [str(e) for e in preview.refused]
    assert {c.key: c.value for c in preview.changes.added} == WIDE_EXPECTED


@pytest.mark.parametrize("title", ["2026年1-10月份规模以上工业生产主要数据",
                                   "2026年1～10月全市规模以上工业增加值"])
def test_district_title_with_a_range(data_dir, rel_dir, title):
    rows = [list(r) for r in DISTRICT_ROWS]
    rows[0][0] = title
    rows[1][2] = "1-10月增速(%)"
    path = write_release(rel_dir, "release.csv", rows_csv(rows), sidecar=DISTRICT_SIDECAR)
    preview = check_files([path], data_dir)
    assert not preview.refused, [str(e) for e in preview.refused]
    assert {c.key: c.value for c in preview.changes.added} == DISTRICT_EXPECTED


def test_inferred_period_round_trip(data_dir, rel_dir):
    content = (LONG_HEADER_INFERRED +
               "iva_growth_cum,370200,C39,2026-09,9.1,,published,1—9月增长9.1%。,"
               "The article gives the day but not the year; 2026 fits.,true\n")
    path = write_release(rel_dir, "release.csv", content)
    _, got, _ = publish_and_load(data_dir, [path], {("iva_growth_cum", "370200", "C39",
                                                     "2026-09"): 9.1})
    row = next(iter(got.values()))
    assert row["period_inferred"] is True or row["period_inferred"] == True  # noqa: E712
    assert "2026 fits" in row["note"]


def test_inferred_period_without_a_note_is_refused(data_dir, rel_dir):
    content = LONG_HEADER_INFERRED + "iva_growth_cum,370200,C39,2026-09,9.1,,published,引文。,,true\n"
    path = write_release(rel_dir, "release.csv", content)
    preview = check_files([path], data_dir)
    assert [e.rule for e in preview.refused] == ["period"]
    assert "needs a note" in str(preview.refused[0])


LONG_HEADER_INFERRED = ("indicator_id,region_code,industry_code,period,value,qualifier,status,"
                        "quote,note,period_inferred\n")
