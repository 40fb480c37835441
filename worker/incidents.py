"""Link stored events into incidents, in the transaction that stores them.

:func:`link_blocks` is called by ``worker.processing`` right after
``models.repository.replace_events`` with the blocks it touched: each block is locked, read
whole through its index, re-clustered by the rules of ``worker.incident_linking`` and written
back (incidents kept, added, updated or deleted). Re-linking whole blocks in a canonical order
is what makes the result independent of the order articles arrive in, and the block lock is
what makes two workers storing reports of one new happening end with one incident.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from models import incident_repository, incident_rollup
from models.incident_repository import BlockEvent
from worker.incident_linking import LinkEvent, cluster, content_words

logger = logging.getLogger(__name__)

_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def to_link_event(event: BlockEvent) -> LinkEvent:
    """What the rules need of a stored event; the order key ignores ids and arrival."""
    agents = [a for a in event.actors if a[0] == "agent"]
    return LinkEvent(
        ref=event.id,
        # Two events of one sentence (two stances of one speaker) differ by these fields.
        order_key=(
            event.content_hash,
            f"{event.start_char:09d}",
            event.type,
            event.subtype or "",
            str(event.event_date or ""),
            repr(event.actors),
            event.sentence,
        ),
        type=event.type,
        subtype=event.subtype,
        day=event.day,
        precision=event.date_precision if event.event_date else None,
        # "published": dated by the publication day (extractor 0.2.2+), as good as undated.
        inferred=event.event_date is None
        or event.attributes.get("date_source") in ("context", "published"),
        agent_countries=frozenset(a[3] for a in agents if a[3]),
        agent_people=frozenset(a[1].lower() for a in agents if a[2] == "person"),
        target_countries=frozenset(a[3] for a in event.actors if a[0] == "target" and a[3]),
        location_country=event.location_country,
        weapons=frozenset(w.lower() for w in event.weapons),
        words=content_words(event.sentence),
    )


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v)
    # Ties go to the smallest value, so the summary does not depend on the order of events.
    return min(counts, key=lambda v: (-counts[v], str(v))) if counts else None


def summarise(block: str, events: Sequence[BlockEvent]) -> dict[str, Any]:
    """The incident row of one cluster (events in canonical order, the first is its anchor)."""
    first = events[0]
    anchor = repr(to_link_event(first).order_key)
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
        "key": f"{block}|{hashlib.sha1(anchor.encode()).hexdigest()[:20]}",
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


def link_blocks(session: Session, blocks: Iterable[str]) -> int:
    """Re-link every event of these blocks into incidents; returns the incidents written."""
    wanted = sorted(set(blocks))
    incident_repository.lock_blocks(session, blocks=wanted)
    written = 0
    changed: set[int] = set()
    by_block = incident_repository.blocks_events(session, blocks=wanted)
    for block in wanted:
        events = {e.id: e for e in by_block.get(block, [])}
        clusters = cluster([to_link_event(e) for e in events.values()])
        incidents = []
        keys: set[str] = set()
        for members in sorted(clusters, key=lambda c: c[0].order_key):
            stored = [events[m.ref] for m in members]
            row = summarise(block, stored)
            # Identical events (the same fields twice in one article) would share a key:
            # number the later ones, in canonical order, so keys stay unique and stable.
            base, n = row["key"], 1
            while row["key"] in keys:
                n += 1
                row["key"] = f"{base}#{n}"
            keys.add(row["key"])
            incidents.append((row, [e.id for e in stored]))
        changed |= incident_repository.write_block(
            session,
            block=block,
            incidents=incidents,
            current={e.id: e.incident_id for e in events.values()},
        )
        written += len(incidents)
    # Once for the whole transaction: the counters are changed in one pass, in key order.
    incident_rollup.refresh_incidents(session, incident_ids=changed)
    logger.debug("linked %d blocks into %d incidents", len(wanted), written)
    return written


__all__ = ["link_blocks", "summarise", "to_link_event"]
