"""The scope rollup: reports and incidents counted in advance per filter country (0012) and
per word of actor names (0014).

A country filter selects the events that involve the country, and the Actors and Map pages
then count, among those events, each actor, each other country and each agent-target pair:
under a country matching 40% of a million events that read the links of 320,000 events
three times (1.9-2.4 s for the Actors page). ``scope_count`` holds those counts instead, per
*scope* (the filter's country, or ``''`` for no country filter), kept by
``models.scope_rollup`` as events are stored and incidents linked:

- ``unit`` ``event``: the number of events (reports) of ``type`` and of the one modality whose
  bit is ``mask`` that involve ``scope`` and ``key``. Scopes are every country an event
  involves, ``''`` (every event; facets ``actor`` and ``country`` only) and ``#`` followed
  by a word of its actors' names (``#kim``: the events of any actor whose name has the word
  ``kim``; ``models.actor_words``, whose ``actor_word`` rows say which actors have it).
- ``unit`` ``incident``: the number of incidents whose events of ``type`` that involve
  ``scope`` and ``key`` have exactly the modalities ``mask`` (as ``incident_count`` does).
  Scopes are countries and words: with no filter of either ``incident_count`` answers.
- ``facet`` ``actor``: ``key`` is an actor's id (as text), taking part in any role;
  ``country``: ``key`` is an ISO3 country the events involve (``key = scope`` counts the
  scope's events); ``pair``: ``key`` is an agent's id (as text) and ``target_id`` the id of
  a target of the same event, agent and target different (``target_id`` is 0 otherwise).

An event involves a country when it is its location or an actor's country (``event_country``).
A word scope counts each event once however many of its actors have the word (a union made
when writing: the counts of a name filter need no correction for events of two matching
actors).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ScopeCount(SQLModel, table=True):
    """How many events (or incidents) of a scope have ``key`` there, per type and modality."""

    __tablename__ = "scope_count"

    # Key order: a page's query is one range (unit, scope, facet) read in (key, target) order.
    unit: str = Field(primary_key=True, max_length=8)
    # A country, '' or '#' and a word (0014 widened it from 8).
    scope: str = Field(primary_key=True, max_length=40)
    facet: str = Field(primary_key=True, max_length=8)
    key: str = Field(primary_key=True, max_length=40)
    target_id: int = Field(primary_key=True, default=0)
    type: str = Field(primary_key=True, max_length=32)
    mask: int = Field(primary_key=True)
    n: int = 0


class ActorWord(SQLModel, table=True):
    """One word of an actor's name (``models.actor_words.name_words``), kept with the actor.

    Which actors have a word, for the word scopes of ``scope_count``: their counters are kept
    from these rows, and a name filter reads them only when the actors whose name contains
    the filter's text are exactly those having it as a word (``models.queries.scope_counts``).
    Written with the actor (``models.repository``; ORM inserts: a listener in
    ``models.tables``); actor names never change.
    """

    __tablename__ = "actor_word"
    __table_args__ = (Index("ix_actor_word_actor", "actor_id", "word"),)

    word: str = Field(primary_key=True, max_length=40)
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE", primary_key=True)
