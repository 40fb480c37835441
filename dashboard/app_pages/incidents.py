"""Incidents: happenings (each once, however many reports) and one incident's coverage.

The list holds the incidents with a report matching the sidebar filters; a selected row (or
``?incident=<id>`` from a shared URL) shows the incident: its reports over time, its sources
and the evidence sentence of every report highlighted in its article.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, filters, ui
from dashboard import incident_data as data
from dashboard.highlight import highlight_html
from models.queries.incidents import IncidentRow

ORDERS = {"day": "Newest first", "sources": "Most sources first"}
#: Reports whose evidence is shown in full; the report table lists them all.
EVIDENCE_LIMIT = 50


def _sources(reports: pd.DataFrame) -> pd.DataFrame:
    """Per source: reports, articles (a wire copy counted as its original), first seen."""
    return (
        reports.assign(article=reports["copy_of"].fillna(reports["event_id"]))
        .groupby("source", as_index=False)
        .agg(
            reports=("event_id", "size"),
            copies=("copy_of", "count"),
            first_published=("published", "min"),
            first_seen=("seen", "min"),
        )
        .sort_values(["first_seen", "source"])
    )


def _show_incident(url: str, row: IncidentRow) -> None:
    st.subheader(f"Incident {row.id}: {row.type.replace('_', ' ')}")
    fields = {
        "Date": f"{row.event_date or 'undated'} ({row.date_precision or 'article dates'})",
        "Reports span": data.date_span(row),
        "Subtype": row.subtype or "",
        "Agents": data.actors_of(row, "agent"),
        "Targets": data.actors_of(row, "target"),
        "Participants": data.actors_of(row, "participant"),
        "Place": data.place(row),
        "Weapons": ", ".join(row.weapons),
        "Reports": f"{row.n_events} in {row.n_articles} articles from {row.n_sources} sources",
        "First / last seen": f"{row.first_seen or '-'} / {row.last_seen or '-'}",
    }
    st.dataframe(
        pd.DataFrame({"Field": list(fields), "Value": list(fields.values())}),
        hide_index=True,
        width="stretch",
    )
    reports = data.reports(url, row.id)
    if reports.empty:
        st.info("This incident has no reports left (they may have been re-extracted).")
        return
    chart_col, sources_col = st.columns([3, 2])
    per = chart_col.segmented_control(
        "Coverage per",
        list(charts.COVERAGE_FREQ),
        default="day",
        key="incident_coverage_per",
        help="hour: when eventwire stored each article; day: the same, by day.",
    )
    chart_col.plotly_chart(
        charts.coverage_chart(reports, str(per or "day")), key="incident_coverage"
    )
    sources_col.markdown("**Sources**")
    sources_col.dataframe(_sources(reports), hide_index=True, width="stretch")

    st.markdown(f"**Evidence** ({len(reports)} reports)")
    for report in data.evidence(url, row.id, EVIDENCE_LIMIT):
        title = report.title or f"article {report.article_id}"
        # st.text, not a caption: titles and URLs come from the outside and are not markdown.
        st.text(f"Event {report.event_id} · {title}" + (f" · {report.url}" if report.url else ""))
        st.markdown(
            highlight_html(
                report.article_text,
                report.start_char,
                report.end_char,
                sentence=report.sentence,
                context=200,
            ),
            unsafe_allow_html=True,
        )
    if len(reports) > EVIDENCE_LIMIT:
        st.caption(f"The first {EVIDENCE_LIMIT} reports are shown; all are in the table below.")
    with st.expander("Every report"):
        st.dataframe(reports, hide_index=True, width="stretch")


st.title("Incidents")
url = ui.require_database()
selection = filters.current()
total = data.incident_total(url, selection.filt)
if total == 0:
    ui.no_data(url)
    st.stop()

order, size, offset = ui.page_controls(total, ORDERS)
frame = data.incidents(url, selection.filt, size, offset, order)
st.caption(
    f"Incidents {offset + 1:,}–{offset + len(frame):,} of {total:,}, each one happening "
    "however many articles reported it. Select a row to see its coverage and evidence."
)
table = st.dataframe(
    frame,
    key="incidents_table",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    column_config={
        "id": st.column_config.NumberColumn("ID", format="%d"),
        "day": st.column_config.DateColumn("Day"),
        "type": "Type",
        "subtype": "Subtype",
        "agents": "Agents",
        "targets": "Targets",
        "participants": "Participants",
        "place": "Place",
        "weapons": "Weapons",
        "n_events": st.column_config.NumberColumn("Reports"),
        "n_articles": st.column_config.NumberColumn("Articles"),
        "n_sources": st.column_config.NumberColumn("Sources"),
        "first_seen": st.column_config.DateColumn("First seen"),
        "last_seen": st.column_config.DateColumn("Last seen"),
        "date_span": "Reports span",
    },
)

incident_id = ui.selected_id(frame, list(table.selection.rows), "incident")
if incident_id is None:
    st.info("Select a row to see the incident's coverage, sources and evidence.")
else:
    found = data.incident(url, incident_id)
    if found is None:
        st.warning(f"There is no incident {incident_id} (its reports may have been re-linked).")
    else:
        _show_incident(url, found)
