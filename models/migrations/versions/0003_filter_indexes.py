"""Key-first covering indexes for filtered dashboard views; drop the ones they supersede.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

0002's indexes on ``event_actor`` and ``event_pair`` lead with ``modality``: they serve the
default filter (asserted events only) and nothing else. A filter on all modalities, on a
country or on an actor's name could use none of them and read whole tables. Each new index
leads with the column a query groups or looks up by, then ``event_id`` (the order in which
events are counted once), then the copies every filter tests (modality, type, day, the
event's location, the role), so any filter is checked inside the index:

- ``event_actor (actor_id, event_id, ...)``: top actors, actor timelines, and the events of
  the actors whose name matches an actor filter;
- ``event_actor (actor_country, event_id, ...)``: events per actor country, and the events of
  the actors of the countries in a country filter;
- ``event_actor (event_id, actor_country, location_country, role)``: the countries of the
  actors of given events, read event by event for filtered country counts (the unique
  index on (event_id, actor_id, role) serves the same lookups for actors);
- ``event (location_country, modality, type, day, id)``: events per location, and the events
  located in a country filter's countries;
- ``event_pair (agent_id, target_id, modality, type, day)``: agent-target pairs, counted in
  pair order.

The eight indexes they supersede are dropped (fewer indexes to update on every write than
before). Only indexes change: no data is rewritten. Frozen snapshot: the index lists are
written out here, not taken from ``models.tables``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table -> {index name: columns} added by this revision.
NEW_INDEXES: dict[str, dict[str, list[str]]] = {
    "event_actor": {
        "ix_event_actor_actor_event": [
            "actor_id",
            "event_id",
            "modality",
            "type",
            "day",
            "location_country",
            "role",
        ],
        "ix_event_actor_country_event": [
            "actor_country",
            "event_id",
            "modality",
            "type",
            "day",
            "location_country",
            "role",
        ],
        "ix_event_actor_event_country": ["event_id", "actor_country", "location_country", "role"],
    },
    "event": {
        "ix_event_location_modality_type_day": [
            "location_country",
            "modality",
            "type",
            "day",
            "id",
        ],
    },
    "event_pair": {
        "ix_event_pair_agent_target": ["agent_id", "target_id", "modality", "type", "day"],
    },
}

#: table -> {index name: columns} dropped by this revision (as 0001 and 0002 created them).
OLD_INDEXES: dict[str, dict[str, list[str]]] = {
    "event_actor": {
        "ix_event_actor_actor_role": ["actor_id", "role"],
        "ix_event_actor_modality_actor": ["modality", "actor_id", "event_id", "day"],
        "ix_event_actor_modality_role_event": ["modality", "role", "event_id", "actor_id"],
        "ix_event_actor_modality_country_event": [
            "modality",
            "actor_country",
            "event_id",
            "location_country",
        ],
        "ix_event_actor_actor_modality_day": ["actor_id", "modality", "day", "event_id"],
    },
    "event": {
        "ix_event_location_country": ["location_country"],
        "ix_event_modality_location_country": ["modality", "location_country"],
    },
    "event_pair": {
        "ix_event_pair_modality_agent_target": ["modality", "agent_id", "target_id", "day"],
    },
}


def _swap(drop: dict[str, dict[str, list[str]]], create: dict[str, dict[str, list[str]]]) -> None:
    # Create first: a table is never without an index for its queries, even mid-migration.
    for table, indexes in create.items():
        for name, columns in indexes.items():
            op.create_index(name, table, columns)
    for table, indexes in drop.items():
        for name in indexes:
            op.drop_index(name, table_name=table)


def upgrade() -> None:
    _swap(OLD_INDEXES, NEW_INDEXES)


def downgrade() -> None:
    _swap(NEW_INDEXES, OLD_INDEXES)
