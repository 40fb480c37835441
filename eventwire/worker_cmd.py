"""``eventwire worker``: run Dramatiq workers on the Redis broker."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "worker",
        help="run workers that extract events from queued articles",
        description=(
            "Consume the articles queue. Workers on several machines may share one Redis and "
            "one database; nothing else coordinates them."
        ),
    )
    p.add_argument(
        "--processes",
        "-p",
        type=int,
        default=1,
        help="worker processes (extraction is CPU-bound: one per core)",
    )
    p.add_argument(
        "--threads",
        "-t",
        type=int,
        default=1,
        help="threads per process (1 suits CPU-bound extraction)",
    )
    p.add_argument(
        "--burst",
        action="store_true",
        help="exit once the queue is drained (tests, demos, benchmarks)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from eventwire.cli_support import database, redis_client
    from worker.runner import run_processes

    if args.processes < 1 or args.threads < 1:
        raise SystemExit("eventwire worker: --processes and --threads must be at least 1")
    # Check both services once, with clear messages, before any process starts.
    database()
    redis_client().close()
    return run_processes(args.processes, threads=args.threads, burst=args.burst)
