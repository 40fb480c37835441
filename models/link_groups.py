"""The groups of linked events the incident linker keeps (``event_component``, ``link_rules``,
migration 0013), in the caller's transaction and under the types' linking locks.

``worker.incident_groups`` decides what goes where; this module reads and writes the rows.
Keyword arguments after the session, bulk statements, no commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from models.tables import Event, EventComponent, LinkRules

IN_CHUNK = 1000

_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_component: Table = SQLModel.metadata.tables[EventComponent.__tablename__]
_rules: Table = SQLModel.metadata.tables[LinkRules.__tablename__]


def reset_groups(session: Session, *, fingerprints: Mapping[str, str]) -> set[str]:
    """Make ``fingerprints`` (type -> the rules' fingerprint) the rules of each type's groups:
    a type grouped under other rules loses its ``event_component`` rows. Returns the types
    reset. Call under the types' linking locks."""
    stored = {
        r.type: r.fingerprint
        for r in session.execute(
            select(_rules.c.type, _rules.c.fingerprint).where(
                _rules.c.type.in_(sorted(fingerprints))
            )
        )
    }
    reset = {t for t, f in fingerprints.items() if stored.get(t) != f}
    for kind in sorted(reset):
        of_type = select(_event.c.id).where(_event.c.type == kind)
        session.execute(delete(_component).where(_component.c.event_id.in_(of_type)))
        if kind in stored:
            session.execute(
                update(_rules).where(_rules.c.type == kind).values(fingerprint=fingerprints[kind])
            )
        else:
            session.execute(insert(_rules).values(type=kind, fingerprint=fingerprints[kind]))
    return reset


def groups_of(session: Session, *, ids: Iterable[int]) -> dict[int, int]:
    """``{event id: group}`` of these events (those without a group left out)."""
    found: dict[int, int] = {}
    for chunk in batched(sorted(set(ids)), IN_CHUNK):
        query = select(_component.c.event_id, _component.c.component).where(
            _component.c.event_id.in_(chunk)
        )
        found.update({int(r.event_id): int(r.component) for r in session.execute(query)})
    return found


def group_sizes(session: Session, *, groups: Iterable[int]) -> dict[int, int]:
    """How many events each of these groups holds."""
    sizes: dict[int, int] = {}
    for chunk in batched(sorted(set(groups)), IN_CHUNK):
        query = (
            select(_component.c.component, func.count())
            .where(_component.c.component.in_(chunk))
            .group_by(_component.c.component)
        )
        sizes.update({int(g): int(n) for g, n in session.execute(query)})
    return sizes


def events_of_groups(
    session: Session, *, groups: Iterable[int]
) -> list[tuple[int, datetime | None, int | None, int]]:
    """``(id, created_at, incident_id, group)`` of the events of these groups (as
    :func:`events_on_days`, with the group; through the driver too)."""
    sqlite = session.get_bind().dialect.name != "postgresql"
    mark = "?" if sqlite else "%s"
    found = []
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for chunk in batched(sorted(set(groups)), IN_CHUNK):
            cursor.execute(
                "SELECT e.id, e.created_at, e.incident_id, c.component FROM event_component c "
                f"JOIN event e ON e.id = c.event_id WHERE c.component IN "
                f"({', '.join([mark] * len(chunk))})",
                tuple(chunk),
            )
            for event_id, created_at, incident_id, group in cursor.fetchall():
                if isinstance(created_at, str):
                    created_at = datetime.fromisoformat(created_at)
                found.append((int(event_id), created_at, incident_id, int(group)))
    finally:
        cursor.close()
    return found


def write_groups(session: Session, *, added: Mapping[int, int], merged: Mapping[int, int]) -> None:
    """Put events without a group into one (``added``: event id -> group), and move every
    event of a group into another (``merged``: group -> the group it joins)."""
    if merged:
        statement = (
            update(_component)
            .where(_component.c.component == bindparam("_old"))
            .values(component=bindparam("_new"))
        )
        session.execute(
            statement, [{"_old": old, "_new": new} for old, new in sorted(merged.items())]
        )
    rows = [{"event_id": e, "component": g} for e, g in sorted(added.items())]
    for chunk in batched(rows, IN_CHUNK):
        session.execute(insert(_component), list(chunk))


def ungrouped_unlinked(
    session: Session, *, types: Iterable[str], limit: int | None = None
) -> list[int]:
    """Ids of the events of these types that are neither linked nor grouped (stored without
    linking), by the ``event.incident_id`` index; the ``limit`` lowest when given."""
    query = (
        select(_event.c.id)
        .outerjoin(_component, _component.c.event_id == _event.c.id)
        .where(
            _event.c.incident_id.is_(None),
            _event.c.type.in_(sorted(set(types))),
            _component.c.event_id.is_(None),
        )
        .order_by(_event.c.id)
        .limit(limit)
    )
    return [int(i) for i in session.scalars(query)]
