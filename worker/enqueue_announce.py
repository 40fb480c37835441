"""Tell burst workers that an enqueue is still sending, so that they do not stop meanwhile.

A burst worker stops once its queue is drained. Started while ``eventwire enqueue`` is still
running (the two commands side by side, so that loading spaCy overlaps reading the input), it
could find the queue empty before the first message was sent, or between two chunks of a slow
input (URLs), and stop with articles still to come. Each enqueue command therefore counts
itself in a Redis key (:func:`common.queue.enqueuing_key`) for as long as it runs; burst
workers (:mod:`worker.runner`) wait while the count is above zero.

The key expires ``TTL_SECONDS`` after the last heartbeat: a killed enqueue holds burst workers
back for at most that long, never forever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from common.queue import enqueuing_key

logger = logging.getLogger(__name__)

#: Seconds the count outlives the last heartbeat of the enqueues holding it.
TTL_SECONDS = 30
#: Seconds between heartbeats (well under the TTL: a busy machine may delay one).
HEARTBEAT_SECONDS = 5

#: Decrement, and delete at zero in the same step: a DEL after a separate DECR could erase the
#: count of an enqueue that started in between.
_LEAVE = """
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n
"""


@contextmanager
def enqueue_announced(client: Any, queue_name: str) -> Iterator[None]:
    """Count this enqueue in Redis while the block runs (with a heartbeat thread).

    The announcement is a courtesy to burst workers, not part of what is stored and queued:
    if Redis fails here, sending fails too and says so, and if the count cannot be taken back
    it expires by itself.
    """
    key = enqueuing_key(queue_name)
    pipe = client.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, TTL_SECONDS)
    pipe.execute()
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                client.expire(key, TTL_SECONDS)
            except redis.RedisError:
                logger.warning("could not renew the enqueue announcement", exc_info=True)

    thread = threading.Thread(target=heartbeat, name="enqueue-announce", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        try:
            client.eval(_LEAVE, 1, key)
        except redis.RedisError:
            logger.warning(
                "could not withdraw the enqueue announcement (it expires in %d s)", TTL_SECONDS
            )
