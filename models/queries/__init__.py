"""Read queries for the dashboard and the CLI; every aggregate is computed in SQL.

All functions take a SQLAlchemy (or SQLModel) ``Session`` first and keyword-only arguments
after it, run on SQLite and PostgreSQL, and return plain frozen dataclasses or dicts, never
ORM objects and never DataFrames (the dashboard converts in ``dashboard/data.py``).

Which events a query sees is decided by one :class:`EventFilter`. Two conventions matter:

- **Modality**: by default only ``asserted`` events count (negated, hypothetical, planned and
  capability statements are not things that happened). Pass ``modalities=()`` for all.
- **What is counted**: events (reports) by default; with ``EventFilter(count_incidents=True)``
  every aggregate counts distinct incidents instead (one happening however many articles
  reported it), from ``incident_id`` copied into ``event_actor`` and ``event_pair``.
- **Event day**: the event's own date or, when the extractor found none, the publication date
  of its article. Date filters and time buckets use it; events with neither are left out of
  both but still appear in totals and lists.

The modules, one job each (import everything from here, ``models.queries``):

    filters       EventFilter and the SQL conditions it becomes on each table
    buckets       day/week/month bucket starts, per dialect
    results       the frozen dataclasses returned
    event_counts  counts of filtered events (total, per type, over time), headline numbers,
                  the values offered by the filter widgets
    event_lists   filtered events one by one: a page, all in batches, one in detail
    actor_aggregates  top actors, countries, agent-target pairs, actor timelines and summary
    pipeline      article statuses, failures and throughput
    event_types   the event type catalogue (names, labels, colours), with the types of events

Stable API used by the CLI (``eventwire query`` / ``eventwire stats`` / ``eventwire export``):
:class:`EventFilter`, :func:`list_events`, :func:`iter_events`, :func:`count_events`,
:func:`article_status_counts`, :func:`event_type_counts`, :func:`actor_summary`.
"""

from __future__ import annotations

from common.contract import MODALITIES, ROLES
from models.queries._core import EVENT_DAY
from models.queries.actor_aggregates import (
    actor_counts_over_time,
    actor_summary,
    country_counts,
    interaction_pairs,
    top_actors,
)
from models.queries.buckets import BUCKETS, Bucket, bucket_start
from models.queries.event_counts import (
    count_events,
    count_incidents,
    event_counts_over_time,
    event_type_counts,
    filter_options,
    overview_kpis,
)
from models.queries.event_lists import ORDERS, get_event_detail, iter_events, list_events
from models.queries.event_types import NEUTRAL_COLOUR, event_type_catalogue
from models.queries.filters import EventFilter
from models.queries.pipeline import article_status_counts, failed_articles, throughput_over_time
from models.queries.results import (
    ActorCount,
    ActorSummary,
    ActorTimeCount,
    CountryCount,
    EventActorRow,
    EventDetail,
    EventMentionRow,
    EventRow,
    EventTypeInfo,
    FailedArticle,
    FilterOptions,
    InteractionPair,
    Kpis,
    ThroughputCount,
    TimeCount,
)

__all__ = [
    "BUCKETS",
    "EVENT_DAY",
    "MODALITIES",
    "NEUTRAL_COLOUR",
    "ORDERS",
    "ROLES",
    "ActorCount",
    "ActorSummary",
    "ActorTimeCount",
    "Bucket",
    "CountryCount",
    "EventActorRow",
    "EventDetail",
    "EventFilter",
    "EventMentionRow",
    "EventRow",
    "EventTypeInfo",
    "FailedArticle",
    "FilterOptions",
    "InteractionPair",
    "Kpis",
    "ThroughputCount",
    "TimeCount",
    "actor_counts_over_time",
    "actor_summary",
    "article_status_counts",
    "bucket_start",
    "count_events",
    "count_incidents",
    "country_counts",
    "event_counts_over_time",
    "event_type_catalogue",
    "event_type_counts",
    "failed_articles",
    "filter_options",
    "get_event_detail",
    "interaction_pairs",
    "iter_events",
    "list_events",
    "overview_kpis",
    "throughput_over_time",
    "top_actors",
]
