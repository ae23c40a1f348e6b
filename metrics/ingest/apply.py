"""Comparing a release with the current data version, and the tables of the next version.

A figure whose key (indicator, region, industry, period) is new is *added*; one whose value or
qualifier differs is *revised*: the current row moves to the ``revisions`` table with the
version it was current in and the version that replaces it, and the new row takes its place;
one that is equal is *unchanged* (the earlier row and its source stay). Nothing is removed by
an import. The source of the release (from its sidecar) is added to ``sources``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from metrics.ingest.parse import Candidate
from metrics.ingest.read import IngestError, Release

# Growth rates beyond these are refused as implausible unless the operator overrides it
# (--allow-implausible): value added rarely moves more than 60 % a year even in a division;
# profits swing far more from a low base. Below -100 % a rate is impossible whatever is said.
PLAUSIBLE_GROWTH = {"iva_growth_cum": 60.0, "iva_growth_month": 80.0,
                    "iva_growth_quarter": 60.0, "gdp_growth_cum": 30.0,
                    "secondary_va_growth_cum": 40.0}
DEFAULT_PLAUSIBLE_GROWTH = 1000.0
OBS_KEY = ["indicator_id", "region_code", "industry_code", "period"]


@dataclass
class Changes:
    """What a release would do to the current version."""

    added: list[Candidate] = field(default_factory=list)
    revised: list[tuple[dict, Candidate]] = field(default_factory=list)  # (current row, new)
    unchanged: list[Candidate] = field(default_factory=list)
    refused: list[IngestError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "revised": len(self.revised), "removed": 0,
                "unchanged": len(self.unchanged), "refused": len(self.refused)}


def check_values(candidates: list[Candidate], indicators: pd.DataFrame,
                 allow_implausible: bool) -> tuple[list[Candidate], list[IngestError]]:
    """Refuse impossible values always and implausible ones unless overridden."""
    kept, refused = [], []
    rows = indicators.to_dict("index")  # a dict lookup per figure, not a pandas .loc
    for c in candidates:
        ind = rows[c.indicator_id]
        kind, problem, rule = ind["kind"], None, "impossible-value"
        if kind == "growth":
            bound = PLAUSIBLE_GROWTH.get(c.indicator_id, DEFAULT_PLAUSIBLE_GROWTH)
            if c.value < -100:
                problem = f"growth of {c.value:g} % is below -100 % (impossible)"
            elif abs(c.value) > bound and not allow_implausible:
                problem = (f"growth of {c.value:g} % is beyond the plausibility bound of ±{bound:g} "
                           "% for this indicator (check it; publish with --allow-implausible "
                           "if it is right)")
                rule = "implausible-value"
        elif kind in ("count", "rank") and (c.value < 0 or c.value % 1):
            problem = f"{c.value:g}: a count or rank is a non-negative whole number"
        elif kind == "share" and not 0 <= c.value <= 100:
            problem = f"a share of {c.value:g} % is outside 0..100 %"
        elif kind == "level" and c.value < 0 and "growth" not in c.indicator_id:
            problem = f"a negative level {c.value:g}"
        if problem:
            refused.append(IngestError(c.where, problem, rule=rule))
        else:
            kept.append(c)
    return kept, refused


def dedupe(candidates: list[Candidate]) -> tuple[list[Candidate], list[IngestError]]:
    """One key twice with different values is refused; the same value twice is kept once."""
    seen: dict[tuple, Candidate] = {}
    refused = []
    for c in candidates:
        first = seen.get(c.key)
        if first is None:
            seen[c.key] = c
        elif (first.value, first.qualifier) != (c.value, c.qualifier):
            refused.append(IngestError(c.where, f"{', '.join(c.key)} is given twice with different"
                                       f" values ({first.value:g} at {first.where}; {c.value:g})",
                                       rule="duplicate-key"))
    return list(seen.values()), refused


def source_row(release: Release) -> dict:
    """The sources row of a release, from its sidecar."""
    side = release.sidecar
    slug = re.sub(r"[^a-z0-9]+", "-", release.path.stem.lower()).strip("-")[:40] or "release"
    source_id = side.get("source_id") or f"release-{side['date_published']}-{slug}"
    return {"source_id": source_id, "publisher": side["publisher"], "title": side["title"],
            "date_published": side["date_published"], "url": side["url"] or None,
            "tier": side["tier"], "note": side.get("note") or None,
            "carrier": side.get("carrier") or None, "carrier_url": side.get("carrier_url") or None}


def compare(tables: dict[str, pd.DataFrame], candidates: list[Candidate]) -> Changes:
    """Sort candidates into added, revised and unchanged against the current observations."""
    obs = tables["observations"]
    current = {k: i for i, k in enumerate(zip(*(obs[c] for c in OBS_KEY)))}
    changes = Changes()
    for c in candidates:
        i = current.get(c.key)
        if i is None:
            changes.added.append(c)
            continue
        row = obs.iloc[i].to_dict()
        if (float(row["value"]) == c.value and (row["qualifier"] or "") == c.qualifier
                and bool(row.get("period_inferred")) == c.period_inferred):
            changes.unchanged.append(c)
        else:
            changes.revised.append((row, c))
    return changes


def next_tables(tables: dict[str, pd.DataFrame], changes: Changes,
                sources: list[tuple[dict, list[Candidate]]], parent: str, version_id: str,
                today: date) -> dict[str, pd.DataFrame]:
    """The tables of the next version: new and revised rows in, earlier vintages kept."""
    by_candidate = {id(c): src["source_id"] for src, cands in sources for c in cands}
    out = dict(tables)
    src = tables["sources"]
    new_sources = [s for s, _ in sources if s["source_id"] not in set(src["source_id"])]
    if new_sources:
        out["sources"] = pd.concat([src, pd.DataFrame(new_sources, columns=src.columns)],
                                   ignore_index=True)

    def obs_row(c: Candidate) -> dict:
        return {"indicator_id": c.indicator_id, "region_code": c.region_code,
                "industry_code": c.industry_code, "period": c.period, "value": c.value,
                "qualifier": c.qualifier, "status": c.status, "source_id": by_candidate[id(c)],
                "quote": c.quote, "derivation": None, "note": c.note,
                "period_inferred": c.period_inferred}

    obs = tables["observations"]
    revised_keys = {c.key for _, c in changes.revised}
    if revised_keys:
        keys = list(zip(*(obs[c] for c in OBS_KEY)))
        obs = obs[[k not in revised_keys for k in keys]]
    new_rows = [obs_row(c) for c in changes.added] + [obs_row(c) for _, c in changes.revised]
    if new_rows:
        obs = pd.concat([obs, pd.DataFrame(new_rows, columns=obs.columns)], ignore_index=True)
    out["observations"] = obs.reset_index(drop=True)
    if changes.revised:
        rev = tables["revisions"]
        vintages = [{"indicator_id": row["indicator_id"], "region_code": row["region_code"],
                     "industry_code": row["industry_code"], "period": row["period"],
                     "value": row["value"], "qualifier": row["qualifier"] or "",
                     "status": row["status"], "source_id": row["source_id"],
                     "quote": row["quote"], "published_in": parent,
                     "superseded_in": version_id, "superseded_on": today.isoformat(),
                     "note": row.get("note")}
                    for row, _ in changes.revised]
        out["revisions"] = pd.concat([rev, pd.DataFrame(vintages, columns=rev.columns)],
                                     ignore_index=True)
    return out


def inputs_digest(parent: str, releases: list[Release]) -> str:
    """8 hex digits naming a publish: the parent version and the input files' contents."""
    digest = hashlib.sha256(parent.encode())
    for r in releases:
        digest.update(r.sha256.encode())
        digest.update(r.sidecar_sha256.encode())
    return digest.hexdigest()[:8]
