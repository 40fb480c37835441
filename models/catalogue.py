"""Writes to the event type catalogue (the ``event_type`` table): an upsert of the registry.

Keyword-only like :mod:`models.repository`. The catalogue is written by whoever loaded the
plugin registry (the worker at start-up, ``eventwire db upgrade``); readers use
:func:`models.queries.event_type_catalogue`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.errors import EventwireError
from models.records import EventTypeRecord
from models.tables import EventTypeEntry

logger = logging.getLogger(__name__)

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def _row(record: EventTypeRecord) -> dict[str, object]:
    if not _COLOUR.fullmatch(record.colour):
        raise EventwireError(
            f"event type {record.name!r}: colour {record.colour!r} is not #RRGGBB; "
            "fix the colour in the type's spec"
        )
    return {
        "name": record.name,
        "label": record.label,
        "colour": record.colour.upper(),
        "subtypes": json.dumps(list(record.subtypes), ensure_ascii=False),
        "builtin": record.builtin,
    }


def sync_event_types(session: Session, *, specs: Iterable[EventTypeRecord]) -> int:
    """Insert or update one catalogue row per spec; return how many were given.

    Types missing from ``specs`` are kept: their events stay in the database, and a worker of
    an older release may still be running beside this one. The caller commits.
    """
    rows = [_row(record) for record in specs]
    if not rows:
        return 0
    table = EventTypeEntry.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = insert.values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["name"],
        set_={c: stmt.excluded[c] for c in ("label", "colour", "subtypes", "builtin")},
    )
    session.connection().execute(stmt)
    logger.debug("event type catalogue: %d type(s) synced", len(rows))
    return len(rows)
