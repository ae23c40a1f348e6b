"""文字解读: one or two sentences generated from the numbers on screen, for a briefing.

Pure functions (no st.*). The wording follows the bureaus' releases: "同比增长9.6%，高于全省1.1个
百分点". A benchmark with no figure for the period is said to be unpublished, never skipped
silently; a bound ("10%以上") is quoted as a bound and no gap is claimed against it.
"""
from __future__ import annotations

from metrics.derive import format_number
from metrics.growth import PeriodComparison
from metrics.load import Dataset
from metrics.query import ALL_INDUSTRIES, CITY, COUNTRY, PROVINCE, Figure

from components.labels import figure_period_label, region_label

# How each indicator's subject reads: (zh for all industry, zh for one industry, en for all,
# en for one industry). "{ind}" is the industry's name.
SUBJECTS = {
    "iva": ("规上工业增加值", "{ind}增加值", "above-scale industrial value added",
            "value added of {ind}"),
    "profit": ("规上工业企业利润总额", "{ind}利润总额",
               "profits of above-scale industrial enterprises", "profits of {ind}"),
    "gdp_growth_cum": ("地区生产总值", "地区生产总值", "GDP", "GDP"),
    "secondary_va_growth_cum": ("第二产业增加值", "第二产业增加值",
                                "secondary-industry value added",
                                "secondary-industry value added"),
}
# How a benchmark is named from the subject's side: Qingdao compares with 全省/全国, a district
# with 全市.
RELATIVE = {PROVINCE: ("全省", "Shandong"), COUNTRY: ("全国", "China"), CITY: ("全市", "the city")}


def _subject_key(indicator_id: str) -> str | None:
    if indicator_id.startswith("iva_growth"):
        return "iva"
    if indicator_id.startswith("profit_growth"):
        return "profit"
    return indicator_id if indicator_id in SUBJECTS else None


def subject_phrase(ds: Dataset, fig: Figure, lang: str) -> str:
    """'规上工业增加值' / 'value added of high-tech manufacturing', or the indicator's name."""
    key = _subject_key(fig.indicator_id)
    if key is None:
        return ds.indicator(fig.indicator_id)[f"name_{lang}"]
    zh_all, zh_ind, en_all, en_ind = SUBJECTS[key]
    if fig.industry_code == ALL_INDUSTRIES:
        return zh_all if lang == "zh" else en_all
    name = ds.name("industries", fig.industry_code, lang)
    return (zh_ind if lang == "zh" else en_ind).format(ind=name)


def _rate(fig: Figure, lang: str) -> str:
    """'增长9.6%' / 'grew 9.6%', '下降2.3%' / 'fell 2.3%', with bounds and status."""
    value = format_number(abs(fig.value))
    bound = {">": ("超过", "more than "), ">=": ("", ""), "~": ("约", "about ")}.get(
        fig.qualifier, ("", ""))
    suffix = {">=": ("以上", " or more")}.get(fig.qualifier, ("", ""))
    if lang == "zh":
        verb = "下降" if fig.value < 0 else "增长"
        text = f"{verb}{bound[0]}{value}%{suffix[0]}"
        return text + ("（初步数据）" if fig.status == "preliminary" else "")
    verb = "fell" if fig.value < 0 else "grew"
    text = f"{verb} {bound[1]}{value}%{suffix[1]} year on year"
    return text + (" (preliminary)" if fig.status == "preliminary" else "")


def make_growth_sentence(ds: Dataset, comparison: PeriodComparison, lang: str) -> str:
    """The briefing sentence for one period, e.g.
    '2024年1-5月，青岛规上工业增加值同比增长9.6%，高于全省1.1个百分点，高于全国3.4个百分点。'"""
    fig = comparison.subject
    if fig is None:
        return ""
    ind = ds.indicator(fig.indicator_id)
    period = figure_period_label(fig, ind, lang)
    subject_region = region_label(ds, fig.region_code, lang)
    subject = subject_phrase(ds, fig, lang)
    clauses, missing = [], []
    for region, bench in comparison.benchmarks.items():
        name_zh, name_en = RELATIVE.get(region, (region_label(ds, region, "zh"),
                                                 region_label(ds, region, "en")))
        gap = comparison.gaps.get(region)
        if bench is None:
            missing.append(f"{name_zh}同期数据未公布" if lang == "zh"
                           else f"{name_en}'s figure for the period has not been published")
        elif gap is None:
            bench_txt = format_number(bench.value) + "%"
            clauses.append(f"{name_zh}为{bench_txt}{'以上' if bench.qualifier == '>=' else ''}"
                           if lang == "zh" else f"against {bench_txt} for {name_en}")
        elif gap.value_pp == 0:
            clauses.append(f"与{name_zh}持平" if lang == "zh" else f"level with {name_en}")
        else:
            size = format_number(abs(gap.value_pp), gap.decimals)
            if lang == "zh":
                clauses.append(f"{'高于' if gap.value_pp > 0 else '低于'}{name_zh}{size}个百分点")
            else:
                side = "above" if gap.value_pp > 0 else "below"
                clauses.append(f"{size} percentage points {side} {name_en}")
    if lang == "zh":
        parts = [f"{period}，{subject_region}{subject}同比{_rate(fig, lang)}"] + clauses + missing
        return "，".join(parts) + "。"
    head = f"In {period}, {subject_region}'s {subject} {_rate(fig, lang)}"
    if clauses:
        head += ", " + (clauses[0] if len(clauses) == 1
                        else ", ".join(clauses[:-1]) + " and " + clauses[-1])
    sentences = [head + "."] + [m[0].upper() + m[1:] + "." for m in missing]
    return " ".join(sentences)
