"""Actor, country and pair counts under an actor-name filter, read from the scope rollup's
actor scopes (migration 0014).

An actor-name filter (``actor=kim``) matches the events in which any actor whose name
contains the text takes part. ``scope_count`` keeps, per actor (scope ``@`` and its id), type
and modality bit, how many of that actor's events and incidents have each actor, country and
agent-target pair (``models.scope_tables``). The sum over the matching actors is what the
filter counts, except that an event in which two matching actors take part is counted once
per actor, and an incident once per matching actor that has a report there with the key.
What those few events (or incidents) add beyond once is read from the base tables and
subtracted: the matching actors' links (one index range per actor, as the filter reads them)
grouped by event (incident) give the ones with two actors or more, and only their rows are
read (on the bench's million events under ``actor=kim``: 4,374 of 122,324 events, 20,238 of
102,164 incidents). Every row of the rollup is one index range away, so the cost grows with
the number of counters of the matching actors, not with their events read one by one.

Answered: filters of an actor name, types and modalities (not dates, countries, subtypes,
confidence or text, which no rollup keeps); counting incidents over several types only while
no incident mixes types (as ``models.queries.scope_counts``). Every function returns ``None``
when the rollup cannot answer, and the caller reads the base tables. A count of zero is no
row, as in the other rollups.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, String, cast, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.queries._core import actor, event_country, fetch_all, link, pair
from models.queries.filters import EventFilter, in_array
from models.queries.results import ActorCount, CountryCount, InteractionPair
from models.queries.rollup import mixed_incidents, modality_mask, ranked_actors
from models.scope_rollup import ACTOR_SCOPE
from models.scope_tables import ScopeCount

counts = SQLModel.metadata.tables[ScopeCount.__tablename__]


def answers(session: Session, filt: EventFilter | None) -> bool:
    """Whether the actor scopes answer ``filt`` (an actor name, types and modalities)."""
    if filt is None or not filt.actor:
        return False
    narrowed = filt.countries or filt.since or filt.until or filt.subtypes or filt.text
    if narrowed or (filt.min_confidence or 0) > 0 or modality_mask(filt) is None:
        return False
    # An incident of two types would be counted once per type (events have one type).
    return not (filt.count_incidents and len(filt.types) != 1 and mixed_incidents(session))


def _matching_actors(filt: EventFilter) -> Select[Any]:
    named = actor.alias("scope_actor")
    return select(named.c.id).where(named.c.name.icontains(filt.actor, autoescape=True))


def _counter_conditions(filt: EventFilter, facet: str, unit: str) -> list[Any]:
    """Conditions on ``scope_count`` rows of ``facet``: the matching actors' scopes."""
    named = _matching_actors(filt).subquery("named")
    scopes = select(literal(ACTOR_SCOPE, String) + cast(named.c.id, String))
    c = counts.c
    conds = [c.unit == unit, in_array(c.scope, scopes), c.facet == facet]
    conds.append(c.mask.op("&")(modality_mask(filt)) != 0)
    if filt.types:
        conds.append(c.type.in_(filt.types))
    return conds


def _items(facet: str) -> tuple[Any, Any, Any, list[Any]]:
    """(table, key, target_id, conditions) of a facet's rows per event in the base tables,
    as ``models.scope_rollup`` counts them."""
    if facet == "actor":
        t = link.alias("item_link")
        return t, cast(t.c.actor_id, String), literal(0, Integer), []
    if facet == "country":
        t = event_country.alias("item_country")
        return t, t.c.country, literal(0, Integer), []
    t = pair.alias("item_pair")
    return t, cast(t.c.agent_id, String), t.c.target_id, [t.c.agent_id != t.c.target_id]


