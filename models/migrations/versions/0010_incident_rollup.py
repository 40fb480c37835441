"""The incident rollup: incidents counted in advance per type, country and actor.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

- ``incident_facet``: what each incident contributes to the counters, one row per (incident,
  facet, key, type) with the bits of its events' modalities there.
- ``incident_count``: the number of incidents per (facet, key, type, modality bits).

Both are described in ``models.rollup_tables``; the worker maintains them as it links
incidents (``models.incident_rollup``). Incidents linked before this revision are counted
here, by the rollup's own rebuild from ``event`` and ``event_actor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_facet",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("mask", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "facet", "key", "type"),
    )
    op.create_table(
        "incident_count",
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("mask", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("facet", "key", "type", "mask"),
    )
    # The backfill: the application's rebuild, on the migration's connection. (It reads
    # event and event_actor as this revision leaves them; a later revision changing those
    # would freeze a copy of it here.)
    from sqlalchemy.orm import Session

    from models.incident_rollup import rebuild

    session = Session(bind=op.get_bind())
    rebuild(session)
    session.flush()


def downgrade() -> None:
    op.drop_table("incident_count")
    op.drop_table("incident_facet")
