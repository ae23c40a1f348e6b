"""Pure figure factories of the 数字化转型, 创新能力 and 目标进度 pages (no st.* inside).

- The timeline places each published count at its own date (an "as of" count is a stock on
  that day). Points are joined by a thin dotted line only to guide the eye, and only across
  at most one year: where whole years pass with no count (China's 2018 and 2025 lists), the
  line breaks. Each region has its own panel, because Qingdao's counts (4-8
  lighthouses) would vanish on China's scale (20-99); the regions keep their colours.
- Progress bars show the share of a target reached, coloured by the target's status and
  labelled with it in words (the colour is never the only cue). A target without a published
  actual, or a growth-rate target (where a share of the rate means nothing), has no bar but a
  text in its row, so it is never read as 0 % done.
- Status lights (met / on pace / behind / unknown) carry three cues, so none depends on colour
  alone (WCAG 1.4.1): a colour, a text label and an icon of its own shape (a tick, a rising
  arrow, a falling arrow, a question mark).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts import DISTRICT_COLOUR, REGION_COLOURS, THEME, date_axis, title_layout

# Each status's Streamlit badge colour and icon. The badge draws its label in a dark shade of
# the colour on a light tint of it; the browser test measures the contrast (at least 4.5:1).
STATUS_BADGES = {"met": ("green", ":material/check_circle:"),
                 "on_pace": ("blue", ":material/trending_up:"),
                 "behind": ("red", ":material/trending_down:"),
                 "unknown": ("gray", ":material/help:")}
# The same statuses on a chart's bars: dark enough for a 4.5:1 contrast with white.
STATUS_COLOURS = {"met": "#1A7F37", "on_pace": "#1F5FA8", "behind": "#B42318",
                  "unknown": "#5F6B76"}
# Bars beyond this share of the target are cut at it (the text gives the real share).
MAX_SHARE_SHOWN = 150.0
# From this share a bar's words go inside it.
TEXT_INSIDE_FROM = 75.0
# Text of a row without a bar: grey with a 5.4:1 contrast on white (WCAG 1.4.3).
MUTED = "#5F6B76"
# Timeline panels in pixels: each panel, the room between panels for the date ticks and the
# next panel's title, and the room above the first for the chart title.
PANEL_HEIGHT, PANEL_GAP = 170, 80


def break_across_missing_years(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (sorted by date) with an empty row between two points more than one calendar
    year apart (a whole year with no count between them), so the line is not drawn there."""
    rows, prev = [], None
    for _, row in df.iterrows():
        if prev is not None and row["date"].year - prev.year > 1:
            rows.append({"date": prev + (row["date"] - prev) / 2, "value": None, "text": "",
                         "hover": "", "derived": False})
        rows.append(row.to_dict())
        prev = row["date"]
    return pd.DataFrame(rows, columns=list(df.columns) if len(df.columns) else None)


def make_timeline_chart(points: pd.DataFrame, *, region_names: dict[str, str], title: str,
                        y_title: str) -> go.Figure:
    """Counts over time, one panel per region in ``region_names`` that has points.

    ``points`` has columns region_code, date (Timestamp), value, text (the label on the point,
    e.g. '8' or '~99'), hover (period and source) and derived (bool: drawn as an open marker).
    """
    regions = [c for c in region_names if (points["region_code"] == c).any()]
    rows = max(len(regions), 1)
    head = title_layout(title, legend=False)
    top = head["margin"]["t"] + 20  # the first panel's own title
    height = top + (PANEL_HEIGHT + PANEL_GAP) * rows
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True,
                        vertical_spacing=PANEL_GAP / (height - top),
                        subplot_titles=[region_names[c] for c in regions] or [""])
    fig.update_layout(template=THEME, showlegend=False, height=height, title=head["title"],
                      margin=dict(t=top))
    for i, code in enumerate(regions, start=1):
        df = break_across_missing_years(points[points["region_code"] == code].sort_values("date"))
        colour = REGION_COLOURS.get(code, DISTRICT_COLOUR)
        symbols = ["circle-open" if d else "circle" for d in df["derived"]]
        fig.add_trace(go.Scatter(
            x=list(df["date"]), y=[None if pd.isna(v) else v for v in df["value"]],
            name=region_names[code],
            mode="lines+markers+text", connectgaps=False,
            line=dict(color=colour, width=1.5, dash="dot"),
            marker=dict(size=11, color=colour, symbol=symbols, line=dict(width=2, color=colour)),
            text=list(df["text"]), textposition="top center", cliponaxis=False,
            customdata=list(df["hover"]), hovertemplate="%{customdata}<extra></extra>"),
            row=i, col=1)
        peak = float(df["value"].max()) if df["value"].notna().any() else 1.0
        fig.update_yaxes(title_text=y_title, range=[0, peak * 1.35 + 1], rangemode="tozero",
                         row=i, col=1)
    fig.update_xaxes(showticklabels=True, **date_axis())
    return fig


def make_progress_chart(rows: list[dict], *, title: str, x_title: str,
                        target_line_text: str) -> go.Figure:
    """Horizontal bars of the share of each target reached (%), one row per target.

    Each row is a dict with ``label`` (the target, shown on the axis), ``share`` (float or None),
    ``status`` (a key of ``STATUS_COLOURS``: the bar's colour) and ``text`` (shown at the bar's
    end, naming the status in words, or alone in the row when there is no bar, e.g. 'no
    published actual'). A vertical line marks 100 % (the target).
    """
    labels = [r["label"] for r in rows]
    shares = [r["share"] for r in rows]
    shown = [None if s is None else min(s, MAX_SHARE_SHOWN) for s in shares]
    fig = go.Figure(layout=dict(template=THEME, showlegend=False,
                                height=140 + 56 * max(len(rows), 1),
                                **title_layout(title, legend=False)))
    fig.add_trace(go.Bar(
        y=labels, x=shown, orientation="h",
        marker_color=[STATUS_COLOURS.get(r.get("status"), REGION_COLOURS["370200"])
                      for r in rows],
        text=[r["text"] if s is not None else "" for r, s in zip(rows, shares)],
        # A bar past this share has its words inside (white on the dark status colours, at
        # least 5:1), or they would run off the chart's right edge.
        textposition=["inside" if s is not None and s > TEXT_INSIDE_FROM else "outside"
                      for s in shares],
        insidetextanchor="end", insidetextfont=dict(color="#FFFFFF"), cliponaxis=False,
        hovertemplate="%{y}: %{x}%<extra></extra>"))
    for r, s in zip(rows, shares):
        if s is None:
            fig.add_annotation(y=r["label"], x=0, text=r["text"], showarrow=False,
                               xanchor="left", font=dict(color=MUTED))
    fig.add_vline(x=100, line_color="#1F2A36", line_width=1.5, line_dash="dash", layer="below",
                  annotation_text=target_line_text, annotation_position="top")
    fig.update_xaxes(title_text=x_title, range=[0, MAX_SHARE_SHOWN + 20], ticksuffix="%")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1],
                     automargin=True)
    return fig
