"""The scope rollup: actors, countries and pairs counted in advance per filter country.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30

- ``scope_count``: how many events (reports) and incidents of each type and modality that
  involve a country (or, for reports, any event) have each actor, country and agent-target
  pair (``models.scope_tables.ScopeCount``).

The worker maintains it as it stores events and links incidents (``models.scope_rollup``).
Events stored before this revision are counted here, by the rollup's own rebuild from
``event``, ``event_country``, ``event_actor`` and ``event_pair``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scope_count",
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("mask", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit", "scope", "facet", "key", "target_id", "type", "mask"),
    )
    # The backfill: the application's rebuild, on the migration's connection, in key order (so
    # the index fills its pages as a sort would). It reads the base tables as this revision
    # leaves them: the country scopes only (0014 adds the word scopes and the actor_word
    # table they are counted from).
    from sqlalchemy.orm import Session

    from models.scope_rollup import rebuild

    session = Session(bind=op.get_bind())
    rebuild(session, scopes="countries")
    session.flush()


def downgrade() -> None:
    op.drop_table("scope_count")
