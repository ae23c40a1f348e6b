"""The 目标进度 (Targets) page's words and its table section: one row per target with its
status, the rule that gave it, the actual or its absence, the proxy shown as context, the date
the next figure is due, and the target's source.

The sentences of a target's card are made here too (``status_lines``, ``proxy_words``,
``due_words``), so the card, the table and the CSV say the same thing. Words come from the
:class:`~metrics.sections.base.Labeller` the caller passes in (no interface import here).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import pandas as pd

from metrics.derive import format_number
from metrics.progress import Progress
from metrics.section import DATE, NUMBER, TEXT, URL, Column, SectionModel
from metrics.sections.base import Labeller, qualifier_words, source_cells
from metrics.memo import per_version

# Comparators as printed in tables and CSV: signs, not ASCII ('=' would open a spreadsheet
# formula and be exported as "'=").
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "=": "＝"}
COMPARATOR_KEYS = {">=": "targets_cmp_ge", ">": "targets_cmp_gt", "<=": "targets_cmp_le",
                   "=": "targets_cmp_eq"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (column id, kind, catalogue key of the header), in the table's order.
TARGET_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("target", TEXT, "targets_col_target"),
    ("status", TEXT, "targets_col_status"),
    ("rule", TEXT, "targets_col_rule"),
    ("status_note", TEXT, "targets_col_status_note"),
    ("indicator", TEXT, "col_indicator"),
    ("region", TEXT, "col_region"),
    ("industry", TEXT, "col_industry"),
    ("deadline", TEXT, "targets_col_deadline"),
    ("comparator", TEXT, "targets_col_comparator"),
    ("target_value", NUMBER, "targets_col_value"),
    ("unit", TEXT, "col_unit"),
    ("actual", NUMBER, "targets_col_actual"),
    ("qualifier", TEXT, "col_qualifier"),
    ("actual_period", TEXT, "targets_col_actual_period"),
    ("share", NUMBER, "targets_col_share"),
    ("elapsed", NUMBER, "targets_col_elapsed"),
    ("on_pace_value", NUMBER, "targets_col_on_pace"),
    ("gap", NUMBER, "targets_col_gap"),
    ("pace", NUMBER, "targets_col_pace"),
    ("pace_unit", TEXT, "targets_col_pace_unit"),
    ("proxy", TEXT, "targets_col_proxy"),
    ("proxy_value", NUMBER, "targets_col_proxy_value"),
    ("proxy_unit", TEXT, "targets_col_proxy_unit"),
    ("proxy_period", TEXT, "targets_col_proxy_period"),
    ("proxy_note", TEXT, "targets_col_proxy_note"),
    ("proxy_source", TEXT, "targets_col_proxy_source"),
    ("due", DATE, "targets_col_due"),
    ("due_period", TEXT, "targets_col_due_period"),
    ("overdue", TEXT, "targets_col_overdue"),
    ("due_rule", TEXT, "targets_col_due_rule"),
    ("publisher", TEXT, "col_publisher"),
    ("source_title", TEXT, "col_source_title"),
    ("source_date", DATE, "col_source_date"),
    ("url", URL, "col_url"),
    ("carrier", TEXT, "col_carrier"),
    ("carrier_url", URL, "col_carrier_url"),
    ("tier", TEXT, "col_tier"),
    ("quote", TEXT, "col_quote"),
    ("actual_source", TEXT, "targets_col_actual_source"),
    ("target_id", TEXT, "targets_col_target_id"),
    ("source_id", TEXT, "col_source_id"),
)
# The columns a printed brief has room for on an A4 page (the CSV and Excel keep them all).
BRIEF_COLUMNS = ("target", "status", "deadline", "comparator", "target_value", "unit", "actual",
                 "share", "due")


# --- words of one target ---------------------------------------------------------------------

def target_row(lab: Labeller, target_id: str) -> dict:
    """The targets row of ``target_id`` as a dict."""
    tg = lab.ds["targets"]
    return tg[tg["target_id"] == target_id].iloc[0].to_dict()


def target_words(lab: Labeller, p: Progress) -> str:
    """The target as written: '12%以上' / '12% or more', '超过1,300亿元'."""
    ind = lab.ds.indicator(p.target.indicator_id)
    value = lab.value(p.target.target_value, "", ind)
    return lab.t(COMPARATOR_KEYS[p.target.comparator], v=value)


def deadline_words(lab: Labeller, p: Progress) -> str:
    """'2024年' for a target of one year, '2026年前' / 'by 2026' for a level to reach by then."""
    key = "targets_period_in" if p.target.within_year else "targets_period_by"
    return lab.t(key, year=p.target.deadline_end // 100)


def amount_words(lab: Labeller, indicator_id: str, amount: float) -> str:
    """A gap or pace in the indicator's unit; 百分点 / pp for percentages."""
    ind = lab.ds.indicator(indicator_id)
    amount = round(amount, 1) + 0.0
    if lab.unit(ind) == "%":
        return lab.t("targets_pp", v=format_number(amount))
    return lab.value(amount, "", ind)


