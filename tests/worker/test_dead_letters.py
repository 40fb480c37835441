"""Dead letters on a real Redis: a message whose retries ran out is listed, requeued, purged."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

from tests.conftest import cli_env
from worker.broker import queue_backlog
from worker.dead_letter_errors import DeadLetterErrors
from worker.dead_letters import list_dead_letters, purge_dead_letters, requeue_dead_letters

pytestmark = pytest.mark.integration


def _wait(predicate, timeout: float = 20) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_dead_letters_list_requeue_purge(redis_url: str, queue_name: str) -> None:
    broker = RedisBroker(url=redis_url, namespace="dramatiq")
    broker.add_middleware(DeadLetterErrors())
    attempts: list[list[int]] = []

    @dramatiq.actor(
        broker=broker, queue_name=queue_name, max_retries=0, actor_name=f"always_fails_{queue_name}"
    )
    def always_fails(article_ids: list[int]) -> None:
        attempts.append(article_ids)
        raise RuntimeError("extractor exploded")

    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        always_fails.send([7, 8])
        assert _wait(lambda: len(list_dead_letters(broker.client, queue_name)) == 1)
        [letter] = list_dead_letters(broker.client, queue_name)
        assert letter.article_ids == [7, 8]
        assert "extractor exploded" in (letter.error or "")
        assert queue_backlog(broker.client, queue_name) == 0
        _list_reads_back(redis_url, queue_name, letter.message.message_id)

        assert requeue_dead_letters(broker, queue_name) == 1
        assert _wait(lambda: len(attempts) == 2)
        assert _wait(lambda: len(list_dead_letters(broker.client, queue_name)) == 1)
        assert attempts == [[7, 8], [7, 8]]
    finally:
        worker.stop()

    assert purge_dead_letters(broker.client, queue_name) == 1
    assert list_dead_letters(broker.client, queue_name) == []
    broker.close()


def _list_reads_back(redis_url: str, queue_name: str, message_id: str) -> None:
    """``dead-letters list`` as CSV and JSON lines parses back: article ids are a JSON list
    in the CSV cell, as in every CSV the CLI writes (not "7, 8")."""
    env = cli_env("sqlite:///unused.db", redis_url, queue_name)

    def listed(fmt: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "eventwire", "dead-letters", "list", "--format", fmt],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    [row] = list(csv.DictReader(io.StringIO(listed("csv"))))
    assert row["message_id"] == message_id
    assert json.loads(row["article_ids"]) == [7, 8]
    assert "extractor exploded" in row["error"]
    [line] = listed("jsonl").splitlines()
    record = json.loads(line)
    assert list(record) == ["message_id", "died_at", "article_ids", "error"]
    assert record["article_ids"] == [7, 8] and record["message_id"] == message_id
