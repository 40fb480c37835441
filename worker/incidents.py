"""Link stored events into incidents, in the transaction that stores them.

:func:`link_events` is called by ``worker.processing`` right after
``models.repository.replace_events`` with what it did (``LinkWork``: the new events, the
incidents of the deleted ones). Only the link components those touch can change
(``worker.incident_linking``): they are found by index, breadth first (the events of each
type within each event's date window, ``event(type, day)``; the other events of the
incidents that lost an event), clustered whole in canonical order, and written back
(incidents kept, added, updated or deleted; events re-pointed only when their incident
changed). Clustering whole components in a canonical order is what makes the result
independent of the order articles arrive in; the per-type lock is what makes two workers
storing reports of one new happening end with one incident.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from common.incident_keys import block_key
from models import incident_repository, incident_rollup, link_groups, repository, scope_rollup
from models.incident_repository import BlockEvent
from models.incident_rollup import FacetEvent
from models.records import EventRecord, LinkWork
from worker.event_types import incident_traits
from worker.incident_cache import FactsCache, pointing_at
from worker.incident_groups import Held, members, place, rules_fingerprint
from worker.incident_linking import LinkEvent, TypeTraits, cluster, content_words

logger = logging.getLogger(__name__)
#: At most this many events stored without linking are grouped per batch (each is scored
#: against its days and held in memory while the batch links).
STRAYS_PER_BATCH = 2_000

_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
#: What the rollups count of the events linking read lately (worker.incident_cache).
_facts = FactsCache()
#: The scores of the pairs clustering scored lately (``incident_linking.cluster``): a group
#: is clustered again whenever reports join it, and most of its pairs were scored before (on
#: bench/link_cost.py's 1,200 articles, 64,000 distinct pairs of 714,000 scored). Forgotten at
#: once past :data:`MAX_PAIR_SCORES`, each about 150 bytes: 15 MB at most.
_scores: dict[tuple[int, int], float | None] = {}
MAX_PAIR_SCORES = 100_000


def order_key(event: BlockEvent) -> tuple[str, ...]:
    """The canonical sort key of an event: its article's content hash and offset first, never
    its id or when it arrived."""
    # Two events of one sentence (two stances of one speaker) differ by the later fields.
    return (
        event.content_hash,
        f"{event.start_char:09d}",
        event.type,
        event.subtype or "",
        str(event.event_date or ""),
        repr(event.actors),
        event.sentence,
    )


def to_link_event(event: BlockEvent, traits: Mapping[str, TypeTraits] | None = None) -> LinkEvent:
    """What the rules need of a stored event; the order key ignores ids and arrival.
    ``traits``: what each type's spec says about linking (the plugin registry's by default)."""
    traits = incident_traits() if traits is None else traits
    # A report that names no agent is compared by who took part: "Putin marked the victory
    # with a parade" has Putin present, not as the parade's subject, and is the same parade
    # as "the parade Putin led".
    agents = [a for a in event.actors if a[0] == "agent"] or [
        a for a in event.actors if a[0] == "participant"
    ]
    return LinkEvent(
        ref=event.id,
        order_key=order_key(event),
        type=event.type,
        subtype=event.subtype,
        day=event.day,
        precision=event.date_precision if event.event_date else None,
        # "published": dated by the publication day (extractor 0.2.2+), as good as undated.
        inferred=event.event_date is None or event.date_source in ("context", "published"),
        agent_countries=frozenset(a[3] for a in agents if a[3]),
        agent_people=frozenset(a[1].lower() for a in agents if a[2] == "person"),
        target_countries=frozenset(a[3] for a in event.actors if a[0] == "target" and a[3]),
        target_people=frozenset(
            a[1].lower() for a in event.actors if a[0] == "target" and a[2] == "person"
        ),
        location_country=event.location_country,
        weapons=frozenset(w.lower() for w in event.weapons),
        words=content_words(event.sentence),
        traits=traits.get(event.type, TypeTraits()),
    )


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v)
    # Ties go to the smallest value, so the summary does not depend on the order of events.
    return min(counts, key=lambda v: (-counts[v], str(v))) if counts else None


def incident_key(anchor: BlockEvent) -> str:
    """An incident's key: its type and a hash of its anchor's (first event's) canonical key,
    so the same events give the same key whichever worker links them."""
    # Kept with the event (and its copies, worker.incident_cache.pointing_at): every batch
    # keys every incident of the groups it clusters, most of them the same as before.
    key = anchor.__dict__.get("_incident_key")
    if key is None:
        digest = hashlib.sha1(repr(order_key(anchor)).encode()).hexdigest()[:20]
        key = anchor.__dict__["_incident_key"] = f"{anchor.type}|{digest}"
    return key


def summarise(events: Sequence[BlockEvent]) -> dict[str, Any]:
    """The incident row of one cluster (events in canonical order, the first is its anchor).

    The key is the type and a hash of the anchor's canonical key, so the same events give
    the same key whichever worker links them; ``block`` is the anchor's type and month."""
    first = events[0]
    dated = [e for e in events if e.event_date is not None]
    best = (
        min(dated, key=lambda e: (_PRECISION_RANK.get(e.date_precision or "", 3), e.event_date))
        if dated
        else None
    )
    days = [e.day for e in events if e.day is not None]
    published = [e.published for e in events if e.published is not None]
    actors: dict[str, list[str]] = {}
    for e in events:
        for role, name, _kind, country in e.actors:
            label = f"{name} ({country})" if country else name
            if label not in actors.setdefault(role, []):
                actors[role].append(label)
    # A wire copy counts as its original: one article, the original's source.
    roots = {e.copy_of or e.article_id for e in events}
    sources = {e.source or f"article {e.article_id}" for e in events if e.copy_of is None}
    location = _most_common(
        (e.location_name, e.location_country) for e in events if e.location_name
    )
    asserted = any(e.modality == "asserted" for e in events)
    return {
        "key": incident_key(first),
        "block": block_key(first.type, first.day, first.date_precision),
        "type": first.type,
        "subtype": _most_common(e.subtype for e in events),
        "event_date": best.event_date if best else None,
        "date_precision": best.date_precision if best else None,
        "day": (best.event_date if best and best.date_precision == "day" else first.day),
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "location_name": location[0] if location else None,
        "location_country": location[1] if location else None,
        "actors": {role: sorted(names) for role, names in sorted(actors.items())},
        "weapons": sorted({w for e in events for w in e.weapons}),
        "modality": "asserted" if asserted else _most_common(e.modality for e in events),
        "first_seen": min(published) if published else None,
        "last_seen": max(published) if published else None,
        "n_events": len(events),
        "n_articles": len(roots),
        "n_sources": max(1, len(sources)),
    }


def lock_for_batch(session: Session, *, article_ids: Iterable[int], types: Iterable[str]) -> None:
    """Take the linking locks a batch will need before it stores anything: the types of its
    new events and of the events it replaces (PostgreSQL; a no-op on SQLite).

    Locking first means a worker never waits for a type lock while holding rows another
    worker's linking must update (the events it deletes), which could deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    wanted = set(types) | incident_repository.event_types_of_articles(session, ids=article_ids)
    incident_repository.lock_types(session, types=wanted)


def store_batch(
    session: Session,
    results: Sequence[tuple[int, Sequence[EventRecord]]],
    *,
    extractor_version: str,
    link: bool = True,
) -> int:
    """Store one batch's events as the worker does, in the caller's transaction: the linking
    locks first (:func:`lock_for_batch`), then the events, then their incidents, so nothing
    is committed unlinked. ``link=False`` stores only. Returns the number of events stored."""
    work = LinkWork()
    if link:
        lock_for_batch(
            session,
            article_ids=[article_id for article_id, _ in results],
            types={r.type for _, events in results for r in events},
        )
    stored = repository.replace_events(
        session, results=results, extractor_version=extractor_version, link_work=work
    )
    if link:
        link_events(session, work)
    return stored


def link_events(session: Session, work: LinkWork) -> int:
    """Link the batch's new events, and re-link what its deleted events leave; returns the
    number of incidents written (new or changed)."""
    if not work.new_events and not work.old_incidents:
        return 0
    traits = incident_traits()
    seeds = incident_repository.events_by_id(session, ids=work.new_events)
    types = {e.type for e in seeds} | incident_repository.incident_types(
        session, ids=work.old_incidents
    )
    incident_repository.lock_types(session, types=types)
    # The other events of the incidents that lost events may now link apart (or differently).
    seeds += incident_repository.events_of_incidents(session, incident_ids=work.old_incidents)
    features = _features_source()
    link_groups.reset_groups(
        session, fingerprints={t: rules_fingerprint(t, traits, features) for t in types}
    )
    held = Held(session, traits, to_link_event)
    new_ids = {e.id for e in seeds}
    # Events stored without linking are grouped first, a bounded number per batch (a store
    # linked for the first time, with millions of them, is grouped over several batches).
    strays = [
        i
        for i in link_groups.ungrouped_unlinked(
            session, types=types, limit=STRAYS_PER_BATCH + len(new_ids)
        )
        if i not in new_ids
    ][:STRAYS_PER_BATCH]
    groups = place(held, seeds, strays)
    group_of = members(held, groups)
    loaded = {i: held.stored[i] for i in group_of}
    current = {i: e.incident_id for i, e in loaded.items()}
    stored_keys = incident_repository.incident_keys(
        session, ids={c for c in current.values() if c is not None}
    )
    replaced = set(work.old_incidents)
    incidents: list[tuple[dict[str, Any], list[int]]] = []
    # Each group is clustered alone: it holds whole link components, so the union of the
    # groups' results is that of clustering them together, without scoring events of one
    # group against the clusters of another (month-dated ones meet every day of their month).
    by_group: dict[tuple[str, int], list[LinkEvent]] = {}
    for i in sorted(group_of):
        by_group.setdefault((held.linked[i].type, group_of[i]), []).append(held.linked[i])
    by_type: dict[str, list[list[LinkEvent]]] = {}
    if len(_scores) > MAX_PAIR_SCORES:
        _scores.clear()
    for kind, label in sorted(by_group):
        by_type.setdefault(kind, []).extend(cluster(by_group[(kind, label)], _scores))
    for kind in sorted(by_type):
        keys: set[str] = set()
        for members_ in sorted(by_type[kind], key=lambda c: c[0].order_key):
            stored = [loaded[m.ref] for m in members_]
            # Identical events (the same fields twice in one article) would share a key:
            # number the later ones, in canonical order, so keys stay unique and stable.
            base = key = incident_key(stored[0])
            n = 1
            while key in keys:
                n += 1
                key = f"{base}#{n}"
            keys.add(key)
            # An incident that has exactly these events under this key is left as it is: its
            # summary depends on its events only (a stored event never changes).
            now = {current[e.id] for e in stored}
            incident = next(iter(now)) if len(now) == 1 else None
            if (
                incident is not None
                and incident not in replaced
                and stored_keys.get(incident) == (key, len(stored))
            ):
                continue
            row = summarise(stored)
            row["key"] = key
            incidents.append((row, [e.id for e in stored]))
    changing = {e for _, event_ids in incidents for e in event_ids}
    current = {i: c for i, c in current.items() if i in changing}
    # The incidents write_incidents may change: what they count for in the scope rollup now.
    candidates = {i for i in current.values() if i is not None} | replaced
    conn = session.connection()
    # (Kept in memory between batches, each with its incident read now: worker.incident_cache.)
    facts = _facts.read(conn, held.database, "incident_id", candidates)
    before = dict(facts)
    # Events not linked yet count for no incident now, and for theirs once written.
    facts.update(
        _facts.read(
            conn,
            held.database,
            "id",
            [i for i, c in current.items() if c is None],
            known=work.new_facts,
        )
    )
    assigned: dict[int, int] = {}
    changed = incident_repository.write_incidents(
        session, incidents=incidents, current=current, replaced=replaced, assigned=assigned
    )
    # What those incidents count for after: the same events' facts, each with the incident
    # written for it (every event of a new or changed incident is one of ``assigned``, and
    # every other event of a changed one was read with its incident as a candidate).
    after = {i: _with_incident(f, assigned.get(i, f.incident_id)) for i, f in facts.items()}
    # Once for the whole transaction: the counters are changed in one pass, in key order.
    # The facet rows come from those facts, not from the base tables again.
    incident_rollup.refresh_incidents(
        session,
        incident_ids=changed,
        events=[
            FacetEvent(f.incident_id, f.type, f.modality, f.day, f.countries, f.actors)
            for f in after.values()
            if f.incident_id is not None
        ],
    )
    scope_rollup.apply(conn, scope_rollup.incident_difference(before, after))
    logger.debug(
        "linked %d new events: %d events in their groups, %d incidents written",
        len(work.new_events),
        len(loaded),
        len(incidents),
    )
    return len(incidents)


def _with_incident(facts: scope_rollup.EventFacts, incident_id: int | None) -> Any:
    """These facts pointing at ``incident_id`` (themselves when they do already)."""
    if facts.incident_id == incident_id:
        return facts
    return pointing_at(facts, incident_id)


@lru_cache(maxsize=1)
def _features_source() -> str:
    # What turns a stored event into what the rules read: part of the rules' fingerprint.
    return inspect.getsource(to_link_event) + inspect.getsource(order_key)


def link_blocks(session: Session, blocks: Iterable[str]) -> int:
    """Link every event of these blocks (``event.incident_block``), as if each had just been
    stored: for data stored without linking (tests, benches, a database from before
    incidents)."""
    ids = incident_repository.event_ids_of_blocks(session, blocks=blocks)
    return link_events(session, LinkWork(new_events=ids))


__all__ = [
    "incident_key",
    "link_blocks",
    "link_events",
    "lock_for_batch",
    "store_batch",
    "summarise",
    "to_link_event",
]
