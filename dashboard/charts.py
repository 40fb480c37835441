"""Pure chart builders: a DataFrame in, a plotly Figure out (no Streamlit here).

Each function documents the columns it reads; the frames come from ``dashboard/data.py``.
Event types take their colours from the type catalogue (``data.type_colours``: built-in and
plugin types alike) and article statuses have fixed ones, so a type looks the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

#: Colour of a type the caller gave no colour for (the catalogue's neutral grey).
NEUTRAL_COLOR = "#9CA3AF"
STATUS_COLORS = {
    "queued": "#9CA3AF",
    "processing": "#3B82F6",
    "done": "#10B981",
    "failed": "#EF4444",
}
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(title=title, margin=_MARGIN, legend_title_text="")
    return fig


def event_counts_chart(
    frame: pd.DataFrame,
    bucket: str = "week",
    colours: Mapping[str, str] | None = None,
    *,
    unit: str = "events",
) -> go.Figure:
    """Stacked bars of events (or ``unit``: incidents) per time bucket, one colour per type.

    Reads ``bucket_start``, ``type``, ``count``; ``colours`` maps type names to ``#RRGGBB``
    (types it lacks are drawn in :data:`NEUTRAL_COLOR`).
    """
    colours = colours or {}
    type_colours = {t: colours.get(t, NEUTRAL_COLOR) for t in frame["type"].unique()}
    fig = px.bar(
        frame,
        x="bucket_start",
        y="count",
        color="type",
        color_discrete_map=type_colours,
        labels={"bucket_start": bucket.capitalize(), "count": unit.capitalize(), "type": "Type"},
    )
    fig.update_layout(barmode="stack", bargap=0.1)
    return _layout(fig, f"{unit.capitalize()} per {bucket} by type")


def ranked_bar_chart(
    frame: pd.DataFrame, *, label: str, value: str, title: str, value_title: str | None = None
) -> go.Figure:
    """Horizontal bars, largest on top; reads the ``label`` and ``value`` columns."""
    ordered = frame.sort_values(value, ascending=True)
    fig = px.bar(ordered, x=value, y=label, orientation="h", text=value)
    fig.update_layout(
        yaxis_title="",
        xaxis_title=value_title or value.capitalize(),
        height=max(300, 26 * len(frame)),
    )
    return _layout(fig, title)


def top_actors_chart(frame: pd.DataFrame, *, unit: str = "events") -> go.Figure:
    """Top actors bar; reads ``name``, ``country``, ``events`` (a count of ``unit``)."""
    labelled = frame.assign(
        label=[
            f"{name} ({country})" if isinstance(country, str) and country else name
            for name, country in zip(frame["name"], frame["country"])
        ]
    )
    return ranked_bar_chart(
        labelled, label="label", value="events", title="Top actors", value_title=unit.capitalize()
    )


#: pandas frequencies of the query buckets (weeks start on Monday, as in models.queries).
BUCKET_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}


def fill_missing_buckets(frame: pd.DataFrame, *, by: str, bucket: str) -> pd.DataFrame:
    """Add zero ``count`` rows for the buckets in which a ``by`` group had no events.

    SQL only returns buckets that have events; without the zeros a line chart would draw a
    straight line across quiet periods. Reads ``bucket_start``, ``by`` and ``count``.
    """
    if frame.empty:
        return frame
    starts = pd.to_datetime(frame["bucket_start"])
    every = pd.date_range(starts.min(), starts.max(), freq=BUCKET_FREQ.get(bucket, "D"))
    grid = pd.MultiIndex.from_product([every, frame[by].unique()], names=["bucket_start", by])
    counts = frame.assign(bucket_start=starts).groupby(["bucket_start", by])["count"].sum()
    return counts.reindex(grid, fill_value=0).reset_index()


def actors_over_time_chart(
    frame: pd.DataFrame, bucket: str = "week", *, unit: str = "events"
) -> go.Figure:
    """One line per actor, zeros where it had no events (or ``unit``); reads
    ``bucket_start``, ``name``, ``count``."""
    fig = px.line(
        fill_missing_buckets(frame, by="name", bucket=bucket).sort_values("bucket_start"),
        x="bucket_start",
        y="count",
        color="name",
        markers=True,
        labels={"bucket_start": bucket.capitalize(), "count": unit.capitalize(), "name": "Actor"},
    )
    return _layout(fig, f"{unit.capitalize()} per {bucket} by actor")


def interaction_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Pivot agent->target pairs into a matrix: rows sources (agents), columns targets.

    Reads ``source``, ``target``, ``events``; missing pairs are 0. Rows and columns are
    ordered by their totals, busiest first.
    """
    if frame.empty:
        return pd.DataFrame()
    matrix = frame.pivot_table(
        index="source", columns="target", values="events", aggfunc="sum", fill_value=0
    )
    rows = matrix.sum(axis=1).sort_values(ascending=False).index
    cols = matrix.sum(axis=0).sort_values(ascending=False).index
    return matrix.loc[rows, cols].astype(int)


