"""Feed items whose text could not be had are retried, a bounded number of times.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

- ``feed_item.attempts``: polls that failed to get the entry's text (its page could not be
  fetched and the entry has no summary or title); 0 for items recorded at once.
- ``feed_item.pending``: true while such an item is to be tried again on the next poll; it
  does not count as seen until it has text or ``EVENTWIRE_FEED_ITEM_ATTEMPTS`` is reached.

Existing rows were recorded as seen: attempts 0, not pending.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add NOT NULL columns with ALTER in every version.
    with op.batch_alter_table("feed_item") as batch:
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_item") as batch:
        batch.drop_column("pending")
        batch.drop_column("attempts")
