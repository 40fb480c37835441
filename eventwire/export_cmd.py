"""``eventwire export``: filtered events and their actors to CSV or Parquet files.

Events are written flat, one row per event with its actors joined into text columns, in the
shape of the ``event_view`` SQL view (docs/schema.md), so an export and a query on the view
read alike. Rows are streamed in batches: a million events do not have to fit in memory.
The writers, and the one cell format they share with ``eventwire query``, are in
:mod:`eventwire.writers`. Reading goes through ``EVENTWIRE_READ_DATABASE_URL`` with the
``EVENTWIRE_SQL_TIMEOUT`` bound on every statement.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import InputError
from eventwire.filters import add_event_filters, event_filter
from eventwire.writers import BATCH_SIZE, write_csv, write_parquet

if TYPE_CHECKING:
    import pyarrow as pa

    from models.queries import ActorSummary, EventActorRow, EventFilter, EventRow

FORMATS = ("csv", "parquet")
TABLES = ("events", "actors")

#: Event columns, in the order and with the names of the ``event_view`` view.
EVENT_COLUMNS = (
    "event_id", "article_id", "article_url", "article_title", "article_source",
    "article_published", "type", "subtype", "event_date", "date_precision", "day",
    "location_name", "location_country", "modality", "confidence", "trigger", "sentence",
    "quote", "weapons", "agent_names", "agent_countries", "target_names", "target_countries",
    "participant_names", "participant_countries", "mentions",
)  # fmt: skip
ACTOR_COLUMNS = (
    "actor_id", "name", "country", "kind", "events", "as_agent", "as_target", "as_participant",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "export",
        help="write filtered events and actors to CSV or Parquet files",
        description="Export events (one flat row per event, like the event_view view) and "
        "the actors taking part in them to CSV or Parquet. With --out DIR both tables are "
        "written as DIR/events.<ext> and DIR/actors.<ext>; with --out FILE.csv|FILE.parquet "
        "one table (--table, events by default).",
    )
    add_event_filters(p)
    p.add_argument(
        "--format", choices=FORMATS, help="csv or parquet (default: from --out, else csv)"
    )
    p.add_argument(
        "--out", type=Path, required=True, help="a directory (both tables) or a .csv/.parquet file"
    )
    p.add_argument("--table", choices=TABLES, help="with --out FILE: which table (default events)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from common.settings import get_settings
    from eventwire.read_access import read_database
    from models.sql_guards import QueryTimeoutError, is_timeout

    targets = plan_outputs(args.out, args.format, args.table)
    settings = get_settings()
    engine = read_database(settings)
    filt = event_filter(args)
    try:
        with Session(engine) as session:
            for table, fmt, path in targets:
                path.parent.mkdir(parents=True, exist_ok=True)
                if table == "events":
                    count = write_events(session, filt, fmt, path)
                else:
                    count = write_actors(session, filt, fmt, path)
                print(f"{count:,} {table} -> {path}", file=sys.stderr)
    except DBAPIError as exc:
        if is_timeout(exc):
            raise QueryTimeoutError(settings.sql_timeout) from None
        raise
    finally:
        engine.dispose()
    return 0


def plan_outputs(out: Path, fmt: str | None, table: str | None) -> list[tuple[str, str, Path]]:
    """Decide the ``(table, format, path)`` files to write for ``--out/--format/--table``.

    Raises:
      InputError: when the file suffix and ``--format`` disagree.
    """
    suffix = out.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        if fmt and fmt != suffix:
            raise InputError(
                f"--out {out} ends in .{suffix} but --format is {fmt}; make them agree"
            )
        return [(table or "events", suffix, out)]
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file without a .csv or .parquet suffix")
    fmt = fmt or "csv"
    tables = [table] if table else list(TABLES)
    return [(t, fmt, out / f"{t}.{fmt}") for t in tables]


# ----------------------------------------------------------------------------- rows


def _names(refs: Sequence[EventActorRow]) -> str | None:
    return ", ".join(sorted(a.name for a in refs)) or None


def _countries(refs: Sequence[EventActorRow]) -> str | None:
    return ", ".join(sorted({a.country for a in refs if a.country})) or None


def event_record(row: EventRow) -> tuple[Any, ...]:
    """One event as a tuple in :data:`EVENT_COLUMNS` order (actors and weapons as text).

    ``mentions`` stays a list of ``{sentence, start, end}``: the writers make it one JSON
    cell, the array ``event_view.mentions`` holds.
    """
    return (
        row.id, row.article_id, row.article_url, row.article_title, row.article_source,
        row.published, row.type, row.subtype, row.event_date, row.date_precision, row.event_day,
        row.location_name, row.location_country, row.modality, row.confidence, row.trigger,
        row.sentence, row.quote, ", ".join(row.weapons) or None,
        _names(row.agents), _countries(row.agents), _names(row.targets), _countries(row.targets),
        _names(row.participants), _countries(row.participants),
        [m.to_dict() for m in row.mentions],
    )  # fmt: skip


def actor_record(row: ActorSummary) -> tuple[Any, ...]:
    """One actor as a tuple in :data:`ACTOR_COLUMNS` order."""
    return (
        row.actor_id, row.name, row.country, row.kind, row.events, row.as_agent, row.as_target,
        row.as_participant,
    )  # fmt: skip


def _event_schema() -> pa.Schema:
    import pyarrow as pa

    types = {
        "event_id": pa.int64(), "article_id": pa.int64(), "article_published": pa.date32(),
        "event_date": pa.date32(), "day": pa.date32(), "confidence": pa.float64(),
    }  # fmt: skip
    return pa.schema([(c, types.get(c, pa.string())) for c in EVENT_COLUMNS])


def _actor_schema() -> pa.Schema:
    import pyarrow as pa

    text = {"name", "country", "kind"}
    return pa.schema([(c, pa.string() if c in text else pa.int64()) for c in ACTOR_COLUMNS])


def write_events(session: Any, filt: EventFilter, fmt: str, path: Path) -> int:
    """Write the filtered events to ``path``; return how many."""
    from models.queries import iter_events

    rows = (event_record(r) for r in iter_events(session, filt=filt, batch_size=BATCH_SIZE))
    if fmt == "parquet":
        return write_parquet(EVENT_COLUMNS, rows, path, schema=_event_schema())
    return write_csv(EVENT_COLUMNS, rows, path)


def write_actors(session: Any, filt: EventFilter, fmt: str, path: Path) -> int:
    """Write the actors of the filtered events (with counts by role) to ``path``."""
    from models.queries import actor_summary

    rows = (actor_record(r) for r in actor_summary(session, filt=filt))
    if fmt == "parquet":
        return write_parquet(ACTOR_COLUMNS, rows, path, schema=_actor_schema())
    return write_csv(ACTOR_COLUMNS, rows, path)
