"""Map: events per country (ISO3), by location or by the countries of the actors."""

from __future__ import annotations

import streamlit as st

from common.contract import ROLES
from dashboard import charts, data, filters, ui

#: "location" is not an actor role: the event's own place, offered beside the contract's roles.
ROLE_CHOICES = ["any", "location", *ROLES]

st.title("Map")
url = ui.require_database()
selection = filters.current()
role_choice = st.segmented_control(
    "Count a country when it is",
    ROLE_CHOICES,
    default="any",
    key="map_role",
    help="any: the event's location or any actor's country; location: where it happened; "
    "agent/target/participant: the country of an actor in that role.",
)
role = None if role_choice in (None, "any") else str(role_choice)
frame = data.country_counts(url, selection.filt, role)
if frame.empty:
    if data.event_total(url, selection.filt) == 0:
        ui.no_data(url)
    else:
        st.info("None of these events has a country for this choice.")
    st.stop()

unit = selection.unit
st.plotly_chart(
    charts.choropleth_chart(frame, unit=unit), key="map_choropleth", config=charts.MAP_CONFIG
)
st.dataframe(
    frame,
    hide_index=True,
    column_config={
        "country": "Country (ISO3)",
        "events": st.column_config.NumberColumn(unit.capitalize()),
    },
)
