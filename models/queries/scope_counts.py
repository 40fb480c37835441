"""Actor, country and pair counts read from the scope rollup (``models.scope_tables``).

A filter of types, modalities and at most one country (what the Actors and Map pages show
unfiltered, under a type, or under a country) counts its events among those that involve the
country (the *scope*; ``''`` without a country filter), and ``scope_count`` holds those counts
per type and modality bit: the counts are sums of its rows of the wanted types whose bits meet
the filter's. Counting reports, every such filter is answered (agent-target pairs only under
a country: without one the rollup keeps no pairs, the base tables are as quick); counting
incidents, only those with a country (``models.queries.rollup`` answers the others for actors
and countries), and, as there, sums over several types only while no incident mixes types.
Every function returns ``None`` when the rollup cannot answer, and the caller reads the base
tables. A count of zero is no row: the base tables list an actor or pair whose matching
events are all unlinked with 0 incidents, the rollup leaves it out (as ``rollup`` does).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.queries._core import actor, fetch_all
from models.queries.filters import EventFilter
from models.queries.results import ActorCount, CountryCount, InteractionPair
from models.queries.rollup import mixed_incidents, modality_mask, ranked_actors
from models.scope_tables import ScopeCount

counts = SQLModel.metadata.tables[ScopeCount.__tablename__]


def _conditions(session: Session, filt: EventFilter | None, facet: str) -> list[Any] | None:
    """Conditions on ``scope_count`` rows of ``facet`` answering ``filt``, or None."""
    filt = filt or EventFilter()
    narrowed = filt.actor or filt.since or filt.until or filt.subtypes or filt.text
    mask = modality_mask(filt)
    if narrowed or (filt.min_confidence or 0) > 0 or mask is None or len(filt.countries) > 1:
        return None
    scope = filt.countries[0] if filt.countries else ""
    unit = "incident" if filt.count_incidents else "event"
    if not scope and (unit == "incident" or facet == "pair"):
        return None  # not kept (see the module docstring)
    c = counts.c
    conds = [c.unit == unit, c.scope == scope, c.facet == facet, c.mask.op("&")(mask) != 0]
    if len(filt.types) == 1:
        return [*conds, c.type == filt.types[0]]
    # An incident of two types would be counted once per type (events have one type).
    if unit == "incident" and mixed_incidents(session):
        return None
    return [*conds, c.type.in_(filt.types)] if filt.types else conds


def _per_key(conds: list[Any], *keys: Any) -> Any:
    n = func.sum(counts.c.n).label("n")
    return select(*keys, n).where(*conds).group_by(*keys).having(n > 0)


def top_actors(session: Session, filt: EventFilter | None, limit: int) -> list[ActorCount] | None:
    """The actors of the most matching events or incidents (any role), most first, or None."""
    conds = _conditions(session, filt, "actor")
    if conds is None:
        return None
    return ranked_actors(session, _per_key(conds, counts.c.key).subquery(), limit)


def country_counts(session: Session, filt: EventFilter | None) -> list[CountryCount] | None:
    """Matching events or incidents per country they involve, most first, or None."""
    conds = _conditions(session, filt, "country")
    if conds is None:
        return None
    per = _per_key(conds, counts.c.key).subquery()
    stmt = select(per.c.key, per.c.n).order_by(per.c.n.desc(), per.c.key)
    return [CountryCount(r.key, int(r.n)) for r in fetch_all(session, stmt)]


def interaction_pairs(
    session: Session, filt: EventFilter | None, limit: int
) -> list[InteractionPair] | None:
    """Matching events or incidents per (agent, target) pair of different actors, most
    first (then by names, as ``models.queries.interaction_pairs``), or None."""
    conds = _conditions(session, filt, "pair")
    if conds is None:
        return None
    c = counts.c
    per = _per_key(conds, c.key, c.target_id)
    if session.get_bind().dialect.name == "postgresql":
        # Names for the pairs that can make the page only (the ``limit`` most frequent and
        # any tied with the last of them), as the base query does.
        per = per.order_by(func.sum(c.n).desc()).fetch(max(0, limit), with_ties=True)
    top = per.subquery()
    ag, tg = actor.alias("ag"), actor.alias("tg")
    stmt = (
        select(ag.c.name, ag.c.country, tg.c.name.label("tn"), tg.c.country.label("tc"), top.c.n)
        .select_from(
            top.join(ag, ag.c.id == cast(top.c.key, Integer)).join(tg, tg.c.id == top.c.target_id)
        )
        .order_by(top.c.n.desc(), ag.c.name, tg.c.name)
        .limit(max(0, limit))
    )
    return [
        InteractionPair(r.name, r.country, r.tn, r.tc, int(r.n)) for r in fetch_all(session, stmt)
    ]
