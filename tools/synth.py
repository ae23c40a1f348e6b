"""A clearly synthetic, contract-valid dataset for speed and scale benchmarks (never real data).

    python tools/synth.py --rows 1000000 --out /tmp/synth1m [--seed 7]
    python tools/synth.py --rows 10000000 --src --out /tmp/src10m    # CSV source tree, then
    python -m metrics.build --src /tmp/src10m --out /tmp/synth10m    # the streaming build

Writes every table of ``metrics.schema.SPECS`` as Parquet with the contract's schema, one
``<table>.meta.yml`` sidecar each and a ``manifest.json`` in the format of ``python -m
metrics.build`` (data version, build time, rows and sha256 per table), plus ``"synthetic": true``.
Point the app at it with ``QD_DASHBOARD_DATA_DIR=/tmp/synth1m``. Refuses to write into data/.

What is in it:
- regions: China, Shandong, Qingdao and its ten units (the real codes and names, so that the
  pages find what they show), plus 9 SYNTHETIC provinces and 306 SYNTHETIC prefecture-level
  cities with six-digit GB/T 2260-format codes under prefixes 91-99, which no real province
  uses (``910100`` 合成市 9101 · Synthetic city 9101): no synthetic figure sits under a real
  city's code other than the ones above.
- industries and indicators: copies of the bundled reference tables (definitions, no figures).
- observations, exactly ``--rows`` of them: every key of the bundled observations with a
  synthetic value of the same kind (so every page has what it draws), then monthly growth
  series (cumulative and single-month value added and profits) for every region above, every
  industry (total, manufacturing, groups, the 31 divisions) and as many months back from
  2025-12 as the row count needs. Every value is a plausible rate (-25..35 %, one decimal) or,
  for the few count/share/rank/level keys, a plausible number of that kind.
- sources: one per year, publisher ``SYNTHETIC — not real data``, tier C, no link; every row's
  quote is ``synthetic benchmark row``.
- entities and targets: synthetic ones in Qingdao's districts, cited to a synthetic source.
- any other table of the contract (e.g. revisions): empty, with the contract's schema.

Observations are written sorted by key, in row groups through ``pyarrow.parquet.ParquetWriter``:
10 million rows take a few hundred MB of memory, not the whole table.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics.build import SYNTHETIC_MARK  # noqa: E402
from metrics.paths import DATA_DIR, MANIFEST_NAME  # noqa: E402
from metrics.schema import SPECS, TableSpec, sidecar_dict  # noqa: E402

PUBLISHER = "SYNTHETIC — not real data"
QUOTE = "synthetic benchmark row"
TIER = "C"
COMPRESSION = "zstd"
GENERATOR = "tools/synth.py"
# Bulk series: (indicator id, typical level, spread) of published monthly growth rates.
BULK_INDICATORS = (("iva_growth_cum", 6.0, 3.0), ("iva_growth_month", 6.0, 4.5),
                   ("profit_growth_cum", 4.0, 8.0), ("profit_growth_month", 4.0, 11.0))
GROWTH_CLIP = (-25.0, 35.0)
LAST_YEAR = 2025
SYNTH_PROVINCES = tuple(range(91, 100))      # 9 prefixes no real province uses
CITIES_PER_PROVINCE = 34                      # 9 x 34 = 306 prefecture-level cities
ROW_GROUP_ROWS = 250_000
ENTITIES = 60
ENTITY_TYPES_LEVELS = (("cluster", "national"), ("park", "provincial"), ("base", "national"),
                       ("lighthouse_factory", "global"), ("innovation_centre", "national"),
                       ("platform", "national"), ("smart_factory", "provincial"))


class SynthError(Exception):
    """Bad arguments or an unusable reference table: a message, never a traceback."""


# ---------------------------------------------------------------- reference tables (read only)

def _read_reference(name: str, columns: list[str] | None = None) -> pa.Table:
    path = DATA_DIR / f"{name}.parquet"
    if not path.exists():
        raise SynthError(f"{path} is missing: the generator copies the bundled reference tables "
                         "(run `python -m metrics.build` first)")
    table = pq.read_table(path)
    if columns is not None:
        missing = [c for c in columns if c not in table.schema.names]
        if missing:
            raise SynthError(f"{path} has no column {missing[0]}")
        table = table.select(columns)
    return table


def _fill(spec: TableSpec, rows: list[dict]) -> pa.Table:
    """``rows`` as a table of ``spec``'s schema; a nullable column not given is left empty."""
    cols = {}
    for col in spec.columns:
        values = [r.get(col.name) for r in rows]
        if any(v is None for v in values) and not col.nullable:
            if col.enum is not None and "" in col.enum:
                values = ["" if v is None else v for v in values]
            elif pa.types.is_boolean(col.type):
                values = [False if v is None else v for v in values]
            elif col.name in spec.list_columns:
                values = [[] if v is None else v for v in values]
            else:
                raise SynthError(f"{spec.name}.{col.name}: the generator has no value for this "
                                 "required column (the contract changed: update tools/synth.py)")
        cols[col.name] = pa.array(values, type=col.type)
    return pa.table(cols, schema=spec.schema)


