"""Run a producer a few items ahead of its consumer, in a background thread.

Enqueue reads and hashes the next chunk of its input while the current one is being stored:
the database server (PostgreSQL), SQLite's engine and Redis all work with the GIL released, so
reading and storing overlap instead of taking turns.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class _Failed:
    """The producer raised: the consumer raises it again."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def prefetched(items: Iterable[T], ahead: int = 2) -> Iterator[T]:
    """Yield ``items`` in order, produced by a daemon thread up to ``ahead`` items early.

    An exception of the producer is raised by the consumer at the item where it happened.
    When the consumer stops early (an error, a ``break``), the producer stops at its next item.
    """
    if ahead < 1:
        raise ValueError("ahead must be at least 1")
    handoff: queue.Queue[object] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def offer(value: object) -> bool:
        # A bounded wait, so a producer whose consumer has gone notices and ends.
        while not stop.is_set():
            try:
                handoff.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            offer(_Failed(exc))
            return
        offer(_END)

    producer = threading.Thread(target=produce, name="prefetch", daemon=True)
    producer.start()
    try:
        while True:
            value = handoff.get()
            if value is _END:
                return
            if isinstance(value, _Failed):
                raise value.error
            yield value  # type: ignore[misc]
    finally:
        stop.set()
