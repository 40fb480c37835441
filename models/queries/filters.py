"""Which events a query sees: :class:`EventFilter`, and the SQL it becomes on each table.

A filter's fields are of three kinds, each checked where it is cheapest:

- **copied** fields (``types``, ``modalities``, ``since``/``until``): an event's type, modality
  and day are copied into each of its ``event_actor`` and ``event_pair`` rows, so those rows
  are tested on their own columns, without ``event``;
- **event** fields (``subtypes``, ``min_confidence``, ``text``): on ``event`` only;
- **involvement** fields (``countries``, ``actor``): whether an event involves a country (as
  its location or through any of its actors) or an actor whose name matches is a property of
  all its links together, never of one row.

A filter of copied fields only is applied to each table's own columns. Any other field
selects a set of matching events first, each set read from the rows that decide it and
already narrowed by the copied fields: the events involving one of the countries, a range
of the ``event_country`` index (migration 0011); the links of the actors whose name matches;
the events matching the event fields. Their intersection is the
matching events, and then:

- counts of events (total, per type, day or location) and the ids of a page of events come
  from those rows themselves (:func:`matching_events`), which carry the event's type, day and
  location, without reading ``event``;
- aggregates of links and pairs (:func:`linked_rows`) take the matching ids in order and
  fetch each event's rows from the index on ``event_id``. Consecutive ids share index pages,
  so on a million events this costs 40-60% of the plan PostgreSQL picks by itself once tens
  of thousands of events match: hashing the ids and probing every row of the table (see
  docs/dashboard.md "At scale").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, distinct, func, intersect, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from models.queries._core import actor, event, event_country, link


def _tuple(values: Iterable[str] | str | None, *, upper: bool = False) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    cleaned = (v.strip() for v in values if v and v.strip())
    return tuple(dict.fromkeys(v.upper() if upper else v for v in cleaned))


class _InSubquery(FunctionElement[Any]):
    """``column IN (subquery)``; on PostgreSQL ``column = ANY (ARRAY(subquery))``.

    The array is computed once, before the scan, and the scan becomes an index range per
    value. (As an IN, PostgreSQL may instead hash-join the small subquery against a scan of
    the whole table: it did, for the hundred actors named like "kim", at about eight times
    the cost.)
    """

    # No Boolean type: SQLAlchemy would compare it with 1 on dialects without booleans,
    # and SQLite would then no longer use the index for the IN.
    inherit_cache = True
    name = "in_subquery"


@compiles(_InSubquery, "postgresql")
def _in_subquery_pg(element: _InSubquery, compiler: SQLCompiler, **kw: Any) -> str:
    column, subquery = element.clauses
    return f"{compiler.process(column, **kw)} = ANY (ARRAY{compiler.process(subquery, **kw)})"


class _HashedIn(FunctionElement[Any]):
    """``column IN (subquery)`` tested row by row against a hash of the subquery's values:
    on PostgreSQL ``(column IN (subquery)) IS TRUE``.

    At the top of a WHERE clause PostgreSQL turns an IN into a semi-join, and then reads and
    sorts every row of the outer table (the 360,000 incidents, for a page of 50). Wrapped so
    that it is not a join, the IN becomes a filter (a "hashed SubPlan": the subquery run
    once into a hash table), and the outer rows can come in the order of an index and stop
    at the page's last row. (The hash stays in memory whatever its size: at most one entry
    per distinct value.)
    """

    inherit_cache = True
    name = "hashed_in"


@compiles(_HashedIn, "postgresql")
def _hashed_in_pg(element: _HashedIn, compiler: SQLCompiler, **kw: Any) -> str:
    column, subquery = element.clauses
    return f"({compiler.process(column, **kw)} IN {compiler.process(subquery, **kw)}) IS TRUE"


@compiles(_InSubquery)
@compiles(_HashedIn)
def _plain_in(element: _InSubquery | _HashedIn, compiler: SQLCompiler, **kw: Any) -> str:
    """``column IN (subquery)`` on the other dialects, for both wrappers (SQLite plans either
    the same way)."""
    column, subquery = element.clauses
    return f"{compiler.process(column, **kw)} IN {compiler.process(subquery, **kw)}"


def hashed_in(column: Any, subquery: Select[Any]) -> Any:
    """``column IN (subquery)`` as a filter, not a join (see :class:`_HashedIn`)."""
    return _HashedIn(column, subquery.scalar_subquery())


@dataclass(frozen=True)
class EventFilter:
    """Which events a query sees; every field left empty means "no restriction".

    Parameters:
      types: event types (``parade``, ``launch``, ``statement``, ...).
      subtypes: event subtypes.
      countries: ISO3 codes; an event matches when its location or any of its actors is in
        one of them.
      actor: case-insensitive substring of the name of any actor of the event.
      since: first event day included (the event's own date, else its article's
        publication date).
      until: last event day included.
      modalities: modalities kept; ``("asserted",)`` by default, ``()`` keeps all.
      min_confidence: lowest extractor confidence kept (0..1).
      text: case-insensitive substring of the evidence sentence.
      count_incidents: what the aggregates count: distinct incidents (one happening however
        many outlets reported it) when True, events (reports) when False. It selects nothing:
        the same events match either way; lists and ``count_events`` always list events.

    Any sequence is accepted and stored as a de-duplicated tuple, so a filter is hashable
    and can key caches.
    """

    types: Sequence[str] = ()
    subtypes: Sequence[str] = ()
    countries: Sequence[str] = ()
    actor: str | None = None
    since: date | None = None
    until: date | None = None
    modalities: Sequence[str] = ("asserted",)
    min_confidence: float | None = None
    text: str | None = None
    count_incidents: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", _tuple(self.types))
        object.__setattr__(self, "subtypes", _tuple(self.subtypes))
        object.__setattr__(self, "countries", _tuple(self.countries, upper=True))
        object.__setattr__(self, "modalities", _tuple(self.modalities))
        object.__setattr__(self, "actor", (self.actor or "").strip() or None)
        object.__setattr__(self, "text", (self.text or "").strip() or None)

    @property
    def copied_only(self) -> bool:
        """True when every field set is one ``event_actor`` and ``event_pair`` rows copy."""
        return not (self.countries or self.actor or self._event_conditions(event.c))

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on ``event`` that select the matching events."""
        ev = event.c
        involved = self._sets(event_fields=False, membership=True)
        conds = [ev.id.in_(s) for s in involved] if involved else self._copied(ev)
        return conds + self._event_conditions(ev)

    def row_conditions(self, row: Any) -> list[ColumnElement[bool]]:
        """Conditions on one ``event`` row (an alias) alone, correlated: for ``EXISTS``.

        The same events as :meth:`conditions`, decided event by event (its location, then its
        links through the index on ``event_id``) instead of by building the set of every
        matching event first: cheaper when the caller stops after a few matches (a page of
        incidents, newest first).
        """
        ev = row.c
        conds = self._copied(ev) + self._event_conditions(ev)
        if self.countries:
            # The row's own location first: only the events located elsewhere are looked up.
            involved = event_country.alias("row_country")
            conds.append(
                or_(
                    ev.location_country.in_(self.countries),
                    select(involved.c.event_id)
                    .where(involved.c.event_id == ev.id, involved.c.country.in_(self.countries))
                    .exists(),
                )
            )
        if self.actor:
            named_link, named = link.alias("row_named_link"), actor.alias("row_named_actor")
            matching_actors = select(named.c.id).where(
                named.c.name.icontains(self.actor, autoescape=True)
            )
            conds.append(
                select(named_link.c.event_id)
                .where(
                    named_link.c.event_id == ev.id,
                    _InSubquery(named_link.c.actor_id, matching_actors.scalar_subquery()),
                )
                .exists()
            )
        return conds

    def link_conditions(self, table: Any = None) -> list[ColumnElement[bool]]:
        """Conditions on ``event_actor`` (default), ``event_pair`` or an alias of either.

        They select the rows of matching events: on the row's own copies of type, modality
        and day for a filter of copied fields only, else by ``event_id`` in the sets of
        matching events (which imply the copied fields).
        """
        cols = (table if table is not None else link).c
        if self.copied_only:
            return self._copied(cols)
        return [cols.event_id.in_(s) for s in self._sets(membership=True)]

    def _copied(self, cols: Any) -> list[ColumnElement[bool]]:
        """Conditions on the type, modality and day columns of ``cols``."""
        conds: list[ColumnElement[bool]] = []
        if self.types:
            conds.append(cols.type.in_(self.types))
        if self.modalities:
            conds.append(cols.modality.in_(self.modalities))
        if self.since is not None:
            conds.append(cols.day >= self.since)
        if self.until is not None:
            conds.append(cols.day <= self.until)
        return conds

    def _event_conditions(self, ev: Any) -> list[ColumnElement[bool]]:
        """Conditions on the columns only ``event`` has (subtype, confidence, sentence)."""
        conds: list[ColumnElement[bool]] = []
        if self.subtypes:
            conds.append(ev.subtype.in_(self.subtypes))
        if self.min_confidence is not None and self.min_confidence > 0:
            conds.append(ev.confidence >= self.min_confidence)
        if self.text:
            conds.append(ev.sentence.icontains(self.text, autoescape=True))
        return conds

    def _sets(
        self,
        *,
        rows: bool = False,
        incident: bool = False,
        event_fields: bool = True,
        membership: bool = False,
        dedupe: bool = True,
    ) -> list[Select[Any]]:
        """One set of matching events per field kind, each narrowed by the copied fields.

        Each selects ``id`` (with ``rows=True`` also ``type``, ``day``, ``location_country``
        and ``incident_id``; with ``incident=True`` ``incident_id`` only: one row per event,
        the copies being the event's own), once per event. Ask for no more columns than the
        caller reads: the actor-name set is de-duplicated by them, and a hash over five
        columns of 120,000 links (``actor=kim``) cost twice a sort of the ids alone.
        ``event_fields=False`` leaves out the set of the event fields. Every table is
        an alias, so that no set is correlated with the query it is used in. ``membership``
        marks a set used as ``IN (set)``: the actor-name set is then not de-duplicated (an IN
        ignores repeats); the country set is a range of one table (migration 0011) either
        way, which PostgreSQL estimates from that table's statistics. ``dedupe=False``
        leaves the actor-name set with an event once per matching link, for a caller that
        de-duplicates the ids itself (one sort of the ids, where both together were a hash
        and then a sort).
        """

        def columns(event_id: Any, cols: Any) -> list[Any]:
            if not rows:
                return [event_id.label("id"), *([cols.incident_id] if incident else [])]
            # incident_id is copied into links too (migration 0008): incident counts.
            return [
                event_id.label("id"),
                cols.type,
                cols.day,
                cols.location_country,
                cols.incident_id,
            ]

        sets: list[Select[Any]] = []
        if self.countries:
            # The events involving a country, as location or through an actor, are a range of
            # the (country, modality, day, ...) index of ``event_country``, which carries the
            # event's copies (migration 0011): no set built from ``event`` and ``event_actor``.
            # With one country each event is there once; with several, grouped to once.
            involved = event_country.alias("involved")
            one = select(*columns(involved.c.event_id, involved.c)).where(
                involved.c.country.in_(self.countries), *self._copied(involved.c)
            )
            if len(self.countries) > 1:
                one = one.group_by(*columns(involved.c.event_id, involved.c))
            sets.append(one)
        if self.actor:
            named_link, named = link.alias("named_link"), actor.alias("named_actor")
            matching_actors = select(named.c.id).where(
                named.c.name.icontains(self.actor, autoescape=True)
            )
            by_name = select(*columns(named_link.c.event_id, named_link.c)).where(
                _InSubquery(named_link.c.actor_id, matching_actors.scalar_subquery()),
                *self._copied(named_link.c),
            )
            # Two matching actors of one event: one row. (Not for ``IN (set)``, which ignores
            # repeats: PostgreSQL then hashes the links once for a semi-join, instead of
            # de-duplicating them in one hash and building another: the actor timeline under
            # ``actor=kim``, 180 -> 115 ms.)
            sets.append(by_name.distinct() if dedupe and not membership else by_name)
        rest = self._event_conditions(event.c)
        if event_fields and rest:
            matched = event.alias("matched_event")
            sets.append(
                select(*columns(matched.c.id, matched.c)).where(
                    *self._copied(matched.c), *self._event_conditions(matched.c)
                )
            )
        return sets


