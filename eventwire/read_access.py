"""The database as read by ``query`` and ``export``: ``EVENTWIRE_READ_DATABASE_URL``.

When no separate read URL is set, reading goes through the main database, migrated first as
every command does. A separate read URL (a reader role on PostgreSQL) is never migrated
through: a reader cannot, and the writers' side (``eventwire db upgrade``) owns the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.errors import ServiceUnavailableError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from common.settings import Settings


def read_database(settings: Settings | None = None) -> Engine:
    """Return an engine on the read URL whose statements stop after ``EVENTWIRE_SQL_TIMEOUT``.

    Raises:
      ServiceUnavailableError: when the database cannot be reached (URL shown masked).
    """
    from sqlalchemy.exc import OperationalError

    from common.settings import get_settings
    from eventwire.cli_support import database
    from models.engine import make_read_engine, redact_url

    settings = settings or get_settings()
    if not settings.read_database_url:
        database(settings)  # migrates the main database, as every command does
    url = settings.read_url
    engine = make_read_engine(url, settings.sql_timeout)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ServiceUnavailableError(
            f"cannot open the database {redact_url(url)} for reading: {reason}. Check "
            "EVENTWIRE_READ_DATABASE_URL (or EVENTWIRE_DATABASE_URL when it is unset) and "
            "that the server is running."
        ) from None
    return engine
