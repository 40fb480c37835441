"""The countries each event involves, for broad country filters.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

- ``event_country``: one row per event and country it involves (its location or any of its
  actors' countries), with copies of the event's day, type, modality, location and incident,
  and the index a country filter reads (``models.tables.EventCountry``).

Events stored before this revision get their rows here, from ``event`` and ``event_actor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_country",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("location_country", sa.String(length=8), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "country"),
    )
    # The backfill (frozen here: it reads event and event_actor as this revision leaves them).
    op.execute(
        """
        INSERT INTO event_country (event_id, country, day, type, modality, location_country,
            incident_id)
        SELECT id, location_country, day, type, modality, location_country, incident_id
        FROM event WHERE location_country IS NOT NULL
        UNION
        SELECT e.id, l.actor_country, e.day, e.type, e.modality, e.location_country,
            e.incident_id
        FROM event_actor l JOIN event e ON e.id = l.event_id
        WHERE l.actor_country IS NOT NULL
        """
    )
    # The index after the rows: one sort instead of a million insertions.
    op.create_index(
        "ix_event_country_country_modality_day",
        "event_country",
        ["country", "modality", "day", "event_id", "type", "location_country", "incident_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_event_country_country_modality_day", table_name="event_country")
    op.drop_table("event_country")
