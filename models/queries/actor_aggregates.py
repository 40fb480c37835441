"""Who the filtered events involve: top actors, countries, agent-target pairs, timelines.

Everything here reads ``event_actor`` and ``event_pair``, whose rows carry copies of their
event's type, modality and day and of the actors' countries, so that aggregates over a million
events are index scans of one table (``models.queries.filters.linked_rows`` gives the rows of
the matching events; docs/dashboard.md "At scale" lists the indexes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, distinct, func, or_, select, union, union_all
from sqlalchemy.orm import Session

from models.queries import rollup, scope_counts
from models.queries._core import (
    ROLES,
    actor,
    check_role,
    distinct_values,
    event_country,
    fetch_all,
    link,
    pair,
)
from models.queries.buckets import bucket_start
from models.queries.filters import (
    EventFilter,
    counted,
    event_by_event,
    involved_countries,
    linked,
    linked_rows,
    matching_events,
)
from models.queries.results import (
    ActorCount,
    ActorSummary,
    ActorTimeCount,
    CountryCount,
    InteractionPair,
)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def top_actors(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 20,
    role: str | None = None,
) -> list[ActorCount]:
    """Return the actors taking part in the most filtered events, most frequent first.

    ``role`` (``agent``, ``target`` or ``participant``) counts only that role.
    """
    if role is None:
        for counted_in_advance in (rollup.top_actors, scope_counts.top_actors):
            if (found := counted_in_advance(session, filt, limit)) is not None:
                return found
    counts_q = _actor_event_counts(session, filt, role)
    if _dialect(session) == "postgresql":
        # Names for the actors that can make the list only (the ``limit`` most frequent and
        # any tied with the last of them: the order by name stays exact). Joined to every
        # counted actor, PostgreSQL expected two of them (under ``actor=kim``) and compared
        # each of the 1,240 with each of the 1,240 counts (70 ms).
        n = counts_q.selected_columns.n
        counts_q = counts_q.order_by(n.desc()).fetch(max(0, limit), with_ties=True)
    counts = counts_q.subquery()
    a = actor.c
    stmt = (
        select(a.id, a.name, a.country, a.kind, counts.c.n)
        .select_from(counts.join(actor, actor.c.id == counts.c.actor_id))
        .order_by(counts.c.n.desc(), a.name)
        .limit(max(0, limit))
    )
    return [ActorCount(r.id, r.name, r.country, r.kind, int(r.n)) for r in fetch_all(session, stmt)]


def _actor_event_counts(
    session: Session, filt: EventFilter | None, role: str | None
) -> Select[Any]:
    """``actor_id, n``: filtered events per actor, aggregated before any name is joined.

    Read from ``event_actor`` alone. With one role, (event, actor, role) is unique, so
    ``count(*)`` counts events; across roles an actor may be agent and participant of one
    event, so events are counted distinct: the (actor_id, event_id, ...) index delivers each
    actor's events in order, which makes that a cheap pass.
    """
    dialect = _dialect(session)
    if role is None and event_by_event(filt, dialect):
        # Each matching event's actors once (a DISTINCT of its few links, in index order),
        # so that events per actor are a count(*) hashed by actor: a count(DISTINCT) sorted
        # all (actor, event) rows, 250,000 under ``actor=kim``, and spilled to disk.
        many = filt is not None and filt.count_incidents
        names = ("actor_id", "incident_id") if many else ("actor_id",)
        per_event = linked_rows(filt, link, *names, dialect=dialect, distinct=True)
        pc = per_event.c
        # (Incidents: a hash of the distinct (actor, incident) pairs and then a count per
        # actor was slower, 430 ms of CPU against 320, as PostgreSQL sorted the pairs.)
        n = (func.count(distinct(pc.incident_id)) if many else func.count()).label("n")
        return select(pc.actor_id, n).group_by(pc.actor_id)
    rows = linked_rows(filt, link, "actor_id", "event_id", "role", "incident_id", dialect=dialect)
    if role is not None:
        one = filt is None or not filt.count_incidents
        n = (func.count() if one else counted(filt, None, rows.c.incident_id)).label("n")
        stmt = select(rows.c.actor_id, n)
        return stmt.where(rows.c.role == check_role(role)).group_by(rows.c.actor_id)
    n = counted(filt, rows.c.event_id, rows.c.incident_id).label("n")
    return select(rows.c.actor_id, n).group_by(rows.c.actor_id)


def actor_counts_over_time(
    session: Session,
    *,
    filt: EventFilter | None = None,
    bucket: str = "week",
    actor_ids: Sequence[int] | None = None,
    limit: int = 5,
) -> list[ActorTimeCount]:
    """Count filtered events per time bucket for given actors (default: the top ``limit``)."""
    if actor_ids is None:
        actor_ids = [a.actor_id for a in top_actors(session, filt=filt, limit=limit)]
    if not actor_ids:
        return []
    lc = link.c
    # Distinct events per actor and day (an event has one day, so the per-day counts add up
    # to per-bucket counts), then per bucket: the bucket expression runs on few rows. The
    # rows are those few actors' links (``event_id IN`` the matching events, not
    # ``linked_rows``): the index on actor_id finds them, whatever the filter.
    if filt is not None and filt.count_incidents:
        # Each incident once per actor, on the first day it matched with that actor.
        first = linked(filt).add_columns(lc.incident_id, lc.actor_id, func.min(lc.day).label("day"))
        first = first.where(lc.actor_id.in_(list(actor_ids)), lc.day.is_not(None))
        first = first.group_by(lc.incident_id, lc.actor_id).subquery()
        daily = select(first.c.day, first.c.actor_id, func.count().label("n"))
        daily = daily.group_by(first.c.day, first.c.actor_id).subquery()
    else:
        daily = linked(filt).add_columns(
            lc.day, lc.actor_id, func.count(distinct(lc.event_id)).label("n")
        )
        daily = daily.where(lc.actor_id.in_(list(actor_ids)), lc.day.is_not(None))
        daily = daily.group_by(lc.day, lc.actor_id).subquery()
    start = bucket_start(daily.c.day, bucket).label("bucket_start")
    n = func.sum(daily.c.n).label("n")
    stmt = (
        select(start, actor.c.id, actor.c.name, n)
        .select_from(daily.join(actor, actor.c.id == daily.c.actor_id))
        .group_by(start, actor.c.id, actor.c.name)
        .order_by(start, actor.c.name)
    )
    return [
        ActorTimeCount(r.bucket_start, r.id, r.name, int(r.n)) for r in fetch_all(session, stmt)
    ]


def country_counts(
    session: Session, *, filt: EventFilter | None = None, role: str | None = None
) -> list[CountryCount]:
    """Count filtered events per ISO3 country, most frequent first.

    With ``role=None`` an event counts once for each country it involves, as location or
    through any actor; ``role="location"`` uses only the event location, and ``agent``,
    ``target`` or ``participant`` only the countries of actors in that role.
    """
    if role not in (None, "location"):
        check_role(role)
    many = filt is not None and filt.count_incidents
    if many and role is None and (from_rollup := rollup.country_counts(session, filt)) is not None:
        return from_rollup
    if role is None and (scoped := scope_counts.country_counts(session, filt)) is not None:
        return scoped
    if role is None and filt is not None and not filt.copied_only:
        return _involved_country_counts(session, filt)
    if role is None and filt is not None and (filt.since or filt.until):
        return _dated_country_counts(session, filt)
    if many:
        return _country_incident_counts(session, filt, role)  # type: ignore[arg-type]
    # Each (event, country) pair counts once. The location part needs no DISTINCT (one
    # location per event); actor countries equal to the location are dropped from the actor
    # part, so the parts are disjoint and add up (UNION ALL), and only the actor pairs (two
    # actors of one country) need de-duplicating: cheaper than a UNION of everything.
    parts: list[Select[Any]] = []
    if role in (None, "location"):
        events, conds = matching_events(filt)
        loc = events.c.location_country
        located = select(loc.label("country"), func.count().label("n")).select_from(events)
        parts.append(located.where(*conds, loc.is_not(None)).group_by(loc))
    if role != "location":
        # From event_actor alone: it holds the actor's country and the event's location.
        rows = linked_rows(
            filt,
            link,
            "actor_country",
            "location_country",
            "role",
            "event_id",
            dialect=_dialect(session),
        )
        ctry = rows.c.actor_country
        actor_part = select(ctry.label("country"), func.count(distinct(rows.c.event_id)).label("n"))
        actor_part = actor_part.where(ctry.is_not(None))
        if role is None:
            loc = rows.c.location_country
            actor_part = actor_part.where(or_(loc.is_(None), loc != ctry))
        else:
            actor_part = actor_part.where(rows.c.role == role)
        # Two actors of one country in an event count once: distinct events per country,
        # read in (country, event) order from the (actor_country, event_id, ...) index.
        parts.append(actor_part.group_by(ctry))
    both = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    n = func.sum(both.c.n).label("n")
    stmt = select(both.c.country, n).group_by(both.c.country).order_by(n.desc(), both.c.country)
    return [CountryCount(r.country, int(r.n)) for r in fetch_all(session, stmt)]


def _involved_country_counts(session: Session, filt: EventFilter) -> list[CountryCount]:
    """Events (or incidents) per country they involve, for a filter that selects events
    first: the matching events' ``event_country`` rows, (event, country) once each, read
    event by event from its key (narrower than the links, and no location part to add)."""
    rows = involved_countries(filt, dialect=_dialect(session))
    if filt.count_incidents:
        # count(DISTINCT): a sort of the (country, incident) rows by country, each country's
        # incidents sorted again; under ``actor=kim`` (300,000 rows) 360 ms of CPU against
        # 530 for a hash of the pairs that PostgreSQL then sorted by country anyway.
        linked_incident = rows.c.incident_id
        n = func.count(distinct(linked_incident)).label("n")
        stmt = select(rows.c.country, n).where(linked_incident.is_not(None))
        stmt = stmt.group_by(rows.c.country)
    else:
        stmt = select(rows.c.country, func.count().label("n")).group_by(rows.c.country)
    both = stmt.subquery()
    stmt = select(both.c.country, both.c.n).order_by(both.c.n.desc(), both.c.country)
    return [CountryCount(r.country, int(r.n)) for r in fetch_all(session, stmt)]


def _dated_country_counts(session: Session, filt: EventFilter) -> list[CountryCount]:
    """Events (or incidents) per country they involve, for a filter of copied fields with
    dates (no rollup keeps days): one range of the ``event_country`` index (country,
    modality, day, ...) per country, each (event, country) once, the incident in the key.

    The base tables' way, the events located in a country plus every link of an actor's
    country, read the whole of ``event_actor`` (no index leads with the day) and fetched
    each event for its location: 1.1-1.4 s for the last 90 days counting incidents, loaded.
    The country list comes from the same index (a loose scan: one probe per country).
    """
    countries = distinct_values(session, event_country.c.country)
    if not countries:
        return []
    ec = event_country.c
    conds = [ec.country.in_(countries), *filt._copied(ec)]
    # The rows come in country order: count(DISTINCT) sorts each country's incidents (half
    # the CPU of hashing every (country, incident) pair first). A country whose events are
    # all unlinked counts 0 incidents, as over the base tables.
    n = (func.count(distinct(ec.incident_id)) if filt.count_incidents else func.count()).label("n")
    stmt = select(ec.country, n).where(*conds).group_by(ec.country)
    both = stmt.subquery()
    stmt = select(both.c.country, both.c.n).order_by(both.c.n.desc(), both.c.country)
    return [CountryCount(r.country, int(r.n)) for r in fetch_all(session, stmt)]


def _country_incident_counts(
    session: Session, filt: EventFilter, role: str | None
) -> list[CountryCount]:
    """Incidents per country: each (country, incident) pair once, whichever of its reports
    placed it there (one report's location, another's actor)."""
    parts: list[Select[Any]] = []
    if role in (None, "location"):
        events, conds = matching_events(filt)
        loc = events.c.location_country
        located = select(loc.label("country"), events.c.incident_id).select_from(events)
        parts.append(located.where(*conds, loc.is_not(None)))
    if role != "location":
        rows = linked_rows(
            filt, link, "actor_country", "role", "incident_id", dialect=_dialect(session)
        )
        ctry = rows.c.actor_country
        by_actor = select(ctry.label("country"), rows.c.incident_id).where(ctry.is_not(None))
        if role is not None:
            by_actor = by_actor.where(rows.c.role == role)
        parts.append(by_actor)
    both = union(*parts).subquery() if len(parts) > 1 else parts[0].distinct().subquery()
    n = func.count(both.c.incident_id).label("n")
    stmt = select(both.c.country, n).group_by(both.c.country).order_by(n.desc(), both.c.country)
    return [CountryCount(r.country, int(r.n)) for r in fetch_all(session, stmt)]


def interaction_pairs(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 50,
    level: str = "actor",
) -> list[InteractionPair]:
    """Count filtered events per (agent, target) pair, most frequent first.

    ``level="actor"`` pairs actors (an actor acting on itself is left out);
    ``level="country"`` pairs the actors' ISO3 countries (actors without one are left out).
    """
    if level not in ("actor", "country"):
        raise ValueError(f"level must be 'actor' or 'country', not {level!r}")
    scoped = scope_counts.interaction_pairs(session, filt, limit) if level == "actor" else None
    if scoped is not None:
        return scoped
    # From event_pair (every agent link times every target link of an event, with copies of
    # the event's fields and both countries); names only for the counted pairs.
    pairs = linked_rows(
        filt,
        pair,
        "event_id",
        "agent_id",
        "target_id",
        "agent_country",
        "target_country",
        "incident_id",
        dialect=_dialect(session),
    )
    pc = pairs.c
    many = filt is not None and filt.count_incidents
    if level == "actor":
        # (event, agent, target) rows are unique, so count(*) counts events. The rows are
        # counted in (agent, target) order, as the (agent_id, target_id, ...) index gives
        # them: PostgreSQL otherwise hashes them, expecting (from its sample) a sixth of the
        # 390,000 distinct pairs of a million events, and the hash table spills to disk (three
        # times slower).
        ordered = select(pc.agent_id, pc.target_id, pc.incident_id)
        ordered = ordered.where(pc.agent_id != pc.target_id)
        ordered = ordered.order_by(pc.agent_id, pc.target_id).subquery()
        agent_id, target_id = ordered.c.agent_id, ordered.c.target_id
        # Incidents: one happening's reports of the same pair count once.
        n_pair = func.count(distinct(ordered.c.incident_id)) if many else func.count()
        counts_q = select(agent_id, target_id, n_pair.label("n")).group_by(agent_id, target_id)
        if _dialect(session) == "postgresql":
            # Names only for the pairs that can make the page (the most frequent ``limit``
            # and any tied with the last of them: the order by name stays exact), not for
            # the hundreds of thousands that occur once or twice. (SQLite has no WITH TIES.)
            counts_q = counts_q.order_by(n_pair.desc()).fetch(max(0, limit), with_ties=True)
        counts = counts_q.subquery()
        ag, tg = actor.alias("ag"), actor.alias("tg")
        stmt = (
            select(
                ag.c.name.label("source"),
                ag.c.country.label("source_country"),
                tg.c.name.label("target"),
                tg.c.country.label("target_country"),
                counts.c.n,
            )
            .select_from(
                counts.join(ag, ag.c.id == counts.c.agent_id).join(
                    tg, tg.c.id == counts.c.target_id
                )
            )
            .order_by(counts.c.n.desc(), ag.c.name, tg.c.name)
        )
    else:
        agc, tgc = pc.agent_country, pc.target_country
        n = counted(filt, pc.event_id, pc.incident_id).label("n")  # two agents of one country
        stmt = (
            select(
                agc.label("source"),
                tgc.label("target"),
                agc.label("source_country"),
                tgc.label("target_country"),
                n,
            )
            .where(agc.is_not(None), tgc.is_not(None))
            .group_by(agc, tgc)
            .order_by(n.desc(), agc, tgc)
        )
    return [
        InteractionPair(r.source, r.source_country, r.target, r.target_country, int(r.n))
        for r in fetch_all(session, stmt.limit(max(0, limit)))
    ]


def actor_summary(session: Session, *, filt: EventFilter | None = None) -> list[ActorSummary]:
    """Return every actor of the filtered events with its event counts, busiest first."""
    rows = linked_rows(filt, link, "actor_id", "role", dialect=_dialect(session))
    per_role = select(rows.c.actor_id, rows.c.role, func.count().label("n"))
    per_role = per_role.group_by(rows.c.actor_id, rows.c.role)
    by_role: dict[int, dict[str, int]] = {}
    for r in fetch_all(session, per_role):
        by_role.setdefault(int(r.actor_id), {})[r.role] = int(r.n)
    totals = {
        int(r.actor_id): int(r.n)
        for r in fetch_all(session, _actor_event_counts(session, filt, None))
    }
    if not totals:
        return []
    a = actor.c
    stmt = select(a.id, a.name, a.country, a.kind).where(a.id.in_(list(totals)))
    result = [
        ActorSummary(
            r.id,
            r.name,
            r.country,
            r.kind,
            totals[r.id],
            *(by_role.get(r.id, {}).get(role, 0) for role in ROLES),
        )
        for r in fetch_all(session, stmt)
    ]
    return sorted(result, key=lambda x: (-x.events, x.name, x.actor_id))
