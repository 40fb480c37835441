"""Word scopes in the scope rollup: the words of actor names, and their counters.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

- ``actor_word``: one row per word of an actor's name (``models.scope_tables.ActorWord``;
  the words as ``models.actor_words.name_words`` makes them);
- ``scope_count.scope`` widened from 8 to 40 characters: besides countries it holds ``#`` and
  a word (``#kim``), the scope of the events of the actors having that word.

Both are backfilled here: the words of every stored actor, then the word scopes' counters, by
the rollup's own computation from the base tables (``models.scope_rollup.rebuild``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actor_word",
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("word", "actor_id"),
    )
    op.create_index("ix_actor_word_actor", "actor_word", ["actor_id", "word"])
    # PostgreSQL: a longer varchar is the same type, no rewrite of the table or its key.
    # SQLite, which does not check lengths, copies the table (batch mode) to say it.
    with op.batch_alter_table("scope_count") as batch:
        batch.alter_column("scope", type_=sa.String(length=40), existing_type=sa.String(length=8))
    bind = op.get_bind()
    # The backfill with the application's code, on the migration's connection. A later
    # revision changing the tables it reads would freeze a copy of it here.
    from sqlalchemy.orm import Session

    from models.actor_words import name_words
    from models.scope_rollup import rebuild

    actors = bind.execute(sa.text("SELECT id, name FROM actor ORDER BY id")).all()
    words = [{"word": w, "actor_id": i} for i, name in actors for w in sorted(name_words(name))]
    table = sa.table("actor_word", sa.column("word"), sa.column("actor_id"))
    for start in range(0, len(words), 5000):
        bind.execute(table.insert(), words[start : start + 5000])
    session = Session(bind=bind)
    rebuild(session, scopes="words")
    session.flush()


def downgrade() -> None:
    op.execute("DELETE FROM scope_count WHERE scope LIKE '#%'")
    with op.batch_alter_table("scope_count") as batch:
        batch.alter_column("scope", type_=sa.String(length=8), existing_type=sa.String(length=40))
    op.drop_index("ix_actor_word_actor", table_name="actor_word")
    op.drop_table("actor_word")
