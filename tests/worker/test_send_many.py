"""Pipelined sends on a real Redis: every batch becomes one message a worker consumes."""

from __future__ import annotations

import time

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

from worker import broker as broker_module
from worker.broker import queue_backlog, send_many

pytestmark = pytest.mark.integration


def test_send_many_queues_one_message_per_batch_in_order(
    redis_url: str, queue_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several pipelines for 100 batches: the chunking must neither drop nor reorder.
    monkeypatch.setattr(broker_module, "PIPELINE_MESSAGES", 7)
    broker = RedisBroker(url=redis_url, namespace="dramatiq")
    received: list[list[int]] = []

    @dramatiq.actor(broker=broker, queue_name=queue_name, actor_name=f"collect_{queue_name}")
    def collect(article_ids: list[int]) -> None:
        received.append(article_ids)

    batches = [[i, i + 1] for i in range(0, 200, 2)]
    assert send_many(collect, iter(batches)) == 100
    assert queue_backlog(broker.client, queue_name) == 100
    # The dispatch script is the broker's own again: a plain send goes straight to Redis.
    collect.send([999])
    assert queue_backlog(broker.client, queue_name) == 101

    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while len(received) < 101 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        broker.close()
    assert received == [*batches, [999]]


def test_send_many_sends_nothing_when_a_batch_cannot_be_encoded(
    redis_url: str, queue_name: str
) -> None:
    broker = RedisBroker(url=redis_url, namespace="dramatiq")

    @dramatiq.actor(broker=broker, queue_name=queue_name, actor_name=f"noop_{queue_name}")
    def noop(article_ids: list[int]) -> None:
        pass

    with pytest.raises(TypeError):
        send_many(noop, [[1], [object()]])  # type: ignore[list-item]
    # The pipeline was dropped: the stored articles stay "queued" for `reprocess --stuck`.
    assert queue_backlog(broker.client, queue_name) == 0
    broker.close()