def status_words(lab: Labeller, status: str) -> str:
    """'已完成' / 'Met', '进度正常' / 'On pace', ..."""
    return lab.t(f"targets_status_{status}")


def rule_words(lab: Labeller, p: Progress, *, short: bool = False) -> str:
    """The rule that decided the status, in words."""
    return lab.t(f"targets_rule_{'short_' if short else ''}{p.rule}")


def date_words(lab: Labeller, on: date) -> str:
    """'2025年4月30日' / '30 Apr 2025'."""
    return lab.t("targets_date", year=on.year, month=on.month, day=on.day,
                 month_en=MONTHS_EN[on.month - 1])


def figure_words(lab: Labeller, fig) -> tuple[str, str]:
    """A figure's value with its unit and its period, in words."""
    ind = lab.ds.indicator(fig.indicator_id)
    return lab.value(fig.value, fig.qualifier, ind), lab.period(fig.period, ind)


def check_words(lab: Labeller, p: Progress) -> str | None:
    """The arithmetic of the rule: what the actual was compared with."""
    if p.actual is None:
        return None
    ind = lab.ds.indicator(p.target.indicator_id)
    value, period = figure_words(lab, p.actual)
    if p.rule == "rate":
        return lab.t("targets_check_rate", period=period, value=value,
                     target=target_words(lab, p))
    if p.on_pace_value is None:
        return None
    expected = lab.value(round(p.on_pace_value, 1) + 0.0, "", ind)
    elapsed = format_number(p.elapsed)
    if p.rule == "path":
        base_value, base_period = figure_words(lab, p.baseline)
        return lab.t("targets_check_path", baseline=base_value, base_period=base_period,
                     target=target_words(lab, p), period=period, elapsed=elapsed,
                     expected=expected, value=value)
    return lab.t("targets_check_flow", period=period, elapsed=elapsed, expected=expected,
                 value=value)


def status_lines(lab: Labeller, p: Progress) -> list[str]:
    """The sentences under a target: its actual, the rule's comparison, gap and pace, or why
    the status is unknown (the share done is the card's progress bar)."""
    if p.actual is None:
        return [lab.t("targets_reason_no_actual")]
    value, period = figure_words(lab, p.actual)
    lines = [lab.t("targets_actual_line", value=value, period=period)]
    check = check_words(lab, p)
    if check:
        lines.append(check)
    if p.reason:
        lines.append(lab.t(f"targets_reason_{p.reason}"))
    if p.gap and p.status != "met":
        lines.append(lab.t("targets_gap_line",
                           gap=amount_words(lab, p.target.indicator_id, p.gap)))
    if p.pace is not None:
        lines.append(lab.t(f"targets_pace_{p.pace_unit}", n=p.remaining,
                           pace=amount_words(lab, p.target.indicator_id, p.pace)))
    elif p.status != "met" and p.target.within_year and p.remaining == 0:
        lines.append(lab.t("targets_year_closed"))
    return lines


