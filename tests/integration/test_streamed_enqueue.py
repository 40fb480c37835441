"""Enqueue streams: each stored chunk is queued at once, so workers start on a large input
before it has been read to the end."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
import redis
from sqlalchemy import text

from common.queue import queue_backlog
from models.engine import make_engine
from tests.conftest import cli_env
from worker.enqueue import STORE_CHUNK

pytestmark = pytest.mark.integration


def _line(number: int) -> str:
    body = f"Troops of the {number}th brigade paraded in the capital on Monday, officials said."
    return json.dumps({"id": f"s{number}", "text": body, "published": "2024-05-06"}) + "\n"


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_workers_take_the_first_chunk_while_enqueue_still_reads(
    database_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(database_url, redis_url, queue_name)
    cli = [sys.executable, "-m", "eventwire"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    client = redis.Redis.from_url(redis_url)
    engine = make_engine(database_url)

    def statuses() -> dict[str, int]:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status, COUNT(*) FROM article GROUP BY status"))
            return {status: count for status, count in rows}

    enqueue = subprocess.Popen(
        [*cli, "enqueue", "--quiet", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    worker = None
    try:
        assert enqueue.stdin is not None
        enqueue.stdin.writelines(_line(n) for n in range(STORE_CHUNK))
        enqueue.stdin.flush()  # one full chunk; the input stays open
        _wait(lambda: queue_backlog(client, queue_name) > 0, 120, "the first chunk's messages")
        assert enqueue.poll() is None
        assert statuses() == {"queued": STORE_CHUNK}

        worker = subprocess.Popen([*cli, "worker"], env=env, stderr=subprocess.DEVNULL)
        _wait(lambda: statuses().get("done", 0) > 0, 240, "a worker to store a first article")
        assert enqueue.poll() is None  # still reading: the two overlapped
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=120) == 0

        enqueue.stdin.writelines(_line(n) for n in range(STORE_CHUNK, STORE_CHUNK + 10))
        out, err = enqueue.communicate(timeout=120)
        assert enqueue.returncode == 0, err
        assert f"{STORE_CHUNK + 10} new, 0 duplicate, 0 rejected" in out
        assert sum(statuses().values()) == STORE_CHUNK + 10
    finally:
        for process in (enqueue, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        engine.dispose()
