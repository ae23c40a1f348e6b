"""Render pieces of the 增速对比 page: choices, the reading, the three views, districts, rank."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.growth import (RANK_INDICATORS, PeriodComparison, city_periods,
                            comparison_periods, default_period, derive_peer_rank,
                            derive_period_comparison, districts_with_figures, growth_indicators,
                            nearest_published_industry, peer_codes, peers_with_figures,
                            rank_figures, series_years)
from metrics.periods import parse_period
from metrics.query import (ALL_INDUSTRIES, BENCHMARK_REGIONS, CITY, COUNTRY, LATEST, PROVINCE,
                           Figure, available_points, end_to_point)
from metrics.sections.growth import build_district_section, build_growth_section

from components import keys
from components.i18n import t
from components.labels import (figure_industry_label, figure_period_label, industry_label,
                               period_label, region_label)
from components.provenance import md_escape, render_source_caption, render_source_popover
from components.sentences import make_growth_sentence
from components.state import (render_url_multiselect, render_url_segmented,
                              render_url_selectbox, set_url_value, url_value)
from components.section import render_section
from components.section_labels import make_labeller

BENCHMARK_CHOICES = {"all": BENCHMARK_REGIONS, "province": (PROVINCE,), "country": (COUNTRY,)}
VIEWS = ("time", "period", "gap")
DEFAULT_FIRST_YEAR = "2022"
# Session key: the (indicator, industry) the held period was chosen under.
PERIOD_CONTEXT = "_growth_period_context"
# The sidebar point and the page's period seen at the last run (they follow each other).
SIDEBAR_POINT = "_growth_sidebar_point"
CHOSEN_PERIOD = "_growth_chosen_period"


@dataclass(frozen=True)
class GrowthChoice:
    """What the official chose on the page (all of it kept in the URL)."""

    indicator: str
    mode: str
    benchmarks: tuple[str, ...]
    year_from: int
    year_to: int
    period: str | None
    # The period held before a change of indicator or industry, when Qingdao had no figure for
    # it and the page moved to Qingdao's latest period instead (None otherwise).
    moved_from: str | None = None
    # Peer cities chosen in the picker (also at the end of ``benchmarks``).
    peers: tuple[str, ...] = ()

    @property
    def regions(self) -> tuple[str, ...]:
        return (CITY, *self.benchmarks)


def render_growth_controls(view) -> GrowthChoice:
    """The indicator, period, view, benchmarks and year range controls.

    Rows sized so that no button group is cut at 1280 px (two segmented controls share a row
    only with each other) and everything stacks on a phone.
    """
    lang, ds, obs = view.lang, view.ds, view.obs
    c1, c6 = st.columns([3, 2])
    c2, c3 = st.columns([1, 1.2])
    c4, c5, c7 = st.columns([1, 1, 3])
    indicators = growth_indicators(obs)
    indicator = render_url_selectbox(c1, t("growth_indicator", lang), keys.GROWTH_INDICATOR,
                                     indicators, indicators[0],
                                     lambda i: ds.name("indicators", i, lang))
    mode = render_url_segmented(c2, t("growth_view", lang), keys.GROWTH_VIEW, VIEWS, "time",
                                lambda v: t(f"growth_view_{v}", lang))
    bench = render_url_segmented(c3, t("growth_bench", lang), keys.GROWTH_BENCH,
                                 tuple(BENCHMARK_CHOICES), "all",
                                 lambda b: t(f"growth_bench_{b}", lang))
    years = [str(y) for y in series_years(obs, indicator, view.up_to)] or ["2024"]
    # The page's default span is 2022 to the latest year; 2021 baselines stay reachable.
    first = DEFAULT_FIRST_YEAR if DEFAULT_FIRST_YEAR in years else years[0]
    y0 = render_url_selectbox(c4, t("growth_from", lang), keys.GROWTH_FROM, years, first, str)
    y1 = render_url_selectbox(c5, t("growth_to", lang), keys.GROWTH_TO, years, years[-1], str)
    year_from, year_to = sorted((int(y0), int(y1)))
    peers = _render_peer_picker(view, c7, indicator)
    benchmarks = (*BENCHMARK_CHOICES[bench], *peers)
    # Periods where Qingdao or a chosen benchmark published, as of the sidebar's point.
    periods = comparison_periods(obs, indicator, view.industry, (CITY, *benchmarks),
                                 view.up_to)
    period = moved_from = None
    if periods:
        default = default_period(obs, indicator, view.industry, view.up_to) or periods[0]
        _follow_sidebar(view, periods, default)
        moved_from = _follow_qingdao(view, indicator, periods, default)
        ind = ds.indicator(indicator)
        period = render_url_selectbox(c6, t("growth_at", lang), keys.GROWTH_AT, periods, default,
                                      lambda p: period_label(p, ind, lang))
        if moved_from is None and st.session_state.get(PERIOD_CONTEXT) == (indicator,
                                                                         view.industry):
            _lead_sidebar(view, period, ind)
        else:  # the page moved the period itself (a switch of indicator or industry)
            st.session_state[CHOSEN_PERIOD] = period
    st.session_state[PERIOD_CONTEXT] = (indicator, view.industry)
    return GrowthChoice(indicator, mode, benchmarks, year_from, year_to, period, moved_from,
                        peers)


def _render_peer_picker(view, container, indicator: str) -> tuple[str, ...]:
    """The peer-city picker (like Our World in Data's entity picker): every sub-provincial
    city, those with a figure for the indicator and industry first, the others marked as having
    none (a link naming one still opens; the chart then says it has no figure)."""
    lang, ds = view.lang, view.ds
    have = peers_with_figures(ds, view.obs, indicator, view.industry, view.up_to)
    options = have + [c for c in peer_codes(ds) if c not in have]

    def label(code: str) -> str:
        name = region_label(ds, code, lang)
        return name if code in have else t("growth_peer_none", lang, name=name)

    return render_url_multiselect(container, t("growth_peers", lang), keys.GROWTH_PEERS,
                                  options, label, t("growth_peers_placeholder", lang),
                                  t("growth_peers_help", lang, n=len(have), total=len(options)))


def _follow_sidebar(view, periods: list[str], default: str) -> None:
    """One period for every page: when the sidebar's point changes (here or on another page),
    the page's period moves to the latest period as of that point."""
    before = st.session_state.get(SIDEBAR_POINT)
    st.session_state[SIDEBAR_POINT] = view.point
    if before is not None and before != view.point:
        set_url_value(keys.GROWTH_AT, default, default)


def _lead_sidebar(view, period: str, indicator: dict) -> None:
    """A period chosen here becomes the sidebar's point (when the sidebar offers it), so the
    other pages show the same moment; the page then reruns once with both in step."""
    chosen = st.session_state.get(CHOSEN_PERIOD)
    st.session_state[CHOSEN_PERIOD] = period
    if chosen is None or chosen == period:
        return
    end = parse_period(period, indicator["period_basis"])
    point = end_to_point(end.year * 100 + end.end_month)
    if point != view.point and point in available_points(view.obs):
        set_url_value(keys.PERIOD, point, LATEST)
        st.session_state[SIDEBAR_POINT] = point
        st.rerun()


def _follow_qingdao(view, indicator: str, periods: list[str], default: str) -> str | None:
    """After a change of indicator or industry, move a held period for which Qingdao has no
    figure to Qingdao's latest period; returns the period left, or None when nothing moved.

    A period chosen under the same indicator and industry (or opened by a link) is kept.
    """
    before = st.session_state.get(PERIOD_CONTEXT)
    if before is None or before == (indicator, view.industry):
        return None
    held = url_value(keys.GROWTH_AT, periods, default)
    city = city_periods(view.obs, indicator, view.industry, view.up_to)
    if not city or held in city:
        return None
    set_url_value(keys.GROWTH_AT, city[0], default)
    return held


def render_period_notice(view, choice: GrowthChoice) -> None:
    """Say that the period moved to Qingdao's latest after a change, and from where."""
    if choice.moved_from is None or choice.period is None:
        return
    lang, ds = view.lang, view.ds
    ind = ds.indicator(choice.indicator)
    st.info(t("growth_period_moved", lang, old=period_label(choice.moved_from, ind, lang),
              new=period_label(choice.period, ind, lang),
              indicator=ds.name("indicators", choice.indicator, lang),
              industry=figure_industry_label(ds, view.industry, ind, lang)),
            icon=":material/event_repeat:")


def render_industry_fallback(view, choice: GrowthChoice) -> None:
    """Say in one line that the industry has no rates, and offer the nearest published level."""
    lang, ds = view.lang, view.ds
    st.info(t("growth_no_industry", lang, industry=industry_label(ds, view.industry, lang),
              indicator=ds.name("indicators", choice.indicator, lang)), icon=":material/info:")
    nearest = nearest_published_industry(ds, view.obs, choice.indicator, view.industry)
    if nearest is None:
        st.caption(t("growth_nearest_none", lang))
    elif st.button(t("growth_nearest", lang, industry=industry_label(ds, nearest, lang)),
                   key="growth_nearest_button"):
        set_url_value(keys.INDUSTRY, nearest, ALL_INDUSTRIES)
        st.rerun()


def render_reading(view, comparison: PeriodComparison, choice: GrowthChoice) -> None:
    """The generated sentence in a code box (which has a copy button), and its sources."""
    lang, ds = view.lang, view.ds
    st.subheader(t("growth_reading", lang))
    sentence = make_growth_sentence(ds, comparison, lang)
    if not sentence:
        label = (period_label(choice.period, ds.indicator(choice.indicator), lang)
                 if choice.period else "")
        st.caption(t("growth_no_city", lang, period=label))
        return
    st.code(sentence, language=None, wrap_lines=True)
    st.caption(t("growth_reading_help", lang))
    figs = [comparison.subject, *comparison.benchmarks.values()]
    render_source_caption(ds, [f.source_id for f in figs if f], lang)


def render_growth_section(view, choice: GrowthChoice, comparison: PeriodComparison):
    """The chosen view (rates over time, one period, or the gap over time) through the one
    section renderer; returns its model (for the brief)."""
    lab = make_labeller(view.ds, view.lang)
    model = build_growth_section(lab, view.obs, choice, view.industry, view.point, view.up_to,
                                 comparison, make_growth_sentence(view.ds, comparison, view.lang)
                                 or None)
    details, derivations = (), ()
    if choice.mode == "period":
        details = [comparison.subject, *comparison.benchmarks.values()]
        derivations = [g.derivation for g in comparison.gaps.values() if g is not None]
    render_section(view, model, key=f"growth_{choice.mode}",
                   table="expanded" if choice.mode == "period" else "expander",
                   details=details, derivations=derivations)
    return model


def render_districts(view, choice: GrowthChoice):
    """A district against the city for the same period; which districts have no figure.
    Returns the district section's model, or None when no district has a figure."""
    ds, lang, obs = view.ds, view.lang, view.obs
    st.subheader(t("growth_districts", lang))
    have, none = districts_with_figures(ds, obs, choice.indicator, view.industry, view.up_to)
    names = lambda codes: "、".join(region_label(ds, c, lang) for c in codes) if lang == "zh" \
        else ", ".join(region_label(ds, c, lang) for c in codes)  # noqa: E731
    if not have:
        st.caption(t("growth_districts_nothing", lang))
        return None
    st.caption(t("growth_districts_have", lang, names=names(have)))
    if none:
        st.caption(t("growth_districts_none", lang, names=names(none)))
    district = render_url_selectbox(st, t("growth_district", lang), keys.GROWTH_DISTRICT, have,
                                    have[0], lambda c: region_label(ds, c, lang))
    periods = comparison_periods(obs, choice.indicator, view.industry, (district,), view.up_to)
    comparisons = [derive_period_comparison(obs, choice.indicator, view.industry, p,
                                            subject=district, benchmarks=(CITY,))
                   for p in periods]
    if not comparisons:
        st.caption(t("growth_district_none_yet", lang))
        return None
    # The reading is for the page's chosen period when the district published it, else for the
    # district's latest period as of the sidebar's point.
    reading = next((c for c in comparisons if c.subject.period == choice.period), comparisons[0])
    sentence = make_growth_sentence(ds, reading, lang)
    st.code(sentence, language=None, wrap_lines=True)
    model = build_district_section(make_labeller(ds, lang), comparisons, choice, district,
                                   view.industry, view.point, sentence)
    render_section(view, model, key="growth_district")
    return model


def _rank_line(view, fig: Figure, with_context: bool) -> str:
    ds, lang = view.ds, view.lang
    ind = ds.indicator(fig.indicator_id)
    line = t("growth_rank_line", lang, indicator=ind[f"name_{lang}"], value=f"{fig.value:g}",
             period=figure_period_label(fig, ind, lang))
    if with_context:
        line += t("growth_rank_of", lang, industry=figure_industry_label(
            ds, fig.industry_code, ds.indicator(RANK_INDICATORS[fig.indicator_id]), lang),
            indicator=ds.name("indicators", RANK_INDICATORS[fig.indicator_id], lang))
    return md_escape(line)


def render_peer_rank(view, choice: GrowthChoice, peer_rank) -> None:
    """Qingdao's place among the chosen peer cities, from figures of the same period only."""
    ds, lang = view.ds, view.lang
    ind = ds.indicator(choice.indicator)
    period = period_label(choice.period, ind, lang)
    names = (lambda codes: ("、" if lang == "zh" else ", ").join(
        region_label(ds, c, lang) for c in codes))
    if peer_rank is None:
        st.caption(md_escape(t("growth_peer_rank_none", lang, period=period,
                               indicator=ind[f"name_{lang}"])))
        return
    order = ("、" if lang == "zh" else ", ").join(
        f"{region_label(ds, f.region_code, lang)} {f.value:g}%" for f in peer_rank.ranked)
    st.markdown(md_escape(t("growth_peer_rank", lang, period=period, rank=peer_rank.rank,
                            n=len(peer_rank.ranked), indicator=ind[f"name_{lang}"],
                            order=order)))
    if peer_rank.missing:
        st.caption(md_escape(t("growth_peer_missing", lang, names=names(peer_rank.missing),
                               period=period)))
    render_source_popover(ds, list(peer_rank.ranked), lang)


def render_rank(view, choice: GrowthChoice) -> None:
    """Published ranks of the chosen indicator, industry and period; ranks of anything else
    only in a closed box that says plainly what each one ranks."""
    ds, lang = view.ds, view.lang
    if not choice.period:
        return
    same, other = rank_figures(view.obs, choice.indicator, view.industry, choice.period,
                               view.up_to)
    peer_rank = (derive_peer_rank(view.obs, choice.indicator, view.industry, choice.period,
                                  choice.peers) if choice.peers else None)
    if not same and not other and not choice.peers:
        return
    st.subheader(t("growth_rank", lang))
    if choice.peers:
        render_peer_rank(view, choice, peer_rank)
    for fig in same:
        st.markdown(_rank_line(view, fig, with_context=False))
    if same:
        render_source_popover(ds, same, lang)
    else:
        ind = ds.indicator(choice.indicator)
        st.caption(t("growth_rank_none", lang,
                     indicator=ds.name("indicators", choice.indicator, lang),
                     industry=figure_industry_label(ds, view.industry, ind, lang),
                     period=period_label(choice.period, ind, lang)))
    if other:
        with st.expander(t("growth_rank_other", lang)):
            for fig in other:
                st.markdown(_rank_line(view, fig, with_context=True))
            render_source_popover(ds, other, lang)
    ranked = list(peer_rank.ranked) if peer_rank else []
    render_source_caption(ds, [f.source_id for f in same + other + ranked], lang)
