"""Pure figure factory of the district map (``make_district_map_chart`` -> plotly Figure).

The map is a ``go.Choroplethmap`` on ``map_style="white-bg"``: MapLibre draws the bundled GeoJSON
with no tiles, no fonts and no other request outside the server. (``px.choropleth`` and geo
subplots fetch a world topojson from a CDN and draw nothing offline: never use them here.)

District names and values are written on the map as plotly annotations (SVG text in the page's
own fonts), not as a MapLibre text layer: plotly's "white-bg" style takes its glyphs from
fonts.openmaptiles.org, an outside request. The map's centre and zoom are fixed (no scroll zoom,
no zoom or pan buttons), so a district's label point is a fixed pixel offset from the plot's
centre (Web Mercator, MapLibre's 512-px world), whatever the chart's width. The four small city
districts get a short leader line to a label over the sea.

Limit: a drag with the mouse still pans the map (plotly and Streamlit give no way to switch
MapLibre's drag-pan off and keep click-to-select, which needs plotly's pan mode), and the labels
stay where they were until the next redraw (any choice on the page).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.charts import FONT_FAMILY, THEME, title_layout

# Qingdao's ten county-level units (lon 119.51-121.06, lat 35.58-37.15, ~350 x 440 px at this
# zoom) fit a 390 px phone's map; the centre is the city's.
MAP_CENTER = {"lon": 120.29, "lat": 36.36}
MAP_ZOOM = 7.3
MAP_HEIGHT = 520
# Counts and published figures use two different sequential scales, neither of them the red,
# blue or grey kept for Qingdao, Shandong and China.
COUNT_SCALE = "Tealgrn"
FIGURE_SCALE = "Oranges"
# A district with no published figure: a mid grey, named in the legend, the hover and on the
# map ("无数据"), never confused with a zero (a white-green tint, labelled "0").
MISSING_COLOUR = "#AEB6BF"
ZERO_COLOUR = "#F4FAF7"
# MapLibre's world is 512 px wide at zoom 0.
WORLD_PX = 512
# Labels of the small city districts: (dx, dy) in px from the district's point to its label,
# over the sea east and south of the peninsula.
# One column of labels in the sea east of the peninsula, top to bottom in the order of the
# districts' own points, so that no two leader lines cross.
CALLOUTS = {"370212": (72, -48), "370213": (107, -19), "370203": (120, -9), "370202": (120, 8)}
LABEL_FONT = 11
# A click selects a district (outlined by the page); the others keep their colours.
KEEP_OPACITY = dict(selected=dict(marker=dict(opacity=1)),
                    unselected=dict(marker=dict(opacity=1)))
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


def project(lon: float, lat: float) -> tuple[float, float]:
    """Pixels right of and below the map's centre of a point, at the map's zoom."""
    size = WORLD_PX * 2 ** MAP_ZOOM

    def merc(lo: float, la: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return (lo + 180) / 360 * size, (1 - y / math.pi) / 2 * size

    (x, y), (cx, cy) = merc(lon, lat), merc(MAP_CENTER["lon"], MAP_CENTER["lat"])
    return x - cx, y - cy


def _label_annotations(labels: Mapping[str, str],
                       points: Mapping[str, tuple[float, float]]) -> list[dict]:
    """One annotation per district label, pinned to the plot's centre and shifted in pixels."""
    out = []
    for code, text in labels.items():
        if code not in points:
            continue
        dx, dy = project(*points[code])
        note = dict(text=text, xref="paper", yref="paper", x=0.5, y=0.5, xshift=dx, yshift=-dy,
                    font=dict(size=LABEL_FONT, color="#17202A", family=FONT_FAMILY),
                    bgcolor="rgba(255,255,255,0.72)", borderpad=1, align="center",
                    name=f"label-{code}", showarrow=False)
        if code in CALLOUTS:
            ax, ay = CALLOUTS[code]
            note.update(showarrow=True, ax=ax, ay=ay, arrowhead=0, arrowwidth=1,
                        arrowcolor="#566573", standoff=1)
        out.append(note)
    return out


