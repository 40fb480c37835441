"""Maintain the incident rollup (``models.rollup_tables``) in the caller's transaction.

:func:`refresh_incidents` is called once per linking transaction with the incidents whose
events changed (``worker.incidents.link_events``, from what ``write_incidents`` returns): each
one's facet rows are recomputed from ``event`` and ``event_actor``, and the counters corrected
by the difference. Concurrency: an incident's facet rows are only written under its type's
lock (the linker holds it), and the counters are changed by ``n = n + delta`` upserts, all
at once and in key order, so two workers adding to the same counters wait for each other
and never deadlock. :func:`rebuild` recomputes everything (migration 0010's backfill, data
written by SQL, a repair), and :func:`mismatches` compares the rollup with its base tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
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
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from common.contract import MODALITIES
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


def _tally(rows: Iterable[FacetRow], sign: int, deltas: Counter[CountKey]) -> None:
    """Add ``sign`` per row to its counter, and per incident of several types to MIXED_KEY."""
    types: dict[int, set[str]] = {}
    for incident_id, facet, key, type_, mask in rows:
        deltas[(facet, key, type_, mask)] += sign
        if facet == "all":
            types.setdefault(incident_id, set()).add(type_)
    deltas[MIXED_KEY] += sign * sum(1 for kinds in types.values() if len(kinds) > 1)


def refresh_incidents(session: Session, *, incident_ids: Iterable[int | None]) -> None:
    """Bring the rollup up to date for these incidents (new, changed or deleted ones).

    Call it once per transaction, after the incidents' events were written, with every
    incident whose set of events changed; ids of incidents deleted meanwhile are fine.
    """
    ids = sorted({int(i) for i in incident_ids if i is not None})
    deltas: Counter[CountKey] = Counter()
    fc = _facet.c
    for chunk in batched(ids, IN_CHUNK):
        old = {
            (int(r[0]), r[1], r[2], r[3], int(r[4]))
            for r in session.execute(
                select(fc.incident_id, fc.facet, fc.key, fc.type, fc.mask).where(
                    fc.incident_id.in_(chunk)
                )
            )
        }
        new = {
            (int(r[0]), r[1], r[2], r[3], int(r[4]))
            for r in session.execute(facet_rows_query(chunk))
        }
        _tally(old, -1, deltas)
        _tally(new, +1, deltas)
        gone = sorted(old - new)
        for rows in batched(gone, 400):
            keys = [(r[0], r[1], r[2], r[3]) for r in rows]
            session.execute(
                delete(_facet).where(tuple_(fc.incident_id, fc.facet, fc.key, fc.type).in_(keys))
            )
        added = [
            {"incident_id": i, "facet": f, "key": k, "type": t, "mask": m}
            for i, f, k, t, m in sorted(new - old)
        ]
        for rows in batched(added, IN_CHUNK):
            session.execute(insert(_facet), list(rows))
    _apply(session, deltas)


def _apply(session: Session, deltas: Counter[CountKey]) -> None:
    """Add the non-zero deltas to their counters, in key order (see the module docstring)."""
    rows = [
        {"facet": f, "key": k, "type": t, "mask": m, "n": n}
        for (f, k, t, m), n in sorted(deltas.items())
        if n
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["facet", "key", "type", "mask"], set_={"n": _count.c.n + stmt.excluded.n}
    )
    for chunk in batched(rows, IN_CHUNK):
        session.execute(stmt, list(chunk))


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
    "facet_rows_query",
    "mismatches",
    "modality_bit",
    "rebuild",
    "refresh_incidents",
]
