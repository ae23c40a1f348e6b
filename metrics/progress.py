"""Progress towards stated targets: is the target met, how much is left, and at what pace.

A target (data/targets.parquet) names an indicator, a region, an industry, a period (the
deadline: ``2024`` for the year 2024, ``2026`` for "by 2026"), a comparator and a value. Its
actual is an observation of the same indicator, region and industry:
- for a flow or a rate of one year (counts and levels published per year or from January,
  growth rates), only a figure of the target's year counts: the full year, or January to some
  month, after which the pace still needed per remaining month is given;
- for a stock or a share to reach by a deadline (``as_of`` indicators, shares such as
  manufacturing's share of GDP), the latest figure up to the deadline counts, and the pace is
  given per remaining year.
No actual gives the explicit state ``no_actual``: it is never shown as 0 % done. An actual that
is a bound ("more than 95") or approximate proves a target met only when the bound does;
otherwise the state is ``undetermined``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.load import Dataset
from metrics.periods import parse_period
from metrics.query import Figure, select

COMPARATORS = (">=", ">", "<=", "=")
STATES = ("met", "not_met", "undetermined", "no_actual")
# Flows counted within one year: only an actual of the target's year counts.
FLOW_KINDS = ("count", "level")
FLOW_BASES = ("annual", "cumulative", "month", "quarter")
# Rates of one year: a share of "done" means nothing for a growth rate (10 % of a 12 % target is
# not "83 % done"); the gap in 百分点 is shown instead.
RATE_KINDS = ("growth", "pp")
NO_SHARE_KINDS = ("growth", "pp", "rank")


@dataclass(frozen=True)
class Target:
    """A targets row with its indicator's kind and period basis."""

    target_id: str
    indicator_id: str
    region_code: str
    industry_code: str
    period: str
    comparator: str
    target_value: float
    kind: str
    basis: str
    source_id: str

    @property
    def within_year(self) -> bool:
        """True for a flow or rate of one year; False for a level to reach by a deadline."""
        return self.kind in RATE_KINDS or (self.kind in FLOW_KINDS and self.basis in FLOW_BASES)

    @property
    def deadline_end(self) -> int:
        """The deadline as a comparable month end: '2026' -> 202612."""
        p = parse_period(self.period, "as_of")
        return p.year * 100 + p.end_month

    @classmethod
    def from_row(cls, row: pd.Series | dict, indicator: dict) -> "Target":
        """A target from its targets row and its indicator's row."""
        return cls(row["target_id"], row["indicator_id"], row["region_code"],
                   row["industry_code"], row["period"], row["comparator"],
                   float(row["target_value"]), indicator["kind"], indicator["period_basis"],
                   row["source_id"])


@dataclass(frozen=True)
class Progress:
    """Where a target stands: its actual (or none), the state, share done, gap and pace.

    ``gap`` is what is still needed in the indicator's unit (百分点 for rates), 0 when met.
    ``pace`` is the gap per remaining ``pace_unit`` ("month" within the year, "year" to a
    deadline), None when nothing remains to pace (met, no time left, or a rate).
    """

    target: Target
    actual: Figure | None
    state: str
    share_done: float | None = None
    gap: float | None = None
    pace: float | None = None
    pace_unit: str | None = None
    remaining: int | None = None  # remaining months (within a year) or months to the deadline

    @property
    def has_actual(self) -> bool:
        """True when a published actual exists."""
        return self.actual is not None


def compare(value: float, comparator: str, target: float) -> bool:
    """True when ``value`` satisfies ``comparator target`` (e.g. 12.5 >= 12)."""
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    if comparator == "=":
        return value == target
    raise ValueError(f"unknown comparator {comparator!r}; expected one of {COMPARATORS}")


def _state(value: float, qualifier: str, comparator: str, target: float) -> str:
    ok = compare(value, comparator, target)
    if not qualifier:
        return "met" if ok else "not_met"
    # A lower bound ("more than 95", "95 or more") proves a >=/> target met when the bound
    # itself meets it, and a <= target missed when the bound already exceeds it.
    if qualifier in (">", ">=") and comparator in (">=", ">") and ok:
        return "met"
    if qualifier in (">", ">=") and comparator == "<=" and value > target:
        return "not_met"
    return "undetermined"


def _months_between(end_a: int, end_b: int) -> int:
    """Months from month end ``end_a`` to month end ``end_b`` (YYYYMM integers)."""
    return (end_b // 100 - end_a // 100) * 12 + (end_b % 100 - end_a % 100)


def derive_progress(target: Target, actual: Figure | None) -> Progress:
    """The progress of ``target`` given its ``actual`` (None: no published actual)."""
    if actual is None:
        return Progress(target, None, "no_actual")
    a, t = actual.value, target.target_value
    state = _state(a, actual.qualifier, target.comparator, t)
    share = None
    if target.kind not in NO_SHARE_KINDS and target.comparator != "<=" and t > 0:
        share = round(a / t * 100, 1) + 0.0
    if target.comparator == "<=":
        gap = max(a - t, 0.0)
    elif target.comparator == "=":
        gap = abs(t - a)
    else:
        gap = max(t - a, 0.0)
    gap = round(gap, 10) + 0.0
    p = parse_period(actual.period, target.basis)
    actual_end = p.year * 100 + p.end_month
    pace = unit = remaining = None
    if target.within_year:
        remaining = 12 - p.end_month
        if remaining > 0 and target.kind not in FLOW_KINDS:
            # A growth rate for part of the year neither meets nor misses an annual target:
            # the full-year rate decides (13 % in January-May may end the year at 11 %).
            state = "undetermined"
        if target.kind in FLOW_KINDS and remaining > 0 and state != "met" and gap > 0:
            pace, unit = gap / remaining, "month"
    else:
        remaining = max(_months_between(actual_end, target.deadline_end), 0)
        if remaining > 0 and state != "met" and gap > 0:
            pace, unit = gap / remaining * 12, "year"
    return Progress(target, actual, state, share, gap, pace, unit, remaining)


def find_actual(obs: pd.DataFrame, target: Target, up_to: int | None) -> Figure | None:
    """The actual of ``target`` as of ``up_to``: the latest observation of its indicator,
    region and industry, of the target's year (within-year targets) or up to the deadline."""
    rows = select(obs, indicator_id=target.indicator_id, region_code=target.region_code,
                  industry_code=target.industry_code, up_to=up_to)
    year = target.deadline_end // 100
    if target.within_year:
        rows = rows[rows["year"] == year]
    else:
        rows = rows[rows["end"] <= target.deadline_end]
    return Figure.from_row(rows.iloc[-1]) if len(rows) else None


def derive_targets(ds: Dataset, obs: pd.DataFrame, up_to: int | None) -> list[Progress]:
    """Every target with its progress as of ``up_to``, by deadline then target id."""
    out = []
    for _, row in ds["targets"].sort_values(["period", "target_id"]).iterrows():
        target = Target.from_row(row, ds.indicator(row["indicator_id"]))
        out.append(derive_progress(target, find_actual(obs, target, up_to)))
    return out


def count_states(progress: list[Progress]) -> dict[str, int]:
    """How many targets are in each state (every state listed, zeros included)."""
    counts = {s: 0 for s in STATES}
    for p in progress:
        counts[p.state] += 1
    return counts
