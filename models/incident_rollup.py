"""Maintain the incident rollup (``models.rollup_tables``) in the caller's transaction.

:func:`refresh_incidents` is called once per linking transaction with the incidents whose
events changed (``worker.incidents.link_events``, from what ``write_incidents`` returns): each
one's facet rows are recomputed, and the counters corrected by the difference. The linker
passes the facts it has already read of every event of those incidents (:class:`FacetEvent`),
from which the rows are computed in Python (:func:`facet_rows`); without them they are
computed from ``event`` and ``event_actor`` in SQL (:func:`facet_rows_query`).
Concurrency: an incident's facet rows are only written under its type's lock (the linker
holds it), and the counters are changed by ``n = n + delta`` upserts, all at once and in key
order, so two workers adding to the same counters wait for each other and never deadlock.
:func:`rebuild` recomputes everything (migration 0010's backfill, data written by SQL, a
repair), and :func:`mismatches` compares the rollup with its base tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Integer,
    String,
    Table,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from common.contract import MODALITIES
from models import driver_writes
from models.rollup_tables import IncidentCount, IncidentFacet
from models.tables import Event, EventActorLink

IN_CHUNK = 1000
#: The bit of each modality in a mask; any other modality (none today) shares OTHER_BIT.
MODALITY_BITS: dict[str, int] = {m: 1 << i for i, m in enumerate(MODALITIES)}
OTHER_BIT = 1 << len(MODALITIES)
ALL_BITS = sum(MODALITY_BITS.values()) | OTHER_BIT
#: Counter key of the number of incidents whose events have more than one type.
MIXED_KEY = ("mixed", "", "", 0)

_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_facet: Table = SQLModel.metadata.tables[IncidentFacet.__tablename__]
_count: Table = SQLModel.metadata.tables[IncidentCount.__tablename__]

FacetRow = tuple[int, str, str, str, int]  # incident_id, facet, key, type, mask
CountKey = tuple[str, str, str, int]  # facet, key, type, mask


def modality_bit(modality: Any) -> Any:
    """SQL: the bit of the modality ``modality`` (a column) in a mask."""
    whens = [(modality == name, bit) for name, bit in MODALITY_BITS.items()]
    return case(*whens, else_=OTHER_BIT)


def facet_rows_query(incident_ids: Sequence[int] | None) -> Any:
    """``incident_id, facet, key, type, mask`` of these incidents (all: ``None``), from the
    base tables. A mask is the sum of the distinct bits of the modalities: their OR."""
    ev, ln = _event.c, _link.c
    chosen = (
        ev.incident_id.is_not(None)
        if incident_ids is None
        else ev.incident_id.in_(list(incident_ids))
    )
    bit = modality_bit(ev.modality).label("bit")
    joined = _link.join(_event, ev.id == ln.event_id)
    parts = [
        select(ev.incident_id, literal("all", String).label("facet"),
               literal("", String).label("key"), ev.type, bit).where(chosen),
        select(ev.incident_id, literal("country", String), ev.location_country, ev.type, bit)
        .where(chosen, ev.location_country.is_not(None)),
        select(ev.incident_id, literal("country", String), ln.actor_country, ev.type, bit)
        .select_from(joined).where(chosen, ln.actor_country.is_not(None)),
        select(ev.incident_id, literal("actor", String), cast(ln.actor_id, String), ev.type, bit)
        .select_from(joined).where(chosen),
    ]  # fmt: skip
    # ``day``: keyed by the first day of the incident's events of each type and modality, so
    # that for one modality each incident has exactly one row with its bit: the day it counts
    # on in the time series (incidents over time, under a one-modality filter).
    firsts = (
        select(ev.incident_id, ev.type, ev.modality, func.min(ev.day).label("first_day"))
        .where(chosen, ev.day.is_not(None))
        .group_by(ev.incident_id, ev.type, ev.modality)
        .subquery("first_days")
    )
    f = firsts.c
    day_key = cast(f.first_day, String)
    day_bit = modality_bit(f.modality)
    parts.append(select(f.incident_id, literal("day", String), day_key, f.type, day_bit))
    # ``anyday``: the first day of its events of each type whatever their modality (all bits),
    # for the time series when every modality counts.
    anyday = (
        select(ev.incident_id, ev.type, func.min(ev.day).label("first_day"))
        .where(chosen, ev.day.is_not(None))
        .group_by(ev.incident_id, ev.type)
        .subquery("first_any_days")
    )
    a = anyday.c
    any_key, all_bits = cast(a.first_day, String), literal(ALL_BITS, Integer)
    parts.append(select(a.incident_id, literal("anyday", String), any_key, a.type, all_bits))
    rows = union_all(*parts).subquery("facet_bits")
    r = rows.c
    mask = cast(func.sum(distinct(r.bit)), Integer).label("mask")
    return select(r.incident_id, r.facet, r.key, r.type, mask).group_by(
        r.incident_id, r.facet, r.key, r.type
    )


class FacetEvent(NamedTuple):
    """What an incident's facet rows need of one of its events."""

    incident_id: int
    type: str
    modality: str
    day: date | None
    #: The countries it involves (``event_country``: its location and its actors' countries).
    countries: Iterable[str]
    #: Its actors' ids (``event_actor``).
    actors: Iterable[int]


