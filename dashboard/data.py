"""Cached data access for the dashboard: models.queries results as pandas DataFrames.

The engine is a ``st.cache_resource`` (one pool per process); query results are
``st.cache_data`` with a short TTL so the live Overview sees new events within seconds while
reruns caused by widget clicks do not hit the database again. Every cached function takes the
database URL as its first argument so that a change of database is a change of cache key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from common.queue import queue_backlog
from common.settings import get_settings
from common.urls import redact_url
from models import queries
from models.queries import EventFilter

logger = logging.getLogger(__name__)

#: Seconds a query result is reused; the Overview refreshes a little slower than this.
LIVE_TTL = 10
#: Seconds for the heavier, less time-critical queries of the other pages.
TTL = 30
REQUIRED_TABLES = frozenset({"article", "event", "actor", "event_actor"})

T = TypeVar("T")


def database_url() -> str:
    """Return the URL the dashboard reads (``EVENTWIRE_READ_DATABASE_URL``, else the main one)."""
    return get_settings().read_url


def masked_url(url: str) -> str:
    """Return ``url`` with its password and secret query values hidden, safe to show."""
    return redact_url(url)


#: Per-session PostgreSQL settings of the dashboard's connections. The aggregates over a
#: million events de-duplicate (event, actor) pairs in hash tables; at the server default of
#: 4 MB they can spill to disk in parallel workers, and top_actors with an actor filter took
#: over 60 s instead of under 1 s on a million events (bench/dashboard_scale.py). The
#: statement timeout (EVENTWIRE_SQL_TIMEOUT, added by models.engine.make_read_engine) keeps one
#: bad query from holding a page forever. JIT compilation is off: it costs 15-50 ms per
#: aggregate here, often more than it saves on queries of 0.1-0.3 s.
POSTGRES_OPTIONS = "-c work_mem=16MB -c jit=off"


def connect_args(url: str) -> dict[str, Any]:
    """Driver connect arguments for the dashboard's engine (PostgreSQL session settings)."""
    if make_url(url).get_backend_name() == "postgresql":
        return {"options": POSTGRES_OPTIONS}
    return {}


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    """Return the process-wide engine for ``url``."""
    try:
        from models.engine import make_read_engine
    except ModuleNotFoundError as exc:  # a checkout without models.engine yet
        if exc.name != "models.engine":
            raise
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args(url))
    return make_read_engine(url, get_settings().sql_timeout, connect_args=connect_args(url))


def _run(url: str, query: Callable[[Session], T]) -> T:
    with Session(engine(url)) as session:
        return query(session)


def _frame(rows: Sequence[Any], row_type: type, dates: Sequence[str] = ()) -> pd.DataFrame:
    """DataFrame of dataclass rows with the dataclass's columns even when there are none."""
    frame = pd.DataFrame([asdict(r) for r in rows], columns=[f.name for f in fields(row_type)])
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def database_problem(url: str) -> str | None:
    """Return why the dashboard cannot read the database, or ``None`` when it can."""
    try:
        with engine(url).connect() as conn:
            tables = set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        logger.warning("database %s unreachable: %s", masked_url(url), exc)
        return (
            f"Cannot reach the database `{masked_url(url)}` ({type(exc).__name__}). "
            "Check EVENTWIRE_DATABASE_URL and that the database is running."
        )
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        return (
            f"The database `{masked_url(url)}` has no {', '.join(missing)} table yet. "
            "Create the schema with `eventwire db upgrade` (or the `migrate` service of "
            "docker compose), then enqueue articles."
        )
    return None


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_options(url: str) -> queries.FilterOptions:
    """Distinct types, countries and modalities for the sidebar (empty if unreadable)."""
    try:
        return _run(url, queries.filter_options)
    except SQLAlchemyError:
        return queries.FilterOptions([], [], [], [], None, None)


@st.cache_data(ttl=TTL, show_spinner=False)
def event_types(url: str) -> list[queries.EventTypeInfo]:
    """The type catalogue (built-in and plugin types) plus types found only in events."""
    try:
        return _run(url, queries.event_type_catalogue)
    except SQLAlchemyError as exc:
        logger.info("event types unavailable: %s", exc)
        return []


def type_colours(url: str) -> dict[str, str]:
    """``{type: #RRGGBB}`` for the charts, from the catalogue."""
    return {t.name: t.colour for t in event_types(url)}


def type_labels(url: str) -> dict[str, str]:
    """``{type: label}`` for widgets, from the catalogue."""
    return {t.name: t.label for t in event_types(url)}


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def kpis(url: str, filt: EventFilter) -> queries.Kpis:
    """Headline numbers for the Overview."""
    return _run(url, lambda s: queries.overview_kpis(s, filt=filt))


