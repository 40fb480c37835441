"""Incidents: one happening, many reports; wire copies of articles.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

- ``incident``: one row per happening, a summary of its linked events (type, dates and their
  span, place, actors by role, weapons, first and last seen, events, articles and sources
  counted with wire copies as their originals), unique per ``key`` (block + canonical first
  event), found by ``block``.
- ``event.incident_id`` / ``event.incident_block``: the incident of each event and the block it
  was linked in (the index the linker finds candidates by). No foreign key: the linker deletes
  an incident in the same transaction that empties it, on both dialects (SQLite cannot add a
  constrained column without rebuilding the table the views read).
- ``article.copy_of`` and ``article_band``: the near-duplicate index (MinHash LSH bands).
- ``incident_view``: incidents with their month, for SQL users.

Events stored before this revision keep ``incident_id`` NULL until ``eventwire reprocess --all``
links them. Frozen snapshot: the tables are written out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")

INCIDENT_VIEW = """
CREATE VIEW incident_view AS
SELECT i.id AS incident_id, i.type, i.subtype, i.day, SUBSTR(CAST(i.day AS TEXT), 1, 7) AS month,
       i.event_date, i.date_precision, i.first_day, i.last_day, i.location_name,
       i.location_country, i.actors, i.weapons, i.modality, i.first_seen, i.last_seen,
       i.n_events, i.n_articles, i.n_sources
FROM incident i
"""


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("block", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("subtype", sa.String(length=32), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("location_name", sa.String(length=200), nullable=True),
        sa.Column("location_country", sa.String(length=8), nullable=True),
        sa.Column("actors", JSON, nullable=False),
        sa.Column("weapons", JSON, nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.UniqueConstraint("key", name="uq_incident_key"),
    )
    op.create_index("ix_incident_block", "incident", ["block"])
    op.create_index("ix_incident_type_day", "incident", ["type", "day"])
    op.create_index("ix_incident_day", "incident", ["day"])
    op.create_index("ix_incident_sources", "incident", ["n_sources"])
    op.create_table(
        "article_band",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE", name="fk_article_band_article_id"),
            nullable=False,
        ),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_article_band_band_hash", "article_band", ["band", "hash"])
    op.create_index("ix_article_band_article_id", "article_band", ["article_id"])
    # Plain ADD COLUMN (no batch rebuild): the views that read these tables stay in place.
    op.add_column("event", sa.Column("incident_id", sa.Integer(), nullable=True))
    op.add_column("event", sa.Column("incident_block", sa.String(length=80), nullable=True))
    op.create_index("ix_event_incident_id", "event", ["incident_id"])
    op.create_index("ix_event_incident_block", "event", ["incident_block"])
    op.add_column("article", sa.Column("copy_of", sa.Integer(), nullable=True))
    op.create_index("ix_article_copy_of", "article", ["copy_of"])
    op.execute(INCIDENT_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS incident_view")
    op.drop_index("ix_article_copy_of", table_name="article")
    op.drop_index("ix_event_incident_block", table_name="event")
    op.drop_index("ix_event_incident_id", table_name="event")
    # SQLite 3.35+ drops plain columns in place; the views reading these tables stay valid.
    op.drop_column("article", "copy_of")
    op.drop_column("event", "incident_block")
    op.drop_column("event", "incident_id")
    op.drop_index("ix_article_band_article_id", table_name="article_band")
    op.drop_index("ix_article_band_band_hash", table_name="article_band")
    op.drop_table("article_band")
    op.drop_index("ix_incident_sources", table_name="incident")
    op.drop_index("ix_incident_day", table_name="incident")
    op.drop_index("ix_incident_type_day", table_name="incident")
    op.drop_index("ix_incident_block", table_name="incident")
    op.drop_table("incident")
