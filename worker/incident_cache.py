"""The events the linker read lately, kept in memory between batches (one per process).

Consecutive batches read mostly the same days (news arrives in date order, and a month-dated
report reads its whole month), and turning a stored row into what the rules need (its actors,
its content words) is most of what linking costs. A stored event never changes except for
the incident it points at, so a row read once is kept, keyed by database, id and creation
time: an id SQLite gives again after a delete comes with a new ``created_at`` and misses.
:class:`FactsCache` does the same for what the rollups count of an event (read for every
event of every incident a batch changes). Bounded (least recently used go first), so a
long-running worker's memory stays flat.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from copy import copy
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from models import scope_rollup
from models.incident_repository import BlockEvent
from models.scope_rollup import EventFacts
from worker.incident_linking import LinkEvent, TypeTraits

#: Events kept: about 3.5 kB each by tracemalloc on bench/link_cost.py's events (its sentence,
#: actors, content words), 4.9 kB on bench/memory.py's (bench/memory_probe.py), so 70-100 MB
#: in all: more than the days and groups a batch reads, and the 17,500 events of
#: bench/link_cost.py's 1,200 articles.
MAX_EVENTS = 20_000


class EventCache:
    """Stored events and their :class:`LinkEvent`, by (database, id, created_at).

    Parameters:
      max_events: how many events to keep.
    """

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._events: OrderedDict[tuple[str, int], tuple[BlockEvent, LinkEvent]] = OrderedDict()
        self._traits: Mapping[str, TypeTraits] | None = None

    def get(
        self,
        database: str,
        event_id: int,
        created_at: datetime | None,
        incident_id: int | None,
        traits: Mapping[str, TypeTraits],
    ) -> tuple[BlockEvent, LinkEvent] | None:
        """The event as kept, pointing at ``incident_id``; None when not kept or stale."""
        self._check(traits)
        key = (database, event_id)
        found = self._events.get(key)
        if found is None or created_at is None or found[0].created_at != created_at:
            return None
        self._events.move_to_end(key)
        stored, linked = found
        if stored.incident_id != incident_id:
            # A shallow copy with one field set: dataclasses.replace re-runs __init__ over
            # every field, which the linker paid for tens of thousands of times per run.
            stored = copy(stored)
            object.__setattr__(stored, "incident_id", incident_id)
            self._events[key] = (stored, linked)
        return stored, linked

    def put(
        self,
        database: str,
        stored: BlockEvent,
        linked: LinkEvent,
        traits: Mapping[str, TypeTraits],
    ) -> None:
        """Keep an event just read."""
        self._check(traits)
        if stored.created_at is None:
            return
        self._events[(database, stored.id)] = (stored, linked)
        self._events.move_to_end((database, stored.id))
        while len(self._events) > self.max_events:
            self._events.popitem(last=False)

    def _check(self, traits: Mapping[str, TypeTraits]) -> None:
        # Linking events depend on the types' specs: other specs, other events.
        if traits != self._traits:
            self._events.clear()
            self._traits = dict(traits)

    def __len__(self) -> int:
        return len(self._events)


class FactsCache:
    """What the rollups count of stored events (``models.scope_rollup.EventFacts``), by
    (database, id, created_at), as :class:`EventCache` keeps what the rules read.

    The linker reads the facts of every event of the incidents a batch changes, batch after
    batch, and those incidents grow with the store; their facts (type, modality, day,
    countries, actors, pairs) never change but for the incident, which is read fresh with
    the id and creation time of each event (one index range per incident).

    Parameters:
      max_events: how many events to keep.
    """

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._facts: OrderedDict[tuple[str, int], tuple[Any, EventFacts]] = OrderedDict()

    def read(
        self, conn: Connection, database: str, column: str, values: Iterable[int | None]
    ) -> dict[int, EventFacts]:
        """The facts of the events whose ``column`` (``id`` or ``incident_id``) is one of
        ``values``, by event id, each with its incident now: kept ones from memory, the
        others read (``models.scope_rollup.facts_by_event``) and kept. Each is a copy the
        caller may change."""
        found: dict[int, EventFacts] = {}
        missing: list[tuple[int, Any]] = []
        for event_id, created_at, incident_id in scope_rollup.event_stamps(conn, column, values):
            key = (database, event_id)
            kept = self._facts.get(key)
            if kept is None or created_at is None or kept[0] != created_at:
                missing.append((event_id, created_at))
                continue
            self._facts.move_to_end(key)
            facts = copy(kept[1])
            facts.incident_id = incident_id
            found[event_id] = facts
        if missing:
            read = scope_rollup.facts_by_event(conn, "id", [i for i, _ in missing])
            for event_id, created_at in missing:
                if (facts := read.get(event_id)) is None:
                    continue
                found[event_id] = facts
                if created_at is not None:
                    self._facts[(database, event_id)] = (created_at, copy(facts))
                    self._facts.move_to_end((database, event_id))
            while len(self._facts) > self.max_events:
                self._facts.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._facts)
