"""Many-row writes sent straight to the database driver, in the caller's transaction.

The linker re-points hundreds of events and rewrites thousands of rollup rows per batch.
SQLAlchemy's executemany builds and processes a parameter dictionary per row, which cost more
than the database's own work for such simple statements; these go to the DB-API cursor's
``executemany`` instead (psycopg pipelines it on PostgreSQL, sqlite3 runs one prepared
statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


def executemany(conn: Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``statement`` (``?`` placeholders, no other question marks) once per row."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        statement = statement.replace("?", "%s")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()


__all__ = ["executemany"]
