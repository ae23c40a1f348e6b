"""Progress towards stated targets: where each target stands (met / on pace / behind / unknown),
how much is left, at what pace, and, while no actual is published, the nearest published proxy
and the date the next figure is due.

A target (data/targets.parquet) names an indicator, a region, an industry, a period (the
deadline: ``2024`` for the year 2024, ``2026`` for "by 2026"), a comparator and a value. Its
actual is an observation of the same indicator, region and industry:
- for a flow or a rate of one year (counts and levels published per year or from January,
  growth rates), only a figure of the target's year counts: the full year, or January to some
  month, after which the pace still needed per remaining month is given;
- for a stock or a share to reach by a deadline (``as_of`` indicators, shares such as
  manufacturing's share of GDP), the latest figure up to the deadline counts, and the pace is
  given per remaining year.

The status, by the rule that fits the target's indicator (``RULES``, one per target):
- ``rate`` (growth rates and 百分点, within the year): the latest rate of the target's year
  (cumulative from January, or the full year) against the target rate. Meeting it is "met" for
  the full year and "on pace" for part of the year; falling short is "behind".
- ``flow_share`` (counts and levels cumulated from January): the actual's share of the target
  against the share of the year elapsed at the actual's date (January-May: 5/12 = 41.7 %).
  Reached: "met"; a share at least the elapsed share: "on pace"; less: "behind". For a ceiling
  (``<=``) the other way round: at most the elapsed share of the ceiling is "on pace".
- ``full_year`` (counts and levels published only per year, or per single month or quarter):
  only the full-year figure decides, "met" or "behind"; a part-year figure leaves "unknown".
- ``path`` (a stock or share to reach by a deadline): a straight path from the baseline (the
  latest figure published for a date at or before the target was set, i.e. its source's date)
  to the target value at the deadline. Reached: "met"; at or beyond the path at the actual's
  date: "on pace"; short of it: "behind". Without a baseline, or with no figure since the
  target was set, "unknown".
A period that is over (the full year, or the deadline reached) is "met" or "behind". An actual
that is a bound ("more than 95") or approximate decides only when the bound does; otherwise
"unknown". No actual is "unknown": never 0 % done.

Where no actual exists the target's ``proxy_indicator_id`` (data: targets table) names the
nearest published figure of another indicator for the same region and industry: it is context,
never the actual, and never changes the status.

The date the next figure is due follows the target's ``release_rhythm`` (data): monthly and
quarterly figures come in the middle of the next month (NBS and the bureaus publish around the
15th); annual figures in the next spring, by 30 April (NBS's communiqué at the end of February,
the government work reports in January-February, the cities' and districts' statistical
bulletins in March-April, e.g. Laixi's on 23 April 2024). The next due date is the first
release after the reference date of a figure that would count for the target and is newer than
its actual; when all of them should already be out, the last one is given as overdue.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

import pandas as pd

from metrics.load import Dataset
from metrics.periods import parse_period
from metrics.query import Figure, select
from metrics.memo import per_version

COMPARATORS = (">=", ">", "<=", "=")
STATUSES = ("met", "on_pace", "behind", "unknown")
RULES = ("rate", "flow_share", "full_year", "path")
# Why a status is unknown.
REASONS = ("no_actual", "bound", "partial_year", "no_baseline")
# Flows counted within one year: only an actual of the target's year counts.
FLOW_KINDS = ("count", "level")
FLOW_BASES = ("annual", "cumulative", "month", "quarter")
# Rates of one year: a share of "done" means nothing for a growth rate (10 % of a 12 % target is
# not "83 % done"); the gap in 百分点 is shown instead.
RATE_KINDS = ("growth", "pp")
NO_SHARE_KINDS = ("growth", "pp", "rank")
# Release rhythms (targets.release_rhythm) and when each release comes.
RHYTHMS = ("monthly", "quarterly", "annual", "")
MID_MONTH_DAY = 15  # monthly and quarterly figures: the 15th of the next month
SPRING_RELEASE = (4, 30)  # annual figures: by 30 April of the next year


@dataclass(frozen=True)
class Target:
    """A targets row with its indicator's kind and period basis, when it was set, how its
    figure is released and the indicator of its proxy."""

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
    set_on: int | None = None  # the month (YYYYMM) the target was announced: its source's date
    release_rhythm: str = ""
    proxy_indicator_id: str = ""

    @property
    def within_year(self) -> bool:
        """True for a flow or rate of one year; False for a level to reach by a deadline."""
        return self.kind in RATE_KINDS or (self.kind in FLOW_KINDS and self.basis in FLOW_BASES)

    @property
    def deadline_end(self) -> int:
        """The deadline as a comparable month end: '2026' -> 202612."""
        p = parse_period(self.period, "as_of")
        return p.year * 100 + p.end_month

    @property
    def rule(self) -> str:
        """Which status rule applies (see the module's docstring)."""
        if self.kind in RATE_KINDS:
            return "rate"
        if self.within_year:
            return "flow_share" if self.basis == "cumulative" else "full_year"
        return "path"

    @classmethod
    def from_row(cls, row: pd.Series | dict, indicator: dict, source: dict | None = None
                 ) -> "Target":
        """A target from its targets row, its indicator's row and its source's row."""
        set_on = None
        if source is not None and source.get("date_published"):
            # A source dated by its year only counts from January: a baseline must certainly
            # precede the target.
            published = str(source["date_published"])
            set_on = int(published[:4]) * 100 + (int(published[5:7]) if len(published) >= 7
                                                  else 1)
        return cls(row["target_id"], row["indicator_id"], row["region_code"],
                   row["industry_code"], row["period"], row["comparator"],
                   float(row["target_value"]), indicator["kind"], indicator["period_basis"],
                   row["source_id"], set_on, _text(row.get("release_rhythm")),
                   _text(row.get("proxy_indicator_id")))


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


@dataclass(frozen=True)
class Due:
    """When the next figure that would count for a target is due: the release date, the period
    it covers (in the indicator's period format) and whether that date is already past (the
    figure should be out but is not in the data)."""

    on: date
    period: str
    overdue: bool = False


@dataclass(frozen=True)
class Progress:
    """Where a target stands: its actual (or none), the status and the rule that gave it, share
    done, gap and pace, and the context shown while there is no actual.

    ``gap`` is what is still needed in the indicator's unit (百分点 for rates), 0 when met.
    ``pace`` is the gap per remaining ``pace_unit`` ("month" within the year, "year" to a
    deadline), None when nothing remains to pace (met, no time left, or a rate).
    ``elapsed`` is the share of the target period passed at the actual's date (%) and
    ``on_pace_value`` the value that would be exactly on pace then (flow_share and path rules).
    """

    target: Target
    actual: Figure | None
    status: str
    reason: str = ""  # why the status is unknown (REASONS), else ""
    share_done: float | None = None
    gap: float | None = None
    pace: float | None = None
    pace_unit: str | None = None
    remaining: int | None = None  # remaining months (within a year) or months to the deadline
    elapsed: float | None = None
    on_pace_value: float | None = None
    baseline: Figure | None = None
    proxy: Figure | None = None
    due: Due | None = None

    @property
    def has_actual(self) -> bool:
        """True when a published actual exists."""
        return self.actual is not None

    @property
    def rule(self) -> str:
        return self.target.rule


def compare(value: float, comparator: str, target: float) -> bool:
    """True when ``value`` satisfies ``comparator target`` (e.g. 12.5 >= 12)."""
    value, target = float(value), float(target)  # a plain bool, also for numpy numbers
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    if comparator == "=":
        return value == target
    raise ValueError(f"unknown comparator {comparator!r}; expected one of {COMPARATORS}")


def _decide(value: float, qualifier: str, comparator: str, threshold: float) -> bool | None:
    """Whether ``value`` satisfies ``comparator threshold``; None when a bound or an
    approximation leaves it open."""
    ok = compare(value, comparator, threshold)
    if not qualifier:
        return ok
    # A lower bound ("more than 95", "95 or more") proves a >=/> threshold met when the bound
    # itself meets it, and a <= threshold missed when the bound already exceeds it.
    if qualifier in (">", ">=") and comparator in (">=", ">") and ok:
        return True
    if qualifier in (">", ">=") and comparator == "<=" and value > threshold:
        return False
    return None


def _months_between(end_a: int, end_b: int) -> int:
    """Months from month end ``end_a`` to month end ``end_b`` (YYYYMM integers)."""
    return (end_b // 100 - end_a // 100) * 12 + (end_b % 100 - end_a % 100)


def _pace_comparator(comparator: str) -> str:
    """On pace means at or beyond the path towards a floor, at or below it towards a ceiling."""
    return "<=" if comparator == "<=" else ">="


def derive_progress(target: Target, actual: Figure | None, *, baseline: Figure | None = None,
                    proxy: Figure | None = None, due: Due | None = None) -> Progress:
    """The progress of ``target`` given its ``actual`` (None: no published actual), the
    ``baseline`` for the path rule, and the ``proxy`` and ``due`` date shown as context."""
    if actual is None:
        return Progress(target, None, "unknown", "no_actual", proxy=proxy, due=due)
    a, t = float(actual.value), target.target_value
    reached = _decide(a, actual.qualifier, target.comparator, t)
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
    pace = unit = elapsed = expected = None
    if target.within_year:
        remaining = 12 - p.end_month
        elapsed = p.end_month / 12
        if target.kind in FLOW_KINDS and remaining > 0 and reached is not True and gap > 0:
            pace, unit = gap / remaining, "month"
    else:
        remaining = max(_months_between(actual_end, target.deadline_end), 0)
        if remaining > 0 and reached is not True and gap > 0:
            pace, unit = gap / remaining * 12, "year"
        start = target.set_on
        if start is not None and start < actual_end and start < target.deadline_end:
            elapsed = min(_months_between(start, actual_end)
                          / _months_between(start, target.deadline_end), 1.0)
    over = remaining == 0
    rule, reason = target.rule, ""
    if rule == "rate":
        # A rate for part of the year neither meets nor misses an annual target (13 % in
        # January-May may end the year at 11 %): meeting it so far is "on pace".
        status = {True: "met" if over else "on_pace", False: "behind", None: "unknown"}[reached]
    elif reached is True and (over or not target.within_year or target.comparator in (">=", ">")):
        # A floor passed within the year stays passed (a cumulated flow only grows); a ceiling
        # or an exact number of one year is decided only by the full year.
        status = "met"
    elif over:
        status = "behind" if reached is False else "unknown"
    elif rule == "full_year":
        status, reason = "unknown", "partial_year"
    elif rule == "path" and (baseline is None or elapsed is None):
        status, reason = "unknown", "no_baseline"
    else:
        start_value = baseline.value if rule == "path" else 0.0
        expected = start_value + (t - start_value) * elapsed
        on_pace = _decide(a, actual.qualifier, _pace_comparator(target.comparator), expected)
        status = {True: "on_pace", False: "behind", None: "unknown"}[on_pace]
    if status == "unknown" and not reason:
        reason = "bound"
    return Progress(target, actual, status, reason, share, gap, pace, unit, remaining,
                    None if elapsed is None else round(elapsed * 100, 1) + 0.0,
                    None if expected is None else round(expected, 10) + 0.0,
                    baseline if rule == "path" else None, proxy, due)


# --- the date the next figure is due ---------------------------------------------------------

def release_date(year: int, end_month: int, rhythm: str) -> date:
    """When the figure of a period ending in ``year``/``end_month`` is released."""
    if rhythm in ("monthly", "quarterly"):
        y, m = (year + 1, 1) if end_month == 12 else (year, end_month + 1)
        return date(y, m, MID_MONTH_DAY)
    if rhythm == "annual":
        return date(year + 1, *SPRING_RELEASE)
    raise ValueError(f"no release date for rhythm {rhythm!r}; expected one of {RHYTHMS[:-1]}")


def _period_code(year: int, end_month: int, rhythm: str, basis: str) -> str:
    """The period code of a release, in the indicator's format ('2024', '2024-05', '2024Q2')."""
    if rhythm == "annual" or (end_month == 12 and basis in ("cumulative", "annual")):
        return str(year)
    if basis == "quarter":
        return f"{year}Q{end_month // 3}"
    return f"{year}-{end_month:02d}"


def expected_periods(target: Target) -> list[tuple[int, int]]:
    """The (year, end month) of every release that would count for ``target``, in order: the
    target's year for a target of one year; every year from when it was set to the deadline
    for a level to reach by a deadline."""
    rhythm = target.release_rhythm
    months = {"monthly": range(2, 13),  # January and February are released together
              "quarterly": (3, 6, 9, 12), "annual": (12,)}[rhythm]
    last = target.deadline_end // 100
    first = last if target.within_year or target.set_on is None else target.set_on // 100
    out = [(y, m) for y in range(first, last + 1) for m in months]
    start = None if target.within_year else target.set_on
    return [(y, m) for y, m in out
            if y * 100 + m <= target.deadline_end and (start is None or y * 100 + m > start)]


def derive_due(target: Target, actual: Figure | None, as_of: date) -> Due | None:
    """The next figure due for ``target`` after ``as_of``, newer than its ``actual``; None when
    the rhythm is not regular or the final figure is in."""
    if target.release_rhythm not in RHYTHMS[:-1]:
        return None
    after = 0
    if actual is not None:
        p = parse_period(actual.period, target.basis)
        after = p.year * 100 + p.end_month
    periods = [(y, m) for y, m in expected_periods(target) if y * 100 + m > after]
    if not periods:
        return None
    for y, m in periods:
        on = release_date(y, m, target.release_rhythm)
        if on > as_of:
            return Due(on, _period_code(y, m, target.release_rhythm, target.basis))
    y, m = periods[-1]
    return Due(release_date(y, m, target.release_rhythm),
               _period_code(y, m, target.release_rhythm, target.basis), overdue=True)


# --- finding the figures -----------------------------------------------------------------------

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


def find_baseline(obs: pd.DataFrame, target: Target) -> Figure | None:
    """The start of the path rule: the latest figure of the target's indicator, region and
    industry for a date at or before the target was set."""
    if target.within_year or target.set_on is None:
        return None
    rows = select(obs, indicator_id=target.indicator_id, region_code=target.region_code,
                  industry_code=target.industry_code, up_to=target.set_on)
    return Figure.from_row(rows.iloc[-1]) if len(rows) else None


def find_proxy(obs: pd.DataFrame, target: Target, up_to: int | None) -> Figure | None:
    """The nearest published proxy: the latest figure (as of ``up_to``) of the target's proxy
    indicator for the same region and industry; None without a proxy indicator or figure."""
    if not target.proxy_indicator_id:
        return None
    rows = select(obs, indicator_id=target.proxy_indicator_id, region_code=target.region_code,
                  industry_code=target.industry_code, up_to=up_to)
    return Figure.from_row(rows.iloc[-1]) if len(rows) else None


def reference_date(up_to: int | None, today: date) -> date:
    """The date "next due" is counted from: the last day of the chosen month, or today for the
    latest view."""
    if up_to is None:
        return today
    y, m = divmod(up_to, 100)
    return date(y, m, monthrange(y, m)[1])


@per_version
def derive_targets(ds: Dataset, obs: pd.DataFrame, up_to: int | None, today: date
                   ) -> list[Progress]:
    """Every target with its status as of ``up_to`` (None: the latest data; the next due date
    then counts from ``today``), by deadline then target id."""
    as_of = reference_date(up_to, today)
    out = []
    for _, row in ds["targets"].sort_values(["period", "target_id"]).iterrows():
        target = Target.from_row(row, ds.indicator(row["indicator_id"]),
                                 ds.source(row["source_id"]))
        actual = find_actual(obs, target, up_to)
        out.append(derive_progress(
            target, actual, baseline=find_baseline(obs, target),
            proxy=None if actual is not None else find_proxy(obs, target, up_to),
            due=derive_due(target, actual, as_of)))
    return out


def count_statuses(progress: list[Progress]) -> dict[str, int]:
    """How many targets have each status (every status listed, zeros included)."""
    counts = {s: 0 for s in STATUSES}
    for p in progress:
        counts[p.status] += 1
    return counts
