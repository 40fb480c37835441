"""Apply the Alembic migrations from code: every process may call :func:`upgrade` on start.

The Alembic config is built here, pointing at the migrations folder inside this package, so it
works from an installed wheel and from any working directory; no alembic.ini is needed
(``models/alembic.ini`` is only for the ``alembic`` command line, e.g. to write a new
migration).

Many processes starting at once is safe: all migrations run in one transaction, which on
PostgreSQL first takes a transaction-scoped advisory lock and on SQLite starts with
``BEGIN IMMEDIATE``. The second process waits, then finds the schema current and does nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from models.engine import make_engine, redact_url
from models.migration_files import MIGRATIONS_DIR, packaged_head

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "packaged_head",
    "upgrade",
]

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions, under _quiet_alembic: importing it logs a line per
# plugin at INFO, which would clutter every CLI command.

logger = logging.getLogger(__name__)

#: pg_advisory_xact_lock key serialising concurrent upgrades (any constant unique to us).
ADVISORY_LOCK_KEY = 0x65766E7477697265  # "evntwire"
#: Alembic's ``op`` and ``context`` are process-wide proxies: one migration per process at a time.
_PROCESS_LOCK = threading.Lock()


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs half a dozen INFO lines per call; we log one summary line instead.

    Left alone when the application set a level for the ``alembic`` logger itself.
    """
    alembic_logger = logging.getLogger("alembic")
    if alembic_logger.level != logging.NOTSET:
        yield
        return
    alembic_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_logger.setLevel(logging.NOTSET)


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config for the packaged migrations (and ``url``, when given)."""
    with _quiet_alembic():
        from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Passed as an attribute, not through the ini parser, which would choke on "%" in it.
        config.attributes["url"] = url
    return config


def _is_current(engine: Engine) -> bool:
    """True when the database already stands at the packaged head (one cheap query)."""
    head = packaged_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False  # no alembic_version table yet: a fresh database
    return [r[0] for r in rows] == [head]


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (the latest by default).

    Safe to call from many processes at once, and a no-op when the schema is current.
    """
    engine = make_engine(url, poolclass=NullPool)
    if revision == "head" and _is_current(engine):
        engine.dispose()
        return
    try:
        with _PROCESS_LOCK, _quiet_alembic(), engine.connect() as conn:
            from alembic import command
            from alembic.runtime.migration import MigrationContext

            if conn.dialect.name == "sqlite":
                # Batch migrations rebuild tables; with foreign keys on, dropping the old
                # table would cascade deletes into its children. (No effect inside a
                # transaction, so it comes first.)
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                # Take the write lock now: a second process waits here (busy_timeout) rather
                # than racing to create the same tables.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            before = MigrationContext.configure(conn).get_current_revision()
            config = alembic_config(url)
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            after = MigrationContext.configure(conn).get_current_revision()
            conn.commit()
    finally:
        engine.dispose()
    if before != after:
        logger.info("database %s migrated from %s to %s", redact_url(url), before, after)


def current_revision(url: str) -> str | None:
    """Return the revision the database at ``url`` is at, or None before the first upgrade."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with _quiet_alembic(), engine.connect() as conn:
            from alembic.runtime.migration import MigrationContext

            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """Return the latest revision the packaged migrations know."""
    with _quiet_alembic():
        from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