def proxy_words(lab: Labeller, p: Progress, escape: Callable[[str], str] | None = None
                ) -> str | None:
    """The proxy as context ('参考数据（不是实际值）：…'), 'no published proxy', or None when
    the target has an actual (no proxy is shown then). With ``escape`` (a Markdown escaper) the
    parts are escaped and the label is bold."""
    if p.actual is not None:
        return None
    if p.proxy is None:
        return lab.t("targets_no_proxy")
    esc = escape or (lambda text: text)
    value, period = figure_words(lab, p.proxy)
    note = target_row(lab, p.target.target_id).get(f"proxy_note_{lab.lang}") or ""
    label = lab.t("targets_proxy_label")
    return lab.t("targets_proxy_line", label=f"**{label}**" if escape else label,
                 indicator=esc(lab.ds.name("indicators", p.proxy.indicator_id, lab.lang)),
                 value=esc(value), period=esc(period), note=esc(note)).strip()


def due_rule_words(lab: Labeller, p: Progress) -> str:
    """How the due date is derived from the release rhythm."""
    rhythm = p.target.release_rhythm
    return lab.t(f"targets_rhythm_{rhythm}") if rhythm else lab.t("targets_due_none")


def due_words(lab: Labeller, p: Progress) -> str | None:
    """'下一个数据：2024年的数据，预计2025年4月30日前公布（…）', overdue, or None when the
    final figure is in."""
    if p.due is None:
        return None if p.target.release_rhythm else lab.t("targets_due_none")
    ind = lab.ds.indicator(p.target.indicator_id)
    key = "targets_due_overdue" if p.due.overdue else "targets_due_line"
    return lab.t(key, period=lab.period(p.due.period, ind), date=date_words(lab, p.due.on),
                 how=due_rule_words(lab, p))


# --- the table section -------------------------------------------------------------------------

def _number(x: float | None) -> float | None:
    return None if x is None else float(x)


def make_target_record(lab: Labeller, p: Progress) -> dict:
    """One row of the table: every column of ``TARGET_COLUMNS`` for ``p``."""
    ds, tg = lab.ds, p.target
    row = target_row(lab, tg.target_id)
    ind = ds.indicator(tg.indicator_id)
    src = ds.source(row["source_id"])
    a, proxy = p.actual, p.proxy
    proxy_ind = ds.indicator(proxy.indicator_id) if proxy is not None else None
    note = [lab.t(f"targets_reason_{p.reason}")] if p.reason else []
    return {
        "target_id": tg.target_id, "target": row[f"description_{lab.lang}"],
        "status": status_words(lab, p.status), "rule": rule_words(lab, p),
        "status_note": " ".join(note + ([check_words(lab, p)] if check_words(lab, p) else [])),
        "indicator": ind[f"name_{lab.lang}"], "region": lab.region(tg.region_code),
        "industry": lab.figure_industry(tg.industry_code, ind),
        "deadline": deadline_words(lab, p), "comparator": COMPARATOR_SIGNS[tg.comparator],
        "target_value": tg.target_value, "unit": lab.unit(ind),
        "actual": None if a is None else float(a.value),
        "qualifier": "" if a is None else qualifier_words(lab, a.qualifier),
        "actual_period": "" if a is None else lab.period(a.period, ind),
        "share": _number(p.share_done), "elapsed": _number(p.elapsed),
        "on_pace_value": _number(p.on_pace_value), "gap": _number(p.gap),
        "pace": _number(p.pace),
        "pace_unit": "" if p.pace_unit is None else lab.t(f"targets_per_{p.pace_unit}"),
        "proxy": "" if proxy_ind is None else proxy_ind[f"name_{lab.lang}"],
        "proxy_value": None if proxy is None else float(proxy.value),
        "proxy_unit": "" if proxy_ind is None else lab.unit(proxy_ind),
        "proxy_period": "" if proxy is None else lab.period(proxy.period, proxy_ind),
        "proxy_note": "" if proxy is None else row.get(f"proxy_note_{lab.lang}") or "",
        "proxy_source": "" if proxy is None else ds.source(proxy.source_id)["title"],
        "due": "" if p.due is None else p.due.on.isoformat(),
        "due_period": "" if p.due is None else lab.period(p.due.period, ind),
        "overdue": "" if p.due is None else lab.t("targets_yes" if p.due.overdue
                                                  else "targets_no"),
        "due_rule": due_rule_words(lab, p),
        **source_cells(lab, src),
        "quote": row["quote"],
        "actual_source": "" if a is None else ds.source(a.source_id)["title"],
        "source_id": row["source_id"],
    }


