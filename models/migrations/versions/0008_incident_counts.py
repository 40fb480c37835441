"""Incident counts from the indexes: ``incident_id`` copied into links and pairs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

The dashboard counts incidents by default (distinct ``incident_id`` of the matching events).
Actor, country and pair aggregates read ``event_actor`` and ``event_pair`` alone, so those rows
get a copy of their event's ``incident_id`` (written by the linker with the event's), and the
covering indexes those aggregates scan carry it last, so that counting distinct incidents
stays an index-only pass as counting distinct events was. ``event``'s (modality, day, type)
index gains ``incident_id`` for the same reason.

Rows stored before this revision get their copy from ``event`` here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINK_COPIES = ["modality", "type", "day", "location_country", "role"]
#: table -> {index name: columns before this revision}; each gains ``incident_id`` last.
INDEXES: dict[str, dict[str, list[str]]] = {
    "event": {"ix_event_modality_day_type": ["modality", "day", "type"]},
    "event_actor": {
        "ix_event_actor_actor_event": ["actor_id", "event_id", *_LINK_COPIES],
        "ix_event_actor_country_event": ["actor_country", "event_id", *_LINK_COPIES],
    },
    "event_pair": {
        "ix_event_pair_agent_target": ["agent_id", "target_id", "modality", "type", "day"],
    },
}


def _swap_indexes(*, with_incident: bool) -> None:
    for table, indexes in INDEXES.items():
        for name, columns in indexes.items():
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns + (["incident_id"] if with_incident else []))


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild): the views that read these tables stay in place.
    for table in ("event_actor", "event_pair"):
        op.add_column(table, sa.Column("incident_id", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} SET incident_id = (SELECT e.incident_id FROM event e "
            f"WHERE e.id = {table}.event_id) WHERE EXISTS (SELECT 1 FROM event e "
            f"WHERE e.id = {table}.event_id AND e.incident_id IS NOT NULL)"
        )
    _swap_indexes(with_incident=True)


def downgrade() -> None:
    _swap_indexes(with_incident=False)
    for table in ("event_pair", "event_actor"):
        op.drop_column(table, "incident_id")
