"""The event type catalogue: one row per type the extractor knows, with label and colour.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Event types are plugins (built-in folders, user folders, entry points). The worker records
the specs it loaded here at start-up (``eventwire db upgrade`` does too), so the dashboard can
offer and colour user types without importing the worker. ``subtypes`` is a JSON array kept
as text, readable from plain SQL on both dialects. The table starts empty: rows come from the
registry, not from this frozen revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_type",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("subtypes", sa.Text(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_type")
