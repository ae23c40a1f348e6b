"""Pure figure factories (``make_*_chart`` -> plotly Figure, no st.* inside) and the one theme.

Qingdao, Shandong and China keep one colour each on every chart. Fonts list CJK faces first so
Chinese renders in the browser and in static exports on machines with Noto CJK.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go

REGION_COLOURS = {"370200": "#C0392B",  # Qingdao: red
                  "370000": "#2E86C1",  # Shandong: blue
                  "000000": "#7F8C8D",  # China: grey
                 "WORLD": "#6C3483"}   # World (lighthouse totals only): purple
DISTRICT_COLOUR = "#D68910"
# Regions without a fixed colour (a district, peer cities), in the order a chart lists them:
# distinct hues, each at least 3:1 against white (WCAG 1.4.11), none close to the fixed ones.
OTHER_COLOURS = (DISTRICT_COLOUR, "#117A65", "#7D3C98", "#A04000", "#196F3D", "#B03A2E",
                 "#1A5276", "#7E5109", "#4A235A", "#0E6251", "#6E2C00", "#424949", "#154360",
                 "#78281F")


def region_colours(codes) -> dict[str, str]:
    """The colour of each region code: the fixed one for Qingdao, Shandong, China and the world,
    else the next of OTHER_COLOURS in the order given (so a chart never repeats a colour)."""
    others = iter(OTHER_COLOURS * 2)
    return {c: REGION_COLOURS[c] if c in REGION_COLOURS else next(others) for c in codes}
FONT_FAMILY = ("Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
               "Arial, sans-serif")

# Room at the top of every chart for plotly's toolbar (the modebar: 2-28 px from the top), so
# that a title (whose box starts ~16 px above its pad) never sits under it, on a phone least.
TOOLBAR_ROOM = 46
# A title line holds at most this many width units (a CJK character counts 2): at 16 px it
# fits a 390 px phone's chart (~355 px); longer lines wrap.
TITLE_UNITS = 40

THEME = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=13, color="#1F2A36"),
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=list(REGION_COLOURS.values()),
        xaxis=dict(showgrid=False, linecolor="#B3B6B7", ticks="outside"),
        # Thousands separated (1,557), trailing zeros dropped (2.5, not 2.50).
        yaxis=dict(gridcolor="#E5E8E8", zerolinecolor="#B3B6B7", tickformat=",~f"),
        # Title (what, and a <sup> line with industry and basis; long lines wrapped by
        # title_layout) below a strip kept free for plotly's toolbar, the legend on its own line
        # just above the plot, so title, toolbar and legend never overlap.
        title=dict(yref="container", y=1.0, yanchor="top", pad=dict(t=TOOLBAR_ROOM), x=0.01,
                   xanchor="left", font=dict(size=16)),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
        margin=dict(l=60, r=20, t=105, b=50),
        hoverlabel=dict(font_family=FONT_FAMILY),
    )
)


TITLE_LINE_PX, SUB_LINE_PX, LEGEND_ROW_PX = 22, 17, 34
_SUP = re.compile(r"^<sup>(.*)</sup>$")
_NO_LINE_START = "，、；：。）％》"


def _units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_line(text: str, units: int = TITLE_UNITS) -> list[str]:
    """Break one line of a title into lines of at most ``units`` width units: after a space or
    a punctuation mark where possible (Latin words are never split), else between CJK
    characters."""
    lines, rest = [], text
    while _units(rest) > units:
        cut, used = 0, 0
        for i, c in enumerate(rest):
            used += _units(c)
            if used > units:
                break
            nxt = rest[i + 1] if i + 1 < len(rest) else ""
            if c in " ,;，、；：:·" or (_units(c) == 2 and _units(nxt) == 2
                                          and nxt not in _NO_LINE_START):
                cut = i + 1
        if cut == 0:  # one long word: break it where it reaches the limit
            cut = max(1, i)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines + ([rest] if rest else [])


def wrap_title(title: str, units: int = TITLE_UNITS) -> tuple[str, int, int]:
    """The title with long lines wrapped (a <sup> line stays <sup> on each of its lines);
    returns (text, main lines, sup lines)."""
    out, main, sub = [], 0, 0
    for line in title.split("<br>"):
        match = _SUP.match(line)
        if match:
            parts = wrap_line(match.group(1), int(units * 1.3))
            out += [f"<sup>{p}</sup>" for p in parts]
            sub += len(parts)
        else:
            parts = wrap_line(line, units)
            out += parts
            main += len(parts)
    return "<br>".join(out), main, sub


def title_layout(title: str, legend: bool = True) -> dict:
    """Layout for ``title``: wrapped, below the toolbar's strip, with the top margin it needs
    (and a legend row under it when ``legend``)."""
    text, main, sub = wrap_title(title)
    top = TOOLBAR_ROOM + main * TITLE_LINE_PX + sub * SUB_LINE_PX + (LEGEND_ROW_PX if legend
                                                                      else 12)
    return dict(title=dict(text=text), margin=dict(t=top))


def make_empty_chart(message: str) -> go.Figure:
    """A blank figure that says why there is nothing to draw."""
    fig = go.Figure(layout=dict(template=THEME, height=220))
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# Marker shapes by observation status: published figures are filled circles.
STATUS_SYMBOLS = {"derived": "circle-open", "preliminary": "diamond"}
# Beyond this many periods the value labels on the points would overlap: hover shows them.
MAX_LABELLED_POINTS = 16


# Tick labels of a date axis: years when the ticks are a year or more apart, else months.
DATE_TICKS = [dict(dtickrange=[None, "M6"], value="%Y-%m"),
              dict(dtickrange=["M12", None], value="%Y")]


def date_axis(**extra) -> dict:
    """An x axis of period ends whose ticks adapt to the range and the width (plotly picks
    months, quarters, half-years or years), labelled %Y-%m or %Y, never rotated."""
    return dict(type="date", tickformatstops=DATE_TICKS, tickangle=0, **extra)


def make_trend_chart(df: pd.DataFrame, *, x_values: list[str], region_names: dict[str, str],
                     title: str, x_title: str, y_title: str, unit: str = "%",
                     x_dates: list | None = None,
                     no_figure_text: str | None = None) -> go.Figure:
    """Lines by region over ``x_values``; a missing period is a gap, never joined or filled.

    ``df`` has columns region_code, x (one of ``x_values``), value and label (hover text), and
    optionally status: a derived point is drawn open, a preliminary one as a diamond.
    With ``x_dates`` (the end date of each of ``x_values``) the axis is a date axis whose ticks
    adapt to the range (years or quarters, not every period); else each value is a category.
    A region without a single figure gets no trace (no empty legend entry): with
    ``no_figure_text`` (a template with ``{names}``) the chart says which regions have none.
    """
    labelled = len(x_values) <= MAX_LABELLED_POINTS
    fig = go.Figure(layout=dict(template=THEME, height=380 if labelled else 440))
    xs = list(x_dates) if x_dates is not None else x_values
    empty = []
    colours = region_colours(region_names)
    for code, name in region_names.items():
        rows = df[df["region_code"] == code].set_index("x")
        y = [rows["value"].get(x) for x in x_values]
        y = [None if v is None or pd.isna(v) else v for v in y]
        if all(v is None for v in y):
            empty.append(name)
            continue
        labels = [rows["label"].get(x, "") if "label" in rows else "" for x in x_values]
        statuses = [rows["status"].get(x, "") if "status" in rows else "" for x in x_values]
        fig.add_trace(go.Scatter(
            x=xs, y=y, name=name,
            mode="lines+markers+text" if labelled else "lines+markers", connectgaps=False,
            line=dict(color=colours[code], width=2.5),
            marker=dict(size=8, symbol=[STATUS_SYMBOLS.get(s, "circle") for s in statuses],
                        line=dict(width=2, color=colours[code])),
            text=[f"{v:g}" if v is not None else "" for v in y],
            # Qingdao's values above its points, the benchmarks' below, so close rates
            # (3.8 and 3.6) stay readable.
            textposition="top center" if code == "370200" else "bottom center",
            customdata=labels,
            hovertemplate=f"{name}<br>%{{customdata}}: %{{y}}{unit}<extra></extra>"))
    fig.update_layout(**title_layout(title))
    if empty and no_figure_text:
        fig.add_annotation(text=no_figure_text.format(names=" · ".join(empty)),
                           showarrow=False, xref="paper", yref="paper", x=1, y=1.01,
                           xanchor="right", yanchor="bottom", font=dict(color="#7F8C8D"))
    if x_dates is not None:
        fig.update_xaxes(title_text=x_title, **date_axis())
    else:
        fig.update_xaxes(title_text=x_title, type="category", categoryorder="array",
                         categoryarray=x_values)
    fig.update_yaxes(title_text=y_title, zeroline=True)
    return fig


def make_period_bars_chart(bars: list[tuple[str, str, float | None]], *, title: str,
                           y_title: str, missing_text: str,
                           gap_texts: dict[str, str] | None = None,
                           notes: dict[str, str] | None = None) -> go.Figure:
    """One bar per region for one period: (region code, name, rate or None).

    A region with no published figure keeps its place with ``missing_text`` instead of a bar,
    so it is never read as zero. ``gap_texts`` (by region code) labels each benchmark's bar
    with its gap to Qingdao in 百分点; ``notes`` (by region code) marks a derived or preliminary
    figure next to its value.
    """
    gap_texts, notes = gap_texts or {}, notes or {}
    fig = go.Figure(layout=dict(template=THEME, height=360, showlegend=False,
                                **title_layout(title, legend=False)))
    names = [name for _, name, _ in bars]
    colours = region_colours([code for code, _, _ in bars])
    for code, name, value in bars:
        label = "" if value is None else f"{value:g}%"
        if code in notes and value is not None:
            label += f" ({notes[code]})"
        if code in gap_texts:
            label += f"<br>{gap_texts[code]}"
        fig.add_trace(go.Bar(
            x=[name], y=[value], name=name, marker_color=colours[code],
            text=[label], textposition="outside", cliponaxis=False,
            hovertemplate=f"{name}: %{{y}}%<extra></extra>"))
        if value is None:
            fig.add_annotation(x=name, y=0, text=missing_text, showarrow=False, yshift=14,
                               font=dict(color="#7F8C8D"))
    values = [v for _, _, v in bars if v is not None]
    top = max(values + [0]) * 1.35 + 1
    bottom = min(values + [0]) * 1.35 - (1 if min(values + [0]) < 0 else 0)
    fig.update_xaxes(categoryorder="array", categoryarray=names)
    fig.update_yaxes(title_text=y_title, range=[bottom, top], zeroline=True)
    return fig


def make_gap_chart(df: pd.DataFrame, *, x_values: list[str], region_names: dict[str, str],
                   title: str, y_title: str, x_dates: list | None = None) -> go.Figure:
    """Qingdao minus each benchmark in 百分点, period by period (bars; none where not derivable).

    ``df`` has columns x (one of ``x_values``), region_code (the benchmark) and gap_pp. With
    ``x_dates`` (the end date of each of ``x_values``) the axis is a date axis whose ticks adapt
    to the range; the period's own label is in the hover.
    """
    fig = go.Figure(layout=dict(template=THEME, height=380, barmode="group",
                                **title_layout(title)))
    xs = list(x_dates) if x_dates is not None else x_values
    colours = region_colours(region_names)
    for code, name in region_names.items():
        rows = df[df["region_code"] == code].set_index("x")["gap_pp"]
        y = [rows.get(x) for x in x_values]
        fig.add_trace(go.Bar(
            x=xs, y=y, name=name, marker_color=colours[code],
            text=[("" if v is None or pd.isna(v) else f"{v:+g}") for v in y],
            textposition="outside", cliponaxis=False, customdata=x_values,
            hovertemplate=f"{name}: %{{customdata}} %{{y:+}}<extra></extra>"))
    fig.add_hline(y=0, line_color="#566573", line_width=1)
    if x_dates is not None:
        fig.update_xaxes(**date_axis())
    else:
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=x_values)
    fig.update_yaxes(title_text=y_title)
    return fig
