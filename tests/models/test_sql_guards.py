"""Issue 13's attacks on ad-hoc SQL, each refused on real databases, and nothing left behind.

PostgreSQL runs every attack twice: connected as the superuser (refused before any SQL runs)
and as a reader role (refused by the server's privileges). A marker file shows whether a
program ran or a file was written; ``os.path.exists`` works because the test server runs on
this machine (the attacks would write here).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from models.engine import run_readonly_sql
from models.readonly import stream_readonly_sql
from models.sql_guards import QueryTimeoutError, UnsafeRoleError, sqlite_authorizer


def _marker() -> Path:
    return Path("/tmp") / f"eventwire-attack-{uuid.uuid4().hex}"


def _postgres_attacks(marker: Path) -> list[str]:
    return [
        f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'",
        f"COPY (SELECT 1) TO '{marker}'",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_ls_dir('/')",
        f"SELECT lo_export(lo_import('/etc/passwd'), '{marker}')",
        "SELECT set_config('role', 'postgres', false)",
        "CREATE TABLE public.sneaky (id integer)",
        "CREATE TEMP TABLE sneaky (id integer)",
    ]


@pytest.fixture
def postgres(engine: Engine) -> Engine:
    """The models fixture's engine on PostgreSQL only (connected as a superuser)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    return engine


def test_a_superuser_is_refused_before_any_sql_runs(postgres: Engine) -> None:
    marker = _marker()
    for sql in _postgres_attacks(marker):
        with pytest.raises(UnsafeRoleError) as caught:
            run_readonly_sql(postgres, sql)
        message = str(caught.value)
        assert "superuser" in message and "eventwire db create-reader" in message
        assert "EVENTWIRE_READ_DATABASE_URL" in message
    with pytest.raises(UnsafeRoleError):
        run_readonly_sql(postgres, "SELECT 1")  # even harmless SQL: the role is the problem
    assert not marker.exists()


def test_the_reader_is_refused_every_attack_and_nothing_appears(
    postgres: Engine, reader: Engine
) -> None:
    marker = _marker()
    for sql in _postgres_attacks(marker):
        with pytest.raises(DBAPIError) as caught:
            run_readonly_sql(reader, sql)
        message = str(caught.value.orig).lower()
        assert any(
            word in message for word in ("permission denied", "must be superuser", "read-only")
        ), (sql, message)
        assert not marker.exists(), sql
    with postgres.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('public.sneaky')")).scalar() is None


def test_the_reader_has_no_dangerous_role_and_cannot_create(
    postgres: Engine, reader: Engine
) -> None:
    name = reader.url.username
    with postgres.connect() as conn:
        attributes = conn.execute(
            text("SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles "
                 "WHERE rolname = :n"),
            {"n": name},
        ).one()  # fmt: skip
        assert tuple(attributes) == (False, False, False, True)
        member_of = conn.execute(
            text("SELECT rolname FROM pg_roles WHERE pg_has_role(:n, oid, 'MEMBER') "
                 "AND rolname <> :n"),
            {"n": name},
        ).scalars().all()  # fmt: skip
        assert member_of == []
        creates = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE has_schema_privilege(:n, oid, 'CREATE')"),
            {"n": name},
        ).scalars().all()  # fmt: skip
        assert creates == []
        assert not conn.execute(
            text("SELECT has_database_privilege(:n, current_database(), 'TEMPORARY')"),
            {"n": name},
        ).scalar()
    assert run_readonly_sql(reader, "SELECT count(*) FROM event_view")[1] == [(0,)]


def test_a_noinherit_member_of_a_server_file_role_is_refused(postgres: Engine) -> None:
    name = f"eventwire_test_noinherit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN NOINHERIT")
        conn.exec_driver_sql(f"GRANT pg_read_server_files TO {name}")
    try:
        engine = create_engine(postgres.url.set(username=name))
        with pytest.raises(UnsafeRoleError, match="member of pg_read_server_files"):
            run_readonly_sql(engine, "SELECT 1")
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP ROLE {name}")
        admin.dispose()


def test_a_long_query_is_stopped_at_the_timeout_with_a_clear_message(reader: Engine) -> None:
    slow = {
        "postgresql": "SELECT set_config('statement_timeout', '0', false), pg_sleep(5)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT count(*) FROM c",
    }[reader.dialect.name]
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as caught:
        run_readonly_sql(reader, slow, timeout_s=0.5)
    assert time.monotonic() - started < 3
    assert "0.5 s" in str(caught.value) and "EVENTWIRE_SQL_TIMEOUT" in str(caught.value)
    assert run_readonly_sql(reader, "SELECT 1 AS one", timeout_s=0.5)[1] == [(1,)]


def test_rows_are_streamed_not_collected(reader: Engine) -> None:
    series = {
        "postgresql": "SELECT generate_series(1, 100000000) AS n",  # value per call
        "sqlite": "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
        "WHERE n < 100000000) SELECT n FROM c",
    }[reader.dialect.name]
    started = time.monotonic()
    # A hundred million rows held in memory would take minutes; the first three take nothing.
    with stream_readonly_sql(reader, series, limit=3, timeout_s=20) as result:
        assert result.columns == ["n"]
        assert list(result.rows) == [(1,), (2,), (3,)]
    assert time.monotonic() - started < 5


def test_sqlite_attach_is_refused_and_creates_no_file(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    for statement, target in (
        ("ATTACH DATABASE '{}' AS x", tmp_path / "attached.db"),
        ("VACUUM INTO '{}'", tmp_path / "copy.db"),
    ):
        with pytest.raises(DBAPIError, match=r"not authorized|authorization denied"):
            run_readonly_sql(engine, statement.format(target))
        assert not target.exists()
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize(
    "sql",
    [
        "DETACH DATABASE main",
        "PRAGMA query_only = OFF",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA user_version = 7",
        "PRAGMA wal_checkpoint",
        "SELECT load_extension('/tmp/nothing')",
    ],
)
def test_sqlite_refuses_detach_writing_pragmas_and_extensions(engine: Engine, sql: str) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(DBAPIError, match="not authorized"):
        run_readonly_sql(engine, sql)
    assert run_readonly_sql(engine, "PRAGMA user_version")[1] == [(0,)]


def test_sqlite_reading_pragmas_stay_allowed(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    columns = [r[1] for r in run_readonly_sql(engine, "PRAGMA table_info(event)")[1]]
    assert "sentence" in columns
    assert run_readonly_sql(engine, "PRAGMA foreign_keys")[0] == ["foreign_keys"]


def test_the_authorizer_allows_reading_only() -> None:
    import sqlite3

    assert sqlite_authorizer(sqlite3.SQLITE_READ, "event", "id", "main", None) == 0
    for action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_CREATE_TABLE):
        assert sqlite_authorizer(action, "x", None, "main", None) == sqlite3.SQLITE_DENY
