"""The three layouts a release comes in, read into candidate observations.

- **long**: the observation columns of the data contract (indicator_id, region_code,
  industry_code, period, value; optional qualifier, status, quote, note).
- **wide**: a statistics bureau's monthly table: a title line carrying the period
  (``2026年10月份规模以上工业生产主要数据``), two header rows (``10月`` / ``1—10月`` over
  ``绝对量`` / ``同比增长(%)``), indicator and industry rows under group lines (``分三大门类``,
  ``分行业``), prefixes such as ``其中：``, footnotes (``注：…``). The ``10月`` growth column is
  the single-month rate, ``1—10月`` the cumulative one.
- **district**: a title line with the period, a header (``区市``, ``10月增速(%)``,
  ``1—10月增速(%)``), one row per district or county-level city, names as commonly written.

Chinese table conventions: ``—``, ``-``, ``…``, ``/`` and empty mean "not published" (no row);
full-width digits, ``％``, ``－`` and thousands separators are read (compared after NFKC, see read.nfkc).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from metrics.ingest.read import Grid, IngestError, Release, nfkc
from metrics.periods import is_valid_period, parse_period

LONG_REQUIRED = ("indicator_id", "region_code", "industry_code", "period", "value")
LONG_OPTIONAL = ("qualifier", "status", "quote", "note", "period_inferred")
NOT_PUBLISHED = {"", "—", "——", "-", "--", "…", "……", "...", "/", "－", "–", "x", "X"}
NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
DASHES = "—–－~～至到-"  # the ASCII hyphen last: inside [...] it would make a range
TITLE_PERIOD_RE = re.compile(r"(\d{4})\s*年\s*(?:1\s*[" + DASHES + r"]\s*)?(\d{1,2})\s*月")
CUM_HEADER_RE = re.compile(r"^1\s*[" + DASHES + r"]\s*(\d{1,2})\s*月")
MONTH_HEADER_RE = re.compile(r"^(\d{1,2})\s*月")
UNIT_RE = re.compile(r"[（(]\s*([^()（）]+?)\s*[)）]\s*$")
PREFIX_RE = re.compile(r"^(其中[:：]?|#+|[一二三四五六七八九十]+[、.]|[（(]\d+[)）]|\d+[、.])\s*")
# Group lines of a bureau's table: the industry groups are read, the others listed as skipped.
INDUSTRY_SECTIONS = ("分三大门类", "分门类", "分行业", "分大类行业", "主要行业")
OTHER_SECTIONS = ("分经济类型", "分产品", "主要产品", "分地区", "分企业规模", "分登记注册类型",
                  "分隶属关系", "主要工业产品产量")
# Names a bureau writes for the totals and groups (the GB/T 4754 names come from the table).
INDUSTRY_ALIASES = {"规模以上工业增加值": "ALL", "规模以上工业": "ALL", "全部规模以上工业": "ALL",
                    "规上工业增加值": "ALL", "规上工业": "ALL", "工业增加值": "ALL",
                    "高技术制造业": "HT", "高技术制造业增加值": "HT", "装备制造业": "EQ",
                    "装备制造业增加值": "EQ", "制造业": "C"}
# Names of the districts as commonly written, beyond the regions table's own names.
DISTRICT_ALIASES = {"西海岸新区": "370211", "青岛西海岸新区": "370211", "黄岛区": "370211",
                    "黄岛": "370211", "黄岛区(西海岸新区)":
                    "370211", "西海岸新区(黄岛区)": "370211", "全市": "370200", "青岛市": "370200",
                    "合计": "370200", "全市合计": "370200"}
# Money units a header may carry, in yuan; a figure is converted to the indicator's unit.
MONEY_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}
PERCENT_UNITS = {"%", "％", "百分比"}


@dataclass
class Candidate:
    """One figure read from a release, before it is compared with the published data."""

    indicator_id: str
    region_code: str
    industry_code: str
    period: str
    value: float
    qualifier: str
    status: str
    quote: str
    note: str | None
    where: str  # 'release.xlsx, sheet 'Sheet1', row 7, column '1—10月''
    # The source does not state the period (e.g. a newspaper gives the day, not the year); the
    # note says how it was inferred, and the pages mark it.
    period_inferred: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.indicator_id, self.region_code, self.industry_code, self.period)


@dataclass
class Parsed:
    """What a release yields: candidates, refused cells (with the rule), skipped rows."""

    layout: str
    candidates: list[Candidate] = field(default_factory=list)
    refused: list[IngestError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reference:
    """The codes and names a release is mapped with (from the current data version)."""

    indicators: pd.DataFrame  # indexed by indicator_id
    industry_names: dict[str, str]  # normalised name -> code
    industry_codes: frozenset
    region_names: dict[str, str]  # normalised name -> code
    region_codes: frozenset
    # indicator_id -> its row as a dict: looked up once per cell, where a pandas .loc costs
    # ~0.3 ms (most of a 5,000-row table's check time)
    indicator_rows: dict = field(default_factory=dict)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> "Reference":
        ind = tables["industries"]
        names = {squash(n): c for n, c in zip(ind["name_zh"], ind["industry_code"])}
        names.update({squash(k): v for k, v in INDUSTRY_ALIASES.items()
                      if v in set(ind["industry_code"])})
        reg = tables["regions"]
        regions = {squash(n): c for n, c in zip(reg["name_zh"], reg["region_code"])}
        for name, code in zip(reg["name_zh"], reg["region_code"]):
            # 胶州市 is also written 胶州; 崂山区 is written 崂山
            if len(name) > 2 and name[-1] in "区市县":
                regions.setdefault(squash(name[:-1]), code)
        regions.update({squash(k): v for k, v in DISTRICT_ALIASES.items()})
        indicators = tables["indicators"].set_index("indicator_id")
        return cls(indicators, names, frozenset(ind["industry_code"]), regions,
                   frozenset(reg["region_code"]), indicators.to_dict("index"))


def squash(text: str) -> str:
    """A name after NFKC with spaces removed (full-width brackets, digits, ％ become ASCII),
    for matching."""
    return re.sub(r"\s+", "", nfkc(str(text)))


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and squash(cell) in NOT_PUBLISHED)


def cell_text(cell: object) -> str:
    """A cell as the table shows it (a stored number without a trailing .0)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


