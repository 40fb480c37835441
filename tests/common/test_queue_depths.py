"""common.queue.queue_depths asks Redis over a socket what redis-py would tell: the same
backlog and dead letters, None when Redis cannot be reached."""

from __future__ import annotations

import redis

from common.queue import queue_backlog, queue_depths, queue_keys


def test_queue_depths_equal_redis_py(redis_url: str, queue_name: str) -> None:
    client = redis.Redis.from_url(redis_url)
    ready, delayed, dead = queue_keys(queue_name)
    client.hset(ready, mapping={f"m{i}": "x" for i in range(3)})
    client.hset(delayed, mapping={"d1": "x"})
    client.hset(dead, mapping={f"x{i}": "x" for i in range(2)})
    expected = {
        "backlog": queue_backlog(client, queue_name),
        "dead_letters": int(client.hlen(dead)),
    }
    client.close()
    assert expected == {"backlog": 4, "dead_letters": 2}
    assert queue_depths(redis_url, queue_name) == expected
    # A password on a server that needs none: redis-py's answer (through it) again.
    with_password = redis_url.replace("redis://", "redis://:secret@", 1)
    assert queue_depths(with_password, queue_name) == expected


def test_queue_depths_of_an_unreachable_redis_are_none() -> None:
    assert queue_depths("redis://127.0.0.1:1/0", "articles", timeout=1) is None
    assert queue_depths("rediss://127.0.0.1:1/0", "articles", timeout=1) is None
