"""The countries each event involves (``event_country``, migration 0011): rebuild and check.

``models.repository.replace_events`` writes an event's rows with its links, the linker copies
the incident into them, and ORM inserts get them from listeners in ``models.tables``; this
module computes the same rows from ``event`` and ``event_actor`` for the migration's backfill,
data written by SQL (bench/dashboard_scale.py) and the tests that compare the two.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, insert, select, union
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.tables import Event, EventActorLink, EventCountry

_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_country: Table = SQLModel.metadata.tables[EventCountry.__tablename__]

COLUMNS = ("event_id", "country", "day", "type", "modality", "location_country", "incident_id")


def rows_query() -> Any:
    """Every ``event_country`` row as the base tables define it, in ``COLUMNS`` order."""
    ev, ln = _event.c, _link.c
    copies = (ev.day, ev.type, ev.modality, ev.location_country, ev.incident_id)
    located = select(ev.id, ev.location_country, *copies).where(ev.location_country.is_not(None))
    by_actor = (
        select(ev.id, ln.actor_country, *copies)
        .select_from(_link.join(_event, ev.id == ln.event_id))
        .where(ln.actor_country.is_not(None))
    )
    return union(located, by_actor)  # an actor of the event's own country: one row


def rebuild(session: Session) -> None:
    """Recompute ``event_country`` from ``event`` and ``event_actor``."""
    session.execute(delete(_country))
    session.execute(insert(_country).from_select(list(COLUMNS), rows_query()))


def mismatches(session: Session) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """``(stored but not computed, computed but not stored)`` rows; both empty when right."""
    stored = set(session.execute(select(*(_country.c[c] for c in COLUMNS))).all())
    computed = set(session.execute(rows_query()).all())
    return stored - computed, computed - stored


__all__ = ["COLUMNS", "mismatches", "rebuild", "rows_query"]