def matching_events(
    filt: EventFilter | None, *, counting: bool = False
) -> tuple[Any, list[ColumnElement[bool]]]:
    """The matching events as ``(FROM, WHERE conditions)`` for event counts and pages.

    The FROM has the columns ``id``, ``type``, ``day``, ``location_country`` and
    ``incident_id`` (with ``counting=True``, for a count of events or incidents, possibly
    ``id`` and ``incident_id`` only). For a
    filter of copied fields only it is ``event`` with :meth:`EventFilter.conditions`; else it
    is the intersection of the sets of matching events (see the module docstring), with no
    further conditions.
    """
    filt = filt or EventFilter()
    if filt.copied_only:
        return event, filt.conditions()
    sets = filt._sets(rows=not counting, incident=counting)
    return _intersection(sets).subquery("matched"), []


def _intersection(sets: list[Select[Any]]) -> Any:
    """The rows common to all ``sets`` (each a SELECT or a UNION)."""
    if len(sets) == 1:
        return sets[0]
    # Each part as a derived table: SQLite allows no compound SELECT inside another.
    return intersect(*(select(*part.subquery().c) for part in sets))


def event_by_event(filt: EventFilter | None, dialect: str) -> bool:
    """Whether :func:`linked_rows` reads the rows of ``filt``'s matching events event by
    event (then ``distinct=True`` de-duplicates each event's rows)."""
    return dialect == "postgresql" and not (filt or EventFilter()).copied_only


