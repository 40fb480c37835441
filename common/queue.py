"""Where Dramatiq keeps a queue's messages in Redis, and how many are not yet acknowledged.

Shared by the worker (burst mode stops on it, ``eventwire stats``) and the dashboard (the
Overview's queue depth), which must not import the worker. No Dramatiq import: the key layout
of Dramatiq's Redis broker is written out here once.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import unquote, urlsplit

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


def enqueuing_key(queue_name: str) -> str:
    """Redis key counting the ``eventwire enqueue`` commands still sending to a queue."""
    return f"{NAMESPACE}:{queue_name}.enqueuing"


def work_outstanding(client: Any, queue_name: str) -> int:
    """Messages not yet acknowledged plus enqueue commands still sending to the queue (see
    :mod:`worker.enqueue_announce`): a burst worker is done only when this reads zero.

    One transaction, so the counts are of one moment: read apart, an enqueue could send its
    last messages after the backlog was read and withdraw before its count was.
    """
    ready, delayed, _dead = queue_keys(queue_name)
    pipe = client.pipeline(transaction=True)
    pipe.hlen(ready)
    pipe.hlen(delayed)
    pipe.get(enqueuing_key(queue_name))
    waiting, retrying, enqueues = pipe.execute()
    return int(waiting) + int(retrying) + max(0, int(enqueues or 0))


def dead_letter_count(client: Any, queue_name: str) -> int:
    """Messages Dramatiq gave up on (retries exhausted) that are still kept in Redis."""
    return int(client.hlen(queue_keys(queue_name)[2]))


def queue_depths(redis_url: str, queue_name: str, timeout: float = 3.0) -> dict[str, int] | None:
    """``{"backlog": .., "dead_letters": ..}`` of a queue, or None when Redis cannot be asked.

    For ``eventwire stats``, which would spend a third of its time importing redis-py: a
    plain ``redis://[user:password@]host[:port][/db]`` URL is asked directly over a socket
    (AUTH, SELECT and three HLEN, one round trip); any other form (TLS, a Unix socket, query
    options) goes through redis-py.
    """
    parts = urlsplit(redis_url)
    try:
        simple = (
            parts.scheme == "redis"
            and not parts.query
            and parts.hostname is not None
            and not (parts.username and parts.password is None)
        )
        db = int(parts.path.strip("/") or 0) if simple else 0
        port = parts.port or 6379
    except ValueError:
        simple = False
    if not simple:
        return _depths_by_redis_py(redis_url, queue_name, timeout)
    commands: list[list[str]] = []
    if parts.password is not None:
        password = unquote(parts.password)
        username = unquote(parts.username) if parts.username else None
        commands.append(["AUTH", username, password] if username else ["AUTH", password])
    if db:
        commands.append(["SELECT", str(db)])
    ready, delayed, dead = queue_keys(queue_name)
    commands += [["HLEN", ready], ["HLEN", delayed], ["HLEN", dead]]
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout) as conn:
            conn.sendall(b"".join(_resp_command(c) for c in commands))
            replies = _read_replies(conn.makefile("rb"), len(commands))
    except OSError:
        return None  # unreachable: what redis-py would find too
    if replies is None:  # an error reply (a password, say): redis-py knows what it means
        return _depths_by_redis_py(redis_url, queue_name, timeout)
    counts = replies[-3:]
    return {"backlog": counts[0] + counts[1], "dead_letters": counts[2]}


def _resp_command(args: list[str]) -> bytes:
    encoded = [a.encode() for a in args]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in encoded)


def _read_replies(stream: Any, count: int) -> list[int] | None:
    """Integers of ``count`` simple replies (``+OK`` counts as 0); None after anything else."""
    replies = []
    for _ in range(count):
        line = stream.readline()
        if line.startswith(b":"):
            replies.append(int(line[1:]))
        elif line.startswith(b"+"):
            replies.append(0)
        else:
            return None
    return replies


def _depths_by_redis_py(redis_url: str, queue_name: str, timeout: float) -> dict[str, int] | None:
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=timeout)
        try:
            return {
                "backlog": queue_backlog(client, queue_name),
                "dead_letters": dead_letter_count(client, queue_name),
            }
        finally:
            client.close()
    except redis.RedisError:
        return None
