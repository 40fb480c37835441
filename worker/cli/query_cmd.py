"""``eventwire query``: list stored events with filters, or run read-only SQL."""

from __future__ import annotations

import argparse
import sys

from worker.cli.common import OUTPUT_FORMATS, database, iso_date, write_rows
from worker.errors import InputError

EVENT_COLUMNS = (
    "id",
    "event_date",
    "type",
    "subtype",
    "agents",
    "targets",
    "location",
    "modality",
    "confidence",
    "sentence",
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "query",
        help="list stored events (filters) or run read-only SQL (--sql)",
        description="List events from the database, newest first, or run a read-only SQL query.",
    )
    p.add_argument(
        "--type",
        action="append",
        dest="types",
        metavar="TYPE",
        help="event type (repeatable): parade, launch, statement, sanctions_vote, "
        "meeting, military_exercise",
    )
    p.add_argument("--actor", help="actor name contains this text (case-insensitive)")
    p.add_argument(
        "--country",
        action="append",
        dest="countries",
        metavar="ISO3",
        help="actor or location country, ISO 3166 alpha-3 (repeatable)",
    )
    p.add_argument("--since", type=iso_date, help="events on or after YYYY-MM-DD")
    p.add_argument("--until", type=iso_date, help="events on or before YYYY-MM-DD")
    p.add_argument(
        "--modality",
        action="append",
        dest="modalities",
        help="asserted (default), negated, hypothetical, planned, capability; or all",
    )
    p.add_argument("--limit", type=int, default=1000, help="rows at most (default 1000)")
    p.add_argument("--sql", help="run this read-only SQL instead (writes are refused)")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    engine = database()
    if args.sql:
        return _run_sql(engine, args)
    from models.engine import session_scope

    from models.queries import EventFilter, list_events

    modalities = args.modalities or ["asserted"]
    filt = EventFilter(
        types=tuple(args.types or ()),
        countries=tuple(c.upper() for c in args.countries or ()),
        actor=args.actor,
        since=args.since,
        until=args.until,
        modalities=() if "all" in modalities else tuple(modalities),
    )
    with session_scope(engine) as session:
        rows = list_events(session, filt=filt, limit=args.limit)
    write_rows(
        [_event_row(r) for r in rows],
        EVENT_COLUMNS
        if args.format == "table"
        else list(_event_row(rows[0]).keys())
        if rows
        else EVENT_COLUMNS,
        args.format,
    )
    return 0


def _event_row(row: object) -> dict:
    data = row if isinstance(row, dict) else vars(row)
    return dict(data)


def _run_sql(engine, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from models.engine import run_readonly_sql
    from sqlalchemy.exc import DBAPIError, StatementError

    try:
        columns, rows = run_readonly_sql(engine, args.sql, limit=args.limit)
    except (DBAPIError, StatementError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise InputError(f"SQL refused or failed: {reason}") from None
    write_rows([dict(zip(columns, r)) for r in rows], columns, args.format, sys.stdout)
    return 0
