"""Ad-hoc SQL is refused writes by the database itself, on SQLite and PostgreSQL.

On PostgreSQL the SQL runs as a reader role (``eventwire db create-reader``); the refusal of
superusers and the server-file attacks are in test_sql_guards.py.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlmodel import col

from models import repository as repo
from models.engine import readonly_connection, run_readonly_sql, session_scope
from models.records import NewArticle
from models.tables import Article

WRITES = [
    "INSERT INTO article (content_hash, text, status, attempts, created_at, updated_at) "
    "VALUES ('x', 'x', 'queued', 0, '2024-01-01', '2024-01-01')",
    "UPDATE article SET title = 'changed'",
    "DELETE FROM article",
    "DROP TABLE event_actor",
    "DROP VIEW event_view",
    "CREATE TABLE sneaky (id INTEGER)",
    "DELETE FROM article RETURNING id",
]

# Each tries to end the read-only transaction and write in a fresh one.
ESCAPES = {
    "postgresql": [
        "COMMIT; BEGIN READ WRITE; DELETE FROM article; COMMIT",
        "SELECT 1; DELETE FROM article; COMMIT",
        "SET TRANSACTION READ WRITE",
        "COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM article; "
        "COMMIT",
    ],
    "sqlite": [
        "SELECT 1; DELETE FROM article",
        "PRAGMA query_only=OFF",  # refused by the authorizer; the file is read-only anyway
    ],
}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """Two articles, so that a lost write or delete shows."""
    with session_scope(engine) as s:
        repo.add_articles(s, articles=[NewArticle("One."), NewArticle("Two.", title="T")])
    return engine


def _state(engine: Engine) -> tuple[int, list[str | None]]:
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(Article))
        titles = sorted(s.scalars(select(col(Article.title))), key=repr)
        s.execute(text("SELECT count(*) FROM event_actor"))  # the table is still there
        s.execute(text("SELECT count(*) FROM event_view"))
    return int(n or 0), titles


def test_select_returns_columns_and_rows(seeded: Engine, reader: Engine) -> None:
    columns, rows = run_readonly_sql(
        reader, "SELECT id, title FROM article WHERE text LIKE :pat ORDER BY id", {"pat": "%."}
    )
    assert columns == ["id", "title"]
    assert [r[1] for r in rows] == [None, "T"]
    assert run_readonly_sql(reader, "SELECT id FROM article ORDER BY id", limit=1)[1] == [
        rows[0][:1]
    ]
    assert run_readonly_sql(reader, "SELECT id FROM article", limit=0) == (["id"], [])
    assert run_readonly_sql(reader, "SELECT id FROM article WHERE id < 0") == (["id"], [])
    with pytest.raises(ValueError):
        run_readonly_sql(reader, "SELECT 1", limit=-1)


@pytest.mark.parametrize("sql", WRITES)
def test_writes_are_refused_by_the_database(seeded: Engine, reader: Engine, sql: str) -> None:
    before = _state(seeded)
    with pytest.raises(DBAPIError) as caught:
        run_readonly_sql(reader, sql)
    message = str(caught.value.orig).lower()
    refusals = ("read-only", "readonly", "not authorized", "authorization denied")
    assert any(word in message for word in refusals), message
    assert _state(seeded) == before


def test_escapes_from_the_read_only_transaction_fail(seeded: Engine, reader: Engine) -> None:
    before = _state(seeded)
    for sql in ESCAPES[seeded.dialect.name]:
        with contextlib.suppress(DBAPIError, StatementError):
            run_readonly_sql(reader, sql)
        assert _state(seeded) == before, sql
    with readonly_connection(reader) as conn:
        if seeded.dialect.name == "sqlite":
            with pytest.raises(DBAPIError, match="not authorized"):  # the authorizer's refusal
                conn.exec_driver_sql("PRAGMA query_only=OFF")
        else:
            conn.exec_driver_sql("SELECT 1")
        with pytest.raises(DBAPIError):
            conn.execute(text("DELETE FROM article"))
    assert _state(seeded) == before


def test_readonly_connection_leaves_the_engine_writable(seeded: Engine, reader: Engine) -> None:
    with readonly_connection(reader) as conn:
        assert conn.execute(text("SELECT count(*) FROM article")).scalar() == 2
    with session_scope(seeded) as s:
        repo.add_articles(s, articles=[NewArticle("Three.")])
    assert _state(seeded)[0] == 3


def test_in_memory_sqlite_uses_query_only() -> None:
    from models.engine import make_engine

    engine = make_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with pytest.raises(DBAPIError, match=r"readonly|not authorized"):
            run_readonly_sql(engine, "INSERT INTO t VALUES (1)")
        with engine.begin() as conn:  # the pooled connection is writable again afterwards
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
        assert run_readonly_sql(engine, "SELECT x FROM t") == (["x"], [(2,)])
    finally:
        engine.dispose()


def test_readonly_sqlite_reads_a_database_no_writer_has_open(tmp_path: object) -> None:
    from models.migrate import upgrade

    url = f"sqlite:///{tmp_path}/closed db #1.db"  # a path that needs escaping in a URI
    upgrade(url)
    engine = create_engine(url)
    try:
        assert run_readonly_sql(engine, "SELECT count(*) FROM article") == (["count(*)"], [(0,)])
    finally:
        engine.dispose()
