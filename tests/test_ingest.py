"""Release import (metrics.ingest): one test per refusal class.

Each refusal is asserted twice, by ``check`` and by ``publish``: the message names the file (and
sheet, row, column and rule where they apply), every file of the data folder is byte for byte
unchanged, and the audit log gains exactly one 'refused' event per command. Layout round-trips
are in test_ingest_layouts.py, versions, rollback and the kill tests in test_ingest_publish.py.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from metrics.ingest import IngestError, check_files, publish_files
from metrics.ingest.read import MAX_FILE_BYTES
from tests.ingest_support import (DISTRICT_ROWS, DISTRICT_SIDECAR, WIDE_ROWS, audit_lines,
                                  current_of, data_dir, long_csv, next_month,  # noqa: F401
                                  pristine_data, rel_dir, rows_csv, run_cli, snapshot,
                                  write_release, write_sidecar, write_xlsx)

TODAY = date.today()
# A key the bundled data does not hold (Qingdao, C39, September 2026).
ROW = "iva_growth_cum,370200,C39,2026-09,{value},,published,1—9月计算机、通信和其他电子设备制造业增长{value}%。,"


def refused(data_dir: Path, paths: list[Path], *fragments: str, rule: str,
            **kw) -> str:
    """Run check, then publish, on ``paths``; both must refuse with a message naming the file,
    containing every fragment and the rule, leave every data file unchanged and add exactly one
    'refused' audit event each. Returns the check's message."""
    before = snapshot(data_dir)
    current = current_of(data_dir)
    messages = []
    for action in ("check", "publish"):
        n = len(audit_lines(data_dir))
        if action == "check":
            try:
                preview = check_files(paths, data_dir, **kw)
            except IngestError as exc:
                message = str(exc)
            else:
                assert preview.refused, "check accepted what should be refused"
                message = str(preview.refused[0])
        else:
            with pytest.raises(IngestError) as info:
                publish_files(paths, data_dir, **kw)
            message = str(info.value)
        messages.append(message)
        assert snapshot(data_dir) == before, f"{action} changed the data folder"
        assert current_of(data_dir) == current
        events = audit_lines(data_dir)[n:]
        assert len(events) == 1, events
        event = events[0]
        assert (event["action"], event["outcome"]) == (action, "refused")
        assert event["message"] == message
        assert {f["file"] for f in event["files"]} == {p.name for p in paths}
        assert event["user"] and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", event["time"])
    for message in messages:
        assert message.startswith(tuple(p.name for p in paths)), message
        assert f"rule {rule}:" in message, message
        for fragment in fragments:
            assert fragment in message, message
    return messages[0]


def cli_refused(data_dir: Path, *args) -> str:
    """The CLI exits 1 with 'refused:' and no traceback; the data is unchanged."""
    before = snapshot(data_dir)
    proc = run_cli(data_dir, *args)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "refused:" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert snapshot(data_dir) == before
    return proc.stderr


# -- not a table ------------------------------------------------------------------------------

