"""The events the linker read lately, kept in memory between batches (one per process).

Consecutive batches read mostly the same days (news arrives in date order, and a month-dated
report reads its whole month), and turning a stored row into what the rules need (its actors,
its content words) is most of what linking costs. A stored event never changes except for
the incident it points at, so a row read once is kept, keyed by database, id and creation
time: an id SQLite gives again after a delete comes with a new ``created_at`` and misses.
:class:`StampedCache` is that keeping (bounded, least recently used go first, so a
long-running worker's memory stays flat); :class:`EventCache` keeps what the rules read of
an event with it, :class:`FactsCache` what the rollups count of it (read for every event of
every incident a batch changes).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from models import scope_rollup
from models.incident_repository import BlockEvent
from models.scope_rollup import EventFacts
from worker.incident_linking import LinkEvent, TypeTraits

#: Events kept: about 3.5 kB each by tracemalloc on bench/link_cost.py's events (its sentence,
#: actors, content words), 4.9 kB on bench/memory.py's (bench/memory_probe.py), so 70-100 MB
#: in all: more than the groups a batch reads, and the 17,500 events of bench/link_cost.py's
#: 1,200 articles.
MAX_EVENTS = 20_000

V = TypeVar("V")
T = TypeVar("T")


def pointing_at(record: T, incident_id: int | None) -> T:
    """A copy of a dataclass record (``BlockEvent``, ``EventFacts``) with another
    ``incident_id``: its fields copied as they are, frozen or not. ``copy.copy`` and
    ``dataclasses.replace`` cost several times more, and the linker makes tens of thousands
    of these per run."""
    clone = object.__new__(type(record))
    clone.__dict__.update(record.__dict__)
    clone.__dict__["incident_id"] = incident_id
    return clone


class StampedCache(Generic[V]):
    """Values kept per stored event by (database, id), each with the ``created_at`` stamp it
    was read with: a value comes back only for the same stamp. Least recently used go
    first beyond ``max_events``.

    Parameters:
      max_events: how many events to keep.
    """

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._kept: OrderedDict[tuple[str, int], tuple[Any, V]] = OrderedDict()

    def get(self, database: str, event_id: int, created_at: Any) -> V | None:
        """The value kept for this event with this stamp; None when not kept or stale."""
        key = (database, event_id)
        found = self._kept.get(key)
        if found is None or created_at is None or found[0] != created_at:
            return None
        self._kept.move_to_end(key)
        return found[1]

    def put(self, database: str, event_id: int, created_at: Any, value: V) -> None:
        """Keep a value read with this stamp (not kept without one)."""
        if created_at is None:
            return
        key = (database, event_id)
        self._kept[key] = (created_at, value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.max_events:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every value."""
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


class EventCache(StampedCache[tuple[BlockEvent, LinkEvent]]):
    """Stored events and their :class:`LinkEvent`, by (database, id, created_at), for the
    types' traits they were made with (other traits empty the cache)."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        super().__init__(max_events)
        self._traits: Mapping[str, TypeTraits] | None = None
        self._seen: Mapping[str, TypeTraits] | None = None

    def event(
        self,
        database: str,
        event_id: int,
        created_at: datetime | None,
        incident_id: int | None,
        traits: Mapping[str, TypeTraits],
    ) -> tuple[BlockEvent, LinkEvent] | None:
        """The event as kept, pointing at ``incident_id``; None when not kept or stale."""
        self._check(traits)
        found = self.get(database, event_id, created_at)
        if found is None:
            return None
        stored, linked = found
        if stored.incident_id != incident_id:
            stored = pointing_at(stored, incident_id)
            self.put(database, event_id, created_at, (stored, linked))
        return stored, linked

    def linked(
        self,
        database: str,
        event_id: int,
        created_at: datetime | None,
        traits: Mapping[str, TypeTraits],
    ) -> LinkEvent | None:
        """What the rules read of the event as kept (the same whatever incident it points
        at now: for scoring, without copying the stored event); None when not kept or
        stale."""
        self._check(traits)
        found = self.get(database, event_id, created_at)
        return None if found is None else found[1]

    def keep(
        self,
        database: str,
        stored: BlockEvent,
        linked: LinkEvent,
        traits: Mapping[str, TypeTraits],
    ) -> None:
        """Keep an event just read."""
        self._check(traits)
        self.put(database, stored.id, stored.created_at, (stored, linked))

    def _check(self, traits: Mapping[str, TypeTraits]) -> None:
        # Linking events depend on the types' specs: other specs, other events. The worker
        # passes the same mapping every time (worker.event_types caches it): compared by
        # identity first, for each of the thousands of events a batch reads.
        if traits is self._seen:
            return
        if traits != self._traits:
            self.clear()
            self._traits = dict(traits)
        self._seen = traits


class FactsCache(StampedCache[EventFacts]):
    """What the rollups count of stored events (``models.scope_rollup.EventFacts``), by
    (database, id, created_at), as :class:`EventCache` keeps what the rules read.

    The linker reads the facts of every event of the incidents a batch changes, batch after
    batch, and those incidents grow with the store; their facts (type, modality, day,
    countries, actors, pairs) never change but for the incident, which is read fresh with
    the id and creation time of each event (one index range per incident).
    """

    def read(
        self,
        conn: Connection,
        database: str,
        column: str,
        values: Iterable[int | None],
        known: Mapping[int, EventFacts] | None = None,
    ) -> dict[int, EventFacts]:
        """The facts of the events whose ``column`` (``id`` or ``incident_id``) is one of
        ``values``, by event id, each with its incident now: kept ones from memory, then
        ``known`` ones (facts of events just written, ``LinkWork.new_facts``), the others
        read (``models.scope_rollup.facts_by_event``), and kept. Each is a copy the caller
        may change."""
        known = {} if known is None else known
        found: dict[int, EventFacts] = {}
        missing: list[tuple[int, Any]] = []
        for event_id, created_at, incident_id in scope_rollup.event_stamps(conn, column, values):
            kept = self.get(database, event_id, created_at)
            if kept is None and (given := known.get(event_id)) is not None:
                given.scope_items()  # computed once, for it and its copies
                kept = pointing_at(given, given.incident_id)
                self.put(database, event_id, created_at, kept)
            if kept is None:
                missing.append((event_id, created_at))
            else:
                found[event_id] = pointing_at(kept, incident_id)
        if missing:
            read = scope_rollup.facts_by_event(conn, "id", [i for i, _ in missing])
            for event_id, created_at in missing:
                if (facts := read.get(event_id)) is None:
                    continue
                found[event_id] = facts
                # Its counters' items computed now, so that the copies made later share them.
                facts.scope_items()
                self.put(database, event_id, created_at, pointing_at(facts, facts.incident_id))
        return found