def facet_rows(events: Iterable[FacetEvent]) -> set[FacetRow]:
    """The facet rows of the incidents of these events, which must be all the events of
    those incidents: what :func:`facet_rows_query` computes from the base tables."""
    masks: dict[tuple[int, str, str, str], int] = {}
    firsts: dict[tuple[int, str, str], date] = {}
    any_firsts: dict[tuple[int, str], date] = {}
    for e in events:
        bit = MODALITY_BITS.get(e.modality, OTHER_BIT)
        keys = [("all", "")]
        keys += [("country", c) for c in e.countries]
        keys += [("actor", str(a)) for a in e.actors]
        for facet, key in keys:
            k = (e.incident_id, facet, key, e.type)
            masks[k] = masks.get(k, 0) | bit
        if e.day is not None:
            first = (e.incident_id, e.type, e.modality)
            if first not in firsts or e.day < firsts[first]:
                firsts[first] = e.day
            any_first = (e.incident_id, e.type)
            if any_first not in any_firsts or e.day < any_firsts[any_first]:
                any_firsts[any_first] = e.day
    # ``day``: two modalities first seen on the same day share a row (their bits OR-ed).
    for (incident_id, type_, modality), day in firsts.items():
        k = (incident_id, "day", day.isoformat(), type_)
        masks[k] = masks.get(k, 0) | MODALITY_BITS.get(modality, OTHER_BIT)
    rows = {(i, f, k, t, m) for (i, f, k, t), m in masks.items()}
    rows.update((i, "anyday", d.isoformat(), t, ALL_BITS) for (i, t), d in any_firsts.items())
    return rows


def _tally(rows: Iterable[FacetRow], sign: int, deltas: Counter[CountKey]) -> None:
    """Add ``sign`` per row to its counter, and per incident of several types to MIXED_KEY."""
    types: dict[int, set[str]] = {}
    for incident_id, facet, key, type_, mask in rows:
        deltas[(facet, key, type_, mask)] += sign
        if facet == "all":
            types.setdefault(incident_id, set()).add(type_)
    deltas[MIXED_KEY] += sign * sum(1 for kinds in types.values() if len(kinds) > 1)