def parse_number(cell: object) -> float:
    """A published number: 6.1, -3.2, 1,234.5 (full-width forms are already ASCII).

    Raises ValueError with the reason for anything else (``约6.3``, ``6.3%以上``, text).
    """
    if isinstance(cell, float):
        return cell
    text = squash(str(cell)).rstrip("%")
    if not NUMBER_RE.match(text):
        raise ValueError(f"{str(cell).strip()!r} is not a number")
    return float(text.replace(",", ""))


def unit_factor(header_unit: str | None, indicator: pd.Series, where: dict) -> float:
    """The factor that converts a header's unit to the indicator's unit (1 when none given)."""
    if not header_unit:
        return 1.0
    unit = squash(header_unit)
    target = str(indicator["unit_zh"])
    if unit in PERCENT_UNITS and target == "%":
        return 1.0
    if unit == target:
        return 1.0
    if unit in MONEY_UNITS and target in MONEY_UNITS:
        return MONEY_UNITS[unit] / MONEY_UNITS[target]
    raise IngestError(**where, problem=f"the unit {header_unit} cannot be converted to the "
                      f"indicator's unit {target}", rule="unit")


def header_unit(text: str) -> tuple[str, str | None]:
    """'绝对量(亿元)' -> ('绝对量', '亿元')."""
    text = nfkc(text)
    match = UNIT_RE.search(text)
    if not match:
        return text, None
    return text[:match.start()].strip(), match.group(1)


def check_period(period: str, basis: str, today: date, where: dict) -> None:
    """A period fits the indicator's basis and has ended before today."""
    if not is_valid_period(period, basis):
        raise IngestError(**where, problem=f"malformed period {period!r} for a {basis} "
                          "indicator (see data/src/README.md)", rule="period")
    parsed = parse_period(period, basis)
    if (parsed.year, parsed.end_month) >= (today.year, today.month):
        raise IngestError(**where, problem=f"the period {period} has not ended yet (future "
                          "period)", rule="period")


# -- long layout ----------------------------------------------------------------------------

def _header_row(grid: Grid) -> int | None:
    for i, row in enumerate(grid.rows[:20]):
        names = [header_unit(cell_text(c))[0].lower() for c in row]
        if all(col in names for col in LONG_REQUIRED):
            return i
    return None