@st.cache_data(ttl=5, show_spinner=False)
def queue_depth(redis_url: str, queue_name: str) -> int | None:
    """Dramatiq messages not yet acknowledged (ready, in flight or delayed for a retry).

    The count is :func:`common.queue.queue_backlog`, the one the burst workers stop on.
    ``None`` when Redis is unreachable.
    """
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return queue_backlog(client, queue_name)
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        logger.info("queue depth unavailable: %s", exc)
        return None


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def event_counts(url: str, filt: EventFilter, bucket: str) -> pd.DataFrame:
    """Columns ``bucket_start, type, count``."""
    rows = _run(url, lambda s: queries.event_counts_over_time(s, filt=filt, bucket=bucket))
    return _frame(rows, queries.TimeCount, dates=["bucket_start"])


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def type_counts(url: str, filt: EventFilter) -> pd.DataFrame:
    """Columns ``type, events``, most frequent first (undated events included)."""
    counts = _run(url, lambda s: queries.event_type_counts(s, filt=filt))
    return pd.DataFrame({"type": list(counts), "events": list(counts.values())})


@st.cache_data(ttl=TTL, show_spinner=False)
def top_actors(url: str, filt: EventFilter, limit: int, role: str | None) -> pd.DataFrame:
    """Columns ``actor_id, name, country, kind, events``."""
    rows = _run(url, lambda s: queries.top_actors(s, filt=filt, limit=limit, role=role))
    return _frame(rows, queries.ActorCount)


@st.cache_data(ttl=TTL, show_spinner=False)
def actor_timeline(
    url: str, filt: EventFilter, bucket: str, actor_ids: tuple[int, ...]
) -> pd.DataFrame:
    """Columns ``bucket_start, actor_id, name, count`` for the given actors."""
    rows = _run(
        url,
        lambda s: queries.actor_counts_over_time(
            s, filt=filt, bucket=bucket, actor_ids=list(actor_ids)
        ),
    )
    return _frame(rows, queries.ActorTimeCount, dates=["bucket_start"])


@st.cache_data(ttl=TTL, show_spinner=False)
def country_counts(url: str, filt: EventFilter, role: str | None) -> pd.DataFrame:
    """Columns ``country, events``."""
    rows = _run(url, lambda s: queries.country_counts(s, filt=filt, role=role))
    return _frame(rows, queries.CountryCount)


@st.cache_data(ttl=TTL, show_spinner=False)
def interactions(url: str, filt: EventFilter, limit: int, level: str) -> pd.DataFrame:
    """Columns ``source, source_country, target, target_country, events``."""
    rows = _run(url, lambda s: queries.interaction_pairs(s, filt=filt, limit=limit, level=level))
    return _frame(rows, queries.InteractionPair)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) link, else ``None`` (no javascript: links)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def actors_text(refs: Sequence[queries.EventActorRow]) -> str:
    """``Name (ISO3); Name`` for a list of actors."""
    return "; ".join(str(a) for a in refs)


EVENT_COLUMNS = [
    "id", "event_day", "type", "subtype", "modality", "confidence", "agents", "targets",
    "participants", "location", "trigger", "sentence", "mentions", "quote", "weapons",
    "article_title", "article_url", "article_id",
]  # fmt: skip


@st.cache_data(ttl=TTL, show_spinner=False)
def events(url: str, filt: EventFilter, limit: int, offset: int, order: str) -> pd.DataFrame:
    """One page of events, actors flattened to ``Name (ISO3); ...`` text; see EVENT_COLUMNS.

    ``mentions`` is how many sentences report the event (the detail view lists them).
    """
    rows = _run(
        url, lambda s: queries.list_events(s, filt=filt, limit=limit, offset=offset, order=order)
    )
    records = [
        {
            "id": r.id,
            "event_day": r.event_day,
            "type": r.type,
            "subtype": r.subtype,
            "modality": r.modality,
            "confidence": r.confidence,
            "agents": actors_text(r.agents),
            "targets": actors_text(r.targets),
            "participants": actors_text(r.participants),
            "location": r.location or "",
            "trigger": r.trigger,
            "sentence": r.sentence,
            "mentions": len(r.mentions),
            "quote": r.quote,
            "weapons": ", ".join(r.weapons),
            "article_title": r.article_title,
            "article_url": safe_url(r.article_url),
            "article_id": r.article_id,
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=EVENT_COLUMNS)


@st.cache_data(ttl=TTL, show_spinner=False)
def event_total(url: str, filt: EventFilter) -> int:
    """Number of events matching the filter."""
    return _run(url, lambda s: queries.count_events(s, filt=filt))


@st.cache_data(ttl=TTL, show_spinner=False)
def event_detail(url: str, event_id: int) -> queries.EventDetail | None:
    """One event with its article text, or ``None``."""
    return _run(url, lambda s: queries.get_event_detail(s, event_id=event_id))


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def status_counts(url: str) -> pd.DataFrame:
    """Columns ``status, articles`` for every status in pipeline order."""
    counts = _run(url, queries.article_status_counts)
    return pd.DataFrame({"status": list(counts), "articles": list(counts.values())})


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def failures(url: str, limit: int) -> pd.DataFrame:
    """The latest failed articles with their error."""
    rows = _run(url, lambda s: queries.failed_articles(s, limit=limit))
    frame = _frame(rows, queries.FailedArticle)
    frame["url"] = [safe_url(u) for u in frame["url"]]
    return frame


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def throughput(url: str, bucket: str) -> pd.DataFrame:
    """Columns ``bucket_start, status, count`` of finished articles."""
    rows = _run(url, lambda s: queries.throughput_over_time(s, bucket=bucket))
    return _frame(rows, queries.ThroughputCount, dates=["bucket_start"])
