"""Overview: headline numbers and events over time by type, refreshed live."""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from common.settings import get_settings
from dashboard import charts, data, filters, ui

#: Seconds between live refreshes; a little above data.LIVE_TTL so each refresh is fresh.
REFRESH_SECONDS = 15


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite keeps no zone; eventwire stores UTC
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _age(moment: datetime | None) -> str:
    """``42 s ago``, ``5 min ago``, ``3 h ago``, ``12 d ago`` or ``never``."""
    if moment is None:
        return "never"
    seconds = max(0, int((datetime.now(timezone.utc) - _utc(moment)).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


st.title("Overview")
url = ui.require_database()
selection = filters.current()
live = st.toggle("Live refresh", value=True, help=f"Re-read every {REFRESH_SECONDS} seconds.")


@st.fragment(run_every=REFRESH_SECONDS if live else None)
def live_overview() -> None:
    """KPIs and the events-over-time chart; re-run on its own timer."""
    settings = get_settings()
    kpis = data.kpis(url, selection.filt)
    depth = data.queue_depth(settings.redis_url, settings.queue_name)
    articles, events, actors, queue, updated = st.columns([1, 1, 1, 1, 1.5], border=True)
    articles.metric(
        "Articles", f"{kpis.articles:,}", help=f"{kpis.articles_done:,} processed; all statuses"
    )
    unit = selection.unit
    events.metric(
        unit.capitalize(),
        f"{kpis.events:,}",
        help="Happenings with a matching report, each counted once"
        if unit == "incidents"
        else "Events (reports) matching the sidebar filters",
    )
    actors.metric("Actors", f"{kpis.actors:,}", help="Distinct actors in those events")
    queue.metric(
        "Queue depth",
        "n/a" if depth is None else f"{depth:,}",
        help=f"Messages of queue '{settings.queue_name}' not yet acknowledged by a worker"
        + (" (Redis unreachable)" if depth is None else ""),
    )
    exact = _utc(kpis.last_update).strftime("%Y-%m-%d %H:%M UTC") if kpis.last_update else "-"
    updated.metric("Last update", _age(kpis.last_update), help=f"Latest article processed: {exact}")

    counts = data.event_counts(url, selection.filt, selection.bucket)
    if counts.empty:
        ui.no_data(url)
        return
    chart, types = st.columns([4, 1])
    chart.plotly_chart(
        charts.event_counts_chart(counts, selection.bucket, data.type_colours(url), unit=unit),
        key="overview_event_counts",
    )
    types.dataframe(
        data.type_counts(url, selection.filt),
        hide_index=True,
        column_config={
            "type": "Type",
            "events": st.column_config.NumberColumn(unit.capitalize()),
        },
    )


live_overview()
