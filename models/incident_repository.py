"""Reads and writes of incident linking and wire copies, in the caller's transaction.

The linker (``worker.incidents``) locks the event types it links, reads the events a batch
can change (new ones, those of their incidents, candidates by type and day) with what the
rules need, and writes the incidents back; ``worker.wire_copies`` reads and writes the
LSH bands of articles. Keyword arguments after the session, bulk statements, no commits.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from models import driver_writes
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
#: High 32 bits of the advisory lock keys of incident linking ("ewin").
_LOCK_NAMESPACE = 0x6577696E

_article: Table = SQLModel.metadata.tables[Article.__tablename__]
_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_actor: Table = SQLModel.metadata.tables[Actor.__tablename__]
_pair: Table = SQLModel.metadata.tables[EventPair.__tablename__]
_country: Table = SQLModel.metadata.tables[EventCountry.__tablename__]
_incident: Table = SQLModel.metadata.tables[Incident.__tablename__]
_band: Table = SQLModel.metadata.tables[ArticleBand.__tablename__]


def _lock_key(name: str) -> int:
    low = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big")
    key = (_LOCK_NAMESPACE << 32) | low
    return key - (1 << 64) if key >= 1 << 63 else key


def lock_types(session: Session, *, types: Iterable[str]) -> None:
    """Hold the linking lock of each event type until the transaction ends (PostgreSQL
    advisory locks; SQLite has a single writer already).

    Links never join two types, and a type's lock covers every date: an incident may span a
    month's end, and the events a new one can change are found only after locking. Taken in
    sorted order, so two workers linking overlapping types wait rather than deadlock; the
    second then reads the first one's committed events (READ COMMITTED takes a new snapshot
    per statement). Only the linking step of a batch waits: extraction runs outside.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({_lock_key(f"type|{t}") for t in types}):
        session.execute(select(func.pg_advisory_xact_lock(key)))


def incident_types(session: Session, *, ids: Iterable[int]) -> set[str]:
    """The types of these incidents."""
    types: set[str] = set()
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        types.update(session.scalars(select(_incident.c.type).where(_incident.c.id.in_(chunk))))
    return types


def event_types_of_articles(session: Session, *, ids: Iterable[int]) -> set[str]:
    """The types of the events stored for these articles."""
    types: set[str] = set()
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        query = select(_event.c.type).where(_event.c.article_id.in_(chunk)).distinct()
        types.update(session.scalars(query))
    return types


@dataclass(frozen=True)
class BlockEvent:
    """One stored event, with its article's facts and its actors: what linking reads."""

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
    #: Where a date without one of its own came from (``attributes.date_source``).
    date_source: str | None
    article_id: int
    content_hash: str
    published: date | None
    source: str | None
    copy_of: int | None
    #: (role, name, kind, country) of each actor.
    actors: tuple[tuple[str, str, str, str | None], ...]
    #: The incident it is linked to now (None: new, or stored unlinked).
    incident_id: int | None = None
    #: When the row was written (with the id, it tells a row read before from a new one).
    created_at: datetime | None = None


def events_by_id(session: Session, *, ids: Iterable[int]) -> list[BlockEvent]:
    """These events (the batch's new ones)."""
    rows = []
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        rows.extend(session.execute(_events_query().where(_event.c.id.in_(chunk))).all())
    return _with_actors(session, rows)


def events_of_incidents(session: Session, *, incident_ids: Iterable[int]) -> list[BlockEvent]:
    """The events linked to these incidents now (by the ``event.incident_id`` index)."""
    rows = []
    for chunk in batched(sorted(set(incident_ids)), IN_CHUNK):
        query = _events_query().where(_event.c.incident_id.in_(chunk))
        rows.extend(session.execute(query).all())
    return _with_actors(session, rows)