def _copy_reference(name: str) -> pa.Table:
    """A bundled reference table (industries, indicators) in the current contract's schema."""
    spec = SPECS[name]
    table = _read_reference(name)
    rows = table.to_pylist()
    return _fill(spec, rows)


def synthetic_regions() -> pa.Table:
    """The real national/provincial/Qingdao rows, then the synthetic provinces and cities."""
    real = _read_reference("regions").to_pylist()
    rows = [r for r in real]
    for p in SYNTH_PROVINCES:
        rows.append({"region_code": f"{p}0000", "name_zh": f"合成省{p}（合成数据）",
                     "name_en": f"Synthetic province {p} (not real)", "level": "province",
                     "parent_code": "000000"})
        for c in range(1, CITIES_PER_PROVINCE + 1):
            rows.append({"region_code": f"{p}{c:02d}00", "name_zh": f"合成市{p}{c:02d}",
                         "name_en": f"Synthetic city {p}{c:02d}", "level": "city",
                         "parent_code": f"{p}0000"})
    rows.sort(key=lambda r: r["region_code"])
    return _fill(SPECS["regions"], rows)


# ---------------------------------------------------------------- periods and values

def periods_back(basis: str, count: int) -> list[str]:
    """The ``count`` most recent periods of ``basis`` ending in LAST_YEAR, sorted as strings."""
    out: list[str] = []
    year = LAST_YEAR
    while len(out) < count:
        if basis == "cumulative":   # 1-2月 .. 1-11月, the full year written YYYY
            year_periods = [f"{year}-{m:02d}" for m in range(2, 12)] + [f"{year}"]
        else:
            year_periods = [f"{year}-{m:02d}" for m in range(1, 13)]
        out.extend(reversed(year_periods))
        year -= 1
    return sorted(out[:count])


def _kind_value(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    """Plausible synthetic values of ``kind`` (never read from a real figure)."""
    if kind == "growth":
        return np.clip(np.round(rng.normal(6.0, 4.0, n), 1), *GROWTH_CLIP)
    if kind == "pp":
        return np.round(rng.normal(0.5, 2.0, n), 1)
    if kind == "share":
        return np.round(rng.uniform(1.0, 95.0, n), 1)
    if kind in ("count", "rank"):
        return rng.integers(1, 500, n).astype("float64")
    return np.round(rng.lognormal(5.0, 1.5, n), 1)   # level


# ---------------------------------------------------------------- observations

class Plan:
    """Which bulk keys exist: per indicator, regions x industries x periods cut to a quota."""

    def __init__(self, n_bulk: int, regions: list[str], industries: list[str],
                 bases: dict[str, str]):
        self.regions, self.industries = regions, industries
        per_cell = len(BULK_INDICATORS) * len(regions) * len(industries)
        n_periods = max(1, math.ceil(n_bulk / per_cell)) if n_bulk > 0 else 0
        self.periods = {ind: periods_back(bases[ind], n_periods) if n_periods else []
                        for ind, _, _ in BULK_INDICATORS}
        base, extra = divmod(max(n_bulk, 0), len(BULK_INDICATORS))
        self.quota = {ind: base + (1 if i < extra else 0)
                      for i, (ind, _, _) in enumerate(BULK_INDICATORS)}
        self._region_ix = {r: i for i, r in enumerate(regions)}
        self._industry_ix = {c: i for i, c in enumerate(industries)}

    def contains(self, ind: str, region: str, industry: str, period: str) -> bool:
        """True when the bulk series already has this key."""
        if ind not in self.quota or region not in self._region_ix:
            return False
        periods = self.periods[ind]
        if period not in periods or industry not in self._industry_ix:
            return False
        pos = ((self._region_ix[region] * len(self.industries) + self._industry_ix[industry])
               * len(periods) + periods.index(period))
        return pos < self.quota[ind]


def _mirror_rows(rng: np.random.Generator, kinds: dict[str, str]) -> list[dict]:
    """Every key of the bundled observations, with a synthetic value of its indicator's kind."""
    keys = _read_reference("observations", ["indicator_id", "region_code", "industry_code",
                                             "period"]).to_pylist()
    rows = []
    for key in keys:
        kind = kinds.get(key["indicator_id"])
        if kind is None:
            continue
        value = float(_kind_value(rng, kind, 1)[0])
        rows.append({**key, "value": value})
    return rows


def _dict_strings(indices: np.ndarray, dictionary: list[str]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()),
                                          pa.array(dictionary, pa.string())).cast(pa.string())