def linked_rows(
    filt: EventFilter | None, table: Any, *names: str, dialect: str, distinct: bool = False
) -> Any:
    """The rows of ``table`` (``event_actor`` or ``event_pair``) of matching events, as a
    subquery with the columns ``names``.

    For a filter of copied fields only, the rows whose copies match. Else, on PostgreSQL,
    the matching event ids in ascending order, each joined (LATERAL) to its rows through the
    index on ``event_id`` (see the module docstring; ``OFFSET 0`` keeps the planner from
    turning that back into a join it would hash); elsewhere ``event_id IN`` the sets. When
    counting incidents, ``incident_id`` comes with the matching event (the sets carry it,
    from the indexes that select them), not from ``table``: the rows are then read from its
    unique index on ``event_id`` alone, without fetching each row for its incident.

    ``distinct`` (only where :func:`event_by_event`): each event's rows de-duplicated, in the
    probe of that event (a few rows, in index order), not over the whole result.
    """
    filt = filt or EventFilter()
    if distinct and not event_by_event(filt, dialect):
        raise ValueError("distinct=True needs rows read event by event (event_by_event)")
    if filt.copied_only or dialect != "postgresql":
        stmt = select(*(table.c[n] for n in names)).where(*filt.link_conditions(table))
        return stmt.subquery("linked_rows")
    # (Only when counting incidents: carrying it costs a wider sort of the ids.)
    with_incident = "incident_id" in names and filt.count_incidents
    ids = _intersection(filt._sets(incident=with_incident, dedupe=False)).subquery("matched_ids")
    carried = [ids.c.incident_id] if with_incident else []
    # DISTINCT (each id is once already): then the planner knows the ids are unique and adds
    # no cache in front of the probes, which under a country filter missed on every id.
    ordered = select(ids.c.id, *carried).distinct().order_by(ids.c.id).subquery("matched")
    per_event = select(*(table.c[n] for n in names if not (with_incident and n == "incident_id")))
    per_event = per_event.where(table.c.event_id == ordered.c.id)
    if distinct:
        per_event = per_event.distinct()
    per_event = per_event.offset(0).lateral("event_rows")
    columns = [
        ordered.c.incident_id if with_incident and n == "incident_id" else per_event.c[n]
        for n in names
    ]
    stmt = select(*columns).select_from(ordered.join(per_event, true()))
    return stmt.subquery("linked_rows")


