"""The scope rollup counts per actor too: what an actor-name filter's pages sum.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

- ``scope_count.scope`` widened from 8 to 16 characters: besides a country's code (and
  ``''``), a scope is now ``@`` and an actor's id, the events that actor takes part in
  (``models.scope_tables.ScopeCount``; ``models.queries.actor_scope_counts`` reads them).

The worker maintains the new counters with the others (``models.scope_rollup``). Events
stored before this revision are counted here: the rollup's own computation of the actor
scopes' counters from ``event``, ``event_actor``, ``event_country`` and ``event_pair``,
inserted next to the country scopes' (which 0012 counted).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _scope_length(old: int, new: int) -> None:
    """``scope_count.scope`` from ``old`` to ``new`` characters (PostgreSQL: a wider
    varchar, no table rewrite; SQLite, which enforces no length, records it by copying the
    table, before the backfill adds to it)."""
    column = {"existing_type": sa.String(length=old), "existing_nullable": False}
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("scope_count", "scope", type_=sa.String(length=new), **column)
        return
    with op.batch_alter_table("scope_count") as batch:
        batch.alter_column("scope", type_=sa.String(length=new), **column)


def upgrade() -> None:
    _scope_length(8, 16)
    # The backfill: the application's computation, on the migration's connection (see 0012).
    from sqlalchemy.orm import Session

    from models.scope_rollup import add_actor_scopes

    session = Session(bind=op.get_bind())
    # 0012's backfill ran the application's rebuild, which counts actor scopes too now.
    session.execute(sa.text("DELETE FROM scope_count WHERE scope LIKE '@%'"))
    add_actor_scopes(session)
    session.flush()


def downgrade() -> None:
    op.execute("DELETE FROM scope_count WHERE scope LIKE '@%'")
    _scope_length(16, 8)
