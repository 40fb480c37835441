"""Read-only connections for ad-hoc SQL (``eventwire query --sql``, the dashboard's SQL box).

Writes are refused by the database itself, never by looking at the SQL text:

- **PostgreSQL**: a separate, unpooled connection whose every transaction is read-only
  (``default_transaction_read_only=on``), opened ``READ ONLY`` explicitly, with a first query
  run so that ``SET TRANSACTION READ WRITE`` is refused. psycopg runs every statement as a
  prepared statement there (``prepare_threshold=0``), which takes exactly one command, so
  ``COMMIT; BEGIN READ WRITE; DROP ...`` cannot leave the read-only transaction.
- **SQLite**: the file opened with ``mode=ro`` and ``PRAGMA query_only=ON``; in-memory
  databases, which cannot be reopened, get ``query_only`` on their own connection. sqlite3
  runs one statement per call.

For a server shared with untrusted users, a PostgreSQL role with only SELECT grants is still
the stronger guard; these connections protect the data from mistakes and casual misuse.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

_MEMORY_DATABASES = {None, "", ":memory:"}


def _sqlite_readonly_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _sqlite_readonly_url(url: URL) -> URL:
    path = Path(str(url.database)).expanduser().resolve()
    # A URI filename: "?" "#" and "%" in the path must be escaped, "/" must not.
    return url.set(database=f"file:{quote(str(path))}", query={"mode": "ro", "uri": "true"})


def _postgres_readonly_args(url: URL) -> dict[str, Any]:
    given = url.query.get("options") or ()
    given = (given,) if isinstance(given, str) else given
    options = " ".join((*given, "-c default_transaction_read_only=on"))
    args: dict[str, Any] = {"options": options}
    if url.get_driver_name() == "psycopg":
        args["prepare_threshold"] = 0  # extended protocol: one statement per execute
    else:
        logger.warning(
            "driver %s may run several statements per call; use psycopg for ad-hoc SQL",
            url.get_driver_name(),
        )
    return args


@lru_cache(maxsize=16)
def _readonly_engine(url: URL) -> Engine:
    """A separate unpooled engine whose connections refuse writes (one per database)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            _sqlite_readonly_url(url),
            poolclass=NullPool,
            connect_args={"check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_readonly_on_connect)
        return engine
    if url.get_backend_name() == "postgresql":
        return create_engine(url, poolclass=NullPool, connect_args=_postgres_readonly_args(url))
    raise NotImplementedError(f"read-only connections are not implemented for {url.drivername}")


@contextmanager
def _sqlite_query_only(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA query_only=ON")
        try:
            yield conn
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA query_only=OFF")
            conn.commit()


@contextmanager
def readonly_connection(engine: Engine, *, timeout_s: float | None = None) -> Iterator[Connection]:
    """Yield a connection to ``engine``'s database on which the database refuses writes.

    The transaction is rolled back at the end. ``timeout_s`` cancels a PostgreSQL statement
    that runs longer (SQLite ignores it).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in _MEMORY_DATABASES:
        with _sqlite_query_only(engine) as conn:
            yield conn
        return
    with _readonly_engine(url).connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            if timeout_s is not None:
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
            # Once a query has run, PostgreSQL refuses SET TRANSACTION READ WRITE.
            conn.exec_driver_sql("SELECT 1")
        try:
            yield conn
        finally:
            conn.rollback()


def run_readonly_sql(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    limit: int | None = None,
    *,
    timeout_s: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SQL statement read-only and return ``(column names, rows)``.

    ``:name`` in ``sql`` is a bind parameter taken from ``params`` (write ``\\:`` for a
    literal colon before a word). At most ``limit`` rows are fetched when it is given.
    Statements that return no rows give ``([], [])``. Database errors, including the
    refusal of a write, propagate as :class:`sqlalchemy.exc.DBAPIError`.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit}")
    with readonly_connection(engine, timeout_s=timeout_s) as conn:
        result = conn.execute(text(sql), dict(params or {}))
        if not result.returns_rows:
            return [], []
        columns = list(result.keys())
        rows = result.fetchall() if limit is None else result.fetchmany(limit) if limit else []
        result.close()
        return columns, [tuple(row) for row in rows]
