"""The groups of linked events kept between batches, and the stored events linking reads.

Incidents are made inside the connected components of the links
(``worker.incident_linking.pair_score``), so a batch's new events can change only the
components they join. Finding those by following links would score the events of every day
the components reach, batch after batch, and components grow with the store. Instead every
grouped event carries a group label (``event_component``, models.incident_tables): two
linked events always share it. A new event is scored only against the events of its own
candidate days; the groups of the events it links to are merged (the largest keeps its
label), and the batch's components are then the events of its groups, one index range each.

Groups are merged, never split: when events go (reprocess, an extractor upgrade) a group
may hold several components, and clustering a set of whole components gives the union of
their own results (``worker.incident_linking.cluster``), so that costs time, not
correctness. Events without a group (stored before migration 0013, or without linking, or
before the rules changed) are scored against their days when reached, as every event was
before; events stored unlinked are grouped before each batch (at most
``worker.incidents.STRAYS_PER_BATCH`` a batch), so that no link between grouped events
crosses two groups. (While more wait, as in a store from before incidents that is linked
for the first time, a batch may leave out one of them that links to its groups, which it
would have reached by scoring; ``eventwire reprocess --all`` relinks such a store anyway.)
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from models import incident_repository, link_groups
from models.incident_repository import BlockEvent
from worker import incident_linking
from worker.incident_cache import EventCache
from worker.incident_linking import LINK_THRESHOLD, LinkEvent, TypeTraits, pair_score, window_days

#: Events read by earlier batches of this process (worker.incident_cache).
_cache = EventCache()


def rules_fingerprint(kind: str, traits: Mapping[str, TypeTraits], features: str) -> str:
    """A hash of what decides the links of one type: the linker's rules (the source of
    ``worker.incident_linking``), ``features`` (the source of what builds a LinkEvent) and
    the type's traits. Groups made under another fingerprint are dropped."""
    source = inspect.getsource(incident_linking) + features
    text = f"{source}\n{traits.get(kind, TypeTraits())!r}"
    return hashlib.sha256(text.encode()).hexdigest()


class Held:
    """The stored events one batch has read, as stored and as the rules see them.

    Parameters:
      session: the batch's session.
      traits: what each type's spec says about linking.
      convert: turns a stored event into a :class:`LinkEvent` (``worker.incidents``).
    """

    def __init__(
        self,
        session: Session,
        traits: Mapping[str, TypeTraits],
        convert: Callable[[BlockEvent, Mapping[str, TypeTraits]], LinkEvent],
    ) -> None:
        self.session = session
        self.traits = traits
        self.convert = convert
        self.stored: dict[int, BlockEvent] = {}
        self.linked: dict[int, LinkEvent] = {}
        #: How many stored events :meth:`scan` scored (bench/memory_probe.py reports it).
        self.scanned = 0
        self.database = session.get_bind().url.render_as_string()

    def hold(self, stored: BlockEvent, as_linked: LinkEvent | None = None) -> None:
        """Keep an event read (converted and cached unless ``as_linked`` is given)."""
        if stored.id in self.stored:
            return
        if as_linked is None:
            as_linked = self.convert(stored, self.traits)
            _cache.keep(self.database, stored, as_linked, self.traits)
        self.stored[stored.id] = stored
        self.linked[stored.id] = as_linked

    def hold_rows(self, rows: Iterable[tuple[int, datetime | None, int | None]]) -> None:
        """Keep the events of ``(id, created_at, incident_id)`` rows: from the cache when
        kept there unchanged, else read whole in one query."""
        for found in self._read(rows):
            if found is not None:
                self.hold(*found)

    def scan(self, frontier: Sequence[int], group: dict[int, int]) -> dict[int, list[int]]:
        """The stored events each frontier event links to (their ids, by the frontier's id);
        ``group`` gets the group of every event read that has one.

        Every event of the frontier's candidate days is scored against the frontier events
        whose date window holds its day, one part of the rows at a time (from the cache, or
        read whole); only those that link are held. What a batch holds is then its new
        events, what they link to and their groups, not every event of their days, which
        grow with the store (issue 14). An event of a group a frontier event already links
        to is not scored against it again: the link would only join the same group."""
        # Frontier events by (type, day) of the events they can link to.
        wanting: dict[tuple[str, date | None], list[LinkEvent]] = {}
        days: dict[str, set[date | None]] = {}
        for i in frontier:
            a = self.linked[i]
            for day in window_days(a):
                wanting.setdefault((a.type, day), []).append(a)
                days.setdefault(a.type, set()).add(day)
        links: dict[int, list[int]] = {i: [] for i in frontier}
        joined: dict[int, set[int]] = {i: set() for i in frontier}

        def score(b: LinkEvent, label: int | None, scorers: list[LinkEvent]) -> bool:
            # Whether b links to any scorer (recording the links). Speakers of disjoint
            # countries are ruled out before pair_score (most candidate statements).
            linked = False
            speakers = b.speakers
            for a in scorers:
                if a.ref == b.ref or (label is not None and label in joined[a.ref]):
                    continue
                if (
                    speakers is not None
                    and a.speakers is not None
                    and speakers.isdisjoint(a.speakers)
                ):
                    continue
                found = pair_score(a, b)
                if found is not None and found >= LINK_THRESHOLD:
                    links[a.ref].append(b.ref)
                    linked = True
                    if label is not None:
                        joined[a.ref].add(label)
            return linked

        for rows in incident_repository.events_on_days(self.session, days=days):
            self.scanned += len(rows)
            # Rows whose events this process does not keep: read whole, then scored.
            todo: list[tuple[int, datetime | None, int | None]] = []
            against: list[tuple[int | None, list[LinkEvent]]] = []
            # Rows of events that link: held (as stored, with their incident now) after.
            hold: list[tuple[int, datetime | None, int | None]] = []
            labels: list[int | None] = []
            for event_id, created_at, incident_id, kind, day, label in rows:
                scorers = wanting.get((kind, day))
                if not scorers:
                    continue
                if label is not None:
                    scorers = [a for a in scorers if label not in joined[a.ref]]
                    if not scorers:
                        continue
                # Scored as the rules see it; read as stored only when it links.
                b = self.linked.get(event_id)
                if b is None:
                    b = _cache.linked(self.database, event_id, created_at, self.traits)
                if b is None:
                    todo.append((event_id, created_at, incident_id))
                    against.append((label, scorers))
                elif score(b, label, scorers):
                    hold.append((event_id, created_at, incident_id))
                    labels.append(label)
            for found, (label, scorers) in zip(self._read(todo), against, strict=True):
                if found is not None and score(found[1], label, scorers):
                    self.hold(*found)
                    if label is not None:
                        group[found[1].ref] = label
            for found, label in zip(self._read(hold), labels, strict=True):
                if found is not None:
                    self.hold(*found)
                    if label is not None:
                        group[found[1].ref] = label
        return links

    def _read(
        self, rows: Iterable[tuple[int, datetime | None, int | None]]
    ) -> list[tuple[BlockEvent, LinkEvent] | None]:
        """The events of ``(id, created_at, incident_id)`` rows, in their order (None for one
        gone since): held ones, kept ones from the cache, the others read whole (and
        cached); none held here."""
        found: list[tuple[BlockEvent, LinkEvent] | int] = []
        missing = []
        for event_id, created_at, incident_id in rows:
            if event_id in self.stored:
                found.append((self.stored[event_id], self.linked[event_id]))
                continue
            kept = _cache.event(self.database, event_id, created_at, incident_id, self.traits)
            if kept is None:
                missing.append(event_id)
                found.append(event_id)
            else:
                found.append(kept)
        read: dict[int, tuple[BlockEvent, LinkEvent]] = {}
        for stored in incident_repository.events_by_id(self.session, ids=missing):
            linked = self.convert(stored, self.traits)
            _cache.keep(self.database, stored, linked, self.traits)
            read[stored.id] = (stored, linked)
        return [read.get(f) if isinstance(f, int) else f for f in found]


