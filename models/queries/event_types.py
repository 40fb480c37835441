"""The event type catalogue as readers see it: catalogued types plus any type found in events."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.queries._core import event, fetch_all
from models.queries.results import EventTypeInfo
from models.tables import EventTypeEntry

#: Colour of a type that has events but no catalogue row (a grey no built-in type uses).
NEUTRAL_COLOUR = "#9CA3AF"

_catalogue = SQLModel.metadata.tables[EventTypeEntry.__tablename__]


def _subtypes(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def event_type_catalogue(session: Session) -> list[EventTypeInfo]:
    """Return every known event type, sorted by name.

    The ``event_type`` catalogue first; then the distinct types of stored events that it does
    not list, each with a label made from its name and :data:`NEUTRAL_COLOUR`. A database
    migrated before the catalogue existed (no ``event_type`` table) gives only the latter.
    """
    found: dict[str, EventTypeInfo] = {}
    c = _catalogue.c
    try:
        # A savepoint: on PostgreSQL a failed statement would otherwise abort the transaction.
        with session.begin_nested():
            rows = fetch_all(session, select(c.name, c.label, c.colour, c.subtypes, c.builtin))
    except SQLAlchemyError:
        rows = []
    for r in rows:
        found[r.name] = EventTypeInfo(
            r.name, r.label, r.colour, _subtypes(r.subtypes), bool(r.builtin)
        )
    stmt = select(event.c.type).distinct()
    for (name,) in fetch_all(session, stmt):
        if name is not None and name not in found:
            found[name] = EventTypeInfo(
                name, _label(name), NEUTRAL_COLOUR, (), builtin=False, catalogued=False
            )
    return [found[name] for name in sorted(found)]
