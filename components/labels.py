"""Pure text formatting of values, periods, regions and industries for display and export."""
from __future__ import annotations

from metrics.derive import format_number
from metrics.load import Dataset
from metrics.periods import label_period
from metrics.query import ALL_INDUSTRIES, LATEST

from components.i18n import MONTHS_EN, t

# Short names used in tiles, legends and sentences; districts use the regions table.
SHORT_REGION = {"WORLD": {"zh": "全球", "en": "World"},
                "000000": {"zh": "全国", "en": "China"},
                "370000": {"zh": "山东", "en": "Shandong"},
                "370200": {"zh": "青岛", "en": "Qingdao"}}


def region_label(ds: Dataset, code: str, lang: str) -> str:
    """'青岛' / 'Qingdao' for the three benchmark regions, the table name otherwise."""
    return SHORT_REGION.get(code, {}).get(lang) or ds.name("regions", code, lang)


def industry_label(ds: Dataset, code: str, lang: str) -> str:
    """An industry as shown in filters: divisions with their code, groups by name."""
    name = ds.name("industries", code, lang)
    return f"{code[1:]} {name}" if code.startswith("C") and len(code) == 3 else name


def figure_industry_label(ds: Dataset, industry_code: str, indicator: dict, lang: str) -> str:
    """The industry of a figure. ``ALL`` means above-scale industry only for indicators scoped
    规模以上; for the others (GDP, counts of champions or platforms) it means the figure is not
    split by industry, and says so."""
    if industry_code == ALL_INDUSTRIES and indicator.get("scope") != "规模以上":
        return t("industry_unsplit", lang)
    return industry_label(ds, industry_code, lang)


# English units that are themselves multipliers, written out in the value instead.
HUNDRED_MILLION_YUAN = "100 million yuan"
TEN_THOUSAND = "10 thousand "


def is_multiplier_unit(unit: str) -> bool:
    """Whether an English unit is a multiplier written into the value ('CNY 130 billion')."""
    return unit.startswith((HUNDRED_MILLION_YUAN, TEN_THOUSAND))


def unit_label(indicator: dict, lang: str) -> str:
    """The indicator's unit in ``lang``."""
    return indicator[f"unit_{lang}"]


def format_value(value: float, qualifier: str, indicator: dict, lang: str,
                 with_unit: bool = True) -> str:
    """The value as a sentence would give it, bound and unit included:
    '9.6%', '4,800多家' / '4,800+ enterprises', '超过95%' / 'more than 95%', '12%以上',
    '约13,000亿元' / 'about 13,000 100 million yuan'."""
    number = format_number(value)
    unit = unit_label(indicator, lang) if with_unit else ""
    if unit == "%":
        core = f"{number}%"
    elif unit and lang == "zh":
        core = f"{number}{unit}"
    elif unit.startswith(HUNDRED_MILLION_YUAN):
        # 1,300亿元 reads "CNY 130 billion", 13,000亿元 "CNY 1.3 trillion", as economists write
        billions = round(value / 10, 6)
        core = (f"CNY {format_number(round(billions / 1000, 6))} trillion" if billions >= 1000
                else f"CNY {format_number(billions)} billion")
    elif unit.startswith(TEN_THOUSAND):
        # 45万辆 reads "450,000 vehicles"
        core = f"{format_number(round(value * 10_000, 6))} {unit[len(TEN_THOUSAND):]}"
    elif unit:
        core = f"{number} × {unit}" if unit[0].isdigit() else f"{number} {unit}"
    else:
        core = number
    if not qualifier:
        return core
    if qualifier == ">" and unit not in ("%", ""):
        # 4,800多家 / 4,800+ enterprises: the bound sits between the number and the unit
        if lang == "zh":
            # 突破45万辆 reads 超过45万辆: 多 cannot follow a unit that is itself a multiplier
            return f"超过{core}" if unit[0] in "万亿百千" else f"{number}多{unit}"
        return f"more than {core}" if unit[0].isdigit() else f"{number}+ {unit}"
    key = {">": "qual_gt_pct" if unit == "%" else "qual_gt", ">=": "qual_ge",
           "~": "qual_approx"}[qualifier]
    return t(key, lang, v=core)


def period_label(code: str, indicator: dict, lang: str) -> str:
    """The period of a figure as an official writes it (see metrics.periods)."""
    return label_period(code, indicator["period_basis"], lang)


def figure_period_label(fig, indicator: dict, lang: str) -> str:
    """A figure's period, marked when the source did not state it and it was inferred."""
    label = period_label(fig.period, indicator, lang)
    return label + t("period_inferred_mark", lang) if fig.period_inferred else label


def status_label(fig, lang: str) -> str:
    """'已公布', '初步', '推算', marked '· 修订' when a later release revised the figure."""
    label = t(f"status_{fig.status}", lang)
    return f"{label} · {t('revised_mark', lang)}" if getattr(fig, "revised", False) else label


def point_label(point: str, lang: str) -> str:
    """A period-filter option: 'latest', a full year, or a month end."""
    if point == LATEST:
        return t("latest", lang)
    if "-" not in point:
        return t("period_year", lang, year=point)
    year, month = point.split("-")
    return t("period_month", lang, year=year, month=int(month), month_en=MONTHS_EN[int(month) - 1])
