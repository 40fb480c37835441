"""Guards around ad-hoc SQL: what the database itself is told to refuse, and how long it may run.

A read-only transaction stops writes to tables, not the rest of what a SQL session can do:

- **PostgreSQL** superusers and members of ``pg_execute_server_program``,
  ``pg_read_server_files`` or ``pg_write_server_files`` can run programs and read or write
  files on the database host (``COPY ... TO PROGRAM``, ``pg_read_file``) whatever the
  transaction says. :func:`refuse_unsafe_postgres_role` refuses such a session before any user
  SQL runs. The check covers the login role (``session_user``) and every role it may become
  (direct or inherited membership, whatever INHERIT says), because one statement can
  ``RESET ROLE`` (``set_config('role', ...)``): switching a superuser's session to a reader
  with ``SET ROLE`` would not be a boundary, so eventwire refuses instead of switching.
  CREATEROLE is refused too: before PostgreSQL 16 it can grant itself those roles.
- **SQLite**: :func:`sqlite_authorizer` allows reading and nothing else: no ATTACH/DETACH
  (which would create files), no PRAGMA that changes anything, no ``load_extension``.
- **Timeouts**: PostgreSQL's ``statement_timeout``; on SQLite a progress handler
  (:class:`SqliteDeadline`) that interrupts a statement past its deadline. Either way the
  caller gets :class:`QueryTimeoutError`, whose message says what to do.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from common.errors import EventwireError

#: Predefined PostgreSQL roles that reach the server's files and programs.
SERVER_ACCESS_ROLES = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files")

#: SQLite VM instructions between two looks at the clock (cheap: a few microseconds apart).
_PROGRESS_STEPS = 10_000

_HOW_TO_READ = (
    "Create a role that can only read with `eventwire db create-reader` (run it as this "
    "role) and set EVENTWIRE_READ_DATABASE_URL to the URL it prints; see docs/security.md."
)


class UnsafeRoleError(EventwireError):
    """The database role would let ad-hoc SQL reach the server's files or programs."""


class QueryTimeoutError(EventwireError):
    """A read query ran longer than ``EVENTWIRE_SQL_TIMEOUT`` and was stopped."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"the query ran longer than {timeout_s:g} s and was stopped "
            "(EVENTWIRE_SQL_TIMEOUT). Narrow it (WHERE, LIMIT, a view such as "
            "event_daily_counts) or raise EVENTWIRE_SQL_TIMEOUT."
        )
        self.timeout_s = timeout_s


# --------------------------------------------------------------------------- PostgreSQL

_SERVER_ROLES_SQL = ", ".join(f"'{name}'" for name in SERVER_ACCESS_ROLES)
_UNSAFE_ROLES_SQL = text(
    f"""
    SELECT DISTINCT r.rolname, r.rolsuper, r.rolcreaterole
    FROM pg_roles r
    WHERE (pg_has_role(session_user, r.oid, 'MEMBER')
           OR pg_has_role(current_user, r.oid, 'MEMBER'))
      AND (r.rolsuper OR r.rolcreaterole OR r.rolname IN ({_SERVER_ROLES_SQL}))
    ORDER BY r.rolname
    """
)


def unsafe_postgres_roles(conn: Connection) -> list[str]:
    """Describe why the session's role is unsafe for ad-hoc SQL; empty when it is safe."""
    rows = conn.execute(_UNSAFE_ROLES_SQL).all()
    # A superuser is a member of every role: name the superuser, not the whole list.
    own = conn.execute(
        text(
            "SELECT rolname FROM pg_roles "
            "WHERE rolsuper AND rolname IN (session_user, current_user)"
        )
    ).scalars()
    superusers = [f"{name} is a superuser" for name in own]
    if superusers:
        return superusers
    problems = []
    for name, superuser, createrole in rows:
        if superuser:
            problems.append(f"can become superuser {name}")
        elif createrole:
            problems.append(f"{name} has CREATEROLE")
        else:
            problems.append(f"member of {name}")
    return problems


def refuse_unsafe_postgres_role(conn: Connection) -> None:
    """Raise :class:`UnsafeRoleError` unless the session's role is safe for ad-hoc SQL.

    Safe means: not a superuser, no CREATEROLE, and no membership (direct or inherited) in
    :data:`SERVER_ACCESS_ROLES` or in any role that is a superuser.
    """
    problems = unsafe_postgres_roles(conn)
    if problems:
        role = conn.exec_driver_sql("SELECT session_user").scalar()
        raise UnsafeRoleError(
            f"refused to run ad-hoc SQL as PostgreSQL role {role!r} ({'; '.join(problems)}): "
            "such a role can run programs and read or write files on the database server, "
            f"which a read-only transaction does not prevent. {_HOW_TO_READ}"
        )