def involved_countries(filt: EventFilter, *, dialect: str) -> Any:
    """``country, event_id, incident_id``: each matching event once per country it involves,
    for a filter that selects events first (not :attr:`EventFilter.copied_only`).

    As :func:`linked_rows` over ``event_country``, but the incident comes with the matching
    event (from the index that selected it) and only the countries are read event by event,
    from the key (event_id, country) alone: no row of the table is fetched.
    """
    matched = _intersection(filt._sets(incident=True, dedupe=dialect != "postgresql"))
    matched = matched.subquery("matched_rows")
    m = matched.c
    if dialect != "postgresql":
        stmt = select(event_country.c.country, m.id.label("event_id"), m.incident_id)
        stmt = stmt.select_from(matched.join(event_country, event_country.c.event_id == m.id))
        return stmt.subquery("involved_countries")
    ordered = select(m.id, m.incident_id).distinct().order_by(m.id).subquery("matched")
    per_event = (
        select(event_country.c.country)
        .where(event_country.c.event_id == ordered.c.id)
        .offset(0)
        .lateral("event_countries")
    )
    stmt = select(per_event.c.country, ordered.c.id.label("event_id"), ordered.c.incident_id)
    return stmt.select_from(ordered.join(per_event, true())).subquery("involved_countries")