def _stored_rows(conn: Connection, ids: Sequence[int]) -> set[FacetRow]:
    """The ``incident_facet`` rows of these incidents, through the driver (the linker reads
    thousands a batch, and SQLAlchemy's row objects cost more than the database's work)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.name == "postgresql":
            where, params = "incident_id = ANY(%s)", (list(ids),)
        else:
            where, params = f"incident_id IN ({', '.join('?' * len(ids))})", tuple(ids)
        cursor.execute(
            f"SELECT incident_id, facet, key, type, mask FROM incident_facet WHERE {where}",
            params,
        )
        return {(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in cursor.fetchall()}
    finally:
        cursor.close()


def refresh_incidents(
    session: Session,
    *,
    incident_ids: Iterable[int | None],
    events: Iterable[FacetEvent] | None = None,
) -> None:
    """Bring the rollup up to date for these incidents (new, changed or deleted ones).

    Call it once per transaction, after the incidents' events were written, with every
    incident whose set of events changed; ids of incidents deleted meanwhile are fine.
    ``events``: every event these incidents have now (others are ignored), when the caller
    has them; their rows are then computed from those rather than read from the base tables
    (which costs a query per incident size, batch after batch).
    """
    ids = sorted({int(i) for i in incident_ids if i is not None})
    computed: dict[int, set[FacetRow]] | None = None
    if events is not None:
        wanted = set(ids)
        computed = {}
        for row in facet_rows(e for e in events if e.incident_id in wanted):
            computed.setdefault(row[0], set()).add(row)
    deltas: Counter[CountKey] = Counter()
    for chunk in batched(ids, IN_CHUNK):
        old = _stored_rows(session.connection(), chunk)
        if computed is not None:
            new = {row for i in chunk for row in computed.get(i, ())}
        else:
            new = {
                (int(r[0]), r[1], r[2], r[3], int(r[4]))
                for r in session.execute(facet_rows_query(chunk))
            }
        _tally(old, -1, deltas)
        _tally(new, +1, deltas)
        # By primary key, through the driver (models.driver_writes): a tuple IN list of
        # hundreds of keys was built and compiled again for every batch.
        conn = session.connection()
        driver_writes.write_rows(
            conn,
            sqlite="DELETE FROM incident_facet WHERE incident_id = ? AND facet = ? AND key = ? "
            "AND type = ?",
            postgres="DELETE FROM incident_facet f USING unnest(%s::int[], %s::varchar[], "
            "%s::varchar[], %s::varchar[]) AS v(i, facet, key, type) WHERE f.incident_id = v.i "
            "AND f.facet = v.facet AND f.key = v.key AND f.type = v.type",
            rows=[r[:4] for r in sorted(old - new)],
        )
        driver_writes.write_rows(
            conn,
            sqlite="INSERT INTO incident_facet (incident_id, facet, key, type, mask) "
            "VALUES (?, ?, ?, ?, ?)",
            postgres="INSERT INTO incident_facet (incident_id, facet, key, type, mask) "
            "SELECT * FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[], "
            "%s::int[])",
            rows=sorted(new - old),
        )
    _apply(session, deltas)


def _apply(session: Session, deltas: Counter[CountKey]) -> None:
    """Add the non-zero deltas to their counters, in key order (see the module docstring)."""
    rows = [(f, k, t, m, n) for (f, k, t, m), n in sorted(deltas.items()) if n]
    # Through the driver (models.driver_writes), the rows in key order.
    driver_writes.write_rows(
        session.connection(),
        sqlite="INSERT INTO incident_count (facet, key, type, mask, n) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (facet, key, type, mask) DO UPDATE SET n = incident_count.n + excluded.n",
        postgres="INSERT INTO incident_count (facet, key, type, mask, n) SELECT * FROM "
        "unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::int[], %s::int[]) "
        "ON CONFLICT (facet, key, type, mask) DO UPDATE SET n = incident_count.n + EXCLUDED.n",
        rows=rows,
    )


def _computed_counts() -> Any:
    """``facet, key, type, mask, n`` computed from the base tables (mixed incidents too)."""
    facets = facet_rows_query(None).subquery("facets")
    f = facets.c
    counts = select(f.facet, f.key, f.type, f.mask, func.count().label("n")).group_by(
        f.facet, f.key, f.type, f.mask
    )
    several = (
        select(f.incident_id)
        .where(f.facet == "all")
        .group_by(f.incident_id)
        .having(func.count() > 1)
        .subquery("several_types")
    )
    mixed = select(
        *(literal(v, String if isinstance(v, str) else Integer) for v in MIXED_KEY),
        func.count(),
    ).select_from(several)
    return union_all(counts, mixed)


def rebuild(session: Session) -> None:
    """Recompute the whole rollup from ``event`` and ``event_actor``."""
    session.execute(delete(_facet))
    session.execute(delete(_count))
    columns = ["incident_id", "facet", "key", "type", "mask"]
    session.execute(insert(_facet).from_select(columns, facet_rows_query(None)))
    counts = _computed_counts().subquery("computed")
    session.execute(
        insert(_count).from_select(
            ["facet", "key", "type", "mask", "n"], select(*counts.c).where(counts.c.n > 0)
        )
    )


def mismatches(session: Session) -> list[tuple[CountKey, int, int]]:
    """``(key, stored n, computed n)`` of every counter that differs from its base tables,
    and of the facet rows (as ``("facet rows", ...)``) when those differ; empty when right."""
    stored = {
        (r.facet, r.key, r.type, int(r.mask)): int(r.n)
        for r in session.execute(select(_count)).all()
        if r.n
    }
    computed = {
        (r[0], r[1], r[2], int(r[3])): int(r[4])
        for r in session.execute(_computed_counts()).all()
        if r[4]
    }
    wrong = [
        (key, stored.get(key, 0), computed.get(key, 0))
        for key in sorted(set(stored) | set(computed))
        if stored.get(key, 0) != computed.get(key, 0)
    ]
    fc = _facet.c
    rows = set(session.execute(select(fc.incident_id, fc.facet, fc.key, fc.type, fc.mask)).all())
    if rows != set(session.execute(facet_rows_query(None)).all()):
        wrong.append((("facet rows", "", "", 0), len(rows), -1))
    return wrong


__all__ = [
    "ALL_BITS",
    "MODALITY_BITS",
    "OTHER_BIT",
    "FacetEvent",
    "facet_rows",
    "facet_rows_query",
    "mismatches",
    "modality_bit",
    "rebuild",
    "refresh_incidents",
]