def parse_long(release: Release, grid: Grid, ref: Reference, today: date) -> Parsed:
    """Rows with the observation columns of the data contract."""
    out = Parsed("long")
    head = _header_row(grid)
    header = [cell_text(c) for c in grid.rows[head]]
    cols = {header_unit(h)[0].lower(): i for i, h in enumerate(header) if h}
    value_unit = header_unit(header[cols["value"]])[1]
    title = release.sidecar["title"]
    for r, row in enumerate(grid.rows[head + 1:], start=head + 2):
        cells = {name: (row[i] if i < len(row) else None) for name, i in cols.items()}
        if all(is_blank(c) for c in cells.values()):
            continue
        where = {"file": release.name, "sheet": grid.sheet, "row": r}
        try:
            ind_id = cell_text(cells["indicator_id"])
            if ind_id not in ref.indicators.index:
                raise IngestError(**where, column="indicator_id",
                                  problem=f"unknown indicator {ind_id!r}", rule="indicator")
            indicator = ref.indicator_rows[ind_id]
            region = cell_text(cells["region_code"])
            if isinstance(cells["region_code"], float):
                region = f"{int(cells['region_code']):06d}"
            if region not in ref.region_codes:
                raise IngestError(**where, column="region_code",
                                  problem=f"unknown region {region!r}", rule="region")
            industry = cell_text(cells["industry_code"])
            if industry not in ref.industry_codes:
                raise IngestError(**where, column="industry_code",
                                  problem=f"unknown industry {industry!r}", rule="industry")
            period = cell_text(cells["period"])
            if not period:
                raise IngestError(**where, column="period", problem="no period", rule="period")
            check_period(period, indicator["period_basis"], today, {**where, "column": "period"})
            raw = cells["value"]
            if is_blank(raw):
                out.skipped.append(f"row {r}: value not published ({cell_text(raw) or 'empty'})")
                continue
            try:
                value = parse_number(raw)
            except ValueError as exc:
                raise IngestError(**where, column="value", problem=f"{exc}",
                                  rule="number") from None
            value *= unit_factor(value_unit, indicator, {**where, "column": "value"})
            qualifier = cell_text(cells.get("qualifier"))
            if qualifier not in ("", ">", ">=", "~"):
                raise IngestError(**where, column="qualifier", problem=f"qualifier {qualifier!r}"
                                  " (write >, >=, ~ or leave empty)", rule="qualifier")
            status = cell_text(cells.get("status")) or "published"
            if status not in ("published", "preliminary"):
                raise IngestError(**where, column="status", problem=f"status {status!r} (a "
                                  "release holds published or preliminary figures)",
                                  rule="status")
            inferred = cell_text(cells.get("period_inferred")).lower()
            if inferred not in ("", "true", "false"):
                raise IngestError(**where, column="period_inferred", problem=f"{inferred!r}: "
                                  "write true, false or leave empty", rule="period")
            quote = cell_text(cells.get("quote"))
            note = cell_text(cells.get("note")) or None
            if inferred == "true" and not note:
                raise IngestError(**where, column="note", problem="an inferred period needs a "
                                  "note saying how it was inferred", rule="period")
            if not quote:
                quote = (f"{title}：{ind_id}，{region}，{industry}，{period}，"
                         f"{cell_text(raw)}")
                note = ((note + " ") if note else "") + "Quote made from the table row (the " \
                    "release gives no sentence)."
        except IngestError as exc:
            out.refused.append(exc)
            continue
        out.candidates.append(Candidate(ind_id, region, industry, period, value, qualifier,
                                        status, quote, note,
                                        IngestError(**where, problem="").where(),
                                        inferred == "true"))
    return out


# -- title and header of the bureau's tables -------------------------------------------------

def _title_period(release: Release, grid: Grid, upto: int) -> tuple[int, int, str]:
    """(year, month, title line) from the first lines above the header."""
    for row in grid.rows[:upto]:
        for cell in row:
            text = cell_text(cell)
            match = TITLE_PERIOD_RE.search(nfkc(text))
            if match:
                month = int(match.group(2))
                if not 1 <= month <= 12:
                    break
                return int(match.group(1)), month, text
    raise IngestError(release.name, "no period in the title line (e.g. 2026年10月份…)",
                      sheet=grid.sheet, row=1, rule="period")


def _column_basis(text: str, title_month: int, where: dict) -> str:
    """'1—10月' -> 'cumulative', '10月' -> 'month' (it must be the title's month)."""
    flat = squash(text)
    cum = CUM_HEADER_RE.match(flat)
    if cum:
        month, basis = int(cum.group(1)), "cumulative"
    else:
        single = MONTH_HEADER_RE.match(flat)
        if not single:
            raise IngestError(**where, problem=f"header {text!r} names no month", rule="header")
        month, basis = int(single.group(1)), "month"
    if month != title_month:
        raise IngestError(**where, problem=f"header {text!r} does not match the title's month "
                          f"({title_month}月)", rule="period")
    return basis


