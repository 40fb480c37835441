"""Counts of filtered events: in total, per type, per time bucket; headline numbers; the
values the filter widgets offer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from models.queries import rollup, scope_counts
from models.queries._core import (
    actor,
    article,
    as_date,
    distinct_values,
    event,
    fetch_all,
    link,
    unindexed,
)
from models.queries.buckets import bucket_start
from models.queries.filters import (
    EventFilter,
    event_by_event,
    incidents_per,
    linked_rows,
    matching_events,
)
from models.queries.results import FilterOptions, Kpis, TimeCount
from models.tables import ArticleStatus


def event_counts_over_time(
    session: Session, *, filt: EventFilter | None = None, bucket: str = "week"
) -> list[TimeCount]:
    """Count filtered events per time bucket and event type, oldest bucket first.

    Buckets are ``day``, ``week`` (starting Monday) or ``month``; undated events are left out.
    With ``filt.count_incidents`` each incident counts once, in the bucket of the first day
    of its matching events (so the buckets add up to the number of incidents).
    """
    if filt is not None and filt.count_incidents:
        return _incident_counts_over_time(session, filt, bucket)
    # Per day and type first (an index-only scan of (modality, day, type) by default), then
    # per bucket: the bucket expression runs on a few thousand rows, not on every event.
    events, conds = matching_events(filt)
    m = events.c
    daily = select(m.day, m.type, func.count().label("n")).select_from(events)
    daily = daily.where(*conds, m.day.is_not(None)).group_by(m.day, m.type).subquery()
    start = bucket_start(daily.c.day, bucket).label("bucket_start")
    stmt = select(start, daily.c.type, func.sum(daily.c.n).label("n"))
    stmt = stmt.group_by(start, daily.c.type).order_by(start, daily.c.type)
    return [TimeCount(r.bucket_start, r.type, int(r.n)) for r in fetch_all(session, stmt)]


def _incident_counts_over_time(session: Session, filt: EventFilter, bucket: str) -> list[TimeCount]:
    if (from_rollup := rollup.counts_over_time(session, filt, bucket)) is not None:
        return from_rollup
    events, conds = matching_events(filt)
    m = events.c
    # One row per incident (its type and first matching day), then per bucket.
    first = select(m.incident_id, m.type, func.min(m.day).label("day")).select_from(events)
    first = first.where(*conds, m.day.is_not(None), m.incident_id.is_not(None))
    first = first.group_by(m.incident_id, m.type).subquery()
    start = bucket_start(first.c.day, bucket).label("bucket_start")
    stmt = select(start, first.c.type, func.count().label("n"))
    stmt = stmt.group_by(start, first.c.type).order_by(start, first.c.type)
    return [TimeCount(r.bucket_start, r.type, int(r.n)) for r in fetch_all(session, stmt)]


def event_type_counts(session: Session, *, filt: EventFilter | None = None) -> dict[str, int]:
    """Return ``{event type: number of filtered events}`` (or of incidents, with
    ``filt.count_incidents``), most frequent first."""
    for counted_in_advance in (rollup.type_counts, scope_counts.type_counts):
        if (found := counted_in_advance(session, filt)) is not None:
            return found
    events, conds = matching_events(filt)
    if filt is not None and filt.count_incidents:
        per = incidents_per(events, [events.c.type], events.c.incident_id, conds).subquery()
        stmt = select(per.c.k0.label("type"), per.c.n).order_by(per.c.n.desc(), per.c.k0)
        return {r.type: int(r.n) for r in fetch_all(session, stmt)}
    n = func.count().label("n")
    stmt = select(events.c.type, n).select_from(events).where(*conds)
    stmt = stmt.group_by(unindexed(events.c.type)).order_by(n.desc(), events.c.type)
    return {r.type: int(r.n) for r in fetch_all(session, stmt)}


def count_events(session: Session, *, filt: EventFilter | None = None) -> int:
    """Return the number of events matching the filter (for paging ``list_events``).

    Always events, whatever ``filt.count_incidents`` says: see :func:`count_incidents`.
    """
    if filt is not None and filt.actor:
        reports = replace(filt, count_incidents=False)
        if (found := scope_counts.total(session, reports)) is not None:
            return found
    events, conds = matching_events(filt, counting=True)
    stmt = select(func.count()).select_from(events).where(*conds)
    return int(session.connection().execute(stmt).scalar_one())


def count_incidents(session: Session, *, filt: EventFilter | None = None) -> int:
    """Return how many incidents have a matching event (distinct ``incident_id``)."""
    if (from_rollup := rollup.count_incidents(session, filt)) is not None:
        return from_rollup
    if filt is not None and filt.actor:
        incidents = replace(filt, count_incidents=True)
        if (found := scope_counts.total(session, incidents)) is not None:
            return found
    events, conds = matching_events(filt, counting=True)
    stmt = select(func.count(distinct(events.c.incident_id))).select_from(events).where(*conds)
    return int(session.connection().execute(stmt).scalar_one())


def overview_kpis(session: Session, *, filt: EventFilter | None = None) -> Kpis:
    """Return headline numbers: articles (all), filtered events (or incidents, with
    ``filt.count_incidents``), their actors, last update."""
    conn = session.connection()
    art = article.c
    done = func.coalesce(func.sum(case((art.status == ArticleStatus.done, 1), else_=0)), 0)
    articles, articles_done, last_update = conn.execute(
        select(func.count(), done, func.max(art.processed_at)).select_from(article)
    ).one()
    many = filt is not None and filt.count_incidents
    events = (count_incidents if many else count_events)(session, filt=filt)
    actors = scope_counts.actor_total(session, filt)
    if actors is None:
        actors = conn.execute(
            select(func.count()).select_from(actor).where(_has_matching_link(session, filt, events))
        ).scalar_one()
    return Kpis(int(articles), int(articles_done), events, int(actors), last_update)


#: Matching events (or incidents) above which a country or actor filter counts actors one
#: by one (see _has_matching_link).
BROAD_FILTER = 40_000


def _has_matching_link(session: Session, filt: EventFilter | None, matched: int) -> Any:
    """The condition on ``actor`` that it has a link of a matching event.

    Mostly "actor.id IN (the links of the matching events)": the de-duplication is a hash of
    at most a few thousand actor ids, never of the (event, actor) pairs, which can spill. But
    a country filter matching many events would first build their set and read the
    links of each (``country=USA``, 320,000 events: 1.7 s); then each actor is tested on its
    own links instead, which finds a match among its first few (0.05 s). For a narrow filter
    that would scan every link of the actors it leaves out (``type=launch&country=PRK``:
    0.36 s against 0.09), hence the choice by ``matched``, the count the page has already.
    """
    filt = filt or EventFilter()
    # Not for an actor filter: the actors that never share an event with a matching one
    # (most of them) would each have all their links tested (``actor=kim``: 2.7 s, not 0.5).
    if filt.copied_only or filt.actor or matched <= BROAD_FILTER:
        dialect = session.get_bind().dialect.name
        # Each event's actors once (event by event: a DISTINCT of its few links).
        by_event = event_by_event(filt, dialect)
        rows = linked_rows(filt, link, "actor_id", dialect=dialect, distinct=by_event)
        return actor.c.id.in_(select(rows.c.actor_id))
    row, own = event.alias("kpi_event"), link.alias("kpi_link")
    return (
        select(own.c.event_id)
        .select_from(own.join(row, row.c.id == own.c.event_id))
        .where(own.c.actor_id == actor.c.id, *filt.row_conditions(row))
        .exists()
    )


def filter_options(session: Session) -> FilterOptions:
    """Return the distinct types, subtypes, countries and modalities and the event-day range."""
    conn = session.connection()
    ev = event.c
    # Each column's values by skipping through its index, the day range from the day index.
    actor_countries = conn.execute(
        select(actor.c.country).where(actor.c.country.is_not(None)).distinct()
    ).scalars()

    def values(column: Any) -> list[str]:
        return sorted({v for v in distinct_values(session, column) if v})

    first, last = conn.execute(select(func.min(ev.day), func.max(ev.day))).one()
    return FilterOptions(
        types=values(ev.type),
        subtypes=values(ev.subtype),
        countries=sorted({*values(ev.location_country), *(c for c in actor_countries if c)}),
        modalities=values(ev.modality),
        first_day=as_date(first),
        last_day=as_date(last),
    )
