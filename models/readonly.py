"""Read-only connections for ad-hoc SQL (``eventwire query --sql``) and streamed results.

Writes are refused by the database itself, never by looking at the SQL text:

- **PostgreSQL**: the session's role is checked first and refused when it could reach the
  server's files or programs (:func:`models.sql_guards.refuse_unsafe_postgres_role`; use the
  reader role of :mod:`models.reader_role`). Then a separate, unpooled connection whose every
  transaction is read-only (``default_transaction_read_only=on``), opened ``READ ONLY``
  explicitly, with a first query run so that ``SET TRANSACTION READ WRITE`` is refused.
  psycopg runs every statement with the extended protocol (``prepare_threshold=0``, and
  ``stream()``), which takes exactly one command, so ``COMMIT; BEGIN READ WRITE; DROP ...``
  cannot leave the read-only transaction. ``statement_timeout`` bounds each statement.
- **SQLite**: the file opened with ``mode=ro``, ``PRAGMA query_only=ON`` and an authorizer
  that allows reading only (no ATTACH, no PRAGMA that sets a value, no ``load_extension``);
  in-memory databases, which cannot be reopened, get the same on their own connection for
  the duration. sqlite3 runs one statement per call. A progress handler stops a statement
  that runs past the timeout.

Rows are streamed: :func:`stream_readonly_sql` yields them as the database sends them
(PostgreSQL single-row mode, SQLite's lazy cursor), so a large result is never held whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from models.sql_guards import (
    QueryTimeoutError,
    SqliteDeadline,
    guard_sqlite_connection,
    is_postgres_timeout,
    refuse_unsafe_postgres_role,
    unguard_sqlite_connection,
)

logger = logging.getLogger(__name__)

_MEMORY_DATABASES = {None, "", ":memory:"}


def _sqlite_readonly_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()
    guard_sqlite_connection(dbapi_connection)


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
        raw = conn.connection.dbapi_connection
        guard_sqlite_connection(raw)  # type: ignore[arg-type]
        try:
            yield conn
        finally:
            unguard_sqlite_connection(raw)  # type: ignore[arg-type]
            conn.rollback()
            conn.exec_driver_sql("PRAGMA query_only=OFF")
            conn.commit()


@contextmanager
def _timeouts_translated(
    timeout_s: float | None, deadline: SqliteDeadline | None
) -> Iterator[None]:
    """Turn the database's own stop at the deadline into :class:`QueryTimeoutError`."""
    try:
        yield
    except DBAPIError as exc:
        if timeout_s is None:
            raise
        if deadline is not None and deadline.fired and isinstance(exc, OperationalError):
            raise QueryTimeoutError(timeout_s) from None
        if is_postgres_timeout(exc):
            raise QueryTimeoutError(timeout_s) from None
        raise


@contextmanager
def readonly_connection(engine: Engine, *, timeout_s: float | None = None) -> Iterator[Connection]:
    """Yield a connection to ``engine``'s database on which the database refuses writes.

    The transaction is rolled back at the end. ``timeout_s`` stops a statement that runs
    longer (:class:`QueryTimeoutError`). On PostgreSQL a role that could reach the server's
    files or programs is refused first (:class:`models.sql_guards.UnsafeRoleError`).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in _MEMORY_DATABASES:
        context = _sqlite_query_only(engine)
    else:
        context = _readonly_engine(url).connect()
    with context as conn:
        deadline = None
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            # The check is also the first query: after it, SET TRANSACTION READ WRITE fails.
            refuse_unsafe_postgres_role(conn)
            if timeout_s is not None:
                milliseconds = max(1, round(timeout_s * 1000))
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
        elif timeout_s is not None:
            deadline = SqliteDeadline(timeout_s)
            raw = conn.connection.dbapi_connection
            deadline.install(raw)  # type: ignore[arg-type]
            deadline.start()  # one statement per read-only connection: the clock starts now
        try:
            with _timeouts_translated(timeout_s, deadline):
                yield conn
        finally:
            if deadline is not None:
                raw = conn.connection.dbapi_connection
                raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
            conn.rollback()


@dataclass
class StreamedResult:
    """Column names and an iterator of row tuples, read as the database sends them.

    Parameters:
      columns: result column names (empty for a statement that returns no rows).
      rows: the rows; iterate inside the :func:`stream_readonly_sql` block.
    """

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]


def _postgres_stream(conn: Connection, sql: str, params: Mapping[str, Any]) -> StreamedResult:
    """Stream ``sql`` through psycopg's single-row mode (any statement, one at a time)."""
    compiled = text(sql).compile(dialect=conn.dialect)
    bound = compiled.construct_params(dict(params))
    driver = conn.connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    dbapi_error = conn.dialect.loaded_dbapi.Error

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from (tuple(r) for r in stream)
        except dbapi_error as exc:
            raise DBAPIError.instance(sql, bound, exc, dbapi_error) from exc
        finally:
            cursor.close()

    stream = cursor.stream(compiled.string, bound or {})
    try:
        first = next(stream, None)
    except dbapi_error as exc:
        cursor.close()
        if isinstance(exc, conn.dialect.loaded_dbapi.ProgrammingError) and not exc.sqlstate:
            # psycopg's own complaint that the statement (SET, ...) returned no rows.
            return StreamedResult([], iter(()))
        raise DBAPIError.instance(sql, bound, exc, dbapi_error) from exc
    if first is None:
        # psycopg describes a result only once a row has come; without one, ask again for
        # the column names (the statement already ran within the timeout; it found nothing).
        columns: list[str] = []
        try:
            cursor.execute(compiled.string, bound or {})
            columns = [d.name for d in cursor.description or ()]
        except dbapi_error as exc:
            raise DBAPIError.instance(sql, bound, exc, dbapi_error) from exc
        finally:
            cursor.close()
        return StreamedResult(columns, iter(()))
    columns = [d.name for d in cursor.description or ()]
    head = tuple(first)

    def chained() -> Iterator[tuple[Any, ...]]:
        yield head
        yield from rows()

    return StreamedResult(columns, chained())


@contextmanager
def stream_readonly_sql(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    timeout_s: float | None = None,
) -> Iterator[StreamedResult]:
    """Run one SQL statement read-only and yield its columns and a stream of its rows.

    ``:name`` in ``sql`` is a bind parameter taken from ``params`` (write ``\\:`` for a
    literal colon before a word). At most ``limit`` rows come when it is given. Statements
    that return no rows give no columns. Database errors, including the refusal of a write,
    propagate as :class:`sqlalchemy.exc.DBAPIError`; a statement stopped by the timeout as
    :class:`QueryTimeoutError`, also while the rows are read.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit}")
    with readonly_connection(engine, timeout_s=timeout_s) as conn:
        if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
            result = _postgres_stream(conn, sql, params or {})
        else:
            cursor = conn.execute(text(sql), dict(params or {}))
            columns = list(cursor.keys()) if cursor.returns_rows else []
            rows = (tuple(r) for r in cursor) if cursor.returns_rows else iter(())
            result = StreamedResult(columns, rows)
        if limit is not None:
            result.rows = islice(result.rows, limit)
        yield result


def run_readonly_sql(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    limit: int | None = None,
    *,
    timeout_s: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SQL statement read-only and return ``(column names, rows)`` in memory.

    As :func:`stream_readonly_sql`, for results small enough to hold; statements that return
    no rows give ``([], [])``.
    """
    with stream_readonly_sql(engine, sql, params, limit=limit, timeout_s=timeout_s) as result:
        return result.columns, list(result.rows)
