"""Middleware that keeps the error of every dead-lettered message next to it in Redis.

Dramatiq's Redis broker dead-letters the message body as it was sent, so the exception that
killed it is lost; analysts asking "why did these articles die?" need it. The error is kept in
the hash ``<ns>:<queue>.XQ.errors`` under the message's Redis id, for as long as Dramatiq keeps
dead letters.
"""

from __future__ import annotations

import logging
from typing import Any

from dramatiq import Middleware
from dramatiq.brokers.redis import DEFAULT_DEAD_MESSAGE_TTL

logger = logging.getLogger(__name__)


def errors_key(namespace: str, queue_name: str) -> str:
    """The Redis hash of dead-letter errors for a queue."""
    return f"{namespace}:{queue_name}.XQ.errors"


class DeadLetterErrors(Middleware):
    """Records the last traceback line of messages that are dead-lettered."""

    def after_nack(self, broker: Any, message: Any) -> None:
        """Store the error of a message the broker has just dead-lettered."""
        client = getattr(broker, "client", None)
        redis_id = message.options.get("redis_message_id")
        if client is None or redis_id is None:
            return
        trace = (message.options.get("traceback") or "").strip()
        error = trace.splitlines()[-1] if trace else "failed (no traceback recorded)"
        key = errors_key(broker.namespace, message.queue_name)
        try:
            client.hset(key, redis_id, error)
            client.pexpire(key, getattr(broker, "dead_message_ttl", DEFAULT_DEAD_MESSAGE_TTL))
        except Exception:  # the dead letter itself is safe; losing its note is not fatal
            logger.warning("could not record the error of dead letter %s", redis_id)
