"""``eventwire stats``: articles by status, events by type, queue depth."""

from __future__ import annotations

import argparse
import json

from eventwire.writers import write_table


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser("stats", help="articles by status, events by type, queue depth")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=run)


def collect_stats() -> dict[str, object]:
    """Gather the numbers ``stats`` prints (queue figures are None when Redis is down).

    A current database at a plain URL is read through its driver and Redis over a socket
    (``models.quick_counts``, ``common.queue.queue_depths``), with the settings read by
    ``common.env``: SQLAlchemy, SQLModel, pydantic and redis-py would take most of the
    command's time to import. Anything else takes the full path (migrating first).
    """
    from common.env import setting
    from common.queue import queue_depths
    from models.quick_counts import quick_counts

    counts = quick_counts(setting("database_url"))
    if counts is None:
        counts = _full_counts()
    statuses, types = counts
    queue = queue_depths(setting("redis_url"), setting("queue_name"))
    return {
        "articles": statuses,
        "events": types,
        "queue": queue or {"backlog": None, "dead_letters": None},
    }


def _full_counts() -> tuple[dict[str, int], dict[str, int]]:
    """The counts through SQLAlchemy and ``models.queries``, after migrating the database."""
    from common.settings import get_settings
    from eventwire.cli_support import database
    from models.engine import session_scope
    from models.queries import EventFilter, article_status_counts, event_type_counts

    engine = database(get_settings())
    with session_scope(engine) as session:
        statuses = article_status_counts(session)
        types = event_type_counts(session, filt=EventFilter(modalities=()))
    return statuses, types


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    stats = collect_stats()
    if args.json:
        print(json.dumps(stats, indent=1, default=str))
        return 0
    articles = stats["articles"]
    events = stats["events"]
    queue = stats["queue"]
    assert isinstance(articles, dict) and isinstance(events, dict) and isinstance(queue, dict)
    print("articles by status")
    write_table([{"status": k, "articles": v} for k, v in articles.items()], ("status", "articles"))
    print("\nevents by type (all modalities)")
    write_table([{"type": k, "events": v} for k, v in events.items()], ("type", "events"))
    unknown = "n/a (Redis unreachable)"
    backlog = unknown if queue["backlog"] is None else queue["backlog"]
    dead = unknown if queue["dead_letters"] is None else queue["dead_letters"]
    print(f"\nqueue backlog: {backlog}   dead letters: {dead}")
    return 0
