"""``eventwire dead-letters``: list, requeue or purge messages whose retries ran out."""

from __future__ import annotations

import argparse

from eventwire.writers import OUTPUT_FORMATS, write_rows

DEAD_LETTER_COLUMNS = ("message_id", "died_at", "article_ids", "error")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "dead-letters",
        help="list, requeue or purge dead-lettered messages",
        description=(
            "Messages whose retries ran out are kept by Redis for 7 days. `list` shows them with "
            "their article ids and last error, `requeue` sends them again, `purge` drops them."
        ),
    )
    p.add_argument("action", choices=("list", "requeue", "purge"))
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from common.settings import get_settings
    from eventwire.cli_support import redis_client
    from worker.dead_letters import list_dead_letters, purge_dead_letters, requeue_dead_letters

    settings = get_settings()
    client = redis_client(settings)
    if args.action == "list":
        # Same cells as every CSV of the CLI: article_ids is a JSON list ("[1, 2]").
        rows = (
            (
                d.message.message_id,
                d.died_at.isoformat(timespec="seconds"),
                list(d.article_ids),
                d.error or "",
            )
            for d in list_dead_letters(client, settings.queue_name)
        )
        write_rows(DEAD_LETTER_COLUMNS, rows, args.format)
        return 0
    if args.action == "purge":
        print(f"{purge_dead_letters(client, settings.queue_name)} dead letter(s) purged")
        return 0
    import worker.tasks  # noqa: F401  (declares the queue on the broker)
    from worker.broker import setup_broker

    broker = setup_broker(settings)
    print(f"{requeue_dead_letters(broker, settings.queue_name)} dead letter(s) requeued")
    return 0
