"""Derived values: growth gaps in percentage points (百分点), with the arithmetic and both sources.

A gap is Qingdao's published rate minus a benchmark's published rate for the same indicator,
industry and period. Published rates are never recomputed from levels (NBS restates the prior
year's base, 可比口径), and no gap is derived against a bound such as "10 % or more".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics.query import Figure


def _decimals(x: float) -> int:
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -int(exp))


def format_number(x: float, decimals: int | None = None) -> str:
    """A number as published: as many decimals as given, no float noise ('−' as '-')."""
    d = _decimals(x) if decimals is None else decimals
    return f"{x:,.{d}f}"


@dataclass(frozen=True)
class Gap:
    """Qingdao minus a benchmark, in percentage points, with how it was derived."""

    city: Figure
    benchmark: Figure
    value_pp: float
    decimals: int

    @property
    def derivation(self) -> str:
        """The arithmetic, e.g. '9.6 - 8.5 = 1.1'."""
        a, b = self.city.value, self.benchmark.value
        b_txt = format_number(b) if b >= 0 else f"({format_number(b)})"
        return f"{format_number(a)} - {b_txt} = {format_number(self.value_pp, self.decimals)}"

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The sources of both inputs (one when they share it)."""
        return tuple(dict.fromkeys((self.city.source_id, self.benchmark.source_id)))

    def signed(self) -> str:
        """'+1.1', '-0.4' or '0.0'."""
        txt = format_number(abs(self.value_pp), self.decimals)
        if round(self.value_pp, self.decimals) == 0:
            return txt
        return ("+" if self.value_pp > 0 else "-") + txt


def derive_gap(city: Figure | None, benchmark: Figure | None) -> Gap | None:
    """The gap in 百分点, or None when either rate is missing, a bound, or from another period."""
    if city is None or benchmark is None:
        return None
    if city.qualifier or benchmark.qualifier:
        return None
    # A period the source did not state may not be the benchmark's period at all.
    if city.period_inferred or benchmark.period_inferred:
        return None
    if (city.indicator_id, city.industry_code, city.period) != (
            benchmark.indicator_id, benchmark.industry_code, benchmark.period):
        return None
    decimals = max(_decimals(city.value), _decimals(benchmark.value))
    value = round(city.value - benchmark.value, decimals)
    return Gap(city, benchmark, value + 0.0, decimals)