def _const(value, n: int, type_: pa.DataType) -> pa.Array:
    return pa.repeat(pa.scalar(value, type_), n)


def _obs_table(spec: TableSpec, ind: list[str], reg: list[str], indu: list[str], per: list[str],
               values: np.ndarray, source_ids: list[str]) -> pa.Table:
    """Observation rows from Python lists (small) in the contract's schema."""
    n = len(values)
    cols = {"indicator_id": pa.array(ind, pa.string()), "region_code": pa.array(reg, pa.string()),
            "industry_code": pa.array(indu, pa.string()), "period": pa.array(per, pa.string()),
            "value": pa.array(values, pa.float64()), "source_id": pa.array(source_ids, pa.string())}
    return _complete_obs(spec, cols, n)


def _complete_obs(spec: TableSpec, cols: dict, n: int) -> pa.Table:
    """Add the columns every synthetic observation shares (qualifier, status, quote, ...)."""
    shared = {"qualifier": "", "status": "published", "quote": QUOTE, "period_inferred": False}
    arrays = []
    for col in spec.columns:
        if col.name in cols:
            arrays.append(cols[col.name])
        elif col.name in shared:
            arrays.append(_const(shared[col.name], n, col.type))
        elif col.nullable:
            arrays.append(pa.nulls(n, col.type))
        else:
            raise SynthError(f"observations.{col.name}: the generator has no value for this "
                             "required column (the contract changed: update tools/synth.py)")
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def _source_for_period(period: str) -> str:
    return f"synthetic-{period[:4]}"


def _bulk_chunks(plan: Plan, rng: np.random.Generator):
    """The bulk series in key order, as tables of about ROW_GROUP_ROWS rows."""
    spec = SPECS["observations"]
    n_ind = len(plan.industries)
    region_effect = rng.normal(0.0, 2.0, len(plan.regions))
    industry_effect = rng.normal(0.0, 2.5, n_ind)
    for ind, level, spread in sorted(BULK_INDICATORS):
        periods = plan.periods[ind]
        quota = plan.quota[ind]
        if not periods or quota == 0:
            continue
        n_per = len(periods)
        year_effect = {p: rng.normal(0.0, 1.5) for p in {q[:4] for q in periods}}
        period_effect = np.array([year_effect[p[:4]] for p in periods]) + rng.normal(0, 0.7, n_per)
        years = sorted({p[:4] for p in periods})
        period_source = np.array([years.index(p[:4]) for p in periods])
        block = n_ind * n_per                   # rows per region
        regions_per_chunk = max(1, ROW_GROUP_ROWS // block)
        done = 0
        for r0 in range(0, len(plan.regions), regions_per_chunk):
            if done >= quota:
                break
            r1 = min(len(plan.regions), r0 + regions_per_chunk)
            n = min((r1 - r0) * block, quota - done)
            pos = np.arange(n)
            r_ix = r0 + pos // block
            i_ix = (pos // n_per) % n_ind
            p_ix = pos % n_per
            values = (level + region_effect[r_ix] + industry_effect[i_ix] + period_effect[p_ix]
                      + rng.normal(0.0, spread, n))
            values = np.clip(np.round(values, 1), *GROWTH_CLIP)
            cols = {"indicator_id": _const(ind, n, pa.string()),
                    "region_code": _dict_strings(r_ix, plan.regions),
                    "industry_code": _dict_strings(i_ix, plan.industries),
                    "period": _dict_strings(p_ix, periods),
                    "value": pa.array(values, pa.float64()),
                    "source_id": _dict_strings(period_source[p_ix],
                                               [f"synthetic-{y}" for y in years])}
            done += n
            yield _complete_obs(spec, cols, n), set(years)


class CsvSink:
    """Tables appended to one CSV file in the source-tree format of data/src (header once)."""

    def __init__(self, path: Path, schema: pa.Schema):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pacsv.CSVWriter(str(path), _csv_schema(schema),
                                      write_options=pacsv.WriteOptions(quoting_style="needed"))

    def write_table(self, table: pa.Table, row_group_size: int | None = None) -> None:
        self.writer.write_table(_csv_table(table))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.writer.close()


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_list(f.type) else f
                      for f in schema])


