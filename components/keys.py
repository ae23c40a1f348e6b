"""Widget keys and URL parameter names, shared by the pages, the tests and the URL.

A key here is both the ``st.session_state`` key of the widget and the name of its query
parameter, so ``?lang=en&industry=C39&period=2024-05`` reproduces a view.
"""

LANG = "lang"
INDUSTRY = "industry"
PERIOD = "period"

# Page-specific controls (state in the URL too).
DATA_TABLE = "table"
DATA_SEARCH = "q"

# Download buttons (no URL state).
EXPORT_OVERVIEW = "export_overview"
EXPORT_DATA = "export_data"

SHARED = (LANG, INDUSTRY, PERIOD)
