"""The groups of linked events the incident linker keeps between batches.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

- ``event_component``: per event, the group of linked events it is in
  (``models.incident_tables.EventComponent``);
- ``link_rules``: per event type, a fingerprint of the rules its groups were made under
  (``models.incident_tables.LinkRules``).

Nothing is backfilled: events stored before this revision have no group, and the linker
groups them when a new event reaches them (scoring them as it did every event before).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_component",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("component", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_event_component_component", "event_component", ["component"])
    op.create_table(
        "link_rules",
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("type"),
    )


def downgrade() -> None:
    op.drop_table("link_rules")
    op.drop_index("ix_event_component_component", table_name="event_component")
    op.drop_table("event_component")
