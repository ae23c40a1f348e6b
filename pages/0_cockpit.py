"""领导驾驶舱 Meeting-room mode: the headline figures and key charts, full screen, in large type,
for a 1920x1080 projector; dark or light; optionally rotating through its panels.

Same URL state as every page (lang, industry, period, v), plus its own theme= and rotate= and
the growth page's indicator=. The sidebar starts collapsed; its filters stay one click away.
"""
import streamlit as st

from components.cockpit_view import (render_cockpit_controls, render_cockpit_style,
                                     render_panels)
from components.frame import render_footer, render_frame

view = render_frame("nav_cockpit")
# A projector shows the page, not the sidebar (the frame opens it on a desktop).
st.set_page_config(initial_sidebar_state="collapsed")

# 1/ Title, what is shown, and the controls (colours, rotation, pause, indicator) -----------
render_cockpit_style()
choice = render_cockpit_controls(view)

# 2/ The panels, in the chosen colours: tiles, full-year trend, growth vs benchmarks -----------
with st.container(key=f"cockpit_{choice.theme}"):
    render_panels(view, choice)

render_footer(view)