def events_on_days(
    session: Session,
    *,
    days: Mapping[str, Iterable[date | None]],
    chunk: int = IN_CHUNK,
) -> Iterator[list[tuple[int, datetime | None, int | None, str, date | None, int | None]]]:
    """``(id, created_at, incident_id, type, day, group)`` of the events of each type whose
    ``day`` is one of its days (None: events with no day; ``group`` from
    ``event_component``, None when not grouped), found by the ``(type, day)`` index
    (consecutive days as one range), ``chunk`` rows at a time: the caller keeps what it
    needs of each part, so that reading busy days holds one part, not all of them (on SQLite
    the rows are stepped through as they are asked for); :func:`events_by_id` reads the ones
    wanted whole. Read each part before asking for the next."""
    sqlite = session.get_bind().dialect.name != "postgresql"
    mark = "?" if sqlite else "%s"
    conditions: list[tuple[str, tuple[Any, ...]]] = []
    for kind, wanted in sorted(days.items()):
        dated = sorted({d for d in wanted if d is not None})
        if None in wanted:
            conditions.append((f"(type = {mark} AND day IS NULL)", (kind,)))
        ranges: list[list[date]] = []
        for d in dated:
            if ranges and d == ranges[-1][1] + timedelta(days=1):
                ranges[-1][1] = d
            else:
                ranges.append([d, d])
        for first, last in ranges:
            bounds = (first.isoformat(), last.isoformat()) if sqlite else (first, last)
            conditions.append(
                (f"(type = {mark} AND day BETWEEN {mark} AND {mark})", (kind, *bounds))
            )
    # Through the driver: a batch reads thousands of these rows, and SQLAlchemy's statement
    # building and row objects cost more than the database's work. A few hundred ranges per
    # statement keep both dialects on the (type, day) index: OR-ed on PostgreSQL (a bitmap
    # OR), one SELECT each joined by UNION ALL on SQLite, whose OR of index ranges also
    # removes duplicates row by row (3.5 times the CPU; the ranges never overlap).
    select_ = (
        "SELECT id, created_at, incident_id, type, day, c.component FROM event "
        "LEFT JOIN event_component c ON c.event_id = id WHERE "
    )
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for part in batched(conditions, 200):
            cursor.execute(
                " UNION ALL ".join(select_ + c for c, _ in part)
                if sqlite
                else select_ + " OR ".join(c for c, _ in part),
                tuple(p for _, params in part for p in params),
            )
            while rows := cursor.fetchmany(chunk):
                found = []
                for event_id, created_at, incident_id, kind, day, group in rows:
                    # SQLite gives the text SQLAlchemy would parse (the cache compares them).
                    if isinstance(created_at, str):
                        created_at = datetime.fromisoformat(created_at)
                    if isinstance(day, str):
                        day = date.fromisoformat(day)
                    found.append((int(event_id), created_at, incident_id, kind, day, group))
                yield found
    finally:
        cursor.close()


def _events_query() -> Any:
    return select(
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
        _event.c.created_at,
    ).join(_article, _article.c.id == _event.c.article_id)


def _with_actors(session: Session, rows: Sequence[Any]) -> list[BlockEvent]:
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
    return [
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
            date_source=(r.attributes or {}).get("date_source"),
            article_id=int(r.article_id),
            content_hash=r.content_hash,
            published=r.published,
            source=r.source,
            copy_of=r.copy_of,
            actors=tuple(sorted(actors.get(int(r.id), ()))),
            incident_id=r.incident_id,
            created_at=r.created_at,
        )
        for r in rows
    ]


def event_ids_of_blocks(session: Session, *, blocks: Iterable[str]) -> list[int]:
    """Ids of the events of these blocks (``event.incident_block``: type and month)."""
    ids: list[int] = []
    for chunk in batched(sorted(set(blocks)), IN_CHUNK):
        ids.extend(session.scalars(select(_event.c.id).where(_event.c.incident_block.in_(chunk))))
    return ids


