"""Helpers shared by CLI commands: argument types, service checks, output formats."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy.engine import Engine

from common.errors import ServiceUnavailableError
from common.settings import Settings, get_settings

OUTPUT_FORMATS = ("table", "csv", "jsonl")


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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    out: TextIO = sys.stdout,
    *,
    max_width: int = 60,
) -> None:
    """Print rows as an aligned text table, long cells cut to ``max_width``."""
    cells = [[_cell(row.get(c))[:max_width] for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n")


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        # PostgreSQL's SUM/AVG give Decimal: JSON readers expect numbers, not strings.
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def write_rows(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, out: TextIO = sys.stdout
) -> None:
    """Write rows as ``table``, ``csv`` or ``jsonl``."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(row), ensure_ascii=False, default=_json_default) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    else:
        write_table(list(rows), columns, out)