class _Sets:
    """Union-find over nodes: ("g", label) for a stored group, ("e", id) for an event
    placed in this batch."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(self, node: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def place(held: Held, seeds: Sequence[BlockEvent], strays: Sequence[int]) -> set[int]:
    """Group the seeds (and ``strays``: ids of events stored unlinked and not grouped) and
    write the groups; returns the groups of the seeds, which hold every event linked to
    them through a chain of links.

    An event not grouped yet is scored against the events of its candidate days; the events
    it links to that are not grouped either are scored in turn (breadth first, as all events
    once were); then every group it links to and it become one group.
    """
    session = held.session
    for stored in seeds:
        held.hold(stored)
    for stored in incident_repository.events_by_id(session, ids=strays):
        held.hold(stored)
    group = link_groups.groups_of(session, ids=[*held.stored])
    sets = _Sets()
    placed: set[int] = set()
    frontier = sorted(i for i in {*(s.id for s in seeds), *strays} if i not in group)
    while frontier:
        placed.update(frontier)
        # (The scan gives the group of every event it reads.)
        links = held.scan(frontier, group)
        reached = {j for js in links.values() for j in js if j not in group and j not in placed}
        for i, js in links.items():
            sets.find(("e", i))
            for j in js:
                sets.union(("e", i), ("g", group[j]) if j in group else ("e", j))
        frontier = sorted(j for j in reached if j not in group)
    for i in group:
        sets.find(("g", group[i]))
    # Each set of nodes becomes one group: the largest stored group it holds keeps its label
    # (fewest rows to move), else the smallest id of its new events.
    members: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in list(sets.parent):
        members.setdefault(sets.find(node), []).append(node)
    stored_groups = {label for kind, label in sets.parent if kind == "g"}
    sizes = (
        link_groups.group_sizes(session, groups=stored_groups)
        if any(len(m) > 1 for m in members.values())
        else {}
    )
    final: dict[tuple[str, int], int] = {}
    merged: dict[int, int] = {}
    added: dict[int, int] = {}
    for root, nodes in members.items():
        labels = sorted(label for kind, label in nodes if kind == "g")
        if labels:
            label = max(labels, key=lambda g: (sizes.get(g, 0), -g))
            merged.update({g: label for g in labels if g != label})
        else:
            label = min(i for _, i in nodes)
        final[root] = label
        added.update({i: label for kind, i in nodes if kind == "e"})
    link_groups.write_groups(session, added=added, merged=merged)
    return {final[sets.find(("g", group[s.id]) if s.id in group else ("e", s.id))] for s in seeds}


def members(held: Held, groups: Iterable[int]) -> dict[int, int]:
    """Hold the events of these groups; returns ``{event id: group}``."""
    rows = link_groups.events_of_groups(held.session, groups=groups)
    held.hold_rows(r[:3] for r in rows)
    return {r[0]: r[3] for r in rows}
