"""The Dramatiq broker: Redis, with the middleware eventwire relies on.

Dramatiq binds actors to the global broker at import time, so :func:`setup_broker` must run
before :mod:`worker.tasks` is imported; ``worker.tasks`` calls it itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

from common.settings import Settings, get_settings
from worker.dead_letter_errors import DeadLetterErrors

logger = logging.getLogger(__name__)

#: Redis key namespace of Dramatiq's queues.
NAMESPACE = "dramatiq"
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


def send_many(actor: dramatiq.Actor[Any, Any], batches: Iterable[list[int]]) -> int:
    """Send one ``actor`` message per batch of ids, up to ``PIPELINE_MESSAGES`` per Redis
    round trip; return how many were sent.

    If Redis fails, ``redis.RedisError`` propagates after some or none of the messages were
    queued. The articles stay ``queued`` in the database either way, so ``eventwire reprocess
    --stuck`` sends them again (processing an article twice replaces its events).
    """
    count = 0
    iterator = iter(batches)
    while chunk := list(islice(iterator, PIPELINE_MESSAGES)):
        with _pipelined(actor.broker):
            for batch in chunk:
                actor.send(batch)
        count += len(chunk)
    return count


def queue_keys(queue_name: str) -> tuple[str, str, str]:
    """Redis hashes holding a queue's messages: ready/in-flight, delayed, dead-lettered."""
    base = f"{NAMESPACE}:{queue_name}"
    return f"{base}.msgs", f"{base}.DQ.msgs", f"{base}.XQ.msgs"


def queue_backlog(client: redis.Redis, queue_name: str) -> int:
    """Messages not yet acknowledged: waiting, being processed or delayed for a retry.

    Dramatiq deletes a message from these hashes only when a worker acknowledges it, so zero
    means every message sent so far has been processed, by any worker on any machine.
    """
    ready, delayed, _dead = queue_keys(queue_name)
    pipe = client.pipeline(transaction=False)
    pipe.hlen(ready)
    pipe.hlen(delayed)
    counts = pipe.execute()
    return int(counts[0]) + int(counts[1])


def dead_letter_count(client: redis.Redis, queue_name: str) -> int:
    """Messages Dramatiq gave up on (retries exhausted) that are still kept in Redis."""
    return int(client.hlen(queue_keys(queue_name)[2]))
