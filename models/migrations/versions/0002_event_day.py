"""Store the event day; copy what actor aggregates filter on into event_actor; event_pair.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

- ``event.day``: the event's own date or else its article's publication date, the date every
  filter and time bucket uses. Computing it per query needed the article joined to each of a
  million events and could use no index.
- ``event_actor.day``, ``type``, ``modality``, ``location_country`` (copies of the event's) and
  ``actor_country`` (a copy of the actor's ``country``): top actors, country counts, agent-target
  pairs and actor timelines read them from covering indexes instead of joining ``event``.
- ``event_pair``: one row per agent link times target link of an event, with the same copies
  and both actors' countries, so agent-target interaction counts are one index scan instead
  of a join of all agent links with all target links.

Both are backfilled here and written by ``models.repository.replace_events`` from now on. The
views are dropped first (SQLite batch migrations cannot rebuild a table a view reads) and
recreated to read the new columns, with the same columns as before.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _initial() -> ModuleType:
    """Revision 0001 (not importable by name: it lives in a folder, not a package)."""
    path = Path(__file__).with_name("0001_initial.py")
    spec = importlib.util.spec_from_file_location("_eventwire_migration_0001", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- views


def event_view_sql(dialect: str) -> str:
    """0001's ``event_view`` with the stored day (same columns, same values)."""
    initial = _initial()
    old = f"{initial.EVENT_DAY} AS day"
    sql = initial.event_view_sql(dialect)
    assert old in sql
    return sql.replace(old, "e.day AS day")


EVENT_DAILY_COUNTS = """
CREATE VIEW event_daily_counts AS
SELECT
    e.day AS day,
    e.type,
    e.modality,
    COUNT(*) AS event_count
FROM event e
WHERE e.day IS NOT NULL
GROUP BY e.day, e.type, e.modality
"""

ACTOR_DAILY_COUNTS = """
CREATE VIEW actor_daily_counts AS
SELECT
    ea.day AS day,
    ac.id AS actor_id,
    ac.name AS actor_name,
    ac.country AS actor_country,
    ac.kind AS actor_kind,
    ea.role,
    ea.modality,
    COUNT(*) AS event_count
FROM event_actor ea
JOIN actor ac ON ac.id = ea.actor_id
WHERE ea.day IS NOT NULL
GROUP BY ea.day, ac.id, ac.name, ac.country, ac.kind, ea.role, ea.modality
"""


def create_views(dialect: str) -> None:
    op.execute(event_view_sql(dialect))
    op.execute(EVENT_DAILY_COUNTS)
    op.execute(ACTOR_DAILY_COUNTS)


# ----------------------------------------------------------------------------- migration

EVENT_INDEXES = {
    "ix_event_day_id": ["day", "id"],
    "ix_event_type_day": ["type", "day"],
    "ix_event_modality_day_type": ["modality", "day", "type"],
    "ix_event_modality_location_country": ["modality", "location_country"],
    "ix_event_subtype": ["subtype"],
}
LINK_INDEXES = {
    "ix_event_actor_modality_actor": ["modality", "actor_id", "event_id", "day"],
    "ix_event_actor_modality_role_event": ["modality", "role", "event_id", "actor_id"],
    "ix_event_actor_modality_country_event": [
        "modality",
        "actor_country",
        "event_id",
        "location_country",
    ],
    "ix_event_actor_actor_modality_day": ["actor_id", "modality", "day", "event_id"],
}

BACKFILL = {
    "postgresql": (
        "UPDATE event SET day = event_date WHERE event_date IS NOT NULL",
        "UPDATE event e SET day = a.published FROM article a "
        "WHERE a.id = e.article_id AND e.event_date IS NULL AND a.published IS NOT NULL",
        "UPDATE event_actor ea SET day = e.day, type = e.type, modality = e.modality, "
        "location_country = e.location_country, actor_country = ac.country "
        "FROM event e, actor ac WHERE e.id = ea.event_id AND ac.id = ea.actor_id",
    ),
    "sqlite": (
        "UPDATE event SET day = event_date WHERE event_date IS NOT NULL",
        "UPDATE event SET day = (SELECT a.published FROM article a WHERE a.id = event.article_id) "
        "WHERE event_date IS NULL",
        "UPDATE event_actor SET (day, type, modality, location_country) = "
        "(SELECT e.day, e.type, e.modality, e.location_country FROM event e "
        "WHERE e.id = event_actor.event_id), "
        "actor_country = (SELECT ac.country FROM actor ac WHERE ac.id = event_actor.actor_id)",
    ),
}


#: Every agent link paired with every target link of its event (the links are filled by now).
INSERT_PAIRS = """
INSERT INTO event_pair (event_id, agent_id, target_id, day, type, modality, agent_country,
    target_country)
SELECT a.event_id, a.actor_id, t.actor_id, a.day, a.type, a.modality, a.actor_country,
    t.actor_country
FROM event_actor a
JOIN event_actor t ON t.event_id = a.event_id AND t.role = 'target'
WHERE a.role = 'agent'
"""


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    _initial().drop_views()

    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("day", sa.Date(), nullable=True))
    with op.batch_alter_table("event_actor") as batch:
        batch.add_column(sa.Column("day", sa.Date(), nullable=True))
        # NOT NULL once filled, below.
        batch.add_column(sa.Column("type", sa.String(32), nullable=True))
        batch.add_column(sa.Column("modality", sa.String(16), nullable=True))
        batch.add_column(sa.Column("location_country", sa.String(8), nullable=True))
        batch.add_column(sa.Column("actor_country", sa.String(8), nullable=True))

    for sql in BACKFILL["postgresql" if dialect == "postgresql" else "sqlite"]:
        op.execute(sql)

    op.create_table(
        "event_pair",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE", name="fk_event_pair_event_id"),
            nullable=False,
        ),
        sa.Column(
            "agent_id",
            sa.Integer(),
            sa.ForeignKey("actor.id", ondelete="CASCADE", name="fk_event_pair_agent_id"),
            nullable=False,
        ),
        sa.Column(
            "target_id",
            sa.Integer(),
            sa.ForeignKey("actor.id", ondelete="CASCADE", name="fk_event_pair_target_id"),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("agent_country", sa.String(8), nullable=True),
        sa.Column("target_country", sa.String(8), nullable=True),
        sa.UniqueConstraint("event_id", "agent_id", "target_id", name="uq_event_pair"),
    )
    op.execute(INSERT_PAIRS)

    with op.batch_alter_table("event_actor") as batch:
        batch.alter_column("type", existing_type=sa.String(32), nullable=False)
        batch.alter_column("modality", existing_type=sa.String(16), nullable=False)
    # Indexes last: built once over the filled tables rather than updated row by row.
    for name, columns in EVENT_INDEXES.items():
        op.create_index(name, "event", columns)
    for name, columns in LINK_INDEXES.items():
        op.create_index(name, "event_actor", columns)
    op.create_index(
        "ix_event_pair_modality_agent_target",
        "event_pair",
        ["modality", "agent_id", "target_id", "day"],
    )

    create_views(dialect)


def downgrade() -> None:
    initial = _initial()
    initial.drop_views()
    op.drop_table("event_pair")
    for name in LINK_INDEXES:
        op.drop_index(name, table_name="event_actor")
    for name in EVENT_INDEXES:
        op.drop_index(name, table_name="event")
    with op.batch_alter_table("event_actor") as batch:
        for column in ("actor_country", "location_country", "modality", "type", "day"):
            batch.drop_column(column)
    with op.batch_alter_table("event") as batch:
        batch.drop_column("day")
    initial.create_views(op.get_context().dialect.name)
