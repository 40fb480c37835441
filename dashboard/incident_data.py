"""Cached incident reads for the dashboard: the Incidents page's list, detail and evidence.

Beside ``dashboard/data.py`` (same engine, same TTLs): incidents are read through
``models.queries.incidents``, whose filter is the sidebar's ``EventFilter`` (an incident
matches when any of its reports does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from dashboard.data import TTL, engine, safe_url
from models.queries import EventFilter, count_incidents
from models.queries import incidents as incident_queries
from models.queries.incidents import IncidentEvidence, IncidentRow

T = TypeVar("T")

INCIDENT_COLUMNS = [
    "id", "day", "type", "subtype", "agents", "targets", "participants", "place", "weapons",
    "n_events", "n_articles", "n_sources", "first_seen", "last_seen", "date_span",
]  # fmt: skip
REPORT_COLUMNS = ["event_id", "published", "seen", "source", "title", "copy_of", "sentence"]


def _run(url: str, query: Callable[[Session], T]) -> T:
    with Session(engine(url)) as session:
        return query(session)


def place(row: IncidentRow) -> str:
    """``Name (ISO3)``, ``ISO3`` or empty: where the incident happened."""
    if row.location_name and row.location_country:
        return f"{row.location_name} ({row.location_country})"
    return row.location_name or row.location_country or ""


def date_span(row: IncidentRow) -> str:
    """The days its reports span (``2023-07-12`` or ``2023-07-12 – 2023-07-13``)."""
    if row.first_day is None:
        return ""
    if row.last_day is None or row.last_day == row.first_day:
        return row.first_day.isoformat()
    return f"{row.first_day.isoformat()} – {row.last_day.isoformat()}"


def actors_of(row: IncidentRow, role: str) -> str:
    """The incident's actors in ``role`` as ``Name (ISO3); Name``."""
    return "; ".join(str(name) for name in row.actors.get(role, []))


@st.cache_data(ttl=TTL, show_spinner=False)
def incident_total(url: str, filt: EventFilter) -> int:
    """Number of incidents with a matching report."""
    return _run(url, lambda s: count_incidents(s, filt=filt))


@st.cache_data(ttl=TTL, show_spinner=False)
def incidents(url: str, filt: EventFilter, limit: int, offset: int, order: str) -> pd.DataFrame:
    """One page of incidents (see INCIDENT_COLUMNS), newest or most-reported first."""
    rows = _run(
        url,
        lambda s: incident_queries.list_incidents(
            s, filt=filt, limit=limit, offset=offset, order=order
        ),
    )
    records = [
        {
            "id": r.id,
            "day": r.day,
            "type": r.type,
            "subtype": r.subtype,
            "agents": actors_of(r, "agent"),
            "targets": actors_of(r, "target"),
            "participants": actors_of(r, "participant"),
            "place": place(r),
            "weapons": ", ".join(r.weapons),
            "n_events": r.n_events,
            "n_articles": r.n_articles,
            "n_sources": r.n_sources,
            "first_seen": r.first_seen,
            "last_seen": r.last_seen,
            "date_span": date_span(r),
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=INCIDENT_COLUMNS)


@st.cache_data(ttl=TTL, show_spinner=False)
def incident(url: str, incident_id: int) -> IncidentRow | None:
    """One incident's summary, or ``None``."""
    return _run(url, lambda s: incident_queries.get_incident(s, incident_id=incident_id))


@st.cache_data(ttl=TTL, show_spinner=False)
def reports(url: str, incident_id: int) -> pd.DataFrame:
    """Every report of one incident (see REPORT_COLUMNS), oldest first.

    ``seen`` is when eventwire stored the article (to the second, for coverage per hour);
    ``source`` falls back to ``article N`` and a wire copy is marked by ``copy_of``.
    """
    rows = _run(url, lambda s: incident_queries.incident_reports(s, incident_id=incident_id))
    records = [
        {
            "event_id": r.event_id,
            "published": r.published,
            "seen": r.created_at,
            "source": r.source or f"article {r.article_id}",
            "title": r.title or "",
            "copy_of": r.copy_of,
            "sentence": r.sentence,
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=REPORT_COLUMNS)


@st.cache_data(ttl=TTL, show_spinner=False)
def evidence(url: str, incident_id: int, limit: int) -> list[IncidentEvidence]:
    """The first ``limit`` reports with their article text; links made safe."""
    rows = _run(
        url,
        lambda s: incident_queries.incident_evidence(s, incident_id=incident_id, limit=limit),
    )
    return [replace(r, url=safe_url(r.url)) for r in rows]
