"""``eventwire db``: apply or show database migrations."""

from __future__ import annotations

import argparse

from common.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser("db", help="database migrations (upgrade, current)")
    p.add_argument(
        "action",
        choices=("upgrade", "current"),
        help="upgrade: migrate to the latest schema; current: show the revision",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from eventwire.common import database
    from models.engine import redact_url
    from models.migrate import current_revision

    settings = get_settings()
    if args.action == "upgrade":
        database(settings, migrate=True)
        from worker.event_types import sync_catalogue  # the registry's types, for the dashboard

        sync_catalogue(settings)
    else:
        database(settings, migrate=False)
    print(
        f"{redact_url(settings.database_url)}: revision {current_revision(settings.database_url)}"
    )
    return 0
