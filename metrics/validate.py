"""Validation of the seven tables, shared by the build (CSV) and the loader (Parquet).

Every failure raises :class:`DataError`, whose message names the file, the column and a sample
row, so whoever edits ``data/src`` can find and fix the line.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.periods import is_valid_period
from metrics.schema import SPECS

# Where a row came from: the build sets these from the CSV file and line, the loader from the
# Parquet file and row number.
FILE_COL = "_file"
ROW_COL = "_row"

# GB/T 2260 codes, plus WORLD for the few world totals (WEF lighthouse network).
REGION_CODE_RE = re.compile(r"^(\d{6}|WORLD)$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
# Growth rates beyond these bounds are typing errors, not economics.
GROWTH_BOUNDS_PCT = (-100.0, 1000.0)
REBUILD_HINT = "Fix data/src and rebuild with `python -m metrics.build`."
# Tables that may hold no row: no figure has been revised in the base version.
MAY_BE_EMPTY = ("revisions", "translations")


class DataError(Exception):
    """A data file is missing, unreadable or breaks the contract."""

    def __init__(self, file: str, column: str | None, row: str | None, problem: str):
        self.file, self.column, self.row, self.problem = file, column, row, problem
        where = file
        if column:
            where += f", column '{column}'"
        if row:
            where += f", {row}"
        super().__init__(f"{where}: {problem}")


def _row_desc(row: pd.Series, key: tuple[str, ...]) -> str:
    """'line 12 (iva_growth_cum, 370200, ALL, 2024-05)': where the row is and what it is."""
    shown = ", ".join(str(row.get(k, "")) for k in key if k in row.index)
    where = row.get(ROW_COL, "?")
    if not isinstance(where, str):  # the loader numbers rows; the build names CSV lines
        where = f"row {where}"
    return f"{where} ({shown})"


def _fail(df: pd.DataFrame, mask: pd.Series, table: str, column: str, problem: str) -> None:
    """Raise for the first row where ``mask`` is true, if any."""
    if mask.any():
        bad = df[mask].iloc[0]
        n = int(mask.sum())
        more = f" ({n} rows)" if n > 1 else ""
        raise DataError(str(bad.get(FILE_COL, table)), column, _row_desc(bad, SPECS[table].key),
                        problem + more)


def _is_blank(series: pd.Series) -> pd.Series:
    # judged once per distinct value: a million rows hold few distinct blanks
    blanks = [v for v in series.dropna().unique() if str(v).strip() == ""]
    return series.isna() | (series.isin(blanks) if blanks else False)


def validate_table(name: str, df: pd.DataFrame) -> None:
    """Check one table alone: columns, non-empty required fields, enums, keys, number sanity."""
    spec = SPECS[name]
    file = str(df[FILE_COL].iloc[0]) if FILE_COL in df.columns and len(df) else name
    if df.attrs.get("file"):
        file = df.attrs["file"]
    present = [c for c in df.columns if c not in (FILE_COL, ROW_COL)]
    if len(df) == 0 and name not in MAY_BE_EMPTY:
        raise DataError(file, None, None, f"the '{name}' table has no rows")
    for col in spec.columns:
        if col.name not in present:
            raise DataError(file, col.name, None, f"missing column (found: {', '.join(present)})")
    extra = [c for c in present if c not in {col.name for col in spec.columns}]
    if extra:
        raise DataError(file, extra[0], None, "unexpected column; the contract for "
                        f"'{name}' has: {', '.join(c.name for c in spec.columns)}")
    for col in spec.columns:
        if col.name in spec.list_columns:
            continue
        if not col.nullable and col.enum is None:
            _fail(df, _is_blank(df[col.name]), name, col.name, "empty value")
        if col.enum is not None:
            values = df[col.name].fillna("").astype(str)
            _fail(df, ~values.isin(col.enum), name, col.name,
                  f"value not allowed; expected one of {', '.join(repr(v) for v in col.enum)}")
    _fail(df, df.duplicated(list(spec.key), keep="first"), name, ",".join(spec.key),
          "duplicate key")
    for code_col in ("region_code", "parent_code", "district_code"):
        if code_col in df.columns and name in ("regions", "observations", "targets", "entities"):
            values = df[code_col].dropna().astype(str)
            values = values[values != ""]
            _fail(df, df.index.isin(values[~values.str.match(REGION_CODE_RE)].index), name,
                  code_col, "not a six-digit GB/T 2260 code (is it written as a number?)")
    if name == "sources":
        _fail(df, ~df["source_id"].astype(str).str.match(SLUG_RE), name, "source_id",
              "ids are lower-case letters, digits, '-' and '_'")
        _fail(df, ~df["date_published"].astype(str).str.match(DATE_RE), name, "date_published",
              "expected YYYY-MM-DD or YYYY-MM")
        url = df["url"].fillna("").astype(str)
        _fail(df, (url != "") & ~url.str.match(r"^https?://"), name, "url",
              "a link must start with http:// or https://")
        carrier_url = df["carrier_url"].fillna("").astype(str)
        _fail(df, (carrier_url != "") & ~carrier_url.str.match(r"^https?://"), name,
              "carrier_url", "a link must start with http:// or https://")
        _fail(df, (carrier_url != "") & _is_blank(df["carrier"]), name, "carrier",
              "a carrier link needs the carrier's name")
    if name in ("observations", "targets"):
        vcol = "value" if name == "observations" else "target_value"
        numbers = pd.to_numeric(df[vcol], errors="coerce").astype("float64")
        finite = pd.Series(np.isfinite(numbers.to_numpy()), index=df.index)
        _fail(df, ~finite, name, vcol, "not a finite number")
    if name == "observations":
        derived = df["status"] == "derived"
        has_derivation = ~_is_blank(df["derivation"])
        _fail(df, derived & ~has_derivation, name, "derivation",
              "a derived value must give its arithmetic")
        _fail(df, ~derived & has_derivation, name, "status",
              "a value with a derivation must have status 'derived'")


def validate_references(tables: dict[str, pd.DataFrame]) -> None:
    """Check codes against the reference tables and units against the indicator kinds."""
    regions = set(tables["regions"]["region_code"])
    industries = set(tables["industries"]["industry_code"])
    indicators = tables["indicators"].set_index("indicator_id")
    sources = set(tables["sources"]["source_id"])

    def check(table: str, column: str, allowed: set, what: str) -> None:
        df = tables[table]
        values = df[column].fillna("")
        mask = (values != "") & ~values.isin(allowed)
        _fail(df, mask, table, column, f"unknown {what} (not in {what}s table)")

    for tbl, col, ref in (("regions", "parent_code", "region"),
                          ("industries", "parent_code", "industry")):
        check(tbl, col, regions if ref == "region" else industries, ref)
    for table in ("observations", "targets", "revisions"):
        check(table, "indicator_id", set(indicators.index), "indicator")
        check(table, "region_code", regions, "region")
        check(table, "industry_code", industries, "industry")
        check(table, "source_id", sources, "source")
        df = tables[table]
        basis = df["indicator_id"].map(indicators["period_basis"])
        pairs = pd.MultiIndex.from_arrays([df["period"], basis])
        # checked once per distinct (period, basis) pair
        valid = {pair: is_valid_period(*pair) for pair in pairs.unique()}
        ok = pd.Series([valid[pair] for pair in pairs], index=df.index, dtype=bool) \
            if len(valid) < len(df) else pd.Series([is_valid_period(*p) for p in pairs],
                                                    index=df.index, dtype=bool)
        _fail(df, ~ok, table, "period",
              "does not fit the indicator's period_basis (see data/src/README.md)")
    check("targets", "proxy_indicator_id", set(indicators.index), "indicator")
    entities = tables["entities"]
    check("entities", "district_code", regions, "region")
    check("entities", "source_id", sources, "source")
    bad_ind = entities["industry_codes"].map(lambda codes: any(c not in industries for c in codes))
    _fail(entities, bad_ind, "entities", "industry_codes", "unknown industry code")

    obs = tables["observations"]
    kind = obs["indicator_id"].map(indicators["kind"])
    lo, hi = GROWTH_BOUNDS_PCT
    _fail(obs, (kind == "growth") & ((obs["value"] < lo) | (obs["value"] > hi)), "observations",
          "value", f"growth rate outside {lo}..{hi} %")
    _fail(obs, kind.isin(["count", "rank"]) & ((obs["value"] < 0) | (obs["value"] % 1 != 0)),
          "observations", "value", "a count or rank must be a non-negative whole number")
    _fail(obs, (kind == "share") & ((obs["value"] < 0) | (obs["value"] > 100)), "observations",
          "value", "a share must lie between 0 and 100 %")
    used = (set(obs["source_id"]) | set(entities["source_id"])
            | set(tables["targets"]["source_id"]) | set(tables["revisions"]["source_id"]))
    src = tables["sources"]
    _fail(src, ~src["source_id"].isin(used), "sources", "source_id",
          "source cited by no observation, entity or target")


def validate_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Check every table alone, then the references between them."""
    for name in SPECS:
        validate_table(name, tables[name])
    validate_references(tables)
