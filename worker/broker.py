"""The Dramatiq broker: Redis, with the middleware eventwire relies on.

Dramatiq binds actors to the global broker at import time, so :func:`setup_broker` must run
before :mod:`worker.tasks` is imported; ``worker.tasks`` calls it itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from common.batching import batched
from common.queue import NAMESPACE, dead_letter_count, queue_backlog, queue_keys
from common.settings import Settings, get_settings
from worker.dead_letter_errors import DeadLetterErrors

__all__ = [
    "NAMESPACE",
    "dead_letter_count",
    "make_broker",
    "queue_backlog",
    "queue_keys",
    "send_many",
    "setup_broker",
]

logger = logging.getLogger(__name__)

_broker: RedisBroker | None = None


def make_broker(settings: Settings) -> RedisBroker:
    """Create the Redis broker the settings describe (not installed globally)."""
    broker = RedisBroker(
        url=settings.redis_url,
        namespace=NAMESPACE,
        heartbeat_timeout=settings.heartbeat_timeout_ms,
        maintenance_chance=settings.broker_maintenance_chance,
    )
    broker.add_middleware(DeadLetterErrors())
    return broker


def setup_broker(settings: Settings | None = None) -> RedisBroker:
    """Create the broker once per process and install it as Dramatiq's global broker."""
    global _broker
    if _broker is None:
        settings = settings or get_settings()
        _broker = make_broker(settings)
        dramatiq.set_broker(_broker)
    return _broker


@contextmanager
def _pipelined(broker: RedisBroker) -> Iterator[Any]:
    """Make the broker's enqueues go into one Redis pipeline, sent when the block ends.

    Dramatiq sends each message with its own round trip through the Lua ``dispatch`` script.
    Pointing that script at a pipeline keeps all of Dramatiq's own enqueue logic (message ids,
    middleware hooks, argument layout) while a thousand messages cost one round trip. The
    swap is per broker, so it must not overlap other enqueues in the same process (the CLI
    is single-threaded; workers never call this).
    """
    pipe = broker.client.pipeline(transaction=False)
    script = broker.scripts["dispatch"]
    broker.scripts["dispatch"] = partial(script, client=pipe)
    try:
        yield pipe
    finally:
        broker.scripts["dispatch"] = script
    pipe.execute()


#: Messages per Redis pipeline: one round trip each, and a bounded buffer for huge re-sends.
PIPELINE_MESSAGES = 1000


def send_many(actor: dramatiq.Actor[Any, Any], batches: Iterable[Sequence[int]]) -> int:
    """Send one ``actor`` message per batch of ids, up to ``PIPELINE_MESSAGES`` per Redis
    round trip; return how many were sent.

    If Redis fails, ``redis.RedisError`` propagates after some or none of the messages were
    queued. The articles stay ``queued`` in the database either way, so ``eventwire reprocess
    --stuck`` sends them again (processing an article twice replaces its events).
    """
    count = 0
    for chunk in batched(batches, PIPELINE_MESSAGES):
        with _pipelined(actor.broker):
            for batch in chunk:
                actor.send(list(batch))  # the message carries a JSON list of ids
        count += len(chunk)
    return count
