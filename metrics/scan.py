"""Observations read where they lie: DuckDB over one version's ``observations.parquet``.

The pandas path (metrics.load, metrics.query) holds every observation of a version in memory:
right for the bundled data (hundreds of rows, answered from an index in microseconds), wrong for
millions (a 1M-row version held 1.1 GB and opened in 10 s). From ``SCAN_ROWS`` observations on,
the app opens a version through :func:`open_scan` instead:

- the figure pages (overview, growth, clusters, digital, innovation, targets) show Qingdao, its
  county-level units, Shandong, China and the world totals only (``page_regions``). Their rows
  (a few per cent of a version that also holds every prefecture city) are read once per version
  with the region filter pushed into the Parquet scan, and queried in pandas as before;
- everything that reaches every row (the data page's filtered, searched and paged table, its
  counts, the validation of the file) is a DuckDB query over the file: filters and the columns
  asked for are pushed down, so no query materialises the version.

One DuckDB connection per process (its own small memory limit), one cursor per thread: a DuckDB
connection must not be used by two threads at once, and Streamlit runs every session's script on
its own thread. The file is the one the manifest's sha256 was checked against when the version
was opened; a published version is immutable, so later queries read the same bytes.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.periods import is_valid_period, parse_period
from metrics.schema import SPECS

# From this many observations on the app reads a version through the scan path (measured in
# bench/results-scale.md: below it the whole frame costs less than a DuckDB query per figure).
SCAN_ROWS = int(os.environ.get("QD_DASHBOARD_SCAN_ROWS", "200000"))
# DuckDB's own memory in the app process (its buffer pool; a query beyond spills or fails).
APP_MEMORY_LIMIT = os.environ.get("QD_DASHBOARD_DUCKDB_MEMORY", "256MB")
OBS_COLUMNS = tuple(c.name for c in SPECS["observations"].columns)
# Rows per Arrow batch when a large result is streamed into pandas (rows_in_file_order).
BATCH_ROWS = 65_536
# The text columns a data-page search reaches beyond the screen cap (metrics.query.limit_rows).
SEARCH_COLUMNS = ("indicator_id", "region_code", "industry_code", "period", "quote", "source_id",
                  "note")
CITY = "370200"
# Data-page answers kept per version (each at most the page's 1,000 rows).
PAGES_KEPT = 32

_CONN: duckdb.DuckDBPyConnection | None = None
_CONN_LOCK = threading.Lock()
_LOCAL = threading.local()
# libc's malloc_trim, looked up on first use (False: not glibc).
_MALLOC_TRIM = None
_NAMES = itertools.count(1)


def connection() -> duckdb.DuckDBPyConnection:
    """The process's one DuckDB connection (in memory; tables of small lookups only)."""
    global _CONN
    with _CONN_LOCK:
        if _CONN is None:
            # spilled query state goes to the system's temporary folder, never the working
            # directory (DuckDB's default for an in-memory database)
            spill = Path(tempfile.gettempdir()) / f"qd-duckdb-{os.getpid()}"
            _CONN = duckdb.connect(":memory:", config={"memory_limit": APP_MEMORY_LIMIT,
                                                       "threads": 2,
                                                       "temp_directory": str(spill)})
        return _CONN


