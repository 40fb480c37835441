"""Actors: who appears most, who acts on whom, and how often over time."""

from __future__ import annotations

import streamlit as st

from common.contract import ROLES
from dashboard import charts, data, filters, ui

ROLE_CHOICES = ["any", *ROLES]

st.title("Actors")
url = ui.require_database()
selection = filters.current()
if data.event_total(url, selection.filt) == 0:
    ui.no_data(url)
    st.stop()

role_choice = st.segmented_control("Role", ROLE_CHOICES, default="any", key="actors_role")
role = None if role_choice in (None, "any") else str(role_choice)
limit = st.slider("Actors and countries shown", 5, 50, 15, key="actors_limit")

actors_col, countries_col = st.columns(2)
# Always the top 50, cut here: the same cached query as the timeline's candidates below
# when no role is picked, and moving the slider does not query again.
top = data.top_actors(url, selection.filt, 50, role).head(limit)
unit = selection.unit
actors_col.plotly_chart(charts.top_actors_chart(top, unit=unit), key="actors_top")
countries = data.country_counts(url, selection.filt, role).head(limit)
if countries.empty:
    countries_col.info("None of these actors has a country.")
else:
    countries_col.plotly_chart(
        charts.ranked_bar_chart(
            countries,
            label="country",
            value="events",
            title="Top countries",
            value_title=unit.capitalize(),
        ),
        key="actors_countries",
    )

st.header("Interactions")
st.caption(f"{unit.capitalize()} with an agent and a target, counted per (agent, target) pair.")
level = st.segmented_control("Pairs of", ["actor", "country"], default="actor", key="actors_level")
pairs = data.interactions(url, selection.filt, 60, str(level or "actor"))
if pairs.empty:
    st.info("No event among these has both an agent and a target.")
else:
    st.plotly_chart(charts.interaction_heatmap(pairs, unit=unit), key="actors_matrix")
    with st.expander("Pairs as a table"):
        st.dataframe(pairs, hide_index=True)

st.header("Timeline")
candidates = data.top_actors(url, selection.filt, 50, None)
labels = {
    int(row.actor_id): f"{row.name} ({row.country})"
    if isinstance(row.country, str)
    else str(row.name)
    for row in candidates.itertuples()
}
picked = st.multiselect(
    "Actors", list(labels), default=list(labels)[:5], format_func=labels.__getitem__
)
timeline = data.actor_timeline(url, selection.filt, selection.bucket, tuple(picked))
if timeline.empty:
    st.info("Pick actors with dated events to see their timeline.")
else:
    st.plotly_chart(
        charts.actors_over_time_chart(timeline, selection.bucket, unit=unit),
        key="actors_timeline",
    )
