"""``eventwire enqueue``: store articles once and queue them for the workers."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING, TextIO

from common.errors import InputError
from eventwire.cli_support import database, iso_date, redis_client, redis_failures_explained

if TYPE_CHECKING:  # the worker side is imported by run(): `--help` stays light
    from worker.enqueue import EnqueueReport
    from worker.inputs import ReadProgress


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "enqueue",
        help="store articles (files, folders, JSONL, -, URLs) and queue them for extraction",
        description=(
            "Store each article once (same text twice adds nothing) and send its id to the "
            "workers' queue. Inputs: .txt/.md files, folders (recursively), .jsonl files with "
            '{"id","text","published","url","title","source"} per line, - for standard input '
            "(text or JSONL), and http(s) URLs."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="PATH", help="file, folder, JSONL, - or URL")
    p.add_argument(
        "--published",
        type=iso_date,
        help="publication date YYYY-MM-DD for inputs "
        "without one (relative dates such as 'Thursday' resolve against it)",
    )
    p.add_argument("--source", help="source name for inputs without one")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(handler=run)


def counts_text(report: EnqueueReport) -> str:
    """The counts shown beside the bar: new, duplicate and rejected articles."""
    return f"{report.new:,} new, {report.duplicate:,} duplicate, {len(report.rejected):,} rejected"


class EnqueueProgress:
    """A tqdm progress line on ``file`` (stderr by default): share read, rate and ETA.

    When the input's size is known the bar counts bytes read (bytes, not articles, are what
    is known in advance, so the ETA scales with them); otherwise it counts articles and shows
    their rate. tqdm redraws at most every ``mininterval`` seconds, so a fast stream of small
    articles is not slowed by terminal writes.
    """

    def __init__(
        self, read: ReadProgress, *, file: TextIO | None = None, mininterval: float = 0.2
    ) -> None:
        from tqdm import tqdm

        self.read = read
        by_bytes = read.total_bytes is not None
        self.bar = tqdm(
            total=read.total_bytes,
            unit="B" if by_bytes else " articles",
            unit_scale=by_bytes,
            file=file if file is not None else sys.stderr,
            mininterval=mininterval,
            dynamic_ncols=True,
            leave=True,
        )

    def __call__(self, report: EnqueueReport) -> None:
        done = (
            self.read.bytes_read
            if self.read.total_bytes is not None
            else (report.accepted + len(report.rejected))
        )
        # Postfix first: update() redraws (at most every mininterval) with it.
        self.bar.set_postfix_str(counts_text(report), refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        """Draw the final state and end the line."""
        self.bar.close()


def run(args: argparse.Namespace) -> int:
    """Run the command; exit 1 when nothing could be accepted."""
    from common.settings import get_settings
    from worker.enqueue import enqueue_articles
    from worker.inputs import ReadOptions, ReadProgress, input_bytes, read_inputs

    settings = get_settings()
    engine = database(settings)
    client = redis_client(settings)  # fail before storing anything if Redis is down
    from worker.broker import send_many
    from worker.enqueue_announce import enqueue_announced
    from worker.tasks import process_articles

    def send(batches: list[tuple[int, ...]]) -> int:
        return send_many(process_articles, batches)

    options = ReadOptions(
        published=args.published,
        source=args.source,
        max_chars=settings.max_article_chars,
        fetch_private_addresses=settings.fetch_private_addresses,
    )
    # What is imported by now lives as long as the command. Frozen, the collector no longer
    # walks it each time the articles' objects trigger a full collection (7% of an enqueue).
    gc.freeze()
    show = not args.quiet and sys.stderr.isatty()
    read = ReadProgress(total_bytes=input_bytes(args.inputs) if show else None)
    progress = EnqueueProgress(read) if show else None
    try:
        # Burst workers started beside this command wait for it (worker.enqueue_announce).
        with (
            redis_failures_explained(),
            enqueue_announced(client, settings.queue_name),
        ):
            report = enqueue_articles(
                read_inputs(args.inputs, options, progress=read),
                engine=engine,
                send=send,
                batch_size=settings.batch_size,
                progress=progress,
            )
    finally:
        client.close()
        if progress is not None:
            progress.close()
    for rejection in report.rejected:
        print(f"rejected {rejection.origin}: {rejection.reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning {warning}", file=sys.stderr)
    print(f"{report.new} new, {report.duplicate} duplicate, {len(report.rejected)} rejected")
    if report.accepted == 0 and report.rejected:
        raise InputError("no article could be accepted (reasons above)")
    return 0