def release_memory() -> None:
    """Hand back to the system the memory DuckDB and Arrow keep after a query over every row
    (opening a version: its checks and the figure pages' rows). Both keep freed memory for
    later queries: at 10M rows the process stayed at about 630 MB after the open, and 260 MB
    after this. DuckDB frees its buffers when its limit is lowered; the limit is put back at
    once (a query running meanwhile has half the usual limit)."""
    import pyarrow as pa

    with _CONN_LOCK:
        if _CONN is not None:
            half = max(16, _limit_mb(APP_MEMORY_LIMIT) // 2)
            _CONN.execute(f"SET memory_limit = '{half}MB'")
            _CONN.execute(f"SET memory_limit = '{_limit_mb(APP_MEMORY_LIMIT)}MB'")
    pa.default_memory_pool().release_unused()
    _trim_malloc()


def _trim_malloc() -> None:
    """glibc keeps the heap pages of freed temporaries (pandas' hash tables, Python objects) and
    raises its mmap threshold after large frees, so the process stayed 40-50 MB above what it
    holds after opening a 10M-row version; malloc_trim hands them back (a few ms). Elsewhere
    (another C library) nothing is done."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            _MALLOC_TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


def _limit_mb(text: str) -> int:
    """'256MB' -> 256, '1GB' -> 1024 (the QD_DASHBOARD_DUCKDB_MEMORY setting)."""
    value = text.strip().upper()
    for unit, factor in (("GB", 1024), ("MB", 1), ("GIB", 1024), ("MIB", 1)):
        if value.endswith(unit):
            return int(float(value[:-len(unit)].strip()) * factor)
    return int(float(value) / 2 ** 20)   # bytes


def cursor() -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the process's connection (made on the thread's first query)."""
    con = connection()
    cur = getattr(_LOCAL, "cursor", None)
    if cur is None or getattr(_LOCAL, "owner", None) is not con:
        cur = con.cursor()
        _LOCAL.cursor, _LOCAL.owner = cur, con
    return cur


def _sql_text(value: str) -> str:
    """A string literal for DuckDB (file paths only; every value a user gives is a parameter)."""
    return "'" + str(value).replace("'", "''") + "'"


def page_regions(regions: pd.DataFrame) -> list[str]:
    """The regions the figure pages show: China, Shandong, Qingdao, Qingdao's county-level units,
    the world totals (metrics.query's CITY, BENCHMARK_REGIONS and WORLD) and the peer cities
    the growth page compares Qingdao with (level ``peer_city``)."""
    units = regions.loc[regions["parent_code"] == CITY, "region_code"].tolist()
    peers = regions.loc[regions["level"] == "peer_city", "region_code"].tolist()
    return ["000000", "370000", CITY, "WORLD", *units, *peers]


class ObservationScan:
    """Queries over one observations Parquet file with the period ends of metrics.query.

    ``indicators``: the version's indicators table (kind and period basis of each row);
    ``revised``: the keys that carry earlier vintages (Dataset.revised_keys).
    """

    def __init__(self, path: Path, indicators: pd.DataFrame, revised: frozenset = frozenset()):
        self.path = Path(path)
        self.revised = revised
        self._pages: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
        self._pages_lock = threading.Lock()
        self._source = (f"read_parquet({_sql_text(self.path)}, file_row_number = true)")
        self._ends = f"qd_ends_{next(_NAMES)}"
        cur = cursor()
        pairs = cur.execute(f"SELECT DISTINCT indicator_id, period FROM "
                            f"read_parquet({_sql_text(self.path)})").fetchall()
        ind = indicators.set_index("indicator_id")
        rows = {"indicator_id": [], "period": [], "kind": [], "period_basis": [], "year": [],
                "end_month": []}
        for indicator_id, period in pairs:
            if indicator_id not in ind.index or period is None:
                continue  # an unknown indicator is refused by validation, never queried
            basis = ind.at[indicator_id, "period_basis"]
            if not is_valid_period(period, basis):
                continue
            p = parse_period(period, basis)
            for key, value in (("indicator_id", indicator_id), ("period", period),
                               ("kind", ind.at[indicator_id, "kind"]), ("period_basis", basis),
                               ("year", p.year), ("end_month", p.end_month)):
                rows[key].append(value)
        ends = pa.table({**{k: pa.array(v, pa.string()) for k, v in rows.items()
                            if k not in ("year", "end_month")},
                         "year": pa.array(rows["year"], pa.int64()),
                         "end_month": pa.array(rows["end_month"], pa.int64())})
        cur.register("qd_ends_new", ends)
        cur.execute(f'CREATE OR REPLACE TABLE "{self._ends}" AS SELECT *, '
                    f'year * 100 + end_month AS "end" FROM qd_ends_new')
        cur.unregister("qd_ends_new")
        weakref.finalize(self, _drop_table, self._ends)

    # -- the query text ---------------------------------------------------------------------

    def _where(self, indicator_id=None, region_code=None, industry_code=None, period=None,
               up_to=None, regions=None, query: str | None = None) -> tuple[str, list]:
        """A WHERE clause and its parameters; every criterion a user chooses is a parameter."""
        parts, params = [], []
        for col, val in (("indicator_id", indicator_id), ("region_code", region_code),
                         ("industry_code", industry_code), ("period", period)):
            if val is not None:
                parts.append(f"o.{col} = ?")
                params.append(val)
        if regions is not None:
            # placeholders, not a list parameter: DuckDB pushes an IN list into the file scan
            parts.append("o.region_code IN (" + ", ".join("?" * len(regions)) + ")"
                         if regions else "false")
            params += list(regions)
        if up_to is not None:
            parts.append('e."end" <= ?')
            params.append(int(up_to))
        if query:
            # pandas str.contains(case=False, regex=False): both sides upper-cased
            parts.append("(" + " OR ".join(f"contains(upper(coalesce(o.{c}, '')), upper(?))"
                                           for c in SEARCH_COLUMNS) + ")")
            params += [query] * len(SEARCH_COLUMNS)
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def _from(self) -> str:
        return f'{self._source} o JOIN "{self._ends}" e USING (indicator_id, period)'

    def _frame(self, sql: str, params: list, release: bool = False) -> pd.DataFrame:
        """Rows as metrics.query.enrich_observations makes them, indexed by file row number
        (``release``: a large result; DuckDB's memory is handed back before the conversion)."""
        from metrics.load import arrow_to_frame

        table = cursor().sql(sql, params=params).to_arrow_table()
        if release:
            release_memory()
        df = arrow_to_frame(table, SPECS["observations"])
        for col in ("kind", "period_basis"):
            # the dtype pandas' map over the indicators table gives (enrich_observations)
            df[col] = pd.Series(table.column(col).to_numpy(zero_copy_only=False), dtype="str")
        for col in ("year", "end_month", "end"):
            df[col] = table.column(col).to_numpy().astype(np.int64)
        keys = zip(df["indicator_id"], df["region_code"], df["industry_code"], df["period"])
        df["revised"] = [k in self.revised for k in keys] if self.revised else False
        df.index = pd.Index(table.column("_pos").to_numpy().astype(np.int64))
        return df

    def _select_sql(self, where: str, order: str, limit: int | None = None) -> str:
        cols = ", ".join(f"o.{c}" for c in OBS_COLUMNS)
        sql = (f'SELECT {cols}, e.kind, e.period_basis, e.year, e.end_month, e."end", '
               f"o.file_row_number AS _pos FROM {self._from()}{where} ORDER BY {order}")
        return sql + (f" LIMIT {int(limit)}" if limit is not None else "")

    # -- queries ----------------------------------------------------------------------------

    def select(self, *, indicator_id=None, region_code=None, industry_code=None, period=None,
               up_to=None, regions=None) -> pd.DataFrame:
        """metrics.query.select over the file: matching rows in chronological order (ties in
        file order, as pandas' stable sort keeps them)."""
        where, params = self._where(indicator_id, region_code, industry_code, period, up_to,
                                    regions)
        return self._frame(self._select_sql(where, 'e."end", o.period, _pos'), params)

    def rows_in_file_order(self, regions) -> pd.DataFrame:
        """Every row of ``regions`` with the file's columns (OBS_COLUMNS), in file order and
        indexed by file row number: the figure pages' frame, which the app enriches itself.

        Streamed in batches of BATCH_ROWS: no ORDER BY (DuckDB keeps a scan's file order, its
        ``preserve_insertion_order`` being on) and no join, so DuckDB neither sorts nor holds
        the result, and Arrow holds one batch at a time. At 10M rows the open peaked at 577 MB
        with the whole result in Arrow and DuckDB; the order is checked, not assumed."""
        from metrics.load import arrow_batches_to_frame

        where, params = self._where(regions=regions)
        cols = ", ".join(f"o.{c}" for c in OBS_COLUMNS)
        sql = f"SELECT {cols}, o.file_row_number AS _pos FROM {self._source} o{where}"
        reader = cursor().sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
        try:
            df = arrow_batches_to_frame(reader, SPECS["observations"], index="_pos")
        finally:
            reader.close()
        release_memory()
        if not df.index.is_monotonic_increasing:
            df = df.sort_index(kind="stable")
        return df

    def latest(self, indicator_id: str, region_code: str, industry_code: str,
               up_to: int | None = None) -> pd.DataFrame:
        """The row metrics.query.latest_figure takes (the last in chronological order)."""
        where, params = self._where(indicator_id, region_code, industry_code, up_to=up_to)
        return self._frame(self._select_sql(where, 'e."end" DESC, o.period DESC, _pos DESC', 1),
                           params)

    def count(self, **criteria) -> int:
        """How many rows match (criteria as in :meth:`select`, plus ``query``)."""
        where, params = self._where(**criteria)
        if criteria.get("up_to") is None:
            # every row has its period end (validation refuses any other), so without a point
            # in time the count needs no join: the filters go straight into the file scan
            return cursor().execute(f"SELECT count(*) FROM {self._source} o{where}",
                                    params).fetchall()[0][0]
        return cursor().execute(f"SELECT count(*) FROM {self._from()}{where}",
                                params).fetchall()[0][0]

    def page(self, criteria: dict, query: str, limit: int) -> tuple[pd.DataFrame, int]:
        """metrics.query.limit_rows over select(criteria): at most ``limit`` rows and how many
        there were; beyond the limit a search reaches every row's raw text first.

        The file never changes, so the last PAGES_KEPT answers are kept (a rerun of the data
        page with the same filters, another session asking the same); callers do not modify
        the frame they get, as with the shared frame of the pandas path.
        """
        key = (tuple(sorted(criteria.items())), query, limit)
        with self._pages_lock:
            hit = self._pages.get(key)
            if hit is not None:
                self._pages.move_to_end(key)
                return hit
        answer = self._page(criteria, query, limit)
        with self._pages_lock:
            self._pages[key] = answer
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        return answer

    def _page(self, criteria: dict, query: str, limit: int) -> tuple[pd.DataFrame, int]:
        total = self.count(**criteria)
        if total > limit and query:
            criteria = {**criteria, "query": query}
            total = self.count(**criteria)
        where, params = self._where(**criteria)
        return self._frame(self._select_sql(where, 'e."end", o.period, _pos', limit),
                           params), total

    def points(self, prefix: str = "3702") -> list[int]:
        """The distinct period ends of rows whose region code starts with ``prefix``."""
        rows = cursor().execute(f'SELECT DISTINCT e."end" FROM {self._from()} '
                                f"WHERE starts_with(o.region_code, ?)", [prefix]).fetchall()
        return sorted((r[0] for r in rows), reverse=True)

    def source_ids(self) -> set[str]:
        """Every source id the observations cite."""
        return {r[0] for r in cursor().execute(
            f"SELECT DISTINCT source_id FROM read_parquet({_sql_text(self.path)})").fetchall()}


def _drop_table(name: str) -> None:
    if _CONN is not None:
        try:
            cursor().execute(f'DROP TABLE IF EXISTS "{name}"')
        except duckdb.Error:
            pass


def first_duplicate_key(path: Path, key: tuple[str, ...],
                        con: duckdb.DuckDBPyConnection | None = None) -> tuple[int, int, tuple] | None:
    """The first row (0-based, in file order) whose key an earlier row has, with how many rows
    repeat a key and the key itself; None when every key is unique. Runs in DuckDB (it spills
    to disk beyond its memory limit), so the check holds across any number of row groups."""
    con = con or cursor()
    cols = ", ".join(key)
    # one 64-bit hash per key answers "any duplicate?" fast; the exact window only runs when
    # two keys share a hash
    if con.execute(f"SELECT 1 FROM read_parquet({_sql_text(path)}) GROUP BY hash({cols}) "
                   f"HAVING count(*) > 1 LIMIT 1").fetchall() == []:
        return None
    sql = (f"WITH numbered AS (SELECT {cols}, file_row_number AS pos, row_number() OVER "
           f"(PARTITION BY {cols} ORDER BY file_row_number) AS nth "
           f"FROM read_parquet({_sql_text(path)}, file_row_number = true)) "
           f"SELECT pos, {cols}, count(*) OVER () FROM numbered WHERE nth > 1 "
           f"ORDER BY pos LIMIT 1")
    # fetchall: a DuckDB result must be read to its end before the cursor runs another query
    row = next(iter(con.execute(sql).fetchall()), None)
    return None if row is None else (int(row[0]), int(row[-1]), tuple(row[1:-1]))


# -- validation in chunks (the build's CSV chunks, the loader's row groups) ------------------

def validate_observation_chunks(chunks: Iterable[pd.DataFrame], tables: dict[str, pd.DataFrame],
                                file: str) -> set[str]:
    """Every check of metrics.validate on the observations, a chunk at a time.

    ``chunks``: observation frames with the origin columns (FILE_COL, ROW_COL) of
    metrics.validate; ``tables``: every other table, each validated alone already. Each chunk
    gets validate_table (its duplicate-key check covers the chunk; the file-wide one is
    :func:`first_duplicate_key`) and validate_references against the other tables. The check
    that every source is cited needs all chunks, so it runs at the end. Returns the cited
    source ids.
    """
    from metrics.validate import _fail, validate_references, validate_table

    others = {n: df for n, df in tables.items() if n != "observations"}
    sources = others["sources"]
    cited_elsewhere = (set(others["entities"]["source_id"]) | set(others["targets"]["source_id"])
                       | set(others["revisions"]["source_id"]))
    cited: set[str] = set()
    seen = 0
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        seen += len(chunk)
        chunk.attrs.setdefault("file", file)
        validate_table("observations", chunk)
        used = set(chunk["source_id"].dropna())
        cited |= used
        # the sources this chunk and the other tables cite: "unknown source" is judged
        # against every source, "cited by no row" only once all chunks are read (below)
        in_scope = sources[sources["source_id"].isin(used | cited_elsewhere)]
        validate_references({**others, "sources": in_scope, "observations": chunk})
    if seen == 0:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS})
        empty.attrs["file"] = file
        validate_table("observations", empty)
    _fail(sources, ~sources["source_id"].isin(cited | cited_elsewhere), "sources", "source_id",
          "source cited by no observation, entity or target")
    return cited