def write_incidents(
    session: Session,
    *,
    incidents: Sequence[tuple[dict[str, Any], Sequence[int]]],
    current: Mapping[int, int | None],
    replaced: Iterable[int] = (),
    assigned: dict[int, int] | None = None,
) -> set[int]:
    """Make ``incidents`` (row values with a unique ``key``, and their event ids) those of
    their events, and delete the incidents they replace.

    ``current`` (event id -> its incident now) covers every event of ``incidents``; those
    incidents and ``replaced`` (incidents whose events were deleted) are the ones that may
    change. Incidents whose key is kept are updated in place (their id stays) when a value
    changed (one executemany), an incident whose key changed takes over the row of the one
    that held most of its events (its id stays), other new ones inserted in one statement,
    events pointed at a new incident only when it changed (one executemany per table), and
    the incidents left without events deleted in the same transaction, so no event ever
    points at an incident that is gone.

    Returns the ids of the incidents whose events changed (new, updated, gaining or losing
    events, deleted): what ``models.incident_rollup.refresh_incidents`` must bring up to date.
    ``assigned`` (when given) receives the incident of every event of ``incidents``.
    """
    candidates = {i for i in current.values() if i is not None} | set(replaced)
    columns = [_incident.c.id, *(_incident.c[k] for k in incidents[0][0])] if incidents else []
    existing: dict[str, Any] = {}
    for chunk in batched(sorted(candidates), IN_CHUNK):
        query = select(*columns or [_incident.c.id, _incident.c.key])
        for r in session.execute(query.where(_incident.c.id.in_(chunk))):
            existing[r.key] = r._mapping
    ids: dict[str, int] = {}
    unmatched: list[tuple[dict[str, Any], Sequence[int]]] = []
    changed = []
    touched: set[int] = set()
    for row, event_ids in incidents:
        stored = existing.get(row["key"])
        if stored is None:
            unmatched.append((row, event_ids))
            continue
        ids[row["key"]] = stored["id"]
        if any(stored[k] != v for k, v in row.items()):
            # n_events is in the row: an incident that lost events is changed here.
            touched.add(stored["id"])
            changed.append({"_id": stored["id"], **{f"_{k}": v for k, v in row.items()}})
    # An incident whose key is new (a report earlier in the canonical order joined it, so its
    # first report and key changed) takes over the incident no key kept that holds most of
    # its events: that row is rewritten in place, and only the events it did not hold are
    # re-pointed (rather than a new row, every event moved and the old row deleted).
    # Such keys are held by no candidate (it would have been matched), so no key collides.
    free = {s["id"] for s in existing.values()} - set(ids.values())
    new_rows = []
    for row, event_ids in unmatched:
        votes = Counter(current.get(e) for e in event_ids if current.get(e) in free)
        if not votes:
            new_rows.append(row)
            continue
        taken = min(votes, key=lambda i: (-votes[i], i))
        free.discard(taken)
        ids[row["key"]] = taken
        touched.add(taken)
        changed.append({"_id": taken, **{f"_{k}": v for k, v in row.items()}})
    if changed:
        # One executemany for every incident whose summary changed.
        values = {k: bindparam(f"_{k}") for k in incidents[0][0]}
        statement = update(_incident).where(_incident.c.id == bindparam("_id")).values(values)
        for chunk in batched(changed, IN_CHUNK):
            session.execute(statement, list(chunk))
    for row_chunk in batched(new_rows, IN_CHUNK):
        inserted = session.execute(
            insert(_incident).returning(_incident.c.id, _incident.c.key), list(row_chunk)
        )
        ids.update({r.key: int(r.id) for r in inserted})
    touched.update(ids[row["key"]] for row in new_rows)
    if assigned is not None:
        assigned.update(
            {event_id: ids[row["key"]] for row, event_ids in incidents for event_id in event_ids}
        )
    moved = [
        {"event": event_id, "incident": ids[row["key"]]}
        for row, event_ids in incidents
        for event_id in event_ids
        if current.get(event_id) != ids[row["key"]]
    ]
    for m in moved:
        touched.add(m["incident"])
        if (before := current.get(m["event"])) is not None:
            touched.add(before)
    # The links and pairs carry a copy, so incident counts need no join to event. Through
    # the driver (models.driver_writes): one statement per table for every moved event.
    conn = session.connection()
    pointed = [(m["incident"], m["event"]) for m in moved]
    for table, column in (
        ("event", "id"),
        ("event_actor", "event_id"),
        ("event_pair", "event_id"),
        ("event_country", "event_id"),
    ):
        driver_writes.write_rows(
            conn,
            sqlite=f"UPDATE {table} SET incident_id = ? WHERE {column} = ?",
            postgres=f"UPDATE {table} t SET incident_id = v.incident FROM "
            f"unnest(%s::int[], %s::int[]) AS v(incident, event) WHERE t.{column} = v.event",
            rows=pointed,
        )
    kept = set(ids.values())
    stale = sorted(i for i in candidates if i not in kept)
    for chunk in batched(stale, IN_CHUNK):
        session.execute(delete(_incident).where(_incident.c.id.in_(chunk)))
    return touched | set(stale)


def incident_keys(session: Session, *, ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """``{incident id: (key, n_events)}`` of these incidents."""
    found: dict[int, tuple[str, int]] = {}
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        query = select(_incident.c.id, _incident.c.key, _incident.c.n_events).where(
            _incident.c.id.in_(chunk)
        )
        found.update({int(r.id): (r.key, int(r.n_events)) for r in session.execute(query)})
    return found


# ------------------------------------------------------------------------ wire copies


def lock_wire_copies(session: Session) -> None:
    """Hold the wire-copy lock until the transaction ends: the workers' copy searches take
    turns, so two copies of one story handled at the same moment never miss each other.

    PostgreSQL: an advisory lock (the next statement reads what the previous holder
    committed, READ COMMITTED). SQLite: a write that changes nothing, which takes the
    database's single write lock now rather than at the first band written (a transaction
    that read before another writer committed could not write at all).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_lock_key("wire copies"))))
    else:
        session.execute(update(_article).where(_article.c.id == -1).values(copy_of=None))


def articles_with_bands(session: Session, *, ids: Iterable[int], first_band: int) -> set[int]:
    """Which of these articles have their band ``first_band`` stored (their copy search ran)."""
    found: set[int] = set()
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        # By article alone, the band tested here: with ``band = ?`` in the WHERE clause
        # SQLite would walk the (band, hash) index, every article's row of that band.
        rows = session.execute(
            select(_band.c.article_id, _band.c.band).where(_band.c.article_id.in_(chunk))
        )
        found.update(article_id for article_id, band in rows if band == first_band)
    return found


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
