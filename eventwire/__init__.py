"""The ``eventwire`` command line: one module per command, each with ``register`` and ``run``.

Errors users can cause are :class:`common.errors.EventwireError` and print as one line on
stderr with exit code 1; no traceback for user mistakes (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from common.errors import EventwireError
from eventwire import (
    dashboard_cmd,
    db_cmd,
    dead_letters_cmd,
    enqueue_cmd,
    evaluate_cmd,
    export_cmd,
    extract_cmd,
    incidents_cmd,
    query_cmd,
    reprocess_cmd,
    stats_cmd,
    watch_cmd,
    worker_cmd,
)

COMMANDS: tuple[ModuleType, ...] = (
    enqueue_cmd,
    watch_cmd,
    worker_cmd,
    extract_cmd,
    evaluate_cmd,
    query_cmd,
    incidents_cmd,
    export_cmd,
    stats_cmd,
    reprocess_cmd,
    dead_letters_cmd,
    db_cmd,
    dashboard_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="eventwire",
        description="Extract structured world-affairs events from news articles.",
    )
    parser.add_argument("--debug", action="store_true", help="log verbosely, show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def _configure_logging(debug: bool) -> None:
    # common.env, not common.settings: importing pydantic here would slow every command.
    from common.env import setting

    level = "DEBUG" if debug else setting("log_level")
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``eventwire`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _configure_logging(args.debug)
        return int(args.handler(args) or 0)
    except EventwireError as exc:
        if args.debug:
            raise
        print(f"eventwire {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # stdout closed early (piped into head): not an error worth a traceback.
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