# -- validation in SQL (the app opening a version at scale) -----------------------------------

# Beyond this many distinct values a text rule runs as SQL over every row instead.
DISTINCT_LIMIT = 100_000
# The characters Python's str.strip() removes: what metrics.validate counts as an empty value
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
               "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _blank(col: str) -> str:
    return f"({col} IS NULL OR trim({col}, {_sql_text(_WHITESPACE)}) = '')"


def validate_observations_sql(path: Path, tables: dict[str, pd.DataFrame], file: str,
                              max_text_chars: int) -> None:
    """The checks of metrics.validate on the observations file, as DuckDB aggregates over it:
    one pass counts the rows failing each check, a second reads the first failing row, and the
    DataError says what validate_table / validate_references would say (file, column, row
    number, key, how many rows). The other tables are validated in pandas before this."""
    from metrics.validate import (GROWTH_BOUNDS_PCT, REGION_CODE_RE, DataError, _fail,
                                  validate_references)

    spec = SPECS["observations"]
    src = f"read_parquet({_sql_text(path)}, file_row_number = true)"
    ind = tables["indicators"]
    kinds = dict(zip(ind["indicator_id"], ind["kind"]))
    bases = dict(zip(ind["indicator_id"], ind["period_basis"]))
    cur = cursor()
    # column, problem, condition (None: known to hold), parameters
    checks: list[tuple[str, str, str | None, list]] = []
    texts = [c.name for c in spec.columns if pa.types.is_string(c.type)]
    longest = cur.execute("SELECT " + ", ".join(f"max(length({c}))" for c in texts)
                          + f" FROM {src}").fetchall()[0]
    for col, n in zip(texts, longest):
        if (n or 0) > max_text_chars:
            raise DataError(file, col, None, f"a text of {n:,} characters, over the limit of "
                            f"{max_text_chars:,}")
    # Text checks are judged in Python on each column's distinct values (exactly the rules of
    # metrics.validate: str.strip, the region pattern), then only a failing value's rows are
    # looked for: a file of millions of rows holds few distinct codes and texts.
    distinct_cache: dict[str, set | None] = {}

    def distinct(col: str) -> set | None:
        """The distinct values of ``col``; None beyond DISTINCT_LIMIT (free text such as
        quotes), where the SQL form of the rule is used instead."""
        if col not in distinct_cache:
            rows = cur.execute(f"SELECT DISTINCT {col} FROM {src} LIMIT {DISTINCT_LIMIT + 1}"
                               ).fetchall()
            distinct_cache[col] = ({r[0] for r in rows} if len(rows) <= DISTINCT_LIMIT
                                   else None)
        return distinct_cache[col]

    def among(col: str, bad) -> tuple[str | None, list]:
        """A condition true on the rows whose ``col`` is one of ``bad`` (None: empty cell)."""
        values = sorted(v for v in bad if v is not None)
        parts = ([f"{col} IS NULL"] if None in bad else []) + (
            [f"{col} IN ({', '.join('?' * len(values))})"] if values else [])
        return ("(" + " OR ".join(parts) + ")" if parts else None), values

    def codes(col: str) -> set:
        """The distinct values of a code column (a handful in any real file)."""
        found = distinct(col)
        if found is None:
            raise DataError(file, col, None, f"more than {DISTINCT_LIMIT:,} distinct codes; "
                            "the reference tables hold far fewer")
        return found

    def is_blank(v) -> bool:
        return v is None or str(v).strip() == ""

    for col in spec.columns:
        if not col.nullable and col.enum is None:
            if pa.types.is_string(col.type) and distinct(col.name) is None:
                checks.append((col.name, "empty value", _blank(col.name), []))
            elif pa.types.is_string(col.type):
                checks.append((col.name, "empty value",
                               *among(col.name, {v for v in distinct(col.name) if is_blank(v)})))
            else:
                # NaN as pandas' isna sees it; not isnan(), which DuckDB answers from the
                # file's statistics (they leave NaN out) and so misses every NaN
                checks.append((col.name, "empty value",
                               f"({col.name} IS NULL OR (NOT isfinite({col.name}) "
                               f"AND NOT isinf({col.name})))" if pa.types.is_floating(col.type)
                               else f"{col.name} IS NULL", []))
        if col.enum is not None:
            checks.append((col.name, "value not allowed; expected one of "
                           + ", ".join(repr(v) for v in col.enum),
                           *among(col.name, {v for v in codes(col.name)
                                             if ("" if v is None else str(v)) not in col.enum})))
    checks.append(("duplicate", "", "", []))    # file-wide, by first_duplicate_key
    checks.append(("region_code", "not a six-digit GB/T 2260 code (is it written as a number?)",
                   *among("region_code", {v for v in codes("region_code")
                                          if v not in (None, "") and not REGION_CODE_RE.match(v)})))
    checks.append(("value", "not a finite number", "(value IS NULL OR NOT isfinite(value))", []))
    if distinct("derivation") is None:
        checks.append(("derivation", "a derived value must give its arithmetic",
                       f"status = 'derived' AND {_blank('derivation')}", []))
        checks.append(("status", "a value with a derivation must have status 'derived'",
                       f"status IS DISTINCT FROM 'derived' AND NOT {_blank('derivation')}", []))
    else:
        blank_derivations, blank_params = among(
            "derivation", {v for v in distinct("derivation") if is_blank(v)})
        checks.append(("derivation", "a derived value must give its arithmetic",
                       f"status = 'derived' AND {blank_derivations}" if blank_derivations
                       else None, blank_params))
        checks.append(("status", "a value with a derivation must have status 'derived'",
                       "status IS DISTINCT FROM 'derived' AND derivation IS NOT NULL"
                       + (f" AND derivation NOT IN ({', '.join('?' * len(blank_params))})"
                          if blank_params else ""), blank_params))
    # References and bounds too are judged per distinct value.
    for col, ref, what in (("indicator_id", "indicators", "indicator"),
                           ("region_code", "regions", "region"),
                           ("industry_code", "industries", "industry"),
                           ("source_id", "sources", "source")):
        allowed = set(tables[ref][f"{what}_id" if what in ("indicator", "source")
                                  else f"{what}_code"].dropna())
        checks.append((col, f"unknown {what} (not in {what}s table)",
                       *among(col, {v for v in codes(col) if v not in (None, "")} - allowed)))
    pairs = cur.execute(f"SELECT DISTINCT indicator_id, period FROM {src}").fetchall()
    bad = [f"{i}\x00{p}" for i, p in pairs if not is_valid_period(p, bases.get(i))]
    checks.append(("period", "does not fit the indicator's period_basis (see "
                   "data/src/README.md)",
                   *((f"indicator_id || chr(0) || period IN ({', '.join('?' * len(bad))})", bad)
                     if bad else (None, []))))
    lo, hi = GROWTH_BOUNDS_PCT
    ranges = cur.execute(f"SELECT indicator_id, min(value), max(value), count_if(value % 1 <> 0) "
                         f"FROM {src} GROUP BY indicator_id").fetchall()
    growth = {i for i, v_lo, v_hi, _ in ranges if kinds.get(i) == "growth"
              and (v_lo < lo or v_hi > hi)}
    whole = {i for i, v_lo, _, frac in ranges if kinds.get(i) in ("count", "rank")
             and (v_lo < 0 or frac)}
    share = {i for i, v_lo, v_hi, _ in ranges if kinds.get(i) == "share"
             and (v_lo < 0 or v_hi > 100)}
    for problem, ids, test in (
            (f"growth rate outside {lo}..{hi} %", growth, f"(value < {lo} OR value > {hi})"),
            ("a count or rank must be a non-negative whole number", whole,
             "(value < 0 OR value % 1 <> 0)"),
            ("a share must lie between 0 and 100 %", share, "(value < 0 OR value > 100)")):
        cond, params = among("indicator_id", ids)
        checks.append(("value", problem, cond and f"{cond} AND {test}", params))
    counted = [c for c in checks if c[0] != "duplicate" and c[2] is not None]
    counts = cur.execute("SELECT count(*), " + ", ".join(f"count_if({c[2]})" for c in counted)
                         + f" FROM {src}", [p for c in counted for p in c[3]]).fetchall()[0]
    if counts[0] == 0:
        raise DataError(file, None, None, "the 'observations' table has no rows")
    failing = dict(zip((id(c) for c in counted), counts[1:]))
    key = ", ".join(spec.key)
    references_done = False
    for check in checks:
        column, problem, cond, params = check
        if column == "duplicate":
            found = first_duplicate_key(path, spec.key, cur)
            if found is not None:
                pos, n, dup = found
                raise DataError(file, ",".join(spec.key), f"row {pos + 1} ({', '.join(dup)})",
                                "duplicate key" + (f" ({n} rows)" if n > 1 else ""))
            continue
        if problem.startswith("unknown indicator") and not references_done:
            # the other tables' references first, as validate_references orders them
            _validate_other_references(tables, validate_references)
            references_done = True
        n = failing.get(id(check), 0)
        if n:
            row = cur.execute(f"SELECT file_row_number, {key} FROM {src} WHERE {cond} "
                              f"ORDER BY file_row_number LIMIT 1", params).fetchall()[0]
            shown = ", ".join("" if v is None else str(v) for v in row[1:])
            raise DataError(file, column, f"row {row[0] + 1} ({shown})",
                            problem + (f" ({n} rows)" if n > 1 else ""))
    cited = {r[0] for r in cur.execute(f"SELECT DISTINCT source_id FROM {src}").fetchall()}
    sources = tables["sources"]
    elsewhere = _cited_elsewhere(tables)
    _fail(sources, ~sources["source_id"].isin(cited | elsewhere), "sources", "source_id",
          "source cited by no observation, entity or target")


def _cited_elsewhere(tables: dict[str, pd.DataFrame]) -> set[str]:
    return (set(tables["entities"]["source_id"]) | set(tables["targets"]["source_id"])
            | set(tables["revisions"]["source_id"]))


def _validate_other_references(tables, validate_references) -> None:
    """validate_references on every table but the observations (checked in SQL): an empty
    observations frame, and the sources the other tables cite (whether every source is cited
    by something is judged over all of them once the observations' citations are known)."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS})
    empty["value"] = empty["value"].astype("float64")
    sources = tables["sources"]
    in_scope = sources[sources["source_id"].isin(_cited_elsewhere(tables))]
    validate_references({**tables, "sources": in_scope, "observations": empty})
