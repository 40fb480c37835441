"""The Dramatiq task (actor) process_articles: messages carry article ids only; the database
holds the articles."""

from __future__ import annotations

import logging

import dramatiq
import redis
from sqlalchemy.exc import DBAPIError, OperationalError

from common.errors import ServiceUnavailableError
from common.settings import get_settings
from worker.broker import setup_broker

logger = logging.getLogger(__name__)

setup_broker()

#: Transient faults worth retrying: the database or Redis was briefly unreachable.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    ServiceUnavailableError,
    redis.ConnectionError,
    redis.TimeoutError,
    ConnectionError,
    TimeoutError,
)
#: Low on purpose: a fault that outlives ~5 retries with backoff (about 2 minutes) is not
#: transient, and the dead-letter queue plus ``eventwire reprocess`` take over from there.
MAX_RETRIES = 5


def should_retry(retries_so_far: int, exc: BaseException) -> bool:
    """Retry transient faults (database/Redis unavailable) a few times; never bad articles."""
    if retries_so_far >= MAX_RETRIES:
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT_ERRORS)


@dramatiq.actor(
    queue_name=get_settings().queue_name,
    retry_when=should_retry,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=30 * 60 * 1000,
)
def process_articles(article_ids: list[int]) -> None:
    """Extract and store the events of a batch of stored articles (idempotent)."""
    # Imported here: enqueue and reprocess import this module only to send messages, and
    # the processing side (numpy, the incident linker) would cost them a fifth of a second.
    from worker.processing import process_with_settings

    process_with_settings(article_ids)
