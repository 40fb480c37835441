"""models.engine: SQLite connection settings, engine cache, session scope (redaction:
tests/common/test_urls.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from common.urls import redact_url as common_redact_url
from models.engine import get_engine, make_engine, redact_url, session_scope


def test_engine_module_re_exports_the_one_redaction() -> None:
    # Callers of models.engine.redact_url get common.urls.redact_url, not a copy.
    assert redact_url is common_redact_url


def test_sqlite_engine_settings(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
        assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30_000}
    finally:
        engine.dispose()


def test_get_engine_is_cached_per_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    assert get_engine(url) is get_engine(url)
    assert get_engine(url) is not get_engine(f"sqlite:///{tmp_path / 'z.db'}")
    get_engine(url).dispose()


def test_session_scope_commits_or_rolls_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with session_scope(engine) as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError), session_scope(engine) as s:
            s.execute(text("INSERT INTO t VALUES (2)"))
            raise RuntimeError("boom")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]
    finally:
        engine.dispose()


def test_a_forked_child_opens_its_own_connections(tmp_path: Path) -> None:
    """``eventwire worker --processes N`` forks after the parent used the database: the
    children must not reuse the parent's pooled connections."""
    import os

    engine = get_engine(f"sqlite:///{tmp_path / 'fork.db'}")
    with engine.connect() as conn:
        parent_connection = conn.connection.driver_connection
    assert engine.pool.checkedin() == 1
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        try:
            fresh = engine.pool.checkedin() == 0
            with engine.connect() as conn:
                fresh = fresh and conn.connection.driver_connection is not parent_connection
                conn.execute(text("SELECT 1"))
            os._exit(0 if fresh else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with engine.connect() as conn:  # the parent's connection still works
        assert conn.connection.driver_connection is parent_connection
        assert conn.execute(text("SELECT 1")).scalar() == 1