def _csv_table(table: pa.Table) -> pa.Table:
    """A table as data/src writes it: lists joined with ';' (data/src/README.md)."""
    cols = [pa.array([None if v is None else ";".join(v) for v in col.to_pylist()], pa.string())
            if pa.types.is_list(col.type) else col for col in table.columns]
    return pa.Table.from_arrays(cols, schema=_csv_schema(table.schema))


def write_observations(path: Path, plan: Plan, mirror: list[dict],
                       rng: np.random.Generator, csv: bool = False) -> tuple[int, set[str]]:
    """Stream the bulk series and the mirrored keys, merged in key order; rows and years used.
    ``csv``: one CSV file of the source-tree format instead of Parquet."""
    spec = SPECS["observations"]
    key = list(spec.key)
    mirror = sorted((m for m in mirror if not plan.contains(m["indicator_id"], m["region_code"],
                                                            m["industry_code"], m["period"])),
                    key=lambda m: tuple(m[k] for k in key))
    years_used = {m["period"][:4] for m in mirror}
    sort_keys = [(k, "ascending") for k in key]

    def mirror_table(rows: list[dict]) -> pa.Table:
        return _obs_table(spec, [r["indicator_id"] for r in rows], [r["region_code"] for r in rows],
                          [r["industry_code"] for r in rows], [r["period"] for r in rows],
                          np.array([r["value"] for r in rows], dtype="float64"),
                          [_source_for_period(r["period"]) for r in rows])

    n_rows = 0
    m_ix = 0
    with (CsvSink(path, spec.schema) if csv else
          pq.ParquetWriter(path, spec.schema, compression=COMPRESSION)) as writer:
        for chunk, years in _bulk_chunks(plan, rng):
            years_used |= years
            last = tuple(chunk.column(k)[-1].as_py() for k in key)
            start = m_ix
            while m_ix < len(mirror) and tuple(mirror[m_ix][k] for k in key) <= last:
                m_ix += 1
            if m_ix > start:
                chunk = pa.concat_tables([chunk, mirror_table(mirror[start:m_ix])])
                chunk = chunk.sort_by(sort_keys)
            writer.write_table(chunk, row_group_size=len(chunk))
            n_rows += len(chunk)
        if m_ix < len(mirror):
            rest = mirror_table(mirror[m_ix:])
            writer.write_table(rest)
            n_rows += len(rest)
    return n_rows, years_used


# ---------------------------------------------------------------- other tables

def synthetic_sources(years: set[str]) -> pa.Table:
    rows = [{"source_id": f"synthetic-{y}", "publisher": PUBLISHER,
             "title": f"合成基准数据 {y}（非真实数据） · Synthetic benchmark release {y} (not real data)",
             # a year's figures come out the next January; a target's source before its year
             "date_published": (f"{int(y) + 1}-01-20" if int(y) <= LAST_YEAR
                                else f"{LAST_YEAR}-12-31"),
             "url": None, "tier": TIER,
             "note": f"Generated by {GENERATOR} for speed and scale benchmarks; not real data."}
            for y in sorted(years)]
    return _fill(SPECS["sources"], rows)