def postgres_timeout_option(timeout_s: float) -> str:
    """The libpq ``options`` text that sets ``statement_timeout`` to ``timeout_s``."""
    return f"-c statement_timeout={max(1, round(timeout_s * 1000))}"


def is_postgres_timeout(exc: BaseException) -> bool:
    """True when ``exc`` (or the DBAPI error it wraps) is PostgreSQL's statement timeout."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) == "57014"  # query_canceled


def is_timeout(exc: BaseException) -> bool:
    """True when ``exc`` is a statement stopped by either database's timeout.

    PostgreSQL's ``statement_timeout`` or, on SQLite, the interrupt of a
    :class:`SqliteDeadline` (nothing else in eventwire interrupts SQLite statements).
    """
    if is_postgres_timeout(exc):
        return True
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, sqlite3.OperationalError) and str(orig) == "interrupted"


# --------------------------------------------------------------------------- SQLite

_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
    sqlite3.SQLITE_TRANSACTION,  # BEGIN/COMMIT change nothing on a read-only connection
    sqlite3.SQLITE_SAVEPOINT,
}
#: PRAGMAs that only describe the schema, allowed with an argument (a table or index name).
_DESCRIBING_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "collation_list", "database_list", "function_list", "pragma_list",
    "module_list", "compile_options",
})  # fmt: skip
#: PRAGMAs that do something even without an argument.
_ACTING_PRAGMAS = frozenset({"optimize", "wal_checkpoint", "incremental_vacuum", "shrink_memory"})
_DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})


def sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
) -> int:
    """sqlite3 authorizer that allows reading and nothing else.

    Denied: every write and schema change, ATTACH/DETACH, PRAGMAs that set a value or act
    (reading a PRAGMA's value and the schema-describing ones are allowed), ``load_extension``.
    """
    if action == sqlite3.SQLITE_FUNCTION:
        return (
            sqlite3.SQLITE_DENY if (arg2 or "").lower() in _DENIED_FUNCTIONS else sqlite3.SQLITE_OK
        )
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _DESCRIBING_PRAGMAS or (arg2 is None and name not in _ACTING_PRAGMAS):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def guard_sqlite_connection(dbapi_connection: sqlite3.Connection) -> None:
    """Install :func:`sqlite_authorizer` and switch extension loading off."""
    if hasattr(dbapi_connection, "enable_load_extension"):
        dbapi_connection.enable_load_extension(False)
    dbapi_connection.set_authorizer(sqlite_authorizer)


def unguard_sqlite_connection(dbapi_connection: sqlite3.Connection) -> None:
    """Remove the authorizer (for a pooled connection handed back to ordinary use)."""
    dbapi_connection.set_authorizer(None)


class SqliteDeadline:
    """A progress handler that interrupts the running statement once its deadline has passed.

    Parameters:
      timeout_s: seconds a statement may run, counted from :meth:`start`.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.deadline = float("inf")
        self.fired = False

    def start(self) -> None:
        """Start the clock for the next statement."""
        self.deadline = time.monotonic() + self.timeout_s
        self.fired = False

    def __call__(self) -> int:
        if time.monotonic() > self.deadline:
            self.fired = True
            return 1  # non-zero: sqlite3 interrupts the statement ("interrupted")
        return 0

    def install(self, dbapi_connection: sqlite3.Connection) -> None:
        """Make this the connection's progress handler."""
        dbapi_connection.set_progress_handler(self, _PROGRESS_STEPS)


def limit_statement_time(engine: Engine, timeout_s: float) -> Engine:
    """Make every statement on ``engine`` stop after ``timeout_s`` (SQLite engines only).

    PostgreSQL engines take :func:`postgres_timeout_option` in their connect arguments
    instead. Returns ``engine``.
    """
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: Any, record: Any) -> None:
        deadline = SqliteDeadline(timeout_s)
        deadline.install(dbapi_connection)
        record.info["eventwire_deadline"] = deadline

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Connection, *_args: Any) -> None:
        deadline = conn.connection.info.get("eventwire_deadline")
        if deadline is not None:
            deadline.start()

    return engine
