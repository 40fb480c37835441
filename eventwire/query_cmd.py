"""``eventwire query``: list stored events with filters, or run read-only SQL.

Both read through ``EVENTWIRE_READ_DATABASE_URL`` (the main URL when unset). ``--sql`` runs
on a connection the database keeps read-only (:mod:`models.readonly`), refused outright for a
PostgreSQL role that could reach the server's files, stopped after ``EVENTWIRE_SQL_TIMEOUT``,
with rows streamed to the output as they come (only ``--format table`` holds them, to align
the columns). CSV and Parquet cells follow :mod:`eventwire.writers`: nested values as JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import InputError
from eventwire.filters import add_event_filters, event_filter
from eventwire.writers import OUTPUT_FORMATS, write_parquet, write_rows

if TYPE_CHECKING:
    from models.queries import EventRow

EVENT_COLUMNS = ("id", "date", "type", "subtype", "agents", "targets", "location", "modality",
                 "confidence", "sentence")  # fmt: skip
JSON_COLUMNS = ("id", "article_id", "type", "subtype", "date", "date_precision", "day",
                "location", "actors", "weapons", "quote", "modality", "confidence", "trigger",
                "sentence", "mentions", "article_title", "article_url",
                "published")  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "query",
        help="list stored events (filters) or run read-only SQL (--sql)",
        description="List events from the database, newest first, or run a read-only SQL query.",
    )
    add_event_filters(p)
    p.add_argument("--limit", type=int, default=1000, help="rows at most (default 1000)")
    p.add_argument("--sql", help="run this read-only SQL instead (writes are refused)")
    p.add_argument(
        "--format",
        choices=(*OUTPUT_FORMATS, "parquet"),
        default="table",
        help="table, csv, jsonl, or parquet (parquet needs --out)",
    )
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from eventwire.read_access import read_database

    if args.format == "parquet" and not args.out:
        raise InputError("--format parquet writes a file: give --out PATH")
    if args.limit < 0:
        raise InputError(f"--limit must be 0 or more, not {args.limit}")
    engine = read_database()
    try:
        if args.sql:
            return _run_sql(engine, args)
        return _list_events(engine, args)
    finally:
        engine.dispose()


def _list_events(engine: Any, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from common.settings import get_settings
    from models.queries import list_events
    from models.sql_guards import QueryTimeoutError, is_timeout

    filt = event_filter(args)
    try:
        with Session(engine) as session:
            rows = [event_json(r) for r in list_events(session, filt=filt, limit=args.limit)]
    except DBAPIError as exc:
        if is_timeout(exc):
            raise QueryTimeoutError(get_settings().sql_timeout) from None
        raise
    if args.format == "table":
        for row in rows:
            row["agents"] = [_actor_label(a) for a in row["actors"] if a["role"] == "agent"]
            row["targets"] = [_actor_label(a) for a in row["actors"] if a["role"] == "target"]
            row["location"] = _location_label(row["location"])
        columns: Sequence[str] = EVENT_COLUMNS
    else:
        columns = JSON_COLUMNS
    emit(columns, ([row.get(c) for c in columns] for row in rows), args)
    return 0


def emit(columns: Sequence[str], rows: Iterable[Sequence[Any]], args: argparse.Namespace) -> int:
    """Write rows (in ``columns`` order) in the chosen format to ``--out`` or standard output.

    Rows are consumed as they come, except for ``table``, which aligns its columns. Returns
    how many were written.
    """
    if args.format == "parquet":
        count = write_parquet(columns, rows, Path(args.out))
    elif args.out:
        with Path(args.out).open("w", encoding="utf-8", newline="") as out:
            count = write_rows(columns, rows, args.format, out)
    else:
        return write_rows(columns, rows, args.format, sys.stdout)
    print(f"{count} row(s) written to {args.out}", file=sys.stderr)
    return count


def _actor_label(actor: dict[str, Any]) -> str:
    return f"{actor['name']} ({actor['country']})" if actor["country"] else actor["name"]


def _location_label(location: dict[str, Any] | None) -> str:
    if not location:
        return ""
    return ", ".join(str(v) for v in (location["name"], location["country"]) if v)


def _date_text(value: date | None, precision: str | None) -> str | None:
    if value is None:
        return None
    iso = value.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(precision or "day", iso)


def event_json(row: EventRow) -> dict[str, Any]:
    """One stored event in the shape of ``eventwire extract``'s JSON line, plus database ids."""
    actors = [
        {"name": a.name, "country": a.country, "role": a.role}
        for a in (*row.agents, *row.targets, *row.participants)
    ]
    location = (
        {"name": row.location_name, "country": row.location_country}
        if row.location_name or row.location_country
        else None
    )
    return {
        "id": row.id,
        "article_id": row.article_id,
        "type": row.type,
        "subtype": row.subtype,
        "date": _date_text(row.event_date, row.date_precision),
        "date_precision": row.date_precision if row.event_date else None,
        "day": row.event_day.isoformat() if row.event_day else None,
        "location": location,
        "actors": actors,
        "weapons": list(row.weapons or []),
        "quote": row.quote,
        "modality": row.modality,
        "confidence": row.confidence,
        "trigger": row.trigger,
        "sentence": row.sentence,
        "mentions": [m.to_dict() for m in row.mentions],
        "article_title": row.article_title,
        "article_url": row.article_url,
        "published": row.published.isoformat() if row.published else None,
    }


def _run_sql(engine: Any, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError, StatementError

    from common.settings import get_settings
    from models.readonly import stream_readonly_sql

    try:
        with stream_readonly_sql(
            engine, args.sql, limit=args.limit, timeout_s=get_settings().sql_timeout
        ) as result:
            emit(result.columns, result.rows, args)
    except (DBAPIError, StatementError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise InputError(f"SQL refused or failed: {reason}") from None
    return 0
