"""Streamlit entry point: page setup, navigation and the shared sidebar; no logic here.

Run with ``streamlit run dashboard/app.py`` (database from ``EVENTWIRE_DATABASE_URL``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ (not the project) on sys.path; make the
# project importable when it is run from a checkout rather than an installed package.
_PROJECT = str(Path(__file__).resolve().parents[1])
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

from dashboard import data, filters  # noqa: E402

st.set_page_config(page_title="eventwire", page_icon=":material/public:", layout="wide")

page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("app_pages/actors.py", title="Actors", icon=":material/groups:"),
        st.Page("app_pages/incidents.py", title="Incidents", icon=":material/hub:"),
        st.Page("app_pages/events.py", title="Events", icon=":material/table_rows:"),
        st.Page("app_pages/map.py", title="Map", icon=":material/map:"),
        st.Page("app_pages/pipeline.py", title="Pipeline", icon=":material/conveyor_belt:"),
    ]
)
filters.sidebar()
st.sidebar.caption(f"Database: `{data.masked_url(data.database_url())}`")
page.run()
