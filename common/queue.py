"""Where Dramatiq keeps a queue's messages in Redis, and how many are not yet acknowledged.

Shared by the worker (burst mode stops on it, ``eventwire stats``) and the dashboard (the
Overview's queue depth), which must not import the worker. No Dramatiq import: the key layout
of Dramatiq's Redis broker is written out here once.
"""

from __future__ import annotations

from typing import Any

#: Redis key namespace of Dramatiq's queues (``worker.broker`` creates the broker with it).
NAMESPACE = "dramatiq"


def queue_keys(queue_name: str) -> tuple[str, str, str]:
    """Redis hashes holding a queue's messages: ready/in-flight, delayed, dead-lettered."""
    base = f"{NAMESPACE}:{queue_name}"
    return f"{base}.msgs", f"{base}.DQ.msgs", f"{base}.XQ.msgs"


def queue_backlog(client: Any, queue_name: str) -> int:
    """Messages not yet acknowledged: waiting, being processed or delayed for a retry.

    ``client`` is a ``redis.Redis``. Dramatiq deletes a message from these hashes only when a
    worker acknowledges it, so zero means every message sent so far has been processed, by
    any worker on any machine.
    """
    ready, delayed, _dead = queue_keys(queue_name)
    pipe = client.pipeline(transaction=False)
    pipe.hlen(ready)
    pipe.hlen(delayed)
    counts = pipe.execute()
    return int(counts[0]) + int(counts[1])


def dead_letter_count(client: Any, queue_name: str) -> int:
    """Messages Dramatiq gave up on (retries exhausted) that are still kept in Redis."""
    return int(client.hlen(queue_keys(queue_name)[2]))
