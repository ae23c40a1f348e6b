"""Pure figure factories (``make_*_chart`` -> plotly Figure, no st.* inside) and the one theme.

Qingdao, Shandong and China keep one colour each on every chart. Fonts list CJK faces first so
Chinese renders in the browser and in static exports on machines with Noto CJK.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

REGION_COLOURS = {"370200": "#C0392B",  # Qingdao: red
                  "370000": "#2E86C1",  # Shandong: blue
                  "000000": "#7F8C8D",  # China: grey
                 "WORLD": "#6C3483"}   # World (lighthouse totals only): purple
DISTRICT_COLOUR = "#D68910"
FONT_FAMILY = ("Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
               "Arial, sans-serif")

THEME = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=13, color="#1F2A36"),
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=list(REGION_COLOURS.values()),
        xaxis=dict(showgrid=False, linecolor="#B3B6B7", ticks="outside"),
        yaxis=dict(gridcolor="#E5E8E8", zerolinecolor="#B3B6B7"),
        # Title (up to two lines: what, and a <sup> line with industry and basis) at the very
        # top, the legend on its own line just above the plot, so the two never overlap.
        title=dict(yref="container", y=1.0, yanchor="top", pad=dict(t=14), x=0.01,
                   xanchor="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
        margin=dict(l=60, r=20, t=105, b=50),
        hoverlabel=dict(font_family=FONT_FAMILY),
    )
)


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


def make_trend_chart(df: pd.DataFrame, *, x_values: list[str], region_names: dict[str, str],
                     title: str, x_title: str, y_title: str, unit: str = "%") -> go.Figure:
    """Lines by region over ``x_values``; a missing period is a gap, never joined or filled.

    ``df`` has columns region_code, x (one of ``x_values``), value and label (hover text), and
    optionally status: a derived point is drawn open, a preliminary one as a diamond.
    """
    labelled = len(x_values) <= MAX_LABELLED_POINTS
    fig = go.Figure(layout=dict(template=THEME, title=dict(text=title),
                                height=380 if labelled else 440))
    for code, name in region_names.items():
        rows = df[df["region_code"] == code].set_index("x")
        y = [rows["value"].get(x) for x in x_values]
        labels = [rows["label"].get(x, "") if "label" in rows else "" for x in x_values]
        statuses = [rows["status"].get(x, "") if "status" in rows else "" for x in x_values]
        fig.add_trace(go.Scatter(
            x=x_values, y=[None if v is None or pd.isna(v) else v for v in y], name=name,
            mode="lines+markers+text" if labelled else "lines+markers", connectgaps=False,
            line=dict(color=REGION_COLOURS.get(code, DISTRICT_COLOUR), width=2.5),
            marker=dict(size=8, symbol=[STATUS_SYMBOLS.get(s, "circle") for s in statuses],
                        line=dict(width=2, color=REGION_COLOURS.get(code, DISTRICT_COLOUR))),
            text=[f"{v:g}" if v is not None and not pd.isna(v) else "" for v in y],
            # Qingdao's values above its points, the benchmarks' below, so close rates
            # (3.8 and 3.6) stay readable.
            textposition="top center" if code == "370200" else "bottom center",
            customdata=labels,
            hovertemplate=f"{name}<br>%{{customdata}}: %{{y}}{unit}<extra></extra>"))
    fig.update_xaxes(title_text=x_title, type="category")
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
    fig = go.Figure(layout=dict(template=THEME, title=dict(text=title), height=360,
                                showlegend=False))
    names = [name for _, name, _ in bars]
    for code, name, value in bars:
        label = "" if value is None else f"{value:g}%"
        if code in notes and value is not None:
            label += f" ({notes[code]})"
        if code in gap_texts:
            label += f"<br>{gap_texts[code]}"
        fig.add_trace(go.Bar(
            x=[name], y=[value], name=name, marker_color=REGION_COLOURS.get(code, DISTRICT_COLOUR),
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
                   title: str, y_title: str) -> go.Figure:
    """Qingdao minus each benchmark in 百分点, period by period (bars; none where not derivable).

    ``df`` has columns x (one of ``x_values``), region_code (the benchmark) and gap_pp.
    """
    fig = go.Figure(layout=dict(template=THEME, title=dict(text=title), height=380,
                                barmode="group"))
    for code, name in region_names.items():
        rows = df[df["region_code"] == code].set_index("x")["gap_pp"]
        y = [rows.get(x) for x in x_values]
        fig.add_trace(go.Bar(
            x=x_values, y=y, name=name, marker_color=REGION_COLOURS.get(code, DISTRICT_COLOUR),
            text=[("" if v is None or pd.isna(v) else f"{v:+g}") for v in y],
            textposition="outside", cliponaxis=False,
            hovertemplate=f"{name}: %{{x}} %{{y:+}}<extra></extra>"))
    fig.add_hline(y=0, line_color="#566573", line_width=1)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x_values)
    fig.update_yaxes(title_text=y_title)
    return fig
