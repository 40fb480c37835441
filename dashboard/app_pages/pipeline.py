"""Pipeline: articles by status, throughput over time and failures with their error."""

from __future__ import annotations

import streamlit as st

from common.settings import get_settings
from dashboard import charts, data, filters, ui

st.title("Pipeline")
url = ui.require_database()
selection = filters.current()
settings = get_settings()
st.caption(
    f"Database `{data.masked_url(url)}` · queue `{settings.queue_name}`. "
    "The event filters do not apply on this page; the time bucket does."
)

status = data.status_counts(url)
depth = data.queue_depth(settings.redis_url, settings.queue_name)
columns = st.columns(len(status) + 1, border=True)
for column, row in zip(columns, status.itertuples()):
    column.metric(str(row.status).capitalize(), f"{row.articles:,}")
columns[-1].metric("Queue depth", "n/a" if depth is None else f"{depth:,}")

if int(status["articles"].sum()) == 0:
    st.info(
        "No articles yet — run `eventwire enqueue <files|dir|url>` to queue some and "
        "`eventwire worker` to process them.",
        icon=":material/hourglass_empty:",
    )
    st.stop()

status_col, throughput_col = st.columns(2)
status_col.plotly_chart(charts.status_chart(status), key="pipeline_status")
throughput = data.throughput(url, selection.bucket)
if throughput.empty:
    throughput_col.info("No article has finished processing yet.")
else:
    throughput_col.plotly_chart(
        charts.throughput_chart(throughput, selection.bucket), key="pipeline_throughput"
    )

st.header("Failures")
failed = data.failures(url, 100)
if failed.empty:
    st.success("No failed articles.", icon=":material/check_circle:")
else:
    st.dataframe(
        failed,
        hide_index=True,
        column_config={
            "id": st.column_config.NumberColumn("Article", format="%d"),
            "title": "Title",
            "url": st.column_config.LinkColumn("URL"),
            "source": "Source",
            "attempts": st.column_config.NumberColumn("Attempts"),
            "error": st.column_config.TextColumn("Error", width="large"),
            "updated_at": st.column_config.DatetimeColumn("Failed at"),
        },
    )
