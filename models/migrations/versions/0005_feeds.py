"""Feeds polled by ``eventwire watch`` and the items seen in them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

- ``feed``: one row per feed URL (unique) with the validators of its last good response (ETag,
  Last-Modified) for conditional GETs, when it was last checked and last succeeded, and its
  failure state: consecutive failures, when to try again (exponential backoff) and the last
  error, for ``eventwire watch --status``.
- ``feed_item``: one row per entry seen in a feed, unique per (feed, item key), with the
  article it became; restarts read it so nothing seen is fetched or enqueued again.

Frozen snapshot: the tables are written out here, not taken from ``models.feed_tables``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_checked", TIMESTAMP, nullable=True),
        sa.Column("last_ok", TIMESTAMP, nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("url", name="uq_feed_url"),
    )
    op.create_table(
        "feed_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feed.id", ondelete="CASCADE", name="fk_feed_item_feed_id"),
            nullable=False,
        ),
        sa.Column("item_key", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("first_seen", TIMESTAMP, nullable=False),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="SET NULL", name="fk_feed_item_article_id"),
            nullable=True,
        ),
        sa.UniqueConstraint("feed_id", "item_key", name="uq_feed_item_key"),
    )
    op.create_index("ix_feed_item_article_id", "feed_item", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_feed_item_article_id", table_name="feed_item")
    op.drop_table("feed_item")
    op.drop_table("feed")
