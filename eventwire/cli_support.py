"""What the CLI commands share besides output: argument types and service checks.

Output formats and their writers are in :mod:`eventwire.writers`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from common.errors import ServiceUnavailableError

if TYPE_CHECKING:  # imported where used: `eventwire --help` must not load them
    from sqlalchemy.engine import Engine

    from common.settings import Settings


def iso_date(value: str) -> date:
    """argparse type for ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def database(settings: Settings | None = None, *, migrate: bool = True) -> Engine:
    """Return the engine for the configured database, migrated to the latest schema.

    Raises:
      ServiceUnavailableError: when the database cannot be reached (URL shown without password).
    """
    from sqlalchemy.exc import OperationalError

    from common.settings import get_settings
    from models.engine import get_engine, redact_url
    from models.migrate import upgrade

    settings = settings or get_settings()
    try:
        if migrate:
            upgrade(settings.database_url)
        engine = get_engine(settings.database_url)
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ServiceUnavailableError(
            f"cannot open the database {redact_url(settings.database_url)}: {reason}. "
            "Check EVENTWIRE_DATABASE_URL and that the server is running."
        ) from None
    return engine


def redis_client(settings: Settings | None = None):  # type: ignore[no-untyped-def]
    """Return a Redis client after checking that Redis answers."""
    import redis

    from common.settings import get_settings
    from models.engine import redact_url

    settings = settings or get_settings()
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ServiceUnavailableError(
            f"cannot reach Redis at {redact_url(settings.redis_url)}: {exc}. "
            "Start it (redis-server) or set EVENTWIRE_REDIS_URL."
        ) from None
    return client


@contextmanager
def redis_failures_explained() -> Iterator[None]:
    """Turn a Redis failure while queueing into a one-line error that says what is kept and
    what to run (articles are stored before their ids are sent, so none is lost)."""
    import redis

    try:
        yield
    except redis.RedisError as exc:
        raise ServiceUnavailableError(
            f"Redis failed while queueing ({exc}). Articles already stored are kept as "
            "'queued'; run `eventwire reprocess --stuck` once Redis is back."
        ) from None
