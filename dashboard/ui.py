"""Small Streamlit helpers shared by the pages: database guard and empty-state messages."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import data
from models.queries import EventFilter

NO_EVENTS_YET = (
    "No events yet — run `eventwire enqueue <files|dir|url>` to queue articles and "
    "`eventwire worker` to process them; this page fills in as events arrive."
)
NO_MATCH = "No events match the filters — widen them in the sidebar (or press *Reset filters*)."


def require_database() -> str:
    """Return the database URL, or explain on the page why it cannot be read and stop."""
    url = data.database_url()
    problem = data.database_problem(url)
    if problem:
        st.error(problem, icon=":material/database:")
        st.stop()
    return url


def no_data(url: str) -> None:
    """Tell the user why a chart is empty: nothing extracted yet, or filters too narrow."""
    if data.event_total(url, EventFilter(modalities=())) == 0:
        st.info(NO_EVENTS_YET, icon=":material/hourglass_empty:")
    else:
        st.info(NO_MATCH, icon=":material/filter_alt_off:")


def page_controls(total: int, orders: Mapping[str, str]) -> tuple[str, int, int]:
    """Order, page size and offset chosen above a paged table of ``total`` rows."""
    order_col, size_col, page_col = st.columns([2, 1, 1])
    order = order_col.selectbox("Order", list(orders), format_func=orders.__getitem__)
    size = size_col.selectbox("Rows per page", [25, 50, 100, 250], index=1)
    page = page_col.number_input("Page", min_value=1, max_value=math.ceil(total / size), value=1)
    return str(order), int(size), (int(page) - 1) * size


def selected_id(frame: pd.DataFrame, rows: list[int], param: str) -> int | None:
    """The id of the row to show: the selected row (kept in the URL as ``?<param>=<id>`` so
    the view can be shared), else the one a shared URL names; None once the user clears it."""
    flag = f"{param}s_selected"
    if rows:
        row_id = int(frame.iloc[rows[0]]["id"])
        st.query_params[param] = str(row_id)
        st.session_state[flag] = True
        return row_id
    if st.session_state.pop(flag, False):  # the user cleared the selection
        st.query_params.pop(param, None)
        return None
    raw = st.query_params.get(param)
    return int(raw) if raw and raw.isdigit() else None
