"""The ``eventwire watch`` loop: poll feeds every interval, store and queue what is new.

Feeds are fetched concurrently (a few threads: the work is waiting on servers), and what they
bring back is stored by this thread alone, one feed at a time, through the enqueue path
(:func:`worker.enqueue.store_and_send`: articles stored with dedup by content hash, then their
ids sent). The items a feed brought are recorded after their articles are stored, so a crash
in between makes the next poll find them again and the content hash keeps them from being
queued twice. A failing feed is retried with exponential backoff and never stops the others.
An item whose text could not be had is recorded as pending and tried again by the next polls
(``EVENTWIRE_FEED_ITEM_ATTEMPTS`` in all); while anything is left for the next poll (pending
items, entries past the per-poll cap) the feed's validators are not kept, so that poll is a
full GET, not a 304 that would hide them.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from sqlalchemy.engine import Engine

from common.settings import Settings
from models import feed_repository as feeds_repo
from models.engine import session_scope
from models.feed_repository import FeedState, NewFeedItem
from models.tables import utcnow
from worker.enqueue import store_and_send
from worker.feeds import PollOutcome, poll_feed
from worker.http_fetch import FetchLimits, make_client

logger = logging.getLogger(__name__)

Send = Callable[[list[list[int]]], object]


@dataclass(frozen=True)
class FeedReport:
    """The result of one poll of one feed, for the user.

    Parameters:
      url: the feed.
      new: articles stored and queued from it now.
      duplicate: new entries whose text was stored already (from another feed, say).
      empty: new entries with no usable text recorded as seen, nothing stored (their page
        was fetched but holds no article, or they were given up after the last attempt).
      retrying: new entries whose text could not be had now, tried again next poll.
      gave_up: entries of ``empty`` given up now after their last attempt.
      more: new entries were left for the next poll (the per-poll cap, or a stop).
      seen: entries recorded by earlier polls.
      not_modified: the server answered 304.
      error: why the poll failed, or None.
      failures: failures in a row (after this poll).
      next_attempt_at: when a failing feed is tried again.
    """

    url: str
    new: int = 0
    duplicate: int = 0
    empty: int = 0
    retrying: int = 0
    gave_up: int = 0
    more: bool = False
    seen: int = 0
    not_modified: bool = False
    error: str | None = None
    failures: int = 0
    next_attempt_at: datetime | None = None


def stop_on_signals() -> threading.Event:
    """Install SIGINT/SIGTERM handlers that set (and return) a stop event.

    As in :mod:`worker.runner`: the loop checks the event between feeds and sleeps on it, so a
    signal ends ``watch`` after the polls in flight (each bounded by the request timeout).
    """
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping after the polls in flight", signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)
    return stop


def fetch_limits(settings: Settings) -> FetchLimits:
    """Request limits from the settings."""
    return FetchLimits(
        timeout=settings.feed_timeout_seconds,
        max_bytes=settings.feed_max_bytes,
        max_redirects=settings.feed_max_redirects,
        allow_private_addresses=settings.fetch_private_addresses,
    )


def store_outcome(
    outcome: PollOutcome, *, engine: Engine, send: Send, settings: Settings
) -> FeedReport:
    """Store what one poll brought (articles, items, feed state) and report it."""
    feed = outcome.feed
    if outcome.error is not None:
        with session_scope(engine) as session:
            state = feeds_repo.record_failure(
                session,
                feed_id=feed.id,
                checked_at=outcome.checked_at,
                error=outcome.error,
                base_seconds=settings.feed_retry_seconds,
                max_seconds=settings.feed_retry_max_seconds,
            )
        logger.warning(
            "feed %s failed (%d in a row): %s; next try at %s",
            feed.url,
            state.consecutive_failures,
            outcome.error,
            state.next_attempt_at,
        )
        return FeedReport(
            url=feed.url,
            error=outcome.error,
            failures=state.consecutive_failures,
            next_attempt_at=state.next_attempt_at,
        )
    with_text = [item for item in outcome.new_items if item.article is not None]
    added = store_and_send(
        [item.article for item in with_text if item.article is not None],
        engine=engine,
        send=send,
        batch_size=settings.batch_size,
    )
    article_ids = {id(item): result.article_id for item, result in zip(with_text, added)}
    with session_scope(engine) as session:
        recorded = feeds_repo.add_feed_items(
            session,
            feed_id=feed.id,
            items=[
                NewFeedItem(
                    item_key=item.entry.key,
                    url=item.entry.url,
                    title=item.article.title if item.article else item.entry.title,
                    article_id=article_ids.get(id(item)),
                    failed=item.failed,
                )
                for item in outcome.new_items
            ],
            seen_at=outcome.checked_at,
            max_attempts=settings.feed_item_attempts,
        )
        # Something left for the next poll: no validators, so it is not answered by a 304.
        keep_validators = outcome.complete and not recorded.pending
        feeds_repo.record_success(
            session,
            feed_id=feed.id,
            checked_at=outcome.checked_at,
            etag=outcome.etag if keep_validators else None,
            last_modified=outcome.last_modified if keep_validators else None,
            title=outcome.title,
        )
    for key in recorded.gave_up:
        logger.warning(
            "feed %s: item %s gave no text in %d attempts; recorded as seen, not tried again",
            feed.url,
            key,
            settings.feed_item_attempts,
        )
    new = sum(result.created for result in added)
    report = FeedReport(
        url=feed.url,
        new=new,
        duplicate=len(added) - new,
        empty=len(outcome.new_items) - len(with_text) - len(recorded.pending),
        retrying=len(recorded.pending),
        gave_up=len(recorded.gave_up),
        more=not outcome.complete,
        seen=outcome.seen,
        not_modified=outcome.not_modified,
    )
    logger.info(
        "feed %s: %s",
        feed.url,
        "not modified" if report.not_modified else f"{report.new} new, {report.seen} seen before",
    )
    return report


def poll_once(
    urls: Sequence[str],
    *,
    engine: Engine,
    send: Send,
    settings: Settings,
    stop: threading.Event,
    on_report: Callable[[FeedReport], None] = lambda _report: None,
) -> list[FeedReport]:
    """Poll every due feed of ``urls`` once (feeds waiting out a backoff are skipped)."""
    now = utcnow()
    with session_scope(engine) as session:
        states = feeds_repo.ensure_feeds(session, urls=urls)
    due = [state for state in states if state.due(now)]
    for state in states:
        if not state.due(now):
            logger.info(
                "feed %s waits until %s after %d failure(s)",
                state.url,
                state.next_attempt_at,
                state.consecutive_failures,
            )
    if not due:
        return []

    def seen_keys_of(feed: FeedState) -> Callable[[Sequence[str]], set[str]]:
        def seen(keys: Sequence[str]) -> set[str]:
            with session_scope(engine) as session:
                return feeds_repo.seen_item_keys(session, feed_id=feed.id, keys=keys)

        return seen

    limits = fetch_limits(settings)
    reports: list[FeedReport] = []
    with (
        make_client(limits) as client,
        ThreadPoolExecutor(
            max_workers=min(settings.feed_concurrency, len(due)), thread_name_prefix="feed"
        ) as pool,
    ):
        futures: list[Future[PollOutcome]] = [
            pool.submit(
                poll_feed,
                state,
                client=client,
                limits=limits,
                seen_keys=seen_keys_of(state),
                max_chars=settings.max_article_chars,
                should_stop=stop.is_set,
            )
            for state in due
        ]
        for future in as_completed(futures):
            if stop.is_set():
                for pending in futures:
                    pending.cancel()  # not started yet: polled next time
            if future.cancelled():
                continue
            report = store_outcome(future.result(), engine=engine, send=send, settings=settings)
            reports.append(report)
            on_report(report)
    return reports


def watch(
    urls: Sequence[str],
    *,
    engine: Engine,
    send: Send,
    settings: Settings,
    every_seconds: float,
    once: bool,
    stop: threading.Event,
    on_report: Callable[[FeedReport], None] = lambda _report: None,
) -> list[FeedReport]:
    """Poll the feeds every ``every_seconds`` until ``stop`` is set (or once); return the last
    cycle's reports."""
    reports: list[FeedReport] = []
    while not stop.is_set():
        reports = poll_once(
            urls, engine=engine, send=send, settings=settings, stop=stop, on_report=on_report
        )
        if once:
            break
        stop.wait(every_seconds)
    return reports
