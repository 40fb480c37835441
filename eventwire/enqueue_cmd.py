"""``eventwire enqueue``: store articles once and queue them for the workers."""

from __future__ import annotations

import argparse
import sys
import time

from common.errors import InputError, ServiceUnavailableError
from common.settings import get_settings
from eventwire.common import database, iso_date, redis_client
from worker.enqueue import EnqueueReport, enqueue_articles
from worker.inputs import ReadOptions, ReadProgress, input_bytes, read_inputs


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


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(report: EnqueueReport, read: ReadProgress, elapsed: float) -> str:
    """The progress text: counts, rate, and share read with an ETA when the size is known."""
    done = report.accepted + len(report.rejected)
    rate = done / max(elapsed, 1e-6)
    line = (
        f"{done:,} read  {report.new:,} new  {report.duplicate:,} duplicate  "
        f"{len(report.rejected):,} rejected  {rate:,.0f}/s"
    )
    fraction = read.fraction
    if fraction:
        # Bytes, not articles, are what is known in advance; the remaining time scales with them.
        eta = elapsed * (1 - fraction) / fraction
        line += f"  {fraction:4.0%}  ETA {_clock(eta)}"
    return line


class _Progress:
    """A one-line progress report with rate and ETA, on stderr when it is a terminal."""

    def __init__(self, enabled: bool, read: ReadProgress) -> None:
        self.enabled = enabled
        self.read = read
        self.started = time.monotonic()

    def __call__(self, report: EnqueueReport) -> None:
        if not self.enabled:
            return
        line = progress_line(report, self.read, time.monotonic() - self.started)
        sys.stderr.write(f"\r{line}\x1b[K")  # clear what a longer earlier line left
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def run(args: argparse.Namespace) -> int:
    """Run the command; exit 1 when nothing could be accepted."""
    settings = get_settings()
    engine = database(settings)
    client = redis_client(settings)  # fail before storing anything if Redis is down
    client.close()
    from worker.broker import send_many
    from worker.tasks import process_articles

    def send(batches: list[list[int]]) -> int:
        return send_many(process_articles, batches)

    options = ReadOptions(
        published=args.published, source=args.source, max_chars=settings.max_article_chars
    )
    show = not args.quiet and sys.stderr.isatty()
    read = ReadProgress(total_bytes=input_bytes(args.inputs) if show else None)
    progress = _Progress(enabled=show, read=read)
    try:
        report = enqueue_articles(
            read_inputs(args.inputs, options, progress=read),
            engine=engine,
            send=send,
            batch_size=settings.batch_size,
            progress=progress,
        )
    except Exception as exc:
        import redis

        if isinstance(exc, redis.RedisError):
            raise ServiceUnavailableError(
                f"Redis failed while queueing ({exc}). Articles already stored are kept as "
                "'queued'; run `eventwire reprocess --stuck` once Redis is back."
            ) from None
        raise
    finally:
        progress.close()
    for rejection in report.rejected:
        print(f"rejected {rejection.origin}: {rejection.reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning {warning}", file=sys.stderr)
    print(f"{report.new} new, {report.duplicate} duplicate, {len(report.rejected)} rejected")
    if report.accepted == 0 and report.rejected:
        raise InputError("no article could be accepted (reasons above)")
    return 0