def source_ids(progress: Sequence[Progress]) -> tuple[str, ...]:
    """The sources of the targets, their actuals and their proxies, first-seen order."""
    ids = [p.target.source_id for p in progress]
    ids += [p.actual.source_id for p in progress if p.actual is not None]
    ids += [p.proxy.source_id for p in progress if p.proxy is not None]
    return tuple(dict.fromkeys(ids))


def progress_chart_rows(lab: Labeller, progress: Sequence[Progress]) -> list[dict]:
    """The rows of the progress bars: each target's share reached, status and the words at its
    bar (or alone in its row when there is no bar: no actual, or a growth rate)."""
    rows = []
    for p in progress:
        if p.actual is None:
            text = lab.t("targets_no_actual_short")
        elif p.share_done is None:
            text = lab.t("targets_rate_no_bar", value=figure_words(lab, p.actual)[0],
                         target=target_words(lab, p))
        else:
            text = lab.t("targets_bar_text", status=status_words(lab, p.status),
                         share=format_number(p.share_done), value=figure_words(lab, p.actual)[0])
        rows.append({"label": target_row(lab, p.target.target_id)[f"description_{lab.lang}"],
                     "share": p.share_done, "status": p.status, "text": text})
    return rows


@per_version
def build_targets_section(lab: Labeller, progress: Sequence[Progress], *, industry: str,
                          point: str, status: str) -> SectionModel:
    """The table of ``progress`` (the targets shown, after the status filter ``status``), with
    the progress bars as its figure when a share of some target can be drawn."""
    cols = tuple(Column(cid, lab.t(key), kind) for cid, kind, key in TARGET_COLUMNS)
    rows = pd.DataFrame([make_target_record(lab, p) for p in progress],
                        columns=[c.id for c in cols])
    for c in cols:
        if c.kind == NUMBER:
            rows[c.id] = rows[c.id].astype("float64")
    status_label = (lab.t("targets_status_all") if status == "all"
                    else status_words(lab, status))
    filters = {lab.t("industry"): lab.industry(industry), lab.t("period"): lab.point(point),
               lab.t("targets_status"): status_label}
    figure = None
    if any(p.share_done is not None for p in progress):
        figure = lab.charts.make_progress_chart(
            progress_chart_rows(lab, progress), title=lab.t("targets_chart_title"),
            x_title=lab.t("targets_chart_x"),
            target_line_text=lab.t("targets_chart_line")).to_dict()
    return SectionModel(id="targets", lang=lab.lang, title=lab.t("targets_h_table"),
                        columns=cols, rows=rows, source_ids=source_ids(progress),
                        period_label=lab.point(point), filters=filters, figure=figure,
                        data_version=lab.ds.version, stem=("targets", status, industry, point))


def brief_section(model: SectionModel) -> SectionModel:
    """The targets section narrowed to ``BRIEF_COLUMNS`` for the printed brief."""
    return replace(model, columns=tuple(c for c in model.columns if c.id in BRIEF_COLUMNS))
