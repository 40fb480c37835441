"""A burst worker started beside (or before) the enqueue that feeds it waits for it.

``eventwire worker --burst & eventwire enqueue corpus.jsonl`` overlaps loading spaCy with
reading the input; the burst worker must not stop on the empty queue it finds before the
enqueue has sent anything (``worker.enqueue_announce``). Real Redis, real CLI, SQLite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import redis

from common.queue import enqueuing_key, work_outstanding
from tests.conftest import SEED_ARTICLE, cli_env
from worker.enqueue_announce import TTL_SECONDS, enqueue_announced

pytestmark = pytest.mark.integration


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_announcement_is_counted_and_withdrawn(redis_url: str, queue_name: str) -> None:
    client = redis.Redis.from_url(redis_url)
    key = enqueuing_key(queue_name)
    assert work_outstanding(client, queue_name) == 0
    with enqueue_announced(client, queue_name):
        assert work_outstanding(client, queue_name) == 1
        assert 0 < client.ttl(key) <= TTL_SECONDS  # a killed enqueue cannot hold workers
        with enqueue_announced(client, queue_name):
            assert work_outstanding(client, queue_name) == 2
        assert work_outstanding(client, queue_name) == 1
    assert work_outstanding(client, queue_name) == 0
    assert not client.exists(key)
    client.close()


def test_burst_worker_waits_for_an_enqueue_still_running(
    sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name, EVENTWIRE_LOG_LEVEL="INFO")
    assert _cli(env, "db", "upgrade").returncode == 0
    client = redis.Redis.from_url(redis_url)
    log: list[str] = []
    with enqueue_announced(client, queue_name):  # an enqueue that has sent nothing yet
        worker = subprocess.Popen(
            [sys.executable, "-m", "eventwire", "worker", "--burst", "--processes", "2"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert worker.stderr is not None
            for line in worker.stderr:  # both processes consuming: spaCy is loaded
                log.append(line)
                if sum(" consuming " in x for x in log) == 2:
                    break
            # Many empty polls (before, three 0.5 s polls stopped a burst worker).
            time.sleep(3)
            assert worker.poll() is None, "the burst worker stopped before the enqueue ended"
            sent = _cli(env, "enqueue", str(SEED_ARTICLE), "--published", "2023-07-28")
            assert sent.returncode == 0, sent.stderr
        except BaseException:
            worker.kill()
            raise
    _out, err = worker.communicate(timeout=240)
    assert worker.returncode == 0, "".join(log) + err
    counts = _cli(env, "stats", "--json")
    articles = json.loads(counts.stdout)["articles"]
    assert {k: n for k, n in articles.items() if n} == {"done": 1}
    assert work_outstanding(client, queue_name) == 0
    client.close()


def test_enqueue_command_announces_itself_while_it_reads(
    sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name)
    client = redis.Redis.from_url(redis_url)
    enqueue = subprocess.Popen(
        [sys.executable, "-m", "eventwire", "enqueue", "-", "--published", "2024-07-16"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # it reads standard input, which stays open
        while work_outstanding(client, queue_name) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert work_outstanding(client, queue_name) == 1
        out, err = enqueue.communicate("Protesters marched in Paris on Monday.\n", timeout=60)
    finally:
        enqueue.kill()
    assert enqueue.returncode == 0, err
    assert "1 new" in out
    assert client.get(enqueuing_key(queue_name)) is None  # withdrawn: one message remains
    assert work_outstanding(client, queue_name) == 1
    client.close()
