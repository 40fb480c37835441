"""``eventwire watch``: poll RSS/Atom feeds and queue each new item's article once."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from common.errors import InputError
from eventwire.writers import write_table

if TYPE_CHECKING:
    from worker.watch import FeedReport

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(value: str) -> float:
    """argparse type for intervals: ``90``, ``30s``, ``5m``, ``1h``, ``1d`` (in seconds)."""
    match = _DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an interval; write e.g. 30s, 5m, 1h or a number of seconds"
        )
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "watch",
        help="poll RSS/Atom feeds and queue each new item's article",
        description=(
            "Poll RSS/Atom feeds (conditional GET with ETag/Last-Modified), fetch each new "
            "item's page, extract its main text, title and date, and enqueue it once. What was "
            "seen is kept in the database, so a restart fetches nothing twice. A failing feed "
            "is retried with exponential backoff and does not stop the others. Stops cleanly "
            "on SIGINT/SIGTERM."
        ),
    )
    p.add_argument(
        "feeds",
        nargs="*",
        metavar="FEED_URL",
        help="http(s) URL of an RSS or Atom feed (default: EVENTWIRE_FEEDS)",
    )
    p.add_argument(
        "--every",
        type=duration,
        default=duration("5m"),
        metavar="INTERVAL",
        help="time between polls: 30s, 5m, 1h ... (default 5m)",
    )
    p.add_argument("--once", action="store_true", help="poll each feed once and exit")
    p.add_argument(
        "--status",
        action="store_true",
        help="list the stored feeds with their last success, failures and last error; no polling",
    )
    p.set_defaults(handler=run)


def feed_urls(args: argparse.Namespace) -> list[str]:
    """The feeds to poll: the arguments, else EVENTWIRE_FEEDS; each checked to be http(s).

    Raises:
      InputError: when there are none, or one is not an http(s) URL (named in the message).
    """
    from common.settings import get_settings
    from worker.http_fetch import check_feed_url

    given = list(args.feeds) or re.split(r"[\s,]+", get_settings().feeds or "")
    urls = [check_feed_url(url) for url in given if url.strip()]
    if not urls:
        raise InputError("no feed to watch: give FEED_URL arguments or set EVENTWIRE_FEEDS")
    return urls


def _when(value: object) -> str:
    return "" if value is None else str(value)[:19]


def print_status() -> int:
    """Print every stored feed with its poll state; exit 1 when any is failing."""
    from eventwire.cli_support import database
    from models.engine import session_scope
    from models.feed_repository import feed_states

    with session_scope(database()) as session:
        states = feed_states(session)
    if not states:
        print("no feeds yet: run `eventwire watch FEED_URL...`")
        return 0
    rows = [
        {
            "url": s.url,
            "last_ok": _when(s.last_ok),
            "last_checked": _when(s.last_checked),
            "failures": s.consecutive_failures,
            "next_attempt": _when(s.next_attempt_at),
            "last_error": s.last_error or "",
        }
        for s in states
    ]
    write_table(rows, ("url", "last_ok", "last_checked", "failures", "next_attempt", "last_error"))
    return 1 if any(s.consecutive_failures for s in states) else 0


def _print_report(report: FeedReport) -> None:
    """One line per poll of a feed (failures included: the loop goes on)."""
    if report.error is not None:
        print(
            f"feed {report.url}: FAILED ({report.failures} in a row): {report.error}; "
            f"next try {_when(report.next_attempt_at)}",
            flush=True,
        )
    elif report.not_modified:
        print(f"feed {report.url}: not modified", flush=True)
    else:
        retry = f", {report.retrying} to retry" if report.retrying else ""
        more = "; more next poll" if report.more else ""
        print(
            f"feed {report.url}: {report.new} new, {report.duplicate} duplicate, "
            f"{report.empty} without text{retry}, {report.seen} seen before{more}",
            flush=True,
        )


def run(args: argparse.Namespace) -> int:
    """Run the command; with ``--once``, exit 1 when every feed polled failed."""
    from common.settings import get_settings
    from eventwire.cli_support import database, redis_client, redis_failures_explained

    if args.status:
        return print_status()
    from worker.watch import stop_on_signals, watch

    # Handlers first: a signal during start-up (migration, Redis check) still ends cleanly.
    stop = stop_on_signals()
    urls = feed_urls(args)
    settings = get_settings()
    engine = database(settings)
    redis_client(settings).close()  # fail before polling anything if Redis is down
    from worker.broker import send_many
    from worker.tasks import process_articles

    def send(batches: list[list[int]]) -> int:
        return send_many(process_articles, batches)

    with redis_failures_explained():
        reports = watch(
            urls,
            engine=engine,
            send=send,
            settings=settings,
            every_seconds=args.every,
            once=args.once,
            stop=stop,
            on_report=_print_report,
        )
    if args.once and reports and all(r.error is not None for r in reports):
        print("every feed failed (see above)", file=sys.stderr)
        return 1
    return 0
