"""Engines and sessions for SQLite (the embedded default) and PostgreSQL.

SQLite gets WAL mode, a busy timeout and enforced foreign keys, so several worker processes and
the dashboard can share one file; PostgreSQL gets pre-ping, so a restarted server costs one
failed checkout, not a crash. URL redaction is :func:`common.urls.redact_url`,
re-exported. Read-only access for ad-hoc SQL lives in :mod:`models.readonly`
and is re-exported here.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session

from common.urls import redact_url  # re-exported: callers of models.engine keep it
from models.readonly import readonly_connection, run_readonly_sql

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "get_engine",
    "is_sqlite",
    "make_engine",
    "make_read_engine",
    "readonly_connection",
    "redact_url",
    "run_readonly_sql",
    "session_scope",
]

logger = logging.getLogger(__name__)

#: How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def is_sqlite(url: str | URL) -> bool:
    """Return True for ``sqlite`` URLs, whatever the driver."""
    return make_url(url).get_backend_name() == "sqlite"


def _json_dumps(value: Any) -> str:
    # Readable text in the database (no \\u escapes) and no crash on a date in ``attributes``.
    return json.dumps(value, ensure_ascii=False, default=str)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets readers (the dashboard) work while a worker writes. The mode is stored in the
        # file; an in-memory database answers "memory" and stays so.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str | URL, **kw: Any) -> Engine:
    """Create a new engine for ``url`` with the settings eventwire relies on.

    Keyword arguments go to :func:`sqlalchemy.create_engine` (``connect_args`` are merged).
    Prefer :func:`get_engine` in long-running code: an engine owns a connection pool.
    """
    parsed = make_url(url)
    kw.setdefault("json_serializer", _json_dumps)
    if parsed.get_backend_name() == "sqlite":
        connect_args = {
            "check_same_thread": False,  # sessions may be used from worker threads
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            **kw.pop("connect_args", {}),
        }
        engine = create_engine(parsed, connect_args=connect_args, **kw)
        event.listen(engine, "connect", _sqlite_on_connect)
    else:
        kw.setdefault("pool_pre_ping", True)
        engine = create_engine(parsed, **kw)
    logger.debug("engine created for %s", redact_url(parsed))
    return engine


def make_read_engine(url: str | URL, timeout_s: float, **kw: Any) -> Engine:
    """An engine for reading (export, the dashboard) whose statements stop after ``timeout_s``.

    PostgreSQL gets ``statement_timeout`` as a session setting (added to any ``options`` in
    ``connect_args``); SQLite a progress handler that interrupts a statement past its time.
    Both raise a DBAPI error when the time is up; see :mod:`models.sql_guards`.
    """
    from models.sql_guards import limit_statement_time, postgres_timeout_option

    if make_url(url).get_backend_name() == "postgresql":
        connect_args = dict(kw.pop("connect_args", {}))
        given = connect_args.get("options", "")
        connect_args["options"] = f"{given} {postgres_timeout_option(timeout_s)}".strip()
        return make_engine(url, connect_args=connect_args, **kw)
    return limit_statement_time(make_engine(url, **kw), timeout_s)


@lru_cache(maxsize=16)
def get_engine(url: str) -> Engine:
    """Return the process-wide engine for ``url`` (created on first use).

    A process forked after this (``eventwire worker --processes N`` forks its workers once
    spaCy is loaded) keeps the engine but not its pooled connections: they belong to the
    parent, and two processes talking on one socket corrupt each other's session.
    """
    engine = make_engine(url)
    _process_engines.append(engine)
    return engine


#: Engines made by :func:`get_engine`, whose pools a forked child must not reuse.
_process_engines: list[Engine] = []


def _forget_pools_after_fork() -> None:
    # close=False: the parent still uses those connections; closing them here would end them
    # for it too. The child opens its own on first use.
    for engine in _process_engines:
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_pools_after_fork)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits when the block ends and rolls back if it raises.

    Objects stay readable after the block (``expire_on_commit=False``), so callers can use
    what they loaded without a live session.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
