"""The labeller the section builders (``metrics/sections``) are given: names, periods, units
and interface words in one language, and the pure figure factories. No streamlit here, so the
models can be built (and tested) without it."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from metrics.load import Dataset

from components import charts, map_charts, progress_charts
from components.i18n import t
from components.labels import (figure_industry_label, format_value, industry_label,
                               period_label, point_label, region_label, unit_label)

CHARTS = SimpleNamespace(**{name: getattr(module, name)
                            for module in (charts, map_charts, progress_charts)
                            for name in dir(module) if name.startswith("make_")})


@dataclass(frozen=True)
class Labeller:
    """Implements ``metrics.sections.base.Labeller`` with the interface catalogue."""

    ds: Dataset
    lang: str

    @property
    def charts(self):
        return CHARTS

    def t(self, key: str, **kwargs: object) -> str:
        return t(key, self.lang, **kwargs)

    def region(self, code: str) -> str:
        return region_label(self.ds, code, self.lang)

    def industry(self, code: str) -> str:
        return industry_label(self.ds, code, self.lang)

    def figure_industry(self, code: str, indicator: dict) -> str:
        return figure_industry_label(self.ds, code, indicator, self.lang)

    def period(self, code: str, indicator: dict) -> str:
        return period_label(code, indicator, self.lang)

    def point(self, point: str) -> str:
        return point_label(point, self.lang)

    def unit(self, indicator: dict) -> str:
        return unit_label(indicator, self.lang)

    def value(self, value: float, qualifier: str, indicator: dict,
              with_unit: bool = True) -> str:
        return format_value(value, qualifier, indicator, self.lang, with_unit=with_unit)


def make_labeller(ds: Dataset, lang: str) -> Labeller:
    return Labeller(ds, lang)
