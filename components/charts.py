"""Pure figure factories (``make_*_chart`` -> plotly Figure, no st.* inside) and the one theme.

Qingdao, Shandong and China keep one colour each on every chart. Fonts list CJK faces first so
Chinese renders in the browser and in static exports on machines with Noto CJK.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

REGION_COLOURS = {"370200": "#C0392B",  # Qingdao: red
                  "370000": "#2E86C1",  # Shandong: blue
                  "000000": "#7F8C8D"}  # China: grey
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
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        margin=dict(l=60, r=20, t=70, b=50),
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


def make_trend_chart(df: pd.DataFrame, *, x_values: list[str], region_names: dict[str, str],
                     title: str, x_title: str, y_title: str, unit: str = "%") -> go.Figure:
    """Lines by region over ``x_values``; a missing period is a gap, never joined or filled.

    ``df`` has columns region_code, x (one of ``x_values``), value and label (hover text).
    """
    fig = go.Figure(layout=dict(template=THEME, title=dict(text=title), height=380))
    for code, name in region_names.items():
        rows = df[df["region_code"] == code].set_index("x")
        y = [rows["value"].get(x) for x in x_values]
        labels = [rows["label"].get(x, "") if "label" in rows else "" for x in x_values]
        fig.add_trace(go.Scatter(
            x=x_values, y=[None if v is None or pd.isna(v) else v for v in y], name=name,
            mode="lines+markers+text", connectgaps=False,
            line=dict(color=REGION_COLOURS.get(code, DISTRICT_COLOUR), width=2.5),
            marker=dict(size=8),
            text=[f"{v:g}" if v is not None and not pd.isna(v) else "" for v in y],
            textposition="top center", customdata=labels,
            hovertemplate=f"{name}<br>%{{customdata}}: %{{y}}{unit}<extra></extra>"))
    fig.update_xaxes(title_text=x_title, type="category")
    fig.update_yaxes(title_text=y_title, zeroline=True)
    return fig