def synthetic_entities(rng: np.random.Generator, districts: list[str],
                       divisions: list[str]) -> list[dict]:
    rows = []
    for i in range(1, ENTITIES + 1):
        etype, level = ENTITY_TYPES_LEVELS[i % len(ENTITY_TYPES_LEVELS)]
        year = int(rng.integers(2016, LAST_YEAR + 1))
        codes = sorted(set(rng.choice(divisions, size=int(rng.integers(1, 3))).tolist()))
        rows.append({"entity_id": f"synthetic-entity-{i:03d}", "entity_type": etype,
                     "name_zh": f"合成载体{i:03d}（合成数据）",
                     "name_en": f"Synthetic entity {i:03d} (not real)", "level": level,
                     "industry_codes": codes,
                     "district_code": None if i % 10 == 0 else districts[i % len(districts)],
                     "year": year, "source_id": f"synthetic-{year}", "quote": QUOTE,
                     "note": "synthetic benchmark row"})
    return rows


def synthetic_targets(rng: np.random.Generator, kinds: dict[str, str]) -> list[dict]:
    real = _read_reference("targets", ["target_id", "indicator_id", "region_code",
                                       "industry_code", "period", "comparator"]).to_pylist()
    rows = []
    for i, t in enumerate(real, start=1):
        kind = kinds.get(t["indicator_id"], "level")
        rows.append({**t, "target_id": f"synthetic-target-{i:03d}",
                     "target_value": float(_kind_value(rng, kind, 1)[0]),
                     "description_zh": f"合成目标{i:03d}（合成数据）",
                     "description_en": f"Synthetic target {i:03d} (not real)",
                     "source_id": _source_for_period(t["period"][:4]), "quote": QUOTE,
                     "note": "synthetic benchmark row"})
    return rows


# ---------------------------------------------------------------- the whole folder

