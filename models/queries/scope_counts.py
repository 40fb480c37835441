"""Actor, country and pair counts read from the scope rollup (``models.scope_tables``).

A filter of types, modalities and at most one country (what the Actors and Map pages show
unfiltered, under a type, or under a country) counts its events among those that involve the
country (the *scope*; ``''`` without a country filter), and ``scope_count`` holds those counts
per type and modality bit. So does a filter of types, modalities and an actor name that is a
word (``actor=kim``), when the actors whose name contains it are exactly those having it as a
word (``models.actor_words``, :func:`name_scope`): its scope is the word's, ``#kim``. The
counts are sums of the scope's rows of the wanted types whose bits meet the filter's.
Counting reports, every such filter is answered (agent-target pairs only under a country or
a word: without one the rollup keeps no pairs, the base tables are as quick); counting
incidents, only those with a country or a word (``models.queries.rollup`` answers the others
for actors and countries), and, as there, sums over several types only while no incident
mixes types.
Every function returns ``None`` when the rollup cannot answer, and the caller reads the base
tables. A count of zero is no row: the base tables list an actor or pair whose matching
events are all unlinked with 0 incidents, the rollup leaves it out (as ``rollup`` does).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.actor_words import filter_word, word_scope
from models.queries._core import actor, fetch_all
from models.queries.filters import EventFilter
from models.queries.results import ActorCount, CountryCount, InteractionPair
from models.queries.rollup import mixed_incidents, modality_mask, ranked_actors
from models.scope_tables import ActorWord, ScopeCount

counts = SQLModel.metadata.tables[ScopeCount.__tablename__]
words = SQLModel.metadata.tables[ActorWord.__tablename__]


def name_scope(session: Session, name: str) -> str | None:
    """The word scope (``#kim``) whose events are exactly those of the actors whose name
    contains ``name`` as the filters match it, or None.

    ``name`` must be one word (``models.actor_words.filter_word``), and the actors matching
    it as a substring (``Hakim`` matches ``kim``) exactly the actors having it as a word:
    every matching actor has the word, and there are as many of either. Two counts over the
    actor table and its words (a scan of the 1,240 actors' names: under a millisecond).
    """
    name = name.strip()  # as EventFilter keeps it
    word = filter_word(name)
    if word is None:
        return None
    a, w = actor.c, words.c
    matching = a.name.icontains(name, autoescape=True)
    has_word = select(w.actor_id).where(w.word == word, w.actor_id == a.id).exists()
    stmt = select(
        select(func.count()).select_from(actor).where(matching).scalar_subquery(),
        select(func.count()).select_from(actor).where(matching, ~has_word).scalar_subquery(),
        select(func.count()).select_from(words).where(w.word == word).scalar_subquery(),
    )
    matched, wordless, having = session.execute(stmt).one()
    if wordless or matched != having:
        return None
    return word_scope(word)


def _conditions(session: Session, filt: EventFilter | None, facet: str) -> list[Any] | None:
    """Conditions on ``scope_count`` rows of ``facet`` answering ``filt``, or None."""
    filt = filt or EventFilter()
    narrowed = filt.since or filt.until or filt.subtypes or filt.text
    mask = modality_mask(filt)
    if narrowed or (filt.min_confidence or 0) > 0 or mask is None or len(filt.countries) > 1:
        return None
    if filt.actor and filt.countries:
        return None  # events of a word and a country: not kept
    if filt.actor:
        if (scope := name_scope(session, filt.actor)) is None:
            return None
    else:
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


def actor_total(session: Session, filt: EventFilter | None) -> int | None:
    """How many actors take part in a matching event, for an actor name read from its word
    scope (the Overview's actor count), or None. (Events, not incidents: the actors of the
    matching events either way.)"""
    filt = filt or EventFilter()
    if not filt.actor:
        return None  # other filters keep their own way (see models.queries.event_counts)
    conds = _conditions(session, replace(filt, count_incidents=False), "actor")
    if conds is None:
        return None
    per = _per_key(conds, counts.c.key).subquery()
    return int(session.execute(select(func.count()).select_from(per)).scalar_one())


def _word_conditions(session: Session, filt: EventFilter | None) -> list[Any] | None:
    """Conditions on the ``all`` rows of a name filter's word scope (each matching event or
    incident, counted by type and mask), or None. (Kept for word scopes only.)"""
    if filt is None or not filt.actor:
        return None
    return _conditions(session, filt, "all")


def type_counts(session: Session, filt: EventFilter | None) -> dict[str, int] | None:
    """``{type: matching events (or incidents)}`` under an actor name read from its word
    scope, most first (then by type, as ``models.queries.event_type_counts``), or None."""
    if (conds := _word_conditions(session, filt)) is None:
        return None
    per = _per_key(conds, counts.c.type).subquery()
    stmt = select(per.c.type, per.c.n).order_by(per.c.n.desc(), per.c.type)
    return {r.type: int(r.n) for r in fetch_all(session, stmt)}


def total(session: Session, filt: EventFilter | None) -> int | None:
    """How many events (or incidents) match an actor name read from its word scope, or
    None."""
    if (conds := _word_conditions(session, filt)) is None:
        return None
    stmt = select(func.coalesce(func.sum(counts.c.n), 0)).where(*conds)
    return int(session.execute(stmt).scalar_one())


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
