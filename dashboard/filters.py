"""Sidebar filters shared by every page, mirrored in the URL query string.

A view can be shared by copying the URL: on the first run of a session the widgets start from
the query string (``?type=launch,parade&country=RUS&since=2024-01-01&bucket=month``), and
after every change the query string is rewritten from the widgets. Only values that differ
from the defaults are written, so an unfiltered view has a clean URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from dashboard import data
from models.queries import BUCKETS, MODALITIES, EventFilter

DEFAULT_MODALITIES = MODALITIES[:1]  # asserted: what happened
DEFAULT_BUCKET = "week"
#: What the charts and tables count: happenings by default, or every article's report.
COUNT_UNITS = ("incidents", "reports")
DEFAULT_COUNT = COUNT_UNITS[0]

# widget key -> query-string name
_PARAMS = {
    "f_types": "type",
    "f_countries": "country",
    "f_actor": "actor",
    "f_text": "q",
    "f_since": "since",
    "f_until": "until",
    "f_modalities": "modality",
    "f_confidence": "conf",
    "f_bucket": "bucket",
    "f_count": "count",
}
_LIST_KEYS = ("f_types", "f_countries", "f_modalities")


@dataclass(frozen=True)
class Selection:
    """What the sidebar selects: the event filter (which also says whether aggregates count
    incidents or reports) and the time bucket for charts."""

    filt: EventFilter
    bucket: str

    @property
    def unit(self) -> str:
        """What the charts count, as a plural noun for labels: ``incidents`` or ``events``."""
        return "incidents" if self.filt.count_incidents else "events"


def _defaults() -> dict[str, object]:
    return {
        "f_types": [],
        "f_countries": [],
        "f_actor": "",
        "f_text": "",
        "f_since": None,
        "f_until": None,
        "f_modalities": list(DEFAULT_MODALITIES),
        "f_confidence": 0.0,
        "f_bucket": DEFAULT_BUCKET,
        "f_count": DEFAULT_COUNT,
    }


def _parse(key: str, raw: str) -> object:
    """Turn one query-string value into a widget value; raises ValueError when malformed."""
    if key in _LIST_KEYS:
        values = [v.strip() for v in raw.split(",") if v.strip()]
        return [v.upper() for v in values] if key == "f_countries" else values
    if key in ("f_since", "f_until"):
        return date.fromisoformat(raw)
    if key == "f_confidence":
        return min(1.0, max(0.0, float(raw)))
    if key in ("f_bucket", "f_count"):
        if raw not in (BUCKETS if key == "f_bucket" else COUNT_UNITS):
            raise ValueError(raw)
        return raw
    return raw


def _format(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _init_state() -> None:
    """Seed widget state once per session, from the query string where it has a value."""
    if st.session_state.get("f_initialised"):
        return
    params = st.query_params
    for key, default in _defaults().items():
        raw = params.get(_PARAMS[key])
        value = default
        if raw is not None:
            try:
                value = _parse(key, raw)
            except ValueError:
                value = default  # a hand-edited URL with a bad value falls back quietly
        st.session_state[key] = value
    st.session_state["f_initialised"] = True


def _sync_query_params() -> None:
    """Write the non-default widget values to the URL (keeping unrelated parameters)."""
    defaults = _defaults()
    wanted = {
        _PARAMS[key]: _format(st.session_state[key])
        for key in defaults
        if st.session_state.get(key) != defaults[key] and st.session_state.get(key) is not None
    }
    current = st.query_params.to_dict()
    ours = {name: value for name, value in current.items() if name in _PARAMS.values()}
    if ours != wanted:
        others = {name: value for name, value in current.items() if name not in _PARAMS.values()}
        st.query_params.from_dict({**others, **wanted})


def _reset() -> None:
    for key, value in _defaults().items():
        st.session_state[key] = value


def _options(known: list[str], extra: tuple[str, ...], selected: list[str]) -> list[str]:
    # Selected values must be options, or Streamlit rejects them (e.g. from a shared URL).
    return sorted(set(known) | set(extra) | set(selected))


def sidebar() -> Selection:
    """Draw the shared filters in the sidebar and return the current selection."""
    _init_state()
    url = data.database_url()
    opts = data.filter_options(url)
    # Types from the catalogue (built-in and plugin types, offered before any event exists).
    labels = data.type_labels(url)
    side = st.sidebar
    side.header("Filters")
    side.multiselect(
        "Event type",
        _options(opts.types, tuple(labels), st.session_state["f_types"]),
        key="f_types",
        placeholder="All types",
        format_func=lambda name: labels.get(name, name),
    )
    side.multiselect(
        "Country (ISO3)",
        _options(opts.countries, (), st.session_state["f_countries"]),
        key="f_countries",
        placeholder="All countries",
        help="An event matches when its location or any of its actors is in the country.",
    )
    side.text_input("Actor name contains", key="f_actor", placeholder="e.g. Kim")
    side.text_input("Sentence contains", key="f_text", placeholder="e.g. missile")
    since_col, until_col = side.columns(2)
    since_col.date_input("Since", key="f_since", format="YYYY-MM-DD")
    until_col.date_input("Until", key="f_until", format="YYYY-MM-DD")
    since, until = st.session_state["f_since"], st.session_state["f_until"]
    if since and until and since > until:
        side.warning("*Since* is after *Until*: no event can match.")
    side.multiselect(
        "Modality",
        _options(opts.modalities, MODALITIES, st.session_state["f_modalities"]),
        key="f_modalities",
        placeholder="All modalities",
        help="Asserted only by default: negated, hypothetical, planned and capability "
        "statements describe things that did not (yet) happen.",
    )
    side.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="f_confidence")
    side.segmented_control("Time bucket", list(BUCKETS), key="f_bucket", selection_mode="single")
    side.segmented_control(
        "Count",
        list(COUNT_UNITS),
        key="f_count",
        selection_mode="single",
        help="incidents: each happening once, however many articles reported it; "
        "reports: every event extracted from every article.",
    )
    side.button("Reset filters", on_click=_reset, width="stretch")
    _sync_query_params()
    return current()


def current() -> Selection:
    """Return the selection the sidebar holds (defaults before the sidebar is drawn)."""
    state: dict[str, Any] = {
        **_defaults(),
        **{k: v for k, v in st.session_state.items() if k in _PARAMS},
    }
    filt = EventFilter(
        types=tuple(state["f_types"]),
        countries=tuple(state["f_countries"]),
        actor=str(state["f_actor"] or "") or None,
        text=str(state["f_text"] or "") or None,
        since=state["f_since"],
        until=state["f_until"],
        modalities=tuple(state["f_modalities"]),
        min_confidence=float(state["f_confidence"]) or None,
        # A cleared segmented control (None) falls back to the default, incidents.
        count_incidents=(state["f_count"] or DEFAULT_COUNT) == "incidents",
    )
    bucket = state["f_bucket"] if state["f_bucket"] in BUCKETS else DEFAULT_BUCKET
    return Selection(filt=filt, bucket=str(bucket))
