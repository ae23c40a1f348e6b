"""The data layer of the Qingdao industrial-economy dashboard.

It builds the Parquet tables from the human-edited CSV in ``data/src``, loads and validates them,
queries and derives (benchmark gaps in percentage points), and makes export bytes. It never
imports streamlit: the caching wrappers live in ``components``.
"""