def make_district_map_chart(geojson: dict, *, locations: Sequence[str],
                            values: Sequence[float | None], hover_texts: Sequence[str],
                            title: str, colorbar_title: str, missing_label: str,
                            attribution: str | None = None, integer_scale: bool = False,
                            selected: str | None = None,
                            labels: Mapping[str, str] | None = None,
                            label_points: Mapping[str, tuple[float, float]] | None = None,
                            ) -> go.Figure:
    """Districts coloured by ``values``; a district whose value is None/NaN is drawn grey as
    ``missing_label`` (in its own trace, named in the legend), never as zero.

    ``labels`` (by code: name and value, e.g. '平度市<br>0') are written on the map at
    ``label_points`` (by code: lon, lat). ``attribution``, when given, is written in the map's
    corner (the page may instead credit the boundaries once below the map).

    ``locations`` are GB/T 2260 codes matching the GeoJSON features' ``id``; ``hover_texts`` (one
    per location) name the district and give the measure with unit and period. With
    ``integer_scale`` the colour bar has one band per count. ``selected`` is outlined. Each point
    carries its code as ``customdata[0]``, so a click's selection names the district.
    """
    fig = go.Figure(layout=dict(template=THEME, height=MAP_HEIGHT))
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
            colorbar = dict(title=dict(text=colorbar_title, side="top"), tickvals=ticks,
                            ticks="outside")
        else:
            # The scale starts above white, so the lowest figure never looks like a blank.
            scale = [[i / 10, c] for i, c in enumerate(
                sample_colorscale(FIGURE_SCALE, [0.2 + 0.08 * i for i in range(11)]))]
            zmin, zmax = min(z), max(z)
            if zmin == zmax:  # one district, or all equal: a band around the value
                zmin, zmax = zmin - 1, zmax + 1
            colorbar = dict(title=dict(text=colorbar_title, side="top"), tickformat=",~f")
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[locations[i] for i in shown], z=z,
            colorscale=scale, zmin=zmin, zmax=zmax, marker=dict(line=border(shown)),
            # Inside the plot, lying over the sea south-east of the city: a colour bar outside
            # would take width from the map, whose centre and zoom are fixed, and cut off the
            # west; upright on the east it would cover the labels of the city districts.
            colorbar=dict(orientation="h", len=0.42, thickness=10, x=0.99, xanchor="right",
                          y=0.02, yanchor="bottom", bgcolor="rgba(255,255,255,0.85)",
                          **colorbar),
            customdata=[[locations[i], hover_texts[i]] for i in shown],
            hovertemplate="%{customdata[1]}<extra></extra>", name=colorbar_title,
            showlegend=False, **KEEP_OPACITY))
    if missing:
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=[locations[i] for i in missing], z=[0] * len(missing),
            colorscale=[[0, MISSING_COLOUR], [1, MISSING_COLOUR]], showscale=False,
            marker=dict(line=border(missing)),
            customdata=[[locations[i], hover_texts[i]] for i in missing],
            hovertemplate="%{customdata[1]}<extra></extra>", name=missing_label,
            showlegend=True, **KEEP_OPACITY))
    head = title_layout(title, legend=bool(missing))
    fig.update_layout(
        title=head["title"],
        map=dict(style="white-bg", center=MAP_CENTER, zoom=MAP_ZOOM),
        margin=dict(l=0, r=0, t=head["margin"]["t"], b=0),
        # Between the title and the map, where it covers no district.
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"),
        hoverlabel=dict(font_family=FONT_FAMILY, bgcolor="white"))
    for note in _label_annotations(labels or {}, label_points or {}):
        fig.add_annotation(**note)
    if attribution:
        fig.add_annotation(text=attribution, showarrow=False, xref="paper", yref="paper",
                           x=0.01, y=0.01, xanchor="left", yanchor="bottom",
                           font=dict(size=10, color="#7F8C8D"))
    return fig
