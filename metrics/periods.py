"""Period codes: parsing, ordering and labels in both languages.

A period is a string whose meaning depends on the indicator's ``period_basis`` (see
``data/src/README.md``): ``2024-05`` is January-May 2024 for a cumulative indicator (NBS and the
local bureaus publish January and February together, so the first cumulative release is
``YYYY-02``) but May alone for a single-month one; a plain ``2024`` is the full year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BASES = ("cumulative", "month", "quarter", "annual", "as_of", "multi_year")

_PATTERNS = {
    "cumulative": re.compile(r"^(?P<y>\d{4})(-(?P<m>0[1-9]|1[0-2]))?$"),
    "month": re.compile(r"^(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(?P<y>\d{4})Q(?P<q>[1-4])$"),
    "annual": re.compile(r"^(?P<y>\d{4})$"),
    "as_of": re.compile(r"^(?P<y>\d{4})(-(?P<m>0[1-9]|1[0-2])(-(?P<d>0[1-9]|[12]\d|3[01]))?)?$"),
    "multi_year": re.compile(r"^(?P<y0>\d{4})/(?P<y>\d{4})$"),
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    """A parsed period: the year it ends in and its end month (12 for a full year)."""

    code: str
    basis: str
    year: int
    end_month: int
    day: int | None = None
    start_year: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order of the period's end."""
        return (self.year, self.end_month, self.day or 0)


def is_valid_period(code: str, basis: str) -> bool:
    """True when ``code`` follows the grammar of ``basis``."""
    try:
        parse_period(code, basis)
    except (ValueError, TypeError):
        return False
    return True


def parse_period(code: str, basis: str) -> Period:
    """Parse ``code`` under ``basis``; raises ValueError with the expected form when it fails."""
    pattern = _PATTERNS.get(basis)
    if pattern is None:
        raise ValueError(f"unknown period_basis {basis!r}; expected one of {', '.join(BASES)}")
    match = pattern.match(code or "")
    if not match:
        raise ValueError(f"period {code!r} does not fit period_basis {basis!r}")
    parts = match.groupdict()
    year = int(parts["y"])
    if basis == "quarter":
        end_month = 3 * int(parts["q"])
    elif parts.get("m"):
        end_month = int(parts["m"])
    else:
        end_month = 12
    if basis == "cumulative" and parts.get("m") == "12":
        raise ValueError(f"period {code!r}: a full-year cumulative figure is written {year}")
    if basis == "cumulative" and parts.get("m") == "01":
        raise ValueError(f"period {code!r}: January is released with February, as {year}-02")
    day = int(parts["d"]) if parts.get("d") else None
    start = int(parts["y0"]) if parts.get("y0") else None
    return Period(code, basis, year, end_month, day, start)


def label_period(code: str, basis: str, lang: str) -> str:
    """The period as an official would write it, e.g. ``2024年1-5月`` or ``Jan-May 2024``."""
    p = parse_period(code, basis)
    zh = lang == "zh"
    has_month = "-" in code or basis == "quarter"
    if basis == "cumulative":
        if not has_month:
            return f"{p.year}年" if zh else f"{p.year}"
        return (f"{p.year}年1-{p.end_month}月" if zh
                else f"Jan-{_MONTHS_EN[p.end_month - 1]} {p.year}")
    if basis == "month":
        return f"{p.year}年{p.end_month}月" if zh else f"{_MONTHS_EN[p.end_month - 1]} {p.year}"
    if basis == "quarter":
        q = p.end_month // 3
        return f"{p.year}年第{q}季度" if zh else f"Q{q} {p.year}"
    if basis == "annual":
        return f"{p.year}年" if zh else f"{p.year}"
    if basis == "multi_year":
        return f"{p.start_year}-{p.year}年" if zh else f"{p.start_year}-{p.year}"
    # as_of: a stock counted at a date
    if p.day:
        return (f"截至{p.year}年{p.end_month}月{p.day}日" if zh
                else f"as of {p.day} {_MONTHS_EN[p.end_month - 1]} {p.year}")
    if has_month:
        return (f"截至{p.year}年{p.end_month}月" if zh
                else f"as of {_MONTHS_EN[p.end_month - 1]} {p.year}")
    return f"截至{p.year}年" if zh else f"as of {p.year}"