def generate(rows: int, out: Path, seed: int = 7, quiet: bool = False, src: bool = False) -> dict:
    """Write a synthetic dataset of ``rows`` observations into ``out``; returns the manifest.

    ``src``: write a source tree instead (``<table>/<table>.csv`` in the format of data/src and
    the ``SYNTHETIC`` mark that makes ``python -m metrics.build --src`` flag the version), for
    the streaming build; returns the rows written per table.
    """
    if rows < 1:
        raise SynthError("--rows must be at least 1")
    out = out.resolve()
    data = DATA_DIR.resolve()
    if out == data or data in out.parents:
        raise SynthError(f"refusing to write synthetic data into {data}: choose another --out")
    mark = SYNTHETIC_MARK if src else MANIFEST_NAME
    if out.exists() and any(out.iterdir()) and not (out / mark).exists():
        raise SynthError(f"{out} exists and is not a synthetic "
                         f"{'source tree' if src else 'data folder'}: choose an empty or new "
                         "folder")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)

    indicators = _copy_reference("indicators")
    industries = _copy_reference("industries")
    regions = synthetic_regions()
    kinds = dict(zip(indicators.column("indicator_id").to_pylist(),
                     indicators.column("kind").to_pylist()))
    bases = dict(zip(indicators.column("indicator_id").to_pylist(),
                     indicators.column("period_basis").to_pylist()))
    for ind, _, _ in BULK_INDICATORS:
        if kinds.get(ind) != "growth":
            raise SynthError(f"indicator {ind} is missing or not a growth rate in data/indicators")

    region_codes = [c for c in regions.column("region_code").to_pylist() if c != "WORLD"]
    industry_codes = sorted(industries.column("industry_code").to_pylist())
    mirror = _mirror_rows(rng, kinds)
    # The bulk fills what the mirrored keys leave; mirrored keys the bulk already has are
    # dropped, so solve for the bulk size that gives exactly ``rows``.
    n_bulk = max(0, rows - len(mirror))
    for _ in range(20):
        plan = Plan(n_bulk, region_codes, industry_codes, bases)
        kept = sum(not plan.contains(m["indicator_id"], m["region_code"], m["industry_code"],
                                     m["period"]) for m in mirror)
        if n_bulk + kept == rows or (n_bulk == 0 and kept >= rows):
            break
        n_bulk = max(0, rows - kept)
    if n_bulk == 0 and len(mirror) > rows:
        mirror = mirror[:rows]
        plan = Plan(0, region_codes, industry_codes, bases)

    tables_written: dict[str, int] = {}
    obs_path = (out / "observations" / "observations.csv" if src
                else out / "observations.parquet")
    n_obs, years = write_observations(obs_path, plan, mirror, rng, csv=src)
    tables_written["observations"] = n_obs

    divisions = [c for c, lvl in zip(industries.column("industry_code").to_pylist(),
                                     industries.column("level").to_pylist()) if lvl == "division"]
    districts = [r["region_code"] for r in regions.to_pylist() if r["parent_code"] == "370200"]
    entities = synthetic_entities(rng, districts, divisions)
    targets = synthetic_targets(rng, kinds)
    years |= {e["source_id"].removeprefix("synthetic-") for e in entities}
    years |= {t["source_id"].removeprefix("synthetic-") for t in targets}
    small = {"regions": regions, "industries": industries, "indicators": indicators,
             "sources": synthetic_sources(years),
             "entities": _fill(SPECS["entities"], entities),
             "targets": _fill(SPECS["targets"], targets)}
    for name, spec in SPECS.items():
        if name == "observations":
            continue
        table = small.get(name)
        if table is None:   # a table this generator does not know: empty, with its schema
            table = spec.schema.empty_table()
        table = table.sort_by([(k, "ascending") for k in spec.key]) if len(table) else table
        tables_written[name] = len(table)
        if src:
            with CsvSink(out / name / f"{name}.csv", spec.schema) as sink:
                sink.write_table(table)
            continue
        pq.write_table(table.replace_schema_metadata(None), out / f"{name}.parquet",
                       compression=COMPRESSION)
    if src:
        (out / SYNTHETIC_MARK).write_text(
            f"SYNTHETIC benchmark source tree made by {GENERATOR} --rows {rows} --seed {seed}: "
            "not real data. `python -m metrics.build --src` flags its version as synthetic.\n",
            encoding="utf-8")
        if not quiet:
            print(f"wrote a source tree of {n_obs} synthetic observations to {out} in "
                  f"{time.perf_counter() - t0:.1f} s")
        return tables_written

    version = hashlib.sha256(f"{GENERATOR} rows={rows} seed={seed} "
                             f"specs={sorted(SPECS)}".encode()).hexdigest()[:12]
    manifest = {"data_version": version,
                "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "synthetic": True,
                "generator": f"{GENERATOR} --rows {rows} --seed {seed}",
                "tables": {}}
    for name, spec in SPECS.items():
        path = out / f"{name}.parquet"
        meta = sidecar_dict(spec, tables_written[name], [GENERATOR])
        meta["table"]["processing"] = (f"SYNTHETIC benchmark data generated by {GENERATOR} "
                                       f"(--rows {rows} --seed {seed}); not real data.")
        (out / f"{name}.meta.yml").write_text(
            yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        manifest["tables"][name] = {"rows": tables_written[name], "sha256": digest.hexdigest()}
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    if not quiet:
        print(f"wrote {n_obs} synthetic observations ({len(small['regions'])} regions, "
              f"{len(years)} sources) to {out} in {time.perf_counter() - t0:.1f} s; "
              f"data version {version}")
    return manifest


def existing_matches(out: Path, rows: int, seed: int = 7) -> bool:
    """True when ``out`` already holds this generator's dataset of ``rows`` rows and ``seed``."""
    try:
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("synthetic") is True
            and manifest.get("generator") == f"{GENERATOR} --rows {rows} --seed {seed}"
            and set(manifest.get("tables", {})) == set(SPECS)
            and all((out / f"{n}.parquet").exists() for n in SPECS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000,
                        help="observation rows (e.g. 100000, 1000000, 10000000)")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (never data/)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--src", action="store_true",
                        help="write a source tree of CSV files (data/src format) for "
                             "`python -m metrics.build --src OUT --out FOLDER` instead of Parquet")
    args = parser.parse_args(argv)
    try:
        generate(args.rows, args.out, args.seed, src=args.src)
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
