"""Event mentions: every sentence that reports an event, and ``event_view.mentions``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

- ``event_mention``: one row per sentence of the article that reports an event (headline,
  caption, lead, later paraphrase or quote, the evidence sentence included), keyed by
  (event_id, ordinal) in article order, deleted with its event. A table rather than a JSON
  column on ``event``: "every sentence that reported this event" and "events reported more
  than once" are plain SQL on it, the same on both dialects.
- Events stored before this revision get their evidence sentence as their one mention, so
  every event has at least one, as new ones do.
- ``event_view`` gains ``mentions``: the event's mentions as a JSON array of
  ``{"sentence", "start", "end"}`` objects in order (the shape of ``eventwire extract``'s
  JSON line); ``json`` on PostgreSQL, JSON text on SQLite, ``[]`` for an event without any.
  The view is dropped and created again (SQLite cannot alter a view); its other columns are
  0002's, in the same order.

"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision(filename: str) -> ModuleType:
    """An earlier revision (not importable by name: it lives in a folder, not a package)."""
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(f"_eventwire_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The event's mentions as a JSON array, in order; ``[]`` when it has none.
MENTIONS = {
    "postgresql": (
        "COALESCE((SELECT json_agg(json_build_object('sentence', m.sentence, "
        "'start', m.start_char, 'end', m.end_char) ORDER BY m.ordinal) "
        "FROM event_mention m WHERE m.event_id = e.id), '[]'::json)"
    ),
    # SQLite 3.40 has no ORDER BY inside an aggregate: the ordered subquery feeds it in order.
    "sqlite": (
        "(SELECT json_group_array(json_object('sentence', m.sentence, "
        "'start', m.start_char, 'end', m.end_char)) "
        "FROM (SELECT sentence, start_char, end_char FROM event_mention "
        "WHERE event_id = e.id ORDER BY ordinal) AS m)"
    ),
}

_LAST_COLUMN = "    e.extractor_version\nFROM event e"


def event_view_sql(dialect: str) -> str:
    """0002's ``event_view`` with ``mentions`` before ``extractor_version``."""
    sql = _revision("0002_event_day.py").event_view_sql(dialect)
    assert _LAST_COLUMN in sql
    mentions = MENTIONS["postgresql" if dialect == "postgresql" else "sqlite"]
    return sql.replace(_LAST_COLUMN, f"    {mentions} AS mentions,\n{_LAST_COLUMN}")


#: Events stored before 0009: the evidence sentence becomes mention 0.
BACKFILL = (
    "INSERT INTO event_mention (event_id, ordinal, start_char, end_char, sentence) "
    "SELECT id, 0, start_char, end_char, sentence FROM event"
)


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "event_mention",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE", name="fk_event_mention_event_id"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "ordinal", name="pk_event_mention"),
    )
    op.execute(BACKFILL)
    op.execute("DROP VIEW IF EXISTS event_view")
    op.execute(event_view_sql(dialect))


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    op.execute("DROP VIEW IF EXISTS event_view")
    op.execute(_revision("0002_event_day.py").event_view_sql(dialect))
    op.drop_table("event_mention")
