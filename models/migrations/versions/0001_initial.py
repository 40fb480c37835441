"""Initial schema: article, actor, event, event_actor and the flat views for SQL users.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

The tables are written out here rather than taken from ``models.tables``: a migration must
keep creating the schema of its day when the models have moved on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
STATUS = sa.Enum(
    "queued",
    "processing",
    "done",
    "failed",
    name="articlestatus",
    native_enum=False,
    length=16,
    create_constraint=False,
)

# ----------------------------------------------------------------------------- views
#
# One definition per dialect only where the two really differ: reading a JSON array and
# ordered string aggregation (SQLite 3.40 has no ORDER BY inside group_concat, so it
# aggregates an ordered subquery). The day of an event is its own date or, failing that, its
# article's publication date, as in models.queries.

EVENT_DAY = "COALESCE(e.event_date, a.published)"


def _actors_pg(role: str, column: str) -> str:
    distinct = "DISTINCT " if column == "country" else ""
    return (
        f"(SELECT string_agg({distinct}ac.{column}, ', ' ORDER BY ac.{column}) "
        "FROM event_actor ea JOIN actor ac ON ac.id = ea.actor_id "
        f"WHERE ea.event_id = e.id AND ea.role = '{role}')"
    )


def _actors_sqlite(role: str, column: str) -> str:
    distinct = "DISTINCT " if column == "country" else ""
    return (
        f"(SELECT group_concat(v, ', ') FROM (SELECT {distinct}ac.{column} AS v "
        "FROM event_actor ea JOIN actor ac ON ac.id = ea.actor_id "
        f"WHERE ea.event_id = e.id AND ea.role = '{role}' AND ac.{column} IS NOT NULL "
        "ORDER BY v))"
    )


WEAPONS = {
    "postgresql": (
        "(SELECT string_agg(w.value, ', ' ORDER BY w.ord) "
        "FROM jsonb_array_elements_text("
        "CASE WHEN jsonb_typeof(e.weapons) = 'array' THEN e.weapons ELSE '[]'::jsonb END"
        ") WITH ORDINALITY AS w(value, ord))"
    ),
    "sqlite": (
        "(SELECT group_concat(w.value, ', ') FROM json_each("
        "CASE WHEN json_type(e.weapons) = 'array' THEN e.weapons ELSE '[]' END) AS w)"
    ),
}


def event_view_sql(dialect: str) -> str:
    """``CREATE VIEW event_view``: one row per event, actors and weapons as text."""
    actors = _actors_pg if dialect == "postgresql" else _actors_sqlite
    roles = ", ".join(
        f"{actors(role, column)} AS {role}_{label}"
        for role in ("agent", "target", "participant")
        for column, label in (("name", "names"), ("country", "countries"))
    )
    return f"""
CREATE VIEW event_view AS
SELECT
    e.id AS event_id,
    e.article_id,
    a.url AS article_url,
    a.title AS article_title,
    a.source AS article_source,
    a.published AS article_published,
    e.type,
    e.subtype,
    e.event_date,
    e.date_precision,
    {EVENT_DAY} AS day,
    e.location_name,
    e.location_country,
    e.modality,
    e.confidence,
    e.trigger,
    e.sentence,
    e.quote,
    {WEAPONS[dialect]} AS weapons,
    {roles},
    e.extractor_version
FROM event e
JOIN article a ON a.id = e.article_id
"""


EVENT_DAILY_COUNTS = f"""
CREATE VIEW event_daily_counts AS
SELECT
    {EVENT_DAY} AS day,
    e.type,
    e.modality,
    COUNT(*) AS event_count
FROM event e
JOIN article a ON a.id = e.article_id
WHERE {EVENT_DAY} IS NOT NULL
GROUP BY {EVENT_DAY}, e.type, e.modality
"""

ACTOR_DAILY_COUNTS = f"""
CREATE VIEW actor_daily_counts AS
SELECT
    {EVENT_DAY} AS day,
    ac.id AS actor_id,
    ac.name AS actor_name,
    ac.country AS actor_country,
    ac.kind AS actor_kind,
    ea.role,
    e.modality,
    COUNT(*) AS event_count
FROM event_actor ea
JOIN event e ON e.id = ea.event_id
JOIN article a ON a.id = e.article_id
JOIN actor ac ON ac.id = ea.actor_id
WHERE {EVENT_DAY} IS NOT NULL
GROUP BY {EVENT_DAY}, ac.id, ac.name, ac.country, ac.kind, ea.role, e.modality
"""

VIEWS = ("actor_daily_counts", "event_daily_counts", "event_view")


def create_views(dialect: str) -> None:
    """Create the three views (a later migration that changes a table recreates them)."""
    op.execute(event_view_sql(dialect))
    op.execute(EVENT_DAILY_COUNTS)
    op.execute(ACTOR_DAILY_COUNTS)


def drop_views() -> None:
    """Drop the views (SQLite batch migrations cannot rebuild a table a view reads)."""
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


# ----------------------------------------------------------------------------- migration


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("extractor_version", sa.String(40), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("processed_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_article_content_hash", "article", ["content_hash"], unique=True)
    op.create_index("ix_article_status_updated_at", "article", ["status", "updated_at"])
    op.create_index("ix_article_published", "article", ["published"])

    op.create_table(
        "actor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.UniqueConstraint("key", name="uq_actor_key"),
    )
    op.create_index("ix_actor_country", "actor", ["country"])

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE", name="fk_event_article_id"),
            nullable=False,
        ),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("subtype", sa.String(32), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(200), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(8), nullable=True),
        sa.Column("location_name", sa.String(200), nullable=True),
        sa.Column("location_country", sa.String(8), nullable=True),
        sa.Column("weapons", JSON, nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("attributes", JSON, nullable=False),
        sa.Column("extractor_version", sa.String(40), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_event_article_id", "event", ["article_id"])
    op.create_index("ix_event_type_date", "event", ["type", "event_date"])
    op.create_index("ix_event_date", "event", ["event_date"])
    op.create_index("ix_event_location_country", "event", ["location_country"])
    op.create_index("ix_event_modality", "event", ["modality"])

    op.create_table(
        "event_actor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE", name="fk_event_actor_event_id"),
            nullable=False,
        ),
        sa.Column(
            "actor_id",
            sa.Integer(),
            sa.ForeignKey("actor.id", ondelete="CASCADE", name="fk_event_actor_actor_id"),
            nullable=False,
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.UniqueConstraint("event_id", "actor_id", "role", name="uq_event_actor_role"),
    )
    op.create_index("ix_event_actor_actor_role", "event_actor", ["actor_id", "role"])

    create_views(op.get_context().dialect.name)


def downgrade() -> None:
    drop_views()
    op.drop_table("event_actor")
    op.drop_table("event")
    op.drop_table("actor")
    op.drop_table("article")
