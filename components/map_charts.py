"""Pure figure factory of the district map (``make_district_map_chart`` -> plotly Figure).

The map is a ``go.Choroplethmap`` on ``map_style="white-bg"``: MapLibre draws the bundled GeoJSON
with no tiles, no fonts and no other request outside the server. (``px.choropleth`` and geo
subplots fetch a world topojson from a CDN and draw nothing offline: never use them here.) No
text layer is drawn on the map itself, since MapLibre would fetch glyphs for it; names are in
the hover and the tables.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.charts import FONT_FAMILY, THEME

# Qingdao's ten county-level units (lon 119.51-121.06, lat 35.58-37.15) fill a ~520 px map at
# this zoom; the centre sits a little east of the city's, leaving the colour bar the sea.
MAP_CENTER = {"lon": 120.35, "lat": 36.33}
MAP_ZOOM = 7.3
MAP_HEIGHT = 520
# Counts and published figures use two different sequential scales, neither of them the red,
# blue or grey kept for Qingdao, Shandong and China.
COUNT_SCALE = "Tealgrn"
FIGURE_SCALE = "Oranges"
# A district with no published figure: light grey, named in the legend and the hover.
MISSING_COLOUR = "#D5D8DC"
ZERO_COLOUR = "#F4FAF7"
BORDER_COLOUR = "#85929E"
SELECTED_BORDER = "#17202A"
# Beyond this many integer steps the colour bar labels every n-th count only.
MAX_COUNT_TICKS = 12


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def make_count_colorscale(max_count: int) -> tuple[list[list], float, float, list[int]]:
    """A stepped scale for the counts 0..max_count: one flat colour per integer.

    Returns (colorscale, zmin, zmax, tick values); each count sits in the middle of its band.
    """
    steps = max(int(max_count), 0) + 1
    # 0 is a near-white tint (nothing located there), 1..max run along the sequential scale.
    colours = [ZERO_COLOUR] + sample_colorscale(
        COUNT_SCALE, [0.15 + 0.85 * i / max(steps - 2, 1) for i in range(steps - 1)])
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / steps, colour], [(i + 1) / steps, colour]]
    every = max(1, math.ceil(steps / MAX_COUNT_TICKS))
    return scale, -0.5, steps - 0.5, list(range(0, steps, every))


def make_district_map_chart(geojson: dict, *, locations: Sequence[str],
                            values: Sequence[float | None], hover_texts: Sequence[str],
                            title: str, colorbar_title: str, missing_label: str,
                            attribution: str, integer_scale: bool = False,
                            selected: str | None = None) -> go.Figure:
    """Districts coloured by ``values``; a district whose value is None/NaN is drawn light grey
    as ``missing_label`` (in its own trace, named in the legend), never as zero.

    ``locations`` are GB/T 2260 codes matching the GeoJSON features' ``id``; ``hover_texts`` (one
    per location) name the district and give the measure with unit and period. With
    ``integer_scale`` the colour bar has one band per count. ``selected`` is outlined. Each point
    carries its code as ``customdata[0]``, so a click's selection names the district.
    """
    fig = go.Figure(layout=dict(template=THEME, title=dict(text=title), height=MAP_HEIGHT))
    shown = [i for i, v in enumerate(values) if not _is_missing(v)]
    missing = [i for i, v in enumerate(values) if _is_missing(v)]

    def border(idx: list[int]) -> dict:
        return dict(color=[SELECTED_BORDER if locations[i] == selected else BORDER_COLOUR
                           for i in idx],
                    width=[3 if locations[i] == selected else 0.8 for i in idx])

    if shown:
        z = [float(values[i]) for i in shown]
        if integer_scale:
            scale, zmin, zmax, ticks = make_count_colorscale(int(max(z)))
            colorbar = dict(title=dict(text=colorbar_title), tickvals=ticks, ticks="outside")
        else:
            # The scale starts above white, so the lowest figure never looks like a blank.
            scale = [[i / 10, c] for i, c in enumerate(
                sample_colorscale(FIGURE_SCALE, [0.2 + 0.08 * i for i in range(11)]))]
            zmin, zmax = min(z), max(z)
            if zmin == zmax:  # one district, or all equal: a band around the value
                zmin, zmax = zmin - 1, zmax + 1
            colorbar = dict(title=dict(text=colorbar_title))
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[locations[i] for i in shown], z=z,
            colorscale=scale, zmin=zmin, zmax=zmax, marker=dict(line=border(shown)),
            # Inside the plot, over the sea east of the city: a colour bar outside would take
            # width from the map, whose centre and zoom are fixed, and cut off the west.
            colorbar=dict(len=0.6, y=0.4, thickness=14, x=0.99, xanchor="right",
                          bgcolor="rgba(255,255,255,0.8)", **colorbar),
            customdata=[[locations[i], hover_texts[i]] for i in shown],
            hovertemplate="%{customdata[1]}<extra></extra>", name=colorbar_title,
            showlegend=False))
    if missing:
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[locations[i] for i in missing], z=[0] * len(missing),
            colorscale=[[0, MISSING_COLOUR], [1, MISSING_COLOUR]], showscale=False,
            marker=dict(line=border(missing)),
            customdata=[[locations[i], hover_texts[i]] for i in missing],
            hovertemplate="%{customdata[1]}<extra></extra>", name=missing_label,
            showlegend=True))
    fig.update_layout(
        map=dict(style="white-bg", center=MAP_CENTER, zoom=MAP_ZOOM),
        margin=dict(l=0, r=0, t=90, b=0),
        # Between the title and the map, where it covers no district.
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"),
        hoverlabel=dict(font_family=FONT_FAMILY, bgcolor="white"))
    fig.add_annotation(text=attribution, showarrow=False, xref="paper", yref="paper", x=0.99,
                       y=0.01, xanchor="right", yanchor="bottom",
                       font=dict(size=10, color="#7F8C8D"))
    return fig
