"""``eventwire incidents``: list incidents (one happening, many reports) with query's filters.

An incident is listed when any of its events passes the filters (``--type``, ``--actor``,
``--country``, ``--since``, ``--until``, ``--modality``), newest first or, with
``--by-sources``, most widely reported first. ``--show ID`` prints one incident's reports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.errors import InputError
from eventwire.filters import add_event_filters, event_filter
from eventwire.writers import OUTPUT_FORMATS, write_csv_to, write_jsonl_to, write_table

COLUMNS = ("id", "type", "subtype", "date", "first_day", "last_day", "agents", "targets",
           "location", "weapons", "n_events", "n_articles", "n_sources")  # fmt: skip
REPORT_COLUMNS = ("event_id", "published", "source", "copy_of", "title", "sentence")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "incidents",
        help="list incidents (one happening, many reports) with the filters of query",
        description="List incidents: each real-world happening once, with how many articles "
        "and distinct sources reported it (a wire copy counts as its original).",
    )
    add_event_filters(p)
    p.add_argument("--limit", type=int, default=1000, help="rows at most (default 1000)")
    p.add_argument("--by-sources", action="store_true", help="most sources first")
    p.add_argument("--show", type=int, metavar="ID", help="the reports of one incident")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="table, csv, jsonl")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(handler=run)


def _date(value: Any, precision: str | None) -> str | None:
    if value is None:
        return None
    iso = value.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(precision or "day", iso)


def emit(columns: Sequence[str], rows: list[list[Any]], args: argparse.Namespace) -> None:
    """Write the rows as a table, CSV or JSONL to ``--out`` or standard output."""
    if args.out:
        with Path(args.out).open("w", encoding="utf-8", newline="") as out:
            _write(columns, rows, args.format, out)
    else:
        _write(columns, rows, args.format, sys.stdout)


def _write(columns: Sequence[str], rows: list[list[Any]], fmt: str, out: Any) -> None:
    if fmt == "csv":
        write_csv_to(columns, rows, out)
    elif fmt == "jsonl":
        write_jsonl_to(columns, rows, out)
    else:
        write_table([dict(zip(columns, row)) for row in rows], columns, out)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from common.settings import get_settings
    from eventwire.read_access import read_database
    from models.queries.incidents import incident_reports, list_incidents
    from models.sql_guards import QueryTimeoutError, is_timeout

    if args.limit < 0:
        raise InputError(f"--limit must be 0 or more, not {args.limit}")
    engine = read_database()
    try:
        with Session(engine) as session:
            if args.show is not None:
                reports = incident_reports(session, incident_id=args.show)
                if not reports:
                    raise InputError(f"no incident {args.show}: list them with eventwire incidents")
                rows: list[list[Any]] = [
                    [
                        r.event_id,
                        r.published.isoformat() if r.published else None,
                        r.source,
                        r.copy_of,
                        r.title,
                        r.sentence,
                    ]
                    for r in reports
                ]
                emit(REPORT_COLUMNS, rows, args)
                return 0
            order = "sources" if args.by_sources else "day"
            found = list_incidents(session, filt=event_filter(args), limit=args.limit, order=order)
    except DBAPIError as exc:
        if is_timeout(exc):
            raise QueryTimeoutError(get_settings().sql_timeout) from None
        raise
    finally:
        engine.dispose()
    table = args.format == "table"
    out = []
    for i in found:
        agents, targets = i.actors.get("agent", []), i.actors.get("target", [])
        location = ", ".join(v for v in (i.location_name, i.location_country) if v)
        out.append(
            [
                i.id,
                i.type,
                i.subtype,
                _date(i.event_date or i.day, i.date_precision),
                i.first_day.isoformat() if i.first_day else None,
                i.last_day.isoformat() if i.last_day else None,
                "; ".join(agents) if table else agents,
                "; ".join(targets) if table else targets,
                location,
                ", ".join(i.weapons) if table else i.weapons,
                i.n_events,
                i.n_articles,
                i.n_sources,
            ]
        )
    emit(COLUMNS, out, args)
    return 0
