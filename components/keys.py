"""Widget keys and URL parameter names, shared by the pages, the tests and the URL.

A key here is both the ``st.session_state`` key of the widget and the name of its query
parameter, so ``?lang=en&industry=C39&period=2024-05`` reproduces a view.
"""

LANG = "lang"
INDUSTRY = "industry"
PERIOD = "period"
# A data version a link is pinned to (absent: the current version).
VERSION = "v"

# Page-specific controls (state in the URL too).
DATA_TABLE = "table"
DATA_SEARCH = "q"

# 增速对比 Growth vs benchmarks
GROWTH_INDICATOR = "indicator"
GROWTH_VIEW = "view"
GROWTH_AT = "at"
GROWTH_FROM = "from"
GROWTH_TO = "to"
GROWTH_DISTRICT = "gdistrict"
GROWTH_BENCH = "bench"
# Peer cities compared with Qingdao: GB/T 2260 codes joined by commas (peers=370100,330200).
GROWTH_PEERS = "peers"

# 产业集群 Cluster map
MAP_MEASURE = "measure"
MAP_ENTITY_TYPE = "etype"
MAP_LEVEL = "level"
MAP_DISTRICT = "district"
MAP_FIGURE = "figure"
MAP_FIGURE_PERIOD = "fperiod"

# 数字化转型 / 创新能力 / 目标进度
DIGITAL_VIEW = "dview"
INNOVATION_GROUP = "group"
TARGETS_STATUS = "tstatus"

# 领导驾驶舱 Meeting-room mode
COCKPIT_THEME = "theme"
COCKPIT_ROTATE = "rotate"

# Download buttons (no URL state). Each section's downloads are keyed by the section
# renderer (``dl_<section>_<ext>``); the data page's zip bundle has its own key.
EXPORT_DATA_ZIP = "dl_data_table_zip"

SHARED = (LANG, INDUSTRY, PERIOD, VERSION)
