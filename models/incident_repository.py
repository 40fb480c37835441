"""Reads and writes of incident linking and wire copies, in the caller's transaction.

The linker (``worker.incidents``) locks the blocks it re-links, reads their events with what
the rules need, and writes the incidents back; ``worker.wire_copies`` reads and writes the
LSH bands of articles. Keyword arguments after the session, bulk statements, no commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from models.tables import (
    Actor,
    Article,
    ArticleBand,
    Event,
    EventActorLink,
    EventCountry,
    EventPair,
    Incident,
)

IN_CHUNK = 1000
#: High 32 bits of the advisory lock keys of incident blocks ("ewin").
_LOCK_NAMESPACE = 0x6577696E

_article: Table = SQLModel.metadata.tables[Article.__tablename__]
_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_actor: Table = SQLModel.metadata.tables[Actor.__tablename__]
_pair: Table = SQLModel.metadata.tables[EventPair.__tablename__]
_country: Table = SQLModel.metadata.tables[EventCountry.__tablename__]
_incident: Table = SQLModel.metadata.tables[Incident.__tablename__]
_band: Table = SQLModel.metadata.tables[ArticleBand.__tablename__]


def _lock_key(block: str) -> int:
    low = int.from_bytes(hashlib.blake2b(block.encode(), digest_size=4).digest(), "big")
    key = (_LOCK_NAMESPACE << 32) | low
    return key - (1 << 64) if key >= 1 << 63 else key


def lock_blocks(session: Session, *, blocks: Iterable[str]) -> None:
    """Hold a lock on each block until the transaction ends (PostgreSQL advisory locks).

    Taken in sorted order, so two workers re-linking overlapping blocks wait rather than
    deadlock; the second then reads the first one's committed events (READ COMMITTED takes
    a new snapshot per statement). SQLite has a single writer already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({_lock_key(b) for b in blocks}):
        session.execute(select(func.pg_advisory_xact_lock(key)))


@dataclass(frozen=True)
class BlockEvent:
    """One stored event of a block, with its article's facts and its actors."""

    id: int
    type: str
    subtype: str | None
    sentence: str
    start_char: int
    event_date: date | None
    day: date | None
    date_precision: str | None
    location_name: str | None
    location_country: str | None
    weapons: tuple[str, ...]
    modality: str
    attributes: Mapping[str, Any]
    article_id: int
    content_hash: str
    published: date | None
    source: str | None
    copy_of: int | None
    #: (role, name, kind, country) of each actor.
    actors: tuple[tuple[str, str, str, str | None], ...]
    #: The incident it is linked to now (None: new, or stored unlinked).
    incident_id: int | None = None


def block_events(session: Session, *, block: str) -> list[BlockEvent]:
    """Every event of one block, found by the ``event.incident_block`` index."""
    return blocks_events(session, blocks=[block]).get(block, [])


def blocks_events(session: Session, *, blocks: Sequence[str]) -> dict[str, list[BlockEvent]]:
    """Every event of these blocks by block, in a few queries for the whole batch of blocks
    (one per block made a batch touching fifty blocks cost a hundred round trips)."""
    rows = []
    for chunk in batched(sorted(set(blocks)), IN_CHUNK):
        rows.extend(session.execute(_block_events_query(chunk)).all())
    return _with_actors(session, rows)


def _block_events_query(blocks: Sequence[str]) -> Any:
    return (
        select(
            _event.c.incident_block,
            _event.c.id,
            _event.c.type,
            _event.c.subtype,
            _event.c.sentence,
            _event.c.start_char,
            _event.c.event_date,
            _event.c.day,
            _event.c.date_precision,
            _event.c.location_name,
            _event.c.location_country,
            _event.c.weapons,
            _event.c.modality,
            _event.c.attributes,
            _event.c.article_id,
            _article.c.content_hash,
            _article.c.published,
            _article.c.source,
            _article.c.copy_of,
            _event.c.incident_id,
        )
        .join(_article, _article.c.id == _event.c.article_id)
        .where(_event.c.incident_block.in_(blocks))
    )


def _with_actors(session: Session, rows: Sequence[Any]) -> dict[str, list[BlockEvent]]:
    actors: dict[int, list[tuple[str, str, str, str | None]]] = {}
    ids = [int(r.id) for r in rows]
    for chunk in batched(ids, IN_CHUNK):
        found = session.execute(
            select(_link.c.event_id, _link.c.role, _actor.c.name, _actor.c.kind, _actor.c.country)
            .join(_actor, _actor.c.id == _link.c.actor_id)
            .where(_link.c.event_id.in_(chunk))
        )
        for r in found:
            actors.setdefault(int(r.event_id), []).append((r.role, r.name, r.kind, r.country))
    out: dict[str, list[BlockEvent]] = {}
    for r in rows:
        out.setdefault(r.incident_block, []).append(
            BlockEvent(
                id=int(r.id),
                type=r.type,
                subtype=r.subtype,
                sentence=r.sentence,
                start_char=int(r.start_char),
                event_date=r.event_date,
                day=r.day,
                date_precision=r.date_precision,
                location_name=r.location_name,
                location_country=r.location_country,
                weapons=tuple(r.weapons or ()),
                modality=r.modality,
                attributes=r.attributes or {},
                article_id=int(r.article_id),
                content_hash=r.content_hash,
                published=r.published,
                source=r.source,
                copy_of=r.copy_of,
                actors=tuple(sorted(actors.get(int(r.id), ()))),
                incident_id=r.incident_id,
            )
        )
    return out