def test_binary_data_named_csv(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", bytes(range(256)) * 64)
    refused(data_dir, [path], "not a table: the file is binary", rule="file-type")


def test_png_named_xlsx(data_dir, rel_dir):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    path = write_release(rel_dir, "release.xlsx", png)
    refused(data_dir, [path], "the content is not .xlsx", rule="file-type")


def test_zip_without_workbook_named_xlsx(data_dir, rel_dir):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    path = write_release(rel_dir, "release.xlsx", buf.getvalue())
    refused(data_dir, [path], "without xl/workbook.xml", rule="file-type")


def test_xlsx_content_named_csv(data_dir, rel_dir, tmp_path):
    book = write_xlsx(tmp_path / "book.xlsx", [["a", "b"], [1, 2]])
    path = write_release(rel_dir, "release.csv", book.read_bytes())
    refused(data_dir, [path], "the content is not .csv", rule="file-type")


@pytest.mark.parametrize("name", ["release.pdf", "release.txt", "release.json", "release"])
def test_unsupported_extension(data_dir, rel_dir, name):
    path = write_release(rel_dir, name, long_csv(ROW.format(value=9.1)))
    refused(data_dir, [path], "unsupported file type", rule="file-type")


def test_cli_refuses_a_binary_file_without_traceback(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", bytes(range(256)) * 64)
    err = cli_refused(data_dir, "check", path)
    assert "release.csv" in err and "binary" in err


# -- empty, header only, too large -----------------------------------------------------------

def test_empty_file(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", b"")
    refused(data_dir, [path], "the file is empty", rule="empty")


def test_blank_lines_only(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", ",,,\n\n , ,\n")
    refused(data_dir, [path], "no table", rule="empty")


@pytest.mark.parametrize("layout", ["long", "wide", "district"])
def test_header_only(data_dir, rel_dir, layout):
    if layout == "long":
        content, side = long_csv(), {}
    elif layout == "wide":
        content, side = rows_csv(WIDE_ROWS[:3]), {}
    else:
        content, side = rows_csv(DISTRICT_ROWS[:2]), DISTRICT_SIDECAR
    path = write_release(rel_dir, "release.csv", content, sidecar=side)
    refused(data_dir, [path], "no figure in the file", rule="empty")


def test_over_20_mb(data_dir, rel_dir):
    path = rel_dir / "release.csv"
    with path.open("wb") as fh:  # a sparse file: no 20 MB written
        fh.write(long_csv(ROW.format(value=9.1)).encode())
        fh.truncate(MAX_FILE_BYTES + 1)
    write_sidecar(path)
    refused(data_dir, [path], "over the limit of 20 MB", rule="size")


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """An .xlsx-looking zip: a workbook part and a sheet of ``megabytes`` MB of zeros, deflated
    (a few hundred KB on disk)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return path


def test_zip_bomb_over_the_total_limit(data_dir, rel_dir):
    path = _zip_bomb(rel_dir / "release.xlsx", 300)
    write_sidecar(path)
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(data_dir, [path], "would expand to 300 MB", "zip bomb", rule="size")


def test_zip_bomb_by_ratio(data_dir, rel_dir):
    path = _zip_bomb(rel_dir / "release.xlsx", 20)
    write_sidecar(path)
    refused(data_dir, [path], "part xl/worksheets/sheet1.xml would expand", rule="size")


def test_truncated_xlsx(data_dir, rel_dir, tmp_path):
    book = write_xlsx(tmp_path / "book.xlsx", WIDE_ROWS).read_bytes()
    path = write_release(rel_dir, "release.xlsx", book[: len(book) // 2])
    refused(data_dir, [path], "truncated or damaged", rule="file-type")


@pytest.mark.parametrize("raw", [
    long_csv(ROW.format(value=9.1)).encode("utf-8")
    + b"iva_growth_cum,370200,C36,2026-09,8.0,,published,\x80\xff\x80\xff \xff\x80 quote,\n",
    # charset-normalizer reads this one as cp1125 (letters where the bad bytes were)
    b"indicator_id,region_code,industry_code,period,value\niva_growth_cum,370200,ALL,2024-05,9.6\n"
    b"\x80\xff\x80\n",
], ids=["quote", "guessable"])
def test_undecodable_text(data_dir, rel_dir, raw):
    # \x80 and \xff are invalid in UTF-8 and in GB18030 (and so in GBK)
    for enc in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(enc)
    path = write_release(rel_dir, "release.csv", raw)
    refused(data_dir, [path], "undecodable text", rule="encoding")


# -- sidecar ----------------------------------------------------------------------------------

def test_missing_sidecar(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=9.1)))
    path.with_name("release.csv.source.yml").unlink()
    message = refused(data_dir, [path], "no sidecar release.csv.source.yml", rule="sidecar")
    assert message.startswith("release.csv")


def test_cli_refuses_a_release_without_sidecar(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=9.1)))
    path.with_name("release.csv.source.yml").unlink()
    err = cli_refused(data_dir, "publish", path)
    assert "release.csv" in err and "no sidecar" in err


@pytest.mark.parametrize("key", ["publisher", "title", "date_published", "url", "tier"])
@pytest.mark.parametrize("how", ["absent", "blank"])
def test_incomplete_sidecar(data_dir, rel_dir, key, how):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=9.1)),
                         **{key: None if how == "absent" else ""})
    refused(data_dir, [path], "release.csv.source.yml", f"column '{key}'",
            f"incomplete sidecar: missing {key}", rule="sidecar")


@pytest.mark.parametrize("change, fragment", [
    ({"tier": "D"}, "tier must be A, B or C"),
    ({"date_published": "17/11/2026"}, "date_published must be YYYY-MM-DD"),
    ({"date_published": "2999-01-01"}, "date_published is in the future"),
    ({"url": "javascript:alert(1)"}, "url must be an http(s) address"),
    ({"colour": "red"}, "unknown key 'colour'"),
])
def test_malformed_sidecar(data_dir, rel_dir, change, fragment):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=9.1)), **change)
    refused(data_dir, [path], "release.csv.source.yml", fragment, rule="sidecar")


def test_wide_table_sidecar_without_region(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", rows_csv(WIDE_ROWS), region=None)
    refused(data_dir, [path], "release.csv.source.yml", "column 'region'", rule="sidecar")


# -- unknown names ----------------------------------------------------------------------------

@pytest.mark.parametrize("row, column, rule, fragment", [
    ("iva_growth_foo,370200,C39,2026-09,9.1", "indicator_id", "indicator",
     "unknown indicator 'iva_growth_foo'"),
    ("iva_growth_cum,370200,C99,2026-09,9.1", "industry_code", "industry",
     "unknown industry 'C99'"),
    ("iva_growth_cum,379999,C39,2026-09,9.1", "region_code", "region",
     "unknown region '379999'"),
])
def test_unknown_code_in_long_layout(data_dir, rel_dir, row, column, rule, fragment):
    path = write_release(rel_dir, "release.csv",
                         long_csv(ROW.format(value=9.1), row + ",,published,引文。,"))
    refused(data_dir, [path], "row 3", f"column '{column}'", fragment, rule=rule)


def test_unknown_industry_name_in_wide_table(data_dir, rel_dir):
    rows = [list(r) for r in WIDE_ROWS]
    rows[10][0] = "火星探测器制造业"
    path = write_release(rel_dir, "release.csv", rows_csv(rows))
    refused(data_dir, [path], "row 11", "column '指标'", "'火星探测器制造业'", rule="industry")


def test_unknown_district_name(data_dir, rel_dir):
    rows = [list(r) for r in DISTRICT_ROWS]
    rows[5][0] = "火星区"
    path = write_release(rel_dir, "release.csv", rows_csv(rows), sidecar=DISTRICT_SIDECAR)
    refused(data_dir, [path], "row 6", "column '区市'", "unknown district name '火星区'",
            rule="district")


def test_unknown_district_name_in_a_sheet(data_dir, rel_dir):
    rows = [list(r) for r in DISTRICT_ROWS]
    rows[6][0] = "青岛新城"
    path = write_xlsx(rel_dir / "release.xlsx", rows, sheet="区市")
    write_sidecar(path, DISTRICT_SIDECAR)
    refused(data_dir, [path], "sheet '区市'", "row 7", "unknown district name '青岛新城'",
            rule="district")


# -- periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["wide", "district"])
def test_no_period_in_the_title(data_dir, rel_dir, layout):
    rows, side = (WIDE_ROWS, {}) if layout == "wide" else (DISTRICT_ROWS, DISTRICT_SIDECAR)
    rows = [list(r) for r in rows]
    rows[0][0] = "规模以上工业生产主要数据"
    path = write_release(rel_dir, "release.csv", rows_csv(rows), sidecar=side)
    refused(data_dir, [path], "no period in the title line", rule="period")


@pytest.mark.parametrize("period", ["2026-13", "2026/09", "2026年9月", "09-2026", "2026Q3"])
def test_malformed_period(data_dir, rel_dir, period):
    path = write_release(rel_dir, "release.csv", long_csv(
        f"iva_growth_cum,370200,C39,{period},9.1,,published,引文。,"))
    refused(data_dir, [path], "row 2", "column 'period'", f"malformed period '{period}'",
            rule="period")


def test_header_month_that_contradicts_the_title(data_dir, rel_dir):
    rows = [list(r) for r in WIDE_ROWS]
    rows[1][3] = "1—9月"
    path = write_release(rel_dir, "release.csv", rows_csv(rows))
    refused(data_dir, [path], "does not match the title's month", rule="period")


@pytest.mark.parametrize("indicator, period", [
    ("iva_growth_cum", f"{TODAY.year + 1}-06"), ("iva_growth_month", next_month(TODAY)),
    ("iva_growth_quarter", f"{TODAY.year + 1}Q1"), ("gdp", f"{TODAY.year + 1}")])
def test_future_period_long(data_dir, rel_dir, indicator, period):
    path = write_release(rel_dir, "release.csv", long_csv(
        f"{indicator},370200,ALL,{period},9.1,,published,引文。,"))
    refused(data_dir, [path], "row 2", "column 'period'", f"the period {period} has not ended",
            rule="period")


def test_current_month_is_a_future_period(data_dir, rel_dir):
    period = f"{TODAY:%Y-%m}"
    path = write_release(rel_dir, "release.csv", long_csv(
        f"iva_growth_month,370200,C39,{period},9.1,,published,引文。,"))
    refused(data_dir, [path], "has not ended yet (future period)", rule="period")


def test_future_period_in_a_wide_title(data_dir, rel_dir):
    year = TODAY.year + 1
    rows = [list(r) for r in WIDE_ROWS]
    rows[0][0] = f"{year}年10月份规模以上工业生产主要数据"
    path = write_release(rel_dir, "release.csv", rows_csv(rows))
    refused(data_dir, [path], f"the period {year}-10 has not ended", rule="period")


# -- values -----------------------------------------------------------------------------------

def test_non_number_long(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value="约6.3")))
    refused(data_dir, [path], "row 2", "column 'value'", "'约6.3' is not a number", rule="number")


@pytest.mark.parametrize("cell", ["约6.3", "6.3以上", "增长6.3", "6..3"])
def test_non_number_wide(data_dir, rel_dir, cell):
    rows = [list(r) for r in WIDE_ROWS]
    rows[6][2] = cell
    path = write_release(rel_dir, "release.csv", rows_csv(rows))
    refused(data_dir, [path], "row 7", "column '10月同比增长(%)'", f"'{cell}' is not a number",
            rule="number")


def test_same_key_twice_with_different_values(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv",
                         long_csv(ROW.format(value=9.1), ROW.format(value=9.4)))
    refused(data_dir, [path], "row 3", "given twice with different values", "9.1", "9.4",
            rule="duplicate-key")


def test_same_key_twice_across_files(data_dir, rel_dir):
    a = write_release(rel_dir, "a.csv", long_csv(ROW.format(value=9.1)))
    b = write_release(rel_dir, "b.csv", long_csv(ROW.format(value=9.4)))
    message = refused(data_dir, [a, b], "given twice with different values", rule="duplicate-key")
    assert message.startswith("b.csv, row 2") and "a.csv, row 2" in message


def test_same_key_twice_with_the_same_value_is_kept_once(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv",
                         long_csv(ROW.format(value=9.1), ROW.format(value=9.1)))
    preview = check_files([path], data_dir)
    assert not preview.refused
    assert [c.key for c in preview.changes.added] == [("iva_growth_cum", "370200", "C39",
                                                       "2026-09")]


@pytest.mark.parametrize("row, fragment", [
    ("above_scale_enterprises,370200,ALL,2026-09,-5", "a count or rank is a non-negative"),
    ("above_scale_enterprises,370200,ALL,2026-09,4800.5", "a count or rank is a non-negative"),
    ("div_growing_share,370200,ALL,2026-09,120", "a share of 120 % is outside 0..100 %"),
    ("iva_growth_cum,370200,C39,2026-09,-120", "growth of -120 % is below -100 %"),
    ("revenue,370200,ALL,2026-09,-3", "a negative level -3"),
])
def test_impossible_values(data_dir, rel_dir, row, fragment):
    path = write_release(rel_dir, "release.csv", long_csv(row + ",,published,引文。,"))
    refused(data_dir, [path], "row 2", fragment, rule="impossible-value")
    # no override for an impossible value
    refused(data_dir, [path], fragment, rule="impossible-value", allow_implausible=True)


def test_implausible_growth_needs_the_override(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=75.0)))
    refused(data_dir, [path], "row 2", "beyond the plausibility bound", "--allow-implausible",
            rule="implausible-value")
    preview = check_files([path], data_dir, allow_implausible=True)
    assert not preview.refused
    assert [(c.key, c.value) for c in preview.changes.added] == [
        (("iva_growth_cum", "370200", "C39", "2026-09"), 75.0)]
    version, _ = publish_files([path], data_dir, allow_implausible=True)
    assert version and current_of(data_dir) == version
    event = audit_lines(data_dir)[-1]
    assert (event["action"], event["outcome"]) == ("publish", "ok")
    assert event.get("allow_implausible") is True, "the override is not in the audit log"


def test_cli_allow_implausible(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(ROW.format(value=75.0)))
    err = cli_refused(data_dir, "publish", path)
    assert "release.csv, row 2, column 'value'" in err or "release.csv, row 2" in err
    assert "implausible" in err
    proc = run_cli(data_dir, "publish", "--allow-implausible", path)
    assert proc.returncode == 0, proc.stderr
    assert "published version" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_unconvertible_unit(data_dir, rel_dir):
    content = long_csv("revenue,370200,ALL,2026-09,12.5,,published,1—9月营业收入12.5万辆。,") \
        .replace(",value,", ",value(万辆),")
    path = write_release(rel_dir, "release.csv", content)
    refused(data_dir, [path], "row 2", "column 'value'", "the unit 万辆 cannot be converted",
            "亿元", rule="unit")


def test_one_bad_row_refuses_the_whole_release(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(
        ROW.format(value=9.1), "iva_growth_cum,370200,C36,2026-09,约6.3,,published,引文。,"))
    message = refused(data_dir, [path], "row 3", rule="number")
    assert "约6.3" in message


# -- bounded memory ---------------------------------------------------------------------------

def test_too_many_rows(data_dir, rel_dir):
    from metrics.ingest.read import MAX_ROWS
    path = write_release(rel_dir, "release.csv", long_csv() + "x\n" * (MAX_ROWS + 1))
    refused(data_dir, [path], f"more than {MAX_ROWS:,} rows", rule="size")


def test_a_huge_cell(data_dir, rel_dir):
    path = write_release(rel_dir, "release.csv", long_csv(
        ROW.format(value=9.1).replace("1—9月", '"' + "长" * 300_000 + '"')))
    refused(data_dir, [path], "not a readable CSV table", rule="file-type")


def test_source_id_taken_by_another_source(data_dir, rel_dir):
    first = write_release(rel_dir, "first.csv", long_csv(ROW.format(value=9.1)),
                          source_id="qd-2026-10-20-release")
    assert publish_files([first], data_dir)[0]
    second = write_release(rel_dir, "second.csv", long_csv(
        "iva_growth_cum,370200,C36,2026-09,12.0,,published,引文。,"),
        source_id="qd-2026-10-20-release", title="另一份发布")
    refused(data_dir, [second], "second.csv.source.yml", "exists already with other details",
            rule="sidecar")
