"""Events: the filtered events as a table; a selected row shows its evidence in the article."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import data, filters, ui
from dashboard.highlight import highlight_html, mentions_html, quote_html
from models.queries import EventDetail

ORDERS = {
    "date_desc": "Newest first",
    "date_asc": "Oldest first",
    "confidence_desc": "Most confident first",
    "id_desc": "Most recently extracted first",
}

#: Table columns in display order; the downloads carry every column of the frame.
TABLE_COLUMNS = (
    "id", "event_day", "type", "agents", "targets", "sentence", "mentions", "modality",
    "confidence", "location", "participants", "subtype", "trigger", "weapons", "quote",
    "article_title", "article_url",
)  # fmt: skip


def _show_detail(detail: EventDetail) -> None:
    event = detail.event
    st.subheader(f"Event {event.id}: {event.type.replace('_', ' ')}")
    fields = {
        "Day": str(event.event_day or "undated")
        + ("" if event.event_date else " (article date)" if event.event_day else ""),
        "Subtype": event.subtype or "",
        "Modality": event.modality,
        "Confidence": f"{event.confidence:.2f}",
        "Trigger": event.trigger,
        "Agents": data.actors_text(event.agents),
        "Targets": data.actors_text(event.targets),
        "Participants": data.actors_text(event.participants),
        "Location": event.location or "",
        "Weapons": ", ".join(event.weapons),
        "Article": event.article_title or f"article {event.article_id}",
    }
    info, text = st.columns([1, 2])
    info.dataframe(
        pd.DataFrame({"Field": list(fields), "Value": list(fields.values())}),
        hide_index=True,
        width="stretch",
    )
    link = data.safe_url(event.article_url)
    if link:
        info.link_button("Open the article", link, icon=":material/open_in_new:")
    if event.quote:
        text.markdown("**Quote**")
        text.markdown(quote_html(event.quote), unsafe_allow_html=True)
    text.markdown("**Evidence in context**")
    args = (detail.article_text, detail.start_char, detail.end_char)
    text.markdown(
        highlight_html(*args, sentence=event.sentence, context=400), unsafe_allow_html=True
    )
    _show_mentions(detail, text)
    with text.expander("Whole article"), st.container(height=420):
        st.markdown(highlight_html(*args, sentence=event.sentence), unsafe_allow_html=True)


def _show_mentions(detail: EventDetail, column: DeltaGenerator) -> None:
    """Every sentence that reports the event (headline, caption, lead, later quote...)."""
    mentions = [(m.sentence, m.start, m.end) for m in detail.event.mentions]
    label = f"Mentions: {len(mentions)} sentence(s) report this event"
    # Open when there is more to see than the evidence sentence shown above.
    with column.expander(label, expanded=len(mentions) > 1):
        if not mentions:
            st.caption("No mentions stored (an event written by an older eventwire).")
            return
        evidence = (detail.start_char, detail.end_char)
        st.markdown(
            mentions_html(mentions, evidence, detail.event.sentence), unsafe_allow_html=True
        )


st.title("Events")
url = ui.require_database()
selection = filters.current()
total = data.event_total(url, selection.filt)
if total == 0:
    ui.no_data(url)
    st.stop()

order, size, offset = ui.page_controls(total, ORDERS)
frame = data.events(url, selection.filt, size, offset, order)
st.caption(f"Events {offset + 1:,}–{offset + len(frame):,} of {total:,}. Select a row for details.")

table = st.dataframe(
    frame,
    key="events_table",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    column_order=TABLE_COLUMNS,
    column_config={
        "id": st.column_config.NumberColumn("ID", format="%d"),
        "event_day": st.column_config.DateColumn("Day"),
        "type": "Type",
        "agents": "Agents",
        "targets": "Targets",
        "sentence": st.column_config.TextColumn("Sentence", width="large"),
        "mentions": st.column_config.NumberColumn(
            "Mentions", format="%d", help="sentences of the article that report the event"
        ),
        "modality": "Modality",
        "confidence": st.column_config.ProgressColumn("Confidence", min_value=0, max_value=1),
        "location": "Location",
        "participants": "Participants",
        "subtype": "Subtype",
        "trigger": "Trigger",
        "weapons": "Weapons",
        "quote": "Quote",
        "article_title": "Article",
        "article_url": st.column_config.LinkColumn("Article URL"),
    },
)

csv_col, json_col, _ = st.columns([1, 1, 4])
csv_col.download_button(
    "Download CSV",
    frame.to_csv(index=False).encode("utf-8"),
    file_name="eventwire-events.csv",
    mime="text/csv",
    icon=":material/download:",
)
json_col.download_button(
    "Download JSON",
    frame.to_json(orient="records", date_format="iso", force_ascii=False).encode("utf-8"),
    file_name="eventwire-events.json",
    mime="application/json",
    icon=":material/download:",
)

event_id = ui.selected_id(frame, list(table.selection.rows), "event")
if event_id is None:
    st.info("Select a row to see its evidence sentence highlighted in the article.")
else:
    detail = data.event_detail(url, event_id)
    if detail is None:
        st.warning(f"There is no event {event_id} (it may have been re-extracted).")
    else:
        _show_detail(detail)
