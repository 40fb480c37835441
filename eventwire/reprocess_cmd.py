"""``eventwire reprocess``: queue stored articles again (failed, stuck or all)."""

from __future__ import annotations

import argparse
from datetime import timedelta


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "reprocess",
        help="queue failed, stuck or all articles again (e.g. after an extractor upgrade)",
        description=(
            "The database is the source of truth: --stuck re-queues articles left 'queued' or "
            "'processing' (a Redis restart lost their messages, or a worker died)."
        ),
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--failed", action="store_true", help="articles that failed")
    which.add_argument(
        "--stuck",
        action="store_true",
        help="articles queued/processing for longer than --older-than",
    )
    which.add_argument("--all", action="store_true", help="every article")
    p.add_argument(
        "--older-than",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="with --stuck: only articles untouched for this long (default 0)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from common.batching import batched
    from common.settings import get_settings
    from eventwire.cli_support import database, redis_client
    from models import repository
    from models.engine import session_scope
    from models.tables import ArticleStatus

    settings = get_settings()
    engine = database(settings)
    redis_client(settings).close()
    from worker.broker import send_many
    from worker.tasks import process_articles

    with session_scope(engine) as session:
        if args.failed:
            ids = repository.article_ids_by_status(session, statuses=[ArticleStatus.failed])
        elif args.stuck:
            ids = repository.find_stuck_articles(
                session,
                statuses=[ArticleStatus.queued, ArticleStatus.processing],
                older_than=timedelta(minutes=args.older_than),
            )
        else:
            ids = repository.article_ids_by_status(session, statuses=list(ArticleStatus))
        repository.set_status(session, ids=ids, status=ArticleStatus.queued)
    send_many(process_articles, batched(ids, settings.batch_size))
    print(f"{len(ids)} article(s) queued again")
    return 0