def write_block(
    session: Session,
    *,
    block: str,
    incidents: Sequence[tuple[dict[str, Any], Sequence[int]]],
    current: Mapping[int, int | None] | None = None,
) -> set[int]:
    """Make ``incidents`` (row values with a unique ``key``, and their event ids) the block's.

    Incidents whose key is kept are updated in place (their id stays) when a value changed,
    new ones inserted, and the block's incidents left without events deleted in the same
    transaction, so no event ever points at an incident that is gone. ``current`` (event id
    -> its incident now) lets events already pointing at the right incident be left alone:
    a batch adding one report to a busy block then writes a few rows, not every row of the
    block (what made linking cost 44% of worker throughput, bench/throughput.py).

    Returns the ids of the incidents whose events changed (new, updated, gaining or losing
    events, deleted): what ``models.incident_rollup.refresh_incidents`` must bring up to date.
    """
    current = current or {}
    columns = [_incident.c.id, *(_incident.c[k] for k in incidents[0][0])] if incidents else []
    existing = {
        r.key: r._mapping
        for r in session.execute(
            select(*columns or [_incident.c.id, _incident.c.key]).where(_incident.c.block == block)
        )
    }
    wanted = {row["key"] for row, _ in incidents}
    changed: set[int] = set()
    for row, event_ids in incidents:
        values = {**row, "block": block}
        stored = existing.get(row["key"])
        if stored is None:
            incident_id = session.execute(
                insert(_incident).returning(_incident.c.id), values
            ).scalar_one()
            changed.add(incident_id)
        else:
            incident_id = stored["id"]
            if any(stored[k] != v for k, v in row.items()):
                # n_events is in the row: an incident that lost events is changed here.
                changed.add(incident_id)
                session.execute(
                    update(_incident).where(_incident.c.id == incident_id).values(**values)
                )
        moved = sorted(e for e in event_ids if current.get(e, -1) != incident_id)
        if moved:
            changed.add(incident_id)
            changed.update(i for e in moved if (i := current.get(e)) is not None)
        for chunk in batched(moved, IN_CHUNK):
            # The links and pairs carry a copy, so incident counts need no join to event.
            for table, column in (
                (_event, _event.c.id),
                (_link, _link.c.event_id),
                (_pair, _pair.c.event_id),
                (_country, _country.c.event_id),
            ):
                session.execute(
                    update(table).where(column.in_(chunk)).values(incident_id=incident_id)
                )
    stale = [r["id"] for key, r in existing.items() if key not in wanted]
    for chunk in batched(stale, IN_CHUNK):
        session.execute(delete(_incident).where(_incident.c.id.in_(chunk)))
    return changed | set(stale)


# ------------------------------------------------------------------------ wire copies


def articles_sharing_bands(
    session: Session, bands: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[int]]:
    """Stored articles having any of these (band, hash) pairs, by pair (the band index)."""
    by_band: dict[int, set[int]] = {}
    for band, value in bands:
        by_band.setdefault(band, set()).add(value)
    found: dict[tuple[int, int], list[int]] = {}
    # One band per statement: a plain IN list on the (band, hash) index. Sent through the
    # driver: a large input reads hundreds of thousands of these rows, and SQLAlchemy's
    # statement building and row objects cost more than the database's work.
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for band, values in sorted(by_band.items()):
            for chunk in batched(sorted(values), IN_CHUNK):
                cursor.execute(
                    f"SELECT hash, article_id FROM article_band WHERE band = {mark} "
                    f"AND hash IN ({', '.join([mark] * len(chunk))})",
                    (band, *chunk),
                )
                for value, article_id in cursor.fetchall():
                    found.setdefault((band, value), []).append(article_id)
    finally:
        cursor.close()
    return found


def article_texts(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """``{id: (text, copy_of)}`` of these articles."""
    out: dict[int, tuple[str, int | None]] = {}
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        rows = session.execute(
            select(_article.c.id, _article.c.text, _article.c.copy_of).where(
                _article.c.id.in_(chunk)
            )
        )
        out.update({int(r.id): (r.text, r.copy_of) for r in rows})
    return out


def store_bands(
    session: Session, bands: Mapping[int, Sequence[int]], *, first_band: int = 0
) -> None:
    """Store each article's band hashes (band number = ``first_band`` + position).

    Sixteen rows per article: they go in through the driver (COPY on PostgreSQL, one
    prepared ``executemany`` on SQLite), not as SQLAlchemy parameter sets.
    """
    rows = [
        (article_id, band, value)
        for article_id, hashes in bands.items()
        for band, value in enumerate(hashes, start=first_band)
    ]
    if not rows:
        return
    raw = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        copy_sql = "COPY article_band (article_id, band, hash) FROM STDIN"
        with raw.cursor() as cur, cur.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    else:
        raw.executemany(  # type: ignore[union-attr]
            "INSERT INTO article_band (article_id, band, hash) VALUES (?, ?, ?)", rows
        )


def mark_copies(session: Session, originals: Mapping[int, int]) -> None:
    """Set ``article.copy_of`` of each copy to its original."""
    for copy_id, original_id in originals.items():
        session.execute(
            update(_article).where(_article.c.id == copy_id).values(copy_of=original_id)
        )
