"""Incident counts read from the rollup (``models.rollup_tables``) when a filter allows it.

A filter of types and modalities only (what the dashboard shows unfiltered, and with a type
picked) selects events by fields every incident keeps per type in ``incident_facet``, so its
incident counts (in total, per type, per country, per actor; per day for one modality) are
sums of ``incident_count`` rows: those of the wanted types whose modality bits meet the
filter's. With one country too, the number of incidents (in total and per type) is the sum
of that country's rows. That is exact when
each incident has one type, which the linker guarantees (an incident's block names its type);
should an incident ever mix types, sums over several types would count it twice, and then
only single-type filters are read here. Every function returns ``None`` when the rollup
cannot answer, and the caller reads the base tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, cast, func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.incident_rollup import ALL_BITS, MIXED_KEY, MODALITY_BITS
from models.queries._core import actor, as_date, fetch_all
from models.queries.buckets import bucket_start
from models.queries.filters import EventFilter
from models.queries.results import ActorCount, CountryCount, TimeCount
from models.rollup_tables import IncidentCount

counts = SQLModel.metadata.tables[IncidentCount.__tablename__]


def modality_mask(filt: EventFilter) -> int | None:
    """The bits of the filter's modalities (all bits for "any"); None for an unknown one."""
    if not filt.modalities:
        return ALL_BITS
    if any(m not in MODALITY_BITS for m in filt.modalities):
        return None  # OTHER_BIT stands for every unknown modality at once
    return sum(MODALITY_BITS[m] for m in filt.modalities)


def _conditions(
    session: Session, filt: EventFilter | None, facet: str, *, aggregate: bool = True
) -> list[Any] | None:
    """Conditions on ``incident_count`` rows of ``facet`` for ``filt``, or None.

    ``aggregate``: for an aggregate, which counts incidents only under
    ``filt.count_incidents`` (``count_incidents`` counts them whatever the filter says).
    """
    filt = filt or EventFilter()
    if aggregate and not filt.count_incidents:
        return None
    narrowed = filt.actor or filt.since or filt.until or filt.subtypes or filt.text
    mask = modality_mask(filt)
    if narrowed or (filt.min_confidence or 0) > 0 or mask is None:
        return None
    c = counts.c
    conds = [c.mask.op("&")(mask) != 0]
    if filt.countries:
        # One country: the incidents with a matching event involving it are its ``country``
        # rows, which count per type (and in total) exactly as the ``all`` rows do.
        if len(filt.countries) != 1 or facet != "all":
            return None
        conds += [c.facet == "country", c.key == filt.countries[0]]
    else:
        conds.append(c.facet == facet)
    if len(filt.types) == 1:
        return [*conds, c.type == filt.types[0]]
    if mixed_incidents(session):
        return None
    return [*conds, c.type.in_(filt.types)] if filt.types else conds


def mixed_incidents(session: Session) -> int:
    """How many incidents have events of more than one type (0 unless written by hand)."""
    facet, key, type_, mask = MIXED_KEY
    c = counts.c
    stmt = select(func.coalesce(func.sum(c.n), 0)).where(
        c.facet == facet, c.key == key, c.type == type_, c.mask == mask
    )
    return int(session.connection().execute(stmt).scalar_one())


def _per_key(conds: list[Any]) -> Select[Any]:
    n = func.sum(counts.c.n).label("n")
    return select(counts.c.key, n).where(*conds).group_by(counts.c.key).having(n > 0)


def count_incidents(session: Session, filt: EventFilter | None) -> int | None:
    """Incidents with a matching event, or None."""
    conds = _conditions(session, filt, "all", aggregate=False)
    if conds is None:
        return None
    stmt = select(func.coalesce(func.sum(counts.c.n), 0)).where(*conds)
    return int(session.connection().execute(stmt).scalar_one())


def type_counts(session: Session, filt: EventFilter | None) -> dict[str, int] | None:
    """``{type: incidents}``, most first, or None."""
    conds = _conditions(session, filt, "all")
    if conds is None:
        return None
    n = func.sum(counts.c.n).label("n")
    stmt = select(counts.c.type, n).where(*conds).group_by(counts.c.type).having(n > 0)
    stmt = stmt.order_by(n.desc(), counts.c.type)
    return {r.type: int(r.n) for r in fetch_all(session, stmt)}


def country_counts(session: Session, filt: EventFilter | None) -> list[CountryCount] | None:
    """Incidents per country (as location or through any actor), most first, or None."""
    conds = _conditions(session, filt, "country")
    if conds is None:
        return None
    per = _per_key(conds).subquery()
    stmt = select(per.c.key, per.c.n).order_by(per.c.n.desc(), per.c.key)
    return [CountryCount(r.key, int(r.n)) for r in fetch_all(session, stmt)]


def counts_over_time(
    session: Session, filt: EventFilter | None, bucket: str
) -> list[TimeCount] | None:
    """Incidents per bucket and type, each on the first day it matched, or None.

    For one modality (each incident then has one ``day`` row with its bit) or all of them
    (one ``anyday`` row per incident and type).
    """
    modalities = (filt or EventFilter()).modalities
    if len(modalities) > 1:
        return None
    conds = _conditions(session, filt, "day" if modalities else "anyday")
    if conds is None:
        return None
    daily = select(counts.c.key, counts.c.type, func.sum(counts.c.n).label("n"))
    daily = daily.where(*conds).group_by(counts.c.key, counts.c.type).subquery()
    start = bucket_start(daily.c.key, bucket).label("bucket_start")
    n = func.sum(daily.c.n).label("n")
    stmt = select(start, daily.c.type, n).group_by(start, daily.c.type).having(n > 0)
    stmt = stmt.order_by(start, daily.c.type)
    return [
        TimeCount(as_date(r.bucket_start), r.type, int(r.n))  # type: ignore[arg-type]
        for r in fetch_all(session, stmt)
    ]


def top_actors(session: Session, filt: EventFilter | None, limit: int) -> list[ActorCount] | None:
    """The actors of the most incidents (any role), most first, or None."""
    conds = _conditions(session, filt, "actor")
    if conds is None:
        return None
    return ranked_actors(session, _per_key(conds).subquery(), limit)


def ranked_actors(session: Session, per: Any, limit: int) -> list[ActorCount]:
    """The actors of a counted subquery (``key``: actor id as text, ``n``: its count), most
    first, ties by name: what both rollups' top-actor queries end with."""
    a = actor.c
    stmt = (
        select(a.id, a.name, a.country, a.kind, per.c.n)
        .select_from(per.join(actor, a.id == cast(per.c.key, Integer)))
        .order_by(per.c.n.desc(), a.name)
        .limit(max(0, limit))
    )
    return [ActorCount(r.id, r.name, r.country, r.kind, int(r.n)) for r in fetch_all(session, stmt)]