def _indicators_for(release: Release, ref: Reference, title: str) -> dict[str, str]:
    """The indicator of each growth column's basis (single month, cumulative)."""
    side = release.sidecar
    defaults = {}
    if "工业生产" in title or "工业增加值" in title:
        defaults = {"month": "iva_growth_month", "cumulative": "iva_growth_cum"}
    chosen = {"month": side.get("indicator_month") or defaults.get("month"),
              "cumulative": side.get("indicator_cumulative") or defaults.get("cumulative")}
    for basis, ind in chosen.items():
        if ind and ind not in ref.indicators.index:
            raise IngestError(release.name + ".source.yml", f"unknown indicator {ind!r}",
                              column=f"indicator_{basis}", rule="indicator")
    if not any(chosen.values()):
        raise IngestError(release.name, "the title does not say what the table measures; name "
                          "indicator_month / indicator_cumulative in the sidecar",
                          rule="indicator")
    return chosen


def _growth_value(raw: object, indicator: pd.Series, unit: str | None, where: dict) -> float:
    try:
        value = parse_number(raw)
    except ValueError as exc:
        raise IngestError(**where, problem=str(exc), rule="number") from None
    return value * unit_factor(unit, indicator, where)


# -- wide layout (the bureau's monthly table) -------------------------------------------------

def _wide_header(grid: Grid) -> int | None:
    for i, row in enumerate(grid.rows[:15]):
        if any("同比增长" in squash(cell_text(c)) or squash(cell_text(c)).startswith("增速")
               for c in row):
            return i
    return None


def parse_wide(release: Release, grid: Grid, ref: Reference, today: date) -> Parsed:
    """A bureau's monthly table: indicators and industries by month and cumulative growth."""
    out = Parsed("wide")
    sub = _wide_header(grid)
    if sub is None or sub == 0:
        raise IngestError(release.name, "no header rows (10月 / 1—10月 over 绝对量 / 同比增长)",
                          sheet=grid.sheet, rule="header")
    year, month, title = _title_period(release, grid, sub)
    top = [cell_text(c) for c in grid.rows[sub - 1]]
    low = [cell_text(c) for c in grid.rows[sub]]
    # the month label spans its two columns (merged, or written once): carry it right
    carried, last = [], ""
    for text in top:
        last = text or last
        carried.append(last)
    indicators = _indicators_for(release, ref, title)
    columns = []  # (index, basis, header text, unit)
    for i, text in enumerate(low):
        label, unit = header_unit(text)
        if i == 0 or not carried[i] or ("同比增长" not in squash(label)
                                        and not squash(label).startswith("增速")):
            continue
        where = {"file": release.name, "sheet": grid.sheet, "row": sub, "column": carried[i]}
        basis = _column_basis(carried[i], month, where)
        if indicators.get(basis):
            columns.append((i, basis, f"{carried[i]}{text}", unit))
    if not columns:
        raise IngestError(release.name, "no growth column (同比增长) under a month header",
                          sheet=grid.sheet, row=sub + 1, rule="header")
    absolute = [i for i, text in enumerate(low) if squash(text).startswith("绝对量")]
    period = f"{year}-{month:02d}"
    section = ""
    region = release.sidecar.get("region", "")
    if region not in ref.region_codes:
        raise IngestError(release.name + ".source.yml", f"region {region!r}: a wide table's "
                          "sidecar names the region code of its figures", column="region",
                          rule="sidecar")
    for r, row in enumerate(grid.rows[sub + 1:], start=sub + 2):
        raw_label = cell_text(row[0] if row else None)
        if not raw_label and all(is_blank(c) for c in row):
            continue
        label = squash(PREFIX_RE.sub("", squash(raw_label)))
        if raw_label.startswith(("注", "说明", "附注", "数据来源")):
            break
        values = row[1:]
        if label in INDUSTRY_SECTIONS or label in OTHER_SECTIONS or (
                all(is_blank(c) for c in values) and label.startswith("分")):
            section = label
            continue
        if section in OTHER_SECTIONS or (section and section not in INDUSTRY_SECTIONS):
            out.skipped.append(f"row {r} ({raw_label}): section {section} is not imported")
            continue
        where = {"file": release.name, "sheet": grid.sheet, "row": r}
        industry = ref.industry_names.get(label)
        if industry is None:
            if all(is_blank(row[i] if i < len(row) else None) for i, *_ in columns):
                out.skipped.append(f"row {r} ({raw_label}): no growth figure")
                continue
            out.refused.append(IngestError(**where, column=low[0] or "指标",
                                           problem=f"unknown industry or indicator name "
                                           f"{raw_label!r}", rule="industry"))
            continue
        for i in absolute:
            if i < len(row) and not is_blank(row[i]):
                out.skipped.append(f"row {r} ({raw_label}): 绝对量 {cell_text(row[i])} not "
                                   "imported (no level indicator for this table)")
        _read_growth_cells(out, row, columns, indicators, ref, (region, industry, period),
                           today, where, f"{title}：{raw_label}，")
    return out