def interaction_heatmap(frame: pd.DataFrame, *, unit: str = "events") -> go.Figure:
    """Heatmap of events (or ``unit``) per (agent, target); reads ``source``, ``target``,
    ``events``."""
    matrix = interaction_matrix(frame)
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[str(r) for r in matrix.index],
            colorscale="Blues",
            hovertemplate=f"%{{y}} → %{{x}}: %{{z}} {unit}<extra></extra>",
            texttemplate="%{z}",
        )
    )
    fig.update_layout(
        xaxis_title="Target",
        yaxis_title="Agent",
        yaxis_autorange="reversed",
        height=max(350, 30 * len(matrix.index) + 150),
    )
    return _layout(fig, "Who acts on whom (agent → target)")


#: Plotly config of the choropleth: the base map comes from the dashboard's own static folder
#: (dashboard/static/topojson, served by Streamlit), not from cdn.plot.ly, so it draws offline.
#: Relative, so it also works under a ``server.baseUrlPath``.
MAP_CONFIG = {"topojsonURL": "app/static/topojson/"}


def choropleth_chart(frame: pd.DataFrame, *, unit: str = "events") -> go.Figure:
    """World map shaded by events (or ``unit``) per country; reads ``country`` (ISO3) and
    ``events``."""
    fig = px.choropleth(
        frame,
        locations="country",
        locationmode="ISO-3",
        color="events",
        color_continuous_scale="Reds",
        hover_name="country",
        labels={"events": unit.capitalize()},
    )
    fig.update_geos(showframe=False, showcoastlines=True, projection_type="natural earth")
    fig.update_layout(height=520)
    return _layout(fig, f"{unit.capitalize()} by country")


def status_chart(frame: pd.DataFrame) -> go.Figure:
    """Articles per pipeline status; reads ``status`` and ``articles``."""
    fig = px.bar(
        frame,
        x="status",
        y="articles",
        color="status",
        color_discrete_map=STATUS_COLORS,
        text="articles",
        labels={"status": "Status", "articles": "Articles"},
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, "Articles by status")


def throughput_chart(frame: pd.DataFrame, bucket: str = "day") -> go.Figure:
    """Finished articles per bucket, done and failed stacked; reads ``bucket_start``,
    ``status``, ``count``."""
    fig = px.bar(
        frame,
        x="bucket_start",
        y="count",
        color="status",
        color_discrete_map=STATUS_COLORS,
        labels={"bucket_start": bucket.capitalize(), "count": "Articles", "status": "Status"},
    )
    fig.update_layout(barmode="stack")
    return _layout(fig, f"Articles processed per {bucket}")


#: pandas frequencies of an incident's coverage chart.
COVERAGE_FREQ = {"hour": "h", "day": "D"}


def coverage_chart(frame: pd.DataFrame, per: str = "day") -> go.Figure:
    """Reports of one incident per hour or day, one colour per source, zeros in between.

    Reads ``seen`` (when a report was published, or stored when its article gave only a
    day) and ``source``.
    """
    freq = COVERAGE_FREQ.get(per, "D")
    seen = pd.to_datetime(frame["seen"], utc=True).dt.floor(freq)
    counts = frame.assign(seen=seen).groupby(["seen", "source"]).size().rename("reports")
    if not counts.empty:
        every = pd.date_range(seen.min(), seen.max(), freq=freq)
        grid = pd.MultiIndex.from_product(
            [every, frame["source"].unique()], names=["seen", "source"]
        )
        counts = counts.reindex(grid, fill_value=0)
    fig = px.bar(
        counts.reset_index(),
        x="seen",
        y="reports",
        color="source",
        labels={"seen": per.capitalize(), "reports": "Reports", "source": "Source"},
    )
    fig.update_layout(barmode="stack", bargap=0.1)
    return _layout(fig, f"Reports per {per}")
