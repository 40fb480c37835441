"""Article and event counts read through the database driver alone, for ``eventwire stats``.

SQLAlchemy, SQLModel and the query modules cost ``stats`` about 0.4 s of imports for two
``GROUP BY`` statements. This module asks them with ``sqlite3`` or psycopg directly when the
URL is a plain one and the schema is at the packaged head, and otherwise answers None: the
command then takes its full path (``models.queries``, migrating first), which also gives the
errors users are shown. A test holds the two paths to the same numbers.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any
from urllib.parse import quote, urlsplit

from models.migration_files import packaged_head
from models.statuses import ArticleStatus

#: Milliseconds a SQLite read waits for a writer's lock (as ``models.engine`` sets).
_SQLITE_BUSY_MS = 30_000

_STATUSES = "SELECT status, COUNT(*) FROM article GROUP BY status"
#: As ``models.queries.event_type_counts`` of every modality: most first, then by name. On
#: SQLite ``+type`` keeps the GROUP BY off the type index (``models.queries._core.unindexed``).
_TYPES = "SELECT type, COUNT(*) AS n FROM event GROUP BY {type} ORDER BY n DESC, type"


def quick_counts(url: str) -> tuple[dict[str, int], dict[str, int]] | None:
    """``({status: articles}, {event type: events})`` as ``models.queries`` gives them
    (every status, zeros included, in pipeline order; types most first), or None when this
    path cannot answer (see the module docstring)."""
    head = packaged_head()
    connection = _connect(url)
    if head is None or connection is None:
        return None
    with closing(connection):
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT version_num FROM alembic_version")
            if [r[0] for r in cursor.fetchall()] != [head]:
                return None
            cursor.execute(_STATUSES)
            statuses = {s.value: 0 for s in ArticleStatus}
            for status, n in cursor.fetchall():
                statuses[str(status)] = int(n)
            sqlite = url.startswith("sqlite")
            cursor.execute(_TYPES.format(type="+type" if sqlite else "type"))
            types = {str(kind): int(n) for kind, n in cursor.fetchall()}
        except Exception:  # any driver error (a table missing...): the full path knows better
            return None
        finally:
            cursor.close()
    return statuses, types


def _connect(url: str) -> Any | None:
    """A DB-API connection for a plain SQLite file or PostgreSQL URL, else None."""
    scheme, _, rest = url.partition("://")
    try:
        if scheme in ("sqlite", "sqlite+pysqlite"):
            return _sqlite(rest)
        if scheme in ("postgresql", "postgresql+psycopg"):
            return _postgres(rest)
    except Exception:  # not reachable or not openable: the full path says why
        return None
    return None


def _sqlite(rest: str) -> Any | None:
    # sqlite:///relative.db and sqlite:////absolute.db; nothing fancier (in-memory, query
    # options, escapes) is taken here.
    if not rest.startswith("/") or "?" in rest or "%" in rest:
        return None
    path = rest[1:]
    if not path or path == ":memory:":
        return None
    import sqlite3

    # mode=rw: a missing file is an error here (the full path creates and migrates it).
    connection = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True)
    connection.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    return connection


def _postgres(rest: str) -> Any | None:
    parts = urlsplit("postgresql://" + rest)
    # Query keys are libpq's keywords for psycopg either way, except hosts and ports, which
    # SQLAlchemy may turn into several; those go the full path.
    if any(key in parts.query for key in ("host", "port")):
        return None
    import psycopg

    return psycopg.connect(f"postgresql://{rest}", autocommit=True)