def _read_growth_cells(out: Parsed, row: list, columns: list, indicators: dict[str, str],
                       ref: Reference, key: tuple[str, str, str], today: date, where: dict,
                       quote_head: str) -> None:
    """The growth cells of one table row (month and cumulative columns) as candidates; a cell
    that breaks a rule is refused with its column. The quote is the table's title, the row's
    label, the column's header and the cell as written."""
    region, industry, period = key
    for i, basis, header, unit in columns:
        raw = row[i] if i < len(row) else None
        if is_blank(raw):
            continue
        ind_id = indicators[basis]
        indicator = ref.indicator_rows[ind_id]
        cell_where = {**where, "column": header}
        try:
            check_period(period, indicator["period_basis"], today, cell_where)
            value = _growth_value(raw, indicator, unit, cell_where)
        except IngestError as exc:
            out.refused.append(exc)
            continue
        out.candidates.append(Candidate(ind_id, region, industry, period, value, "", "published",
                                        f"{quote_head}{header} {cell_text(raw)}", None,
                                        IngestError(**cell_where, problem="").where()))


# -- district table --------------------------------------------------------------------------

def _district_header(grid: Grid) -> int | None:
    for i, row in enumerate(grid.rows[:15]):
        first = squash(cell_text(row[0] if row else None))
        if first in ("区市", "区(市)", "区、市", "地区", "区市名称", "县市区", "区县"):
            return i
    return None


def parse_district(release: Release, grid: Grid, ref: Reference, today: date) -> Parsed:
    """One row per district or county-level city, with month and cumulative growth."""
    out = Parsed("district")
    head = _district_header(grid)
    year, month, title = _title_period(release, grid, head)
    indicators = _indicators_for(release, ref, title + "工业增加值"
                                 if "增加值" not in title and "工业" in title else title)
    header = [cell_text(c) for c in grid.rows[head]]
    columns = []
    for i, text in enumerate(header[1:], start=1):
        if not text:
            continue
        label, unit = header_unit(text)
        where = {"file": release.name, "sheet": grid.sheet, "row": head + 1, "column": text}
        basis = _column_basis(label, month, where)
        if indicators.get(basis):
            columns.append((i, basis, text, unit))
    if not columns:
        raise IngestError(release.name, "no growth column (10月增速 / 1—10月增速)",
                          sheet=grid.sheet, row=head + 1, rule="header")
    period = f"{year}-{month:02d}"
    for r, row in enumerate(grid.rows[head + 1:], start=head + 2):
        raw_label = cell_text(row[0] if row else None)
        if not raw_label and all(is_blank(c) for c in row):
            continue
        if raw_label.startswith(("注", "说明", "数据来源")):
            break
        where = {"file": release.name, "sheet": grid.sheet, "row": r}
        label = squash(raw_label)
        code = ref.region_names.get(label)
        if code is None:
            out.refused.append(IngestError(**where, column=header[0],
                                           problem=f"unknown district name {raw_label!r}",
                                           rule="district"))
            continue
        _read_growth_cells(out, row, columns, indicators, ref, (code, "ALL", period), today,
                           where, f"{title}：{raw_label}，")
    return out


def parse_release(release: Release, ref: Reference, today: date) -> Parsed:
    """Recognise each sheet's layout and read it; a sheet of no known layout is refused."""
    merged = None
    for grid in release.grids:
        if _header_row(grid) is not None:
            parsed = parse_long(release, grid, ref, today)
        elif _district_header(grid) is not None:
            parsed = parse_district(release, grid, ref, today)
        elif _wide_header(grid) is not None:
            parsed = parse_wide(release, grid, ref, today)
        else:
            raise IngestError(release.name, "layout not recognised: expected the long layout "
                              "(indicator_id, region_code, industry_code, period, value), a "
                              "bureau's monthly table (10月 / 1—10月 over 同比增长) or a district "
                              "table (区市, 10月增速, 1—10月增速)", sheet=grid.sheet,
                              rule="layout")
        if merged is None:
            merged = parsed
        else:
            merged.candidates += parsed.candidates
            merged.refused += parsed.refused
            merged.skipped += parsed.skipped
            merged.layout += "+" + parsed.layout
    if merged is None or (not merged.candidates and not merged.refused):
        raise IngestError(release.name, "no figure in the file (header only?)", rule="empty")
    return merged
