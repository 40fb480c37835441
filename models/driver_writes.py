"""Many-row writes sent straight to the database driver, in the caller's transaction.

The linker re-points hundreds of events and rewrites thousands of rollup rows per batch.
SQLAlchemy's executemany builds and processes a parameter dictionary per row, which cost more
than the database's own work for such simple statements. On SQLite these go to the DB-API
cursor's ``executemany`` (one prepared statement); on PostgreSQL, where each row of an
executemany is a statement of its own, one statement takes every row as one array per
column (``unnest``, which keeps the rows' order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


def write_rows(
    conn: Connection, *, sqlite: str, postgres: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Write ``rows``: ``sqlite`` (``?`` placeholders) once per row on SQLite; ``postgres``
    once, its ``%s`` placeholders given the rows' columns as arrays (cast them there, as
    ``%s::int[]``, and read them with ``unnest``)."""
    if not rows:
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.name == "postgresql":
            cursor.execute(postgres, tuple(list(column) for column in zip(*rows)))
        else:
            cursor.executemany(sqlite, rows)
    finally:
        cursor.close()


__all__ = ["write_rows"]
