"""Dead-lettered messages: list, requeue and purge them (Dramatiq has no command for this).

Dramatiq's Redis broker moves a message whose retries are exhausted to a sorted set
``<ns>:<queue>.XQ`` (scored by when it died) with the message bodies in ``<ns>:<queue>.XQ.msgs``,
and drops it after the broker's ``dead_message_ttl`` (7 days by default).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone

import redis
from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker

from worker.broker import NAMESPACE, queue_keys
from worker.dead_letter_errors import errors_key


@dataclass(frozen=True)
class DeadLetter:
    """One dead-lettered message.

    Parameters:
      redis_id: the broker's id of the message in Redis.
      message: the decoded Dramatiq message (its args hold the article ids).
      died_at: when it was dead-lettered.
    """

    redis_id: str
    message: Message
    died_at: datetime
    error: str | None = None

    @property
    def article_ids(self) -> list[int]:
        """The article ids the message carried."""
        args = self.message.args
        return [int(i) for i in args[0]] if args else []


def _dead_keys(queue_name: str) -> tuple[str, str]:
    return f"{NAMESPACE}:{queue_name}.XQ", queue_keys(queue_name)[2]


def _error(client: redis.Redis, queue_name: str, redis_id: bytes) -> str | None:
    value = client.hget(errors_key(NAMESPACE, queue_name), redis_id)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else None


def list_dead_letters(client: redis.Redis, queue_name: str) -> list[DeadLetter]:
    """Return dead-lettered messages, oldest first."""
    zset, bodies = _dead_keys(queue_name)
    entries: list[tuple[bytes, float]] = client.zrange(zset, 0, -1, withscores=True)  # type: ignore[assignment]
    letters: list[DeadLetter] = []
    for raw_id, score in entries:
        body: bytes | None = client.hget(bodies, raw_id)  # type: ignore[assignment]
        if body is None:
            continue
        letters.append(
            DeadLetter(
                redis_id=raw_id.decode(),
                message=Message.decode(body),
                died_at=datetime.fromtimestamp(float(score) / 1000, tz=timezone.utc),
                error=_error(client, queue_name, raw_id),
            )
        )
    return letters


def _remove(client: redis.Redis, queue_name: str, redis_ids: list[str]) -> None:
    if not redis_ids:
        return
    zset, bodies = _dead_keys(queue_name)
    pipe = client.pipeline()
    pipe.zrem(zset, *redis_ids)
    pipe.hdel(bodies, *redis_ids)
    pipe.hdel(errors_key(NAMESPACE, queue_name), *redis_ids)
    pipe.execute()


def requeue_dead_letters(broker: RedisBroker, queue_name: str) -> int:
    """Send every dead-lettered message again (with fresh retries); return how many."""
    letters = list_dead_letters(broker.client, queue_name)
    for letter in letters:
        options = {
            k: v
            for k, v in letter.message.options.items()
            if k not in {"retries", "traceback", "redis_message_id", "eta"}
        }
        # dataclasses.replace, not Message.copy: copy() merges options and would keep the
        # exhausted retry count, so the message would die again on its first failure.
        fresh = dataclasses.replace(letter.message, queue_name=queue_name, options=options)
        broker.enqueue(fresh)
        _remove(broker.client, queue_name, [letter.redis_id])
    return len(letters)


def purge_dead_letters(client: redis.Redis, queue_name: str) -> int:
    """Delete every dead-lettered message; return how many."""
    letters = list_dead_letters(client, queue_name)
    _remove(client, queue_name, [letter.redis_id for letter in letters])
    return len(letters)