def _overcounted(filt: EventFilter, facet: str) -> Select[Any]:
    """``key, target_id, n``: how many times more than once the sum of the matching actors'
    scopes counts each key, from the events (incidents) of two matching actors or more."""
    anchor_link = link.alias("anchor_link")
    a = anchor_link.c
    unit = a.incident_id if filt.count_incidents else a.event_id
    conds = [in_array(a.actor_id, _matching_actors(filt)), *filt._copied(a)]
    if filt.count_incidents:
        conds.append(a.incident_id.is_not(None))
    anchors = select(unit.label("unit"), a.actor_id.label("anchor"), a.event_id).where(*conds)
    anchors = anchors.subquery("anchors")
    # Two matching actors or more: min and max differ (cheaper than counting them distinct).
    shared = select(anchors.c.unit).group_by(anchors.c.unit)
    shared = shared.having(func.min(anchors.c.anchor) != func.max(anchors.c.anchor))
    table, key, target, where = _items(facet)
    per_anchor = (
        select(anchors.c.unit, anchors.c.anchor, key.label("key"), target.label("target_id"))
        .select_from(anchors.join(table, table.c.event_id == anchors.c.event_id))
        .where(anchors.c.unit.in_(shared), *where)
        .distinct()
        .subquery("per_anchor")
    )
    p = per_anchor.c
    # Each unit was summed once per matching actor with the key there: all but once too many.
    extra = (func.count() - func.count(distinct(p.unit))).label("n")
    return select(p.key, p.target_id, extra).group_by(p.key, p.target_id)


def _per_key(filt: EventFilter, facet: str) -> Any:
    """``key, target_id, n`` (n > 0) of ``facet`` under ``filt``: the scopes' sum, less
    what it counts more than once."""
    unit = "incident" if filt.count_incidents else "event"
    c = counts.c
    summed = select(c.key, c.target_id, c.n).where(*_counter_conditions(filt, facet, unit))
    over = _overcounted(filt, facet).subquery("overcounted")
    less = select(over.c.key, over.c.target_id, -over.c.n)
    both = union_all(summed, less).subquery("signed")
    n = func.sum(both.c.n).label("n")
    per = select(both.c.key, both.c.target_id, n).group_by(both.c.key, both.c.target_id)
    return per.having(n > 0)


def top_actors(session: Session, filt: EventFilter | None, limit: int) -> list[ActorCount] | None:
    """The actors of the most matching events or incidents (any role), most first, or None."""
    if not answers(session, filt):
        return None
    assert filt is not None
    return ranked_actors(session, _per_key(filt, "actor").subquery(), limit)


def country_counts(session: Session, filt: EventFilter | None) -> list[CountryCount] | None:
    """Matching events or incidents per country they involve, most first, or None."""
    if not answers(session, filt):
        return None
    assert filt is not None
    per = _per_key(filt, "country").subquery()
    stmt = select(per.c.key, per.c.n).order_by(per.c.n.desc(), per.c.key)
    return [CountryCount(r.key, int(r.n)) for r in fetch_all(session, stmt)]


def interaction_pairs(
    session: Session, filt: EventFilter | None, limit: int
) -> list[InteractionPair] | None:
    """Matching events or incidents per (agent, target) pair of different actors, most
    first (then by names, as ``models.queries.interaction_pairs``), or None."""
    if not answers(session, filt):
        return None
    assert filt is not None
    per = _per_key(filt, "pair")
    if session.get_bind().dialect.name == "postgresql":
        # Names for the pairs that can make the page only (see models.queries.scope_counts).
        per = per.order_by(per.selected_columns.n.desc()).fetch(max(0, limit), with_ties=True)
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


def actors_involved(session: Session, filt: EventFilter | None) -> Any:
    """The condition on ``actor`` that it takes part in a matching event, or None.

    Any matching actor's counter of it above zero: a sum of counts is positive exactly when
    one of them is, so no correction is needed (reports, whatever the filter counts: an actor
    of an unlinked event takes part all the same).
    """
    if not answers(session, filt):
        return None
    assert filt is not None
    c = counts.c
    stmt = select(cast(c.key, Integer)).where(*_counter_conditions(filt, "actor", "event"), c.n > 0)
    return actor.c.id.in_(stmt)


__all__ = ["actors_involved", "answers", "country_counts", "interaction_pairs", "top_actors"]