def incidents_per(rows: Any, keys: Sequence[Any], incident_id: Any, where: Any = ()) -> Any:
    """``SELECT keys..., n``: distinct incidents per group of ``rows`` (FROM) under ``where``.

    De-duplicated by a GROUP BY of (keys, incident) and then counted, not by
    ``count(DISTINCT)``, which PostgreSQL sorts: on a million events the hash is about five
    times faster (bench/dashboard_scale.py, event types under "count incidents").
    """
    labelled = [k.label(f"k{i}") for i, k in enumerate(keys)]
    pairs = select(*labelled, incident_id.label("incident_id")).select_from(rows).where(*where)
    pairs = pairs.group_by(*keys, incident_id).subquery("incident_pairs")
    grouped = [pairs.c[f"k{i}"] for i in range(len(keys))]
    return select(*grouped, func.count().label("n")).group_by(*grouped)


def counted(filt: EventFilter | None, event_id: Any, incident_id: Any) -> Any:
    """``count(DISTINCT ...)`` of what ``filt`` counts: incidents, else events."""
    return func.count(distinct(incident_id if filt and filt.count_incidents else event_id))


def filtered(stmt: Select[Any], filt: EventFilter | None, *, from_: Any = None) -> Select[Any]:
    """``stmt`` selecting from ``from_`` (default ``event``), restricted to matching events."""
    return stmt.select_from(from_ if from_ is not None else event).where(
        *(filt or EventFilter()).conditions()
    )


def linked(filt: EventFilter | None, table: Any = None) -> Select[Any]:
    """``SELECT`` (no columns yet: ``add_columns``) from ``event_actor`` (or ``table``) rows
    of matching events."""
    table = table if table is not None else link
    return select().select_from(table).where(*(filt or EventFilter()).link_conditions(table))
