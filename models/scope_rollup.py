"""Maintain the scope rollup (``models.scope_tables.ScopeCount``) in the caller's transaction.

What an event or an incident adds to the counters is computed here in Python, from its
*facts* (type, modality, incident, the countries it involves, its actors, the words of their
names and its agent-target pairs), for the few events a transaction changes;
:func:`rows_query` computes the same counters in SQL for :func:`rebuild` and
:func:`mismatches` (tests compare the two).

Unlike ``incident_facet``, no per-incident rows are stored (on a million events they would be
twelve million): a writer takes a :func:`snapshot` of what the events and incidents it is
about to change count for, changes them, and :func:`settle` applies the difference. Writers:

- ``models.repository.replace_events``: the events it deletes (and their incidents) before,
  the events it inserts (from the rows it built, no query) and those incidents after;
- ``worker.incidents.link_events``: the incidents ``write_incidents`` may change, around it;
- ORM inserts of events and links (scripts, tests): listeners in ``models.tables``.

Anything else (SQL written by hand, ``DELETE FROM article``) leaves the counters stale until
:func:`rebuild`. Counters move by ``n = n + delta`` upserts sorted by key, one pass per
writer: two workers adding to the same counters wait for each other, never deadlock (and
the linker's per-type lock already keeps workers of one type apart: every key has a type).
Report counts are sums over events, right whatever runs concurrently; an incident's mask is
not, so its snapshot and settle must not interleave with another writer's on the same
incident: the per-type lock (taken before ``replace_events`` when linking) sees to that, as
it does for ``incident_facet``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    String,
    Table,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from models.actor_words import WORD_SCOPE, word_scope
from models.incident_rollup import MODALITY_BITS, OTHER_BIT, modality_bit
from models.scope_tables import ActorWord, ScopeCount
from models.tables import Event, EventActorLink, EventCountry, EventPair

IN_CHUNK = 1000

_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_pair: Table = SQLModel.metadata.tables[EventPair.__tablename__]
_country: Table = SQLModel.metadata.tables[EventCountry.__tablename__]
_count: Table = SQLModel.metadata.tables[ScopeCount.__tablename__]
_word: Table = SQLModel.metadata.tables[ActorWord.__tablename__]

#: unit, scope, facet, key, target_id, type, mask
CountKey = tuple[str, str, str, str, int, str, int]
COLUMNS = ("unit", "scope", "facet", "key", "target_id", "type", "mask")


@dataclass
class EventFacts:
    """What the counters need of one event."""

    type: str
    modality: str
    incident_id: int | None = None
    countries: set[str] = field(default_factory=set)
    actors: set[int] = field(default_factory=set)
    pairs: set[tuple[int, int]] = field(default_factory=set)
    #: The words of its actors' names (``models.actor_words``; ``actor_word`` rows).
    words: set[str] = field(default_factory=set)
    #: Its day (``event.day``; for the incident rollup's first days).
    day: date | None = None

    def items(self) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
        """``(facet, key, target_id)`` of its actors and countries, and of its pairs."""
        both = [("actor", str(a), 0) for a in sorted(self.actors)]
        both += [("country", c, 0) for c in sorted(self.countries)]
        pairs = [("pair", str(a), t) for a, t in sorted(self.pairs) if a != t]
        return both, pairs

    def scopes(self) -> list[str]:
        """The scopes it counts in besides ``''``: its countries and its words (``#kim``)."""
        return sorted(self.countries) + [word_scope(w) for w in sorted(self.words)]

    def scope_items(self) -> tuple[tuple[str, frozenset[tuple[str, str, int]]], ...]:
        """``(scope, items)`` of every scope it counts in besides ``''``: the ``(facet, key,
        target_id)`` of the counters it has there (the item ``all`` in word scopes). Computed
        once and kept with the facts (and with their copies,
        ``worker.incident_cache.pointing_at``): call it once they are complete."""
        kept = self.__dict__.get("_scope_items")
        if kept is None:
            both, pairs = self.items()
            plain = frozenset(both + pairs)
            worded = plain | frozenset(_ALL)
            kept = tuple(
                (scope, worded if scope.startswith(WORD_SCOPE) else plain)
                for scope in self.scopes()
            )
            self.__dict__["_scope_items"] = kept
        return kept


#: The item every event of a word scope has: facet ``all`` (the scope's events themselves;
#: a country scope's are its key ``country`` = scope).
_ALL = [("all", "", 0)]


def _scope_items(scope: str, items: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return items + _ALL if scope.startswith(WORD_SCOPE) else items


def _bit(modality: str) -> int:
    return MODALITY_BITS.get(modality, OTHER_BIT)


def event_counts(facts: Iterable[EventFacts]) -> Counter[CountKey]:
    """The ``event`` counters of these events (each counts 1 per key it has)."""
    out: Counter[CountKey] = Counter()
    for f in facts:
        bit = _bit(f.modality)
        both, pairs = f.items()
        for facet, key, target in both:
            out[("event", "", facet, key, target, f.type, bit)] += 1
        for scope in f.scopes():
            for facet, key, target in _scope_items(scope, both + pairs):
                out[("event", scope, facet, key, target, f.type, bit)] += 1
    return out


def incident_counts(facts: Iterable[EventFacts]) -> Counter[CountKey]:
    """The ``incident`` counters of the incidents of these events, which must be all the
    events of those incidents (a mask is the OR of the modality bits of its events there)."""
    out: Counter[CountKey] = Counter()
    for sets in _incident_sets(facts).values():
        _count_sets(sets, +1, out)
    return out


#: Of one incident, by ``(scope, type)``: the items its events of each modality bit have
#: there. An item's mask is the OR of the bits whose items hold it (:func:`_mask`); kept as
#: sets, an event costs a set union per scope, not a key per scope and item.
_Sets = dict[tuple[str, str], dict[int, set[tuple[str, str, int]]]]


def _add_event(sets: _Sets, f: EventFacts) -> None:
    bit = _bit(f.modality)
    for scope, items in f.scope_items():
        by_bit = sets.get((scope, f.type))
        if by_bit is None:
            by_bit = sets[(scope, f.type)] = {}
        held = by_bit.get(bit)
        if held is None:
            by_bit[bit] = set(items)
        else:
            held |= items


def _incident_sets(facts: Iterable[EventFacts]) -> dict[int, _Sets]:
    """Each incident's :data:`_Sets`, from all its events' facts."""
    out: dict[int, _Sets] = {}
    for f in facts:
        if f.incident_id is not None:
            _add_event(out.setdefault(f.incident_id, {}), f)
    return out


def _mask(by_bit: dict[int, set[tuple[str, str, int]]] | None, item: tuple[str, str, int]) -> int:
    """The mask of an item in one scope of an incident (0: it has no such counter)."""
    mask = 0
    if by_bit is not None:
        for bit, items in by_bit.items():
            if item in items:
                mask |= bit
    return mask


def _count_sets(sets: _Sets, sign: int, out: Counter[CountKey]) -> None:
    """Add ``sign`` to every counter one incident with these sets counts in."""
    for (scope, type_), by_bit in sets.items():
        every = set().union(*by_bit.values())
        for item in every:
            facet, key, target = item
            out[("incident", scope, facet, key, target, type_, _mask(by_bit, item))] += sign


def incident_difference(
    before: Mapping[int, EventFacts], after: Mapping[int, EventFacts]
) -> Counter[CountKey]:
    """``incident_counts(after) - incident_counts(before)`` (as :func:`difference`, zero
    counts may be left), both by event id, each holding every event of its incidents.

    Most incidents a batch changes only gain events: such an incident's counters after are
    those before and what its new events add, so only the counters those events have are
    compared (the incident's other counters are neither counted before nor after)."""
    old = _incident_sets(before.values())
    members: Counter[int] = Counter(
        f.incident_id for f in before.values() if f.incident_id is not None
    )
    now: dict[int, list[tuple[int, EventFacts]]] = {}
    for event_id, f in after.items():
        if f.incident_id is not None:
            now.setdefault(f.incident_id, []).append((event_id, f))
    out: Counter[CountKey] = Counter()
    consumed: set[int] = set()
    for events in now.values():
        was = [before.get(event_id) for event_id, _ in events]
        origins = Counter(f.incident_id for f in was if f is not None and f.incident_id is not None)
        if len(origins) == 1 and next(iter(origins.values())) == members[next(iter(origins))]:
            # Every event of one incident before, and events of none: only what they add.
            source = next(iter(origins))
            consumed.add(source)
            sets = old[source]
            # (scope, facet, key, target_id, type): [mask before, mask after].
            added: dict[tuple[str, str, str, int, str], list[int]] = {}
            for (_, f), prior in zip(events, was, strict=True):
                if prior is not None and prior.incident_id is not None:
                    continue
                bit = _bit(f.modality)
                for scope, items in f.scope_items():
                    by_bit = sets.get((scope, f.type))
                    if by_bit is not None and bit in by_bit and items <= by_bit[bit]:
                        continue  # every item has this bit in its mask already
                    bits = list(by_bit.items()) if by_bit is not None else []
                    for item in items:
                        k = (scope, item[0], item[1], item[2], f.type)
                        masks = added.get(k)
                        if masks is None:
                            mask = 0
                            for b, held in bits:
                                if item in held:
                                    mask |= b
                            added[k] = [mask, mask | bit]
                        else:
                            masks[1] |= bit
            for (scope, facet, key, target, type_), (prior_mask, mask) in added.items():
                if mask != prior_mask:
                    if prior_mask:
                        out[("incident", scope, facet, key, target, type_, prior_mask)] -= 1
                    out[("incident", scope, facet, key, target, type_, mask)] += 1
        else:
            sets = {}
            for _, f in events:
                _add_event(sets, f)
            _count_sets(sets, +1, out)
    for incident, sets in old.items():
        if incident not in consumed:
            _count_sets(sets, -1, out)
    return out


def facts_of(conn: Connection, column: str, values: Iterable[int | None]) -> list[EventFacts]:
    """The facts of the events whose ``column`` (``id``, ``article_id`` or ``incident_id``)
    is one of ``values``, read from ``event``, ``event_country``, ``event_actor`` (with
    ``actor_word``) and ``event_pair``."""
    return list(facts_by_event(conn, column, values).values())


def _among(postgres: bool, name: str, chunk: Sequence[int]) -> tuple[str, tuple[Any, ...]]:
    """SQL text and parameters of ``name IN chunk`` for the driver (PostgreSQL: ``= ANY``)."""
    if postgres:
        return f"{name} = ANY(%s)", (list(chunk),)
    return f"{name} IN ({', '.join('?' * len(chunk))})", tuple(chunk)


def event_stamps(
    conn: Connection, column: str, values: Iterable[int | None]
) -> list[tuple[int, Any, int | None]]:
    """``(id, created_at, incident_id)`` of the events whose ``column`` (``id`` or
    ``incident_id``) is one of ``values``, ``created_at`` as the driver gives it: with the
    id, what tells a row kept in memory from a new one (``worker.incident_cache``)."""
    if column not in ("id", "incident_id"):
        raise ValueError(f"events are stamped by id or incident_id, not {column!r}")
    wanted = sorted({int(v) for v in values if v is not None})
    postgres = conn.dialect.name == "postgresql"
    found = []
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for chunk in batched(wanted, IN_CHUNK if not postgres else 50 * IN_CHUNK):
            where, params = _among(postgres, column, chunk)
            cursor.execute(f"SELECT id, created_at, incident_id FROM event WHERE {where}", params)
            found.extend((int(i), created, incident) for i, created, incident in cursor.fetchall())
    finally:
        cursor.close()
    return found


def facts_by_event(
    conn: Connection, column: str, values: Iterable[int | None]
) -> dict[int, EventFacts]:
    """:func:`facts_of` by event id (for a writer that knows where each event moves:
    ``worker.incidents.link_events``)."""
    if column not in ("id", "article_id", "incident_id"):
        raise ValueError(f"facts are read by id, article_id or incident_id, not {column!r}")
    wanted = sorted({int(v) for v in values if v is not None})
    postgres = conn.dialect.name == "postgresql"
    chunk_size = IN_CHUNK if not postgres else 50 * IN_CHUNK
    found: dict[int, EventFacts] = {}
    # Through the driver: the linker reads the facts of every event of the incidents a batch
    # changes (thousands of rows), and SQLAlchemy's expanding IN lists and row objects cost
    # more than the database's work. PostgreSQL: ``= ANY(array)``, one parameter.
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for chunk in batched(wanted, chunk_size):
            where, params = _among(postgres, column, chunk)
            cursor.execute(
                f"SELECT id, type, modality, incident_id, day FROM event WHERE {where}", params
            )
            for event_id, type_, modality, incident_id, day in cursor.fetchall():
                if isinstance(day, str):  # SQLite gives the ISO text
                    day = date.fromisoformat(day)
                found[int(event_id)] = EventFacts(type_, modality, incident_id, day=day)
        for chunk in batched(sorted(found), chunk_size):
            # One round trip: each event's countries, actors, their words and pairs, told
            # apart by kind.
            where, params = _among(postgres, "event_id", chunk)
            cursor.execute(
                "SELECT event_id, 'c', country, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER) "
                f"FROM event_country WHERE {where} "
                f"UNION ALL SELECT event_id, 'a', NULL, actor_id, NULL FROM event_actor "
                f"WHERE {where} UNION ALL SELECT event_id, 'p', NULL, agent_id, target_id "
                f"FROM event_pair WHERE {where} "
                "UNION ALL SELECT DISTINCT l.event_id, 'w', w.word, CAST(NULL AS INTEGER), "
                "CAST(NULL AS INTEGER) "
                "FROM event_actor l JOIN actor_word w ON w.actor_id = l.actor_id "
                f"WHERE l.{where}",
                params * 4,
            )
            for event_id, kind, text_, a, b in cursor.fetchall():
                f = found[int(event_id)]
                if kind == "c":
                    f.countries.add(text_)
                elif kind == "a":
                    f.actors.add(int(a))
                elif kind == "w":
                    f.words.add(text_)
                else:
                    f.pairs.add((int(a), int(b)))
    finally:
        cursor.close()
    return found


def snapshot(
    conn: Connection, *, event_ids: Iterable[int] = (), incident_ids: Iterable[int | None] = ()
) -> Counter[CountKey]:
    """What these events, and these incidents and those of the events, count for now."""
    facts = facts_of(conn, "id", event_ids)
    incidents = {int(i) for i in incident_ids if i is not None}
    incidents |= {f.incident_id for f in facts if f.incident_id is not None}
    return event_counts(facts) + incident_counts(facts_of(conn, "incident_id", incidents))


def settle(
    conn: Connection,
    before: Counter[CountKey],
    *,
    event_ids: Iterable[int] = (),
    incident_ids: Iterable[int | None] = (),
) -> None:
    """Apply what changed since ``before`` (a :func:`snapshot`) for these events and
    incidents: the same ones as the snapshot's, and any that are new since."""
    apply(conn, difference(snapshot(conn, event_ids=event_ids, incident_ids=incident_ids), before))


def difference(after: Counter[CountKey], before: Counter[CountKey]) -> Counter[CountKey]:
    """``after - before`` keeping negative counts (``Counter.__sub__`` drops them)."""
    out = Counter(after)
    out.subtract(before)
    return out


#: PostgreSQL: every delta of a transaction in one statement, the rows in key order.
_APPLY_PG = """
INSERT INTO scope_count (unit, scope, facet, key, target_id, type, mask, n)
SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], %s::int[],
    %s::varchar[], %s::int[], %s::int[])
ON CONFLICT (unit, scope, facet, key, target_id, type, mask)
DO UPDATE SET n = scope_count.n + EXCLUDED.n
"""


#: SQLite: the same, row by row in one executemany.
_APPLY_SQLITE = """
INSERT INTO scope_count (unit, scope, facet, key, target_id, type, mask, n)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (unit, scope, facet, key, target_id, type, mask) DO UPDATE SET n = n + excluded.n
"""


def apply(conn: Connection, deltas: Counter[CountKey]) -> None:
    """Add the non-zero deltas to their counters, in key order (see the module docstring)."""
    rows = [(*key, n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # One statement of eight arrays rather than an executemany of thousands of rows
        # (a batch of 16 articles changes about 2,500 counters); unnest keeps their order.
        conn.exec_driver_sql(_APPLY_PG, tuple(list(column) for column in zip(*rows)))
        return
    # SQLite: one prepared statement run for every row through the driver (SQLAlchemy's
    # executemany built a parameter dictionary and processed it per row).
    conn.exec_driver_sql(_APPLY_SQLITE, rows)


# ------------------------------------------------------------------ the same in SQL


def _items() -> Any:
    """``event_id, facet, key, target_id``: each event's actors, countries and pairs, once,
    and the item ``all`` of every event (counted in word scopes only)."""
    ec, ln, pr, ev = _country.c, _link.c, _pair.c, _event.c
    zero = literal(0, Integer).label("target_id")
    return union_all(
        # An actor in two roles of one event: one item.
        select(ln.event_id, literal("actor", String).label("facet"),
               cast(ln.actor_id, String).label("key"), zero).distinct(),
        select(ec.event_id, literal("country", String), ec.country, zero),
        select(pr.event_id, literal("pair", String), cast(pr.agent_id, String), pr.target_id)
        .where(pr.agent_id != pr.target_id),
        select(ev.id, literal("all", String), literal("", String), zero),
    ).subquery("items")  # fmt: skip


def _scopes(scopes: str) -> Any:
    """``event_id, scope``: each event's countries and the words of its actors' names
    (``#kim``), once each; ``scopes`` ``countries`` or ``words`` for either alone."""
    ln, wd = _link.c, _word.c
    countries = select(_country.c.event_id, _country.c.country.label("scope"))
    words = select(ln.event_id, (literal(word_scope(""), String) + wd.word).label("scope"))
    words = words.select_from(_link.join(_word, wd.actor_id == ln.actor_id)).distinct()
    parts = {"all": [countries, words], "countries": [countries], "words": [words]}[scopes]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("scopes")


def rows_query(*, scopes: str = "all") -> Any:
    """Every counter (``COLUMNS`` and ``n``) as the base tables define it, n > 0.

    ``scopes="countries"``: those of the country scopes and ``''`` alone (migration 0012's
    backfill, before ``actor_word``); ``"words"``: those of the word scopes alone (0014's).
    """
    if scopes not in ("all", "countries", "words"):
        raise ValueError(f"scopes must be 'all', 'countries' or 'words', not {scopes!r}")
    items = _items()
    in_scopes = _scopes(scopes)
    i, ec, ev = items.c, in_scopes.c, _event.c
    keys = (i.facet, i.key, i.target_id, ev.type)
    in_scope = items.join(in_scopes, ec.event_id == i.event_id).join(_event, ev.id == i.event_id)
    # The item ``all`` in word scopes only.
    kept = or_(i.facet != "all", ec.scope.startswith(WORD_SCOPE, autoescape=True))
    scoped = select(ec.scope.label("scope"), *keys, modality_bit(ev.modality).label("mask"))
    scoped = scoped.select_from(in_scope).where(kept)
    plain = select(literal("", String), *keys, modality_bit(ev.modality))
    plain = plain.select_from(items.join(_event, ev.id == i.event_id))
    plain = plain.where(i.facet.not_in(["pair", "all"]))
    parts = [scoped] + ([plain] if scopes != "words" else [])
    reports = union_all(*parts).subquery("reports")
    r = reports.c
    by_event = select(literal("event", String).label("unit"), *r, func.count().label("n"))
    by_event = by_event.group_by(*r)
    # Incidents: one mask per (incident, scope, key, type), the OR of its events' bits there.
    mask = cast(func.sum(distinct(modality_bit(ev.modality))), Integer).label("mask")
    per_incident = (
        select(ev.incident_id, ec.scope.label("scope"), *keys, mask)
        .select_from(in_scope)
        .where(ev.incident_id.is_not(None), kept)
        .group_by(ev.incident_id, ec.scope, *keys)
        .subquery("per_incident")
    )
    p = per_incident.c
    grouped = (p.scope, p.facet, p.key, p.target_id, p.type, p.mask)
    by_incident = select(literal("incident", String), *grouped, func.count()).group_by(*grouped)
    return union_all(by_event, by_incident)


def rebuild(session: Session, *, scopes: str = "all") -> None:
    """Recompute the whole rollup from ``event``, ``event_country``, ``event_actor`` (with
    ``actor_word``) and ``event_pair``.

    ``scopes="words"`` adds the counters of the word scopes alone, to a rollup that has none
    (migration 0014); ``"countries"`` recomputes it without them (0012, before
    ``actor_word``).
    """
    if scopes != "words":
        if session.get_bind().dialect.name == "postgresql":
            # Millions of rows: TRUNCATE frees their space at once (DELETE leaves it for
            # VACUUM).
            session.execute(text("TRUNCATE scope_count"))
        else:
            session.execute(delete(_count))
    # In key order: a page's range of counters is then on consecutive pages of the table
    # (on PostgreSQL, a country's 240,000 pair counters read from 2,000 pages, not 20,000).
    rows = rows_query(scopes=scopes).subquery("computed")
    ordered = select(*rows.c).order_by(*(rows.c[c] for c in COLUMNS))
    session.execute(insert(_count).from_select([*COLUMNS, "n"], ordered))


def mismatches(session: Session) -> list[tuple[CountKey, int, int]]:
    """``(key, stored n, computed n)`` of every counter that differs from its base tables;
    empty when right."""
    stored = {
        tuple(r[:7]): int(r[7])
        for r in session.execute(select(*(_count.c[c] for c in (*COLUMNS, "n"))))
        if r[7]
    }
    computed = {tuple(r[:7]): int(r[7]) for r in session.execute(rows_query())}
    return [
        (key, stored.get(key, 0), computed.get(key, 0))  # type: ignore[misc]
        for key in sorted(set(stored) | set(computed))
        if stored.get(key, 0) != computed.get(key, 0)
    ]


__all__ = [
    "COLUMNS",
    "EventFacts",
    "apply",
    "difference",
    "event_counts",
    "event_stamps",
    "facts_of",
    "incident_counts",
    "incident_difference",
    "mismatches",
    "rebuild",
    "rows_query",
    "settle",
    "snapshot",
]
