"""Nothing lost, nothing doubled: workers killed, the database cut, Redis restarted.

Real Redis, real PostgreSQL, real worker processes; each test checks that every article ends
``done`` exactly once with the events an undisturbed run gives.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import SEED_ARTICLE, cli_env
from tests.faults.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


def corpus(tmp_path: Path, count: int) -> Path:
    """``count`` distinct articles made of the seed article's sentences, as JSONL."""
    sentences = [s for s in SEED_ARTICLE.read_text(encoding="utf-8").splitlines() if s.strip()]
    path = tmp_path / f"corpus-{count}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            picked = [sentences[(i + k * 7) % len(sentences)] for k in range(4)]
            body = f"Report number {i}.\n" + "\n".join(picked)
            f.write(json.dumps({"id": f"a{i}", "text": body, "published": "2023-07-28"}) + "\n")
    return path


def base_env(database_url: str, redis_url: str, queue_name: str) -> dict[str, str]:
    # Redeliver a dead worker's messages within seconds, not the production minute.
    return cli_env(
        database_url,
        redis_url,
        queue_name,
        EVENTWIRE_HEARTBEAT_TIMEOUT_MS="3000",
        EVENTWIRE_BROKER_MAINTENANCE_CHANCE="200000",
    )


def cli(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr[-3000:]}"
    return result.stdout


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "eventwire", "worker", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def counts(database_url: str) -> tuple[dict[str, int], dict[str, int]]:
    """(articles by status, events per article keyed by the article's input id)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(text("SELECT status, count(*) FROM article GROUP BY status")).all()
        )
        per_article = dict(
            conn.execute(
                text(
                    "SELECT a.external_id, count(e.id) FROM article a "
                    "LEFT JOIN event e ON e.article_id = a.id GROUP BY a.external_id"
                )
            ).all()
        )
    engine.dispose()
    return statuses, per_article


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def expected_events(path: Path) -> dict[str, int]:
    """Events per article of an undisturbed extractor run (every modality is stored)."""
    from datetime import date

    from worker.extraction import Extractor
    from worker.extraction.types import ArticleText

    extractor = Extractor()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [ArticleText(r["id"], r["text"], date.fromisoformat(r["published"])) for r in records]
    return {article.id: len(events) for article, events in extractor.extract_many(texts)}


def test_worker_killed_mid_batch_loses_and_doubles_nothing(
    postgres_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    path = corpus(tmp_path, 200)
    env = base_env(postgres_url, redis_url, queue_name)
    cli(env, "enqueue", "--quiet", str(path))

    victim = start_worker(env)
    wait_for(lambda: counts(postgres_url)[0].get("done", 0) >= 20, 240, "20 articles done")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    statuses, _ = counts(postgres_url)
    assert statuses.get("done", 0) < 200, "the kill came too late to test anything"

    cli(env, "worker", "--burst")
    statuses, per_article = counts(postgres_url)
    assert statuses == {"done": 200}
    assert per_article == expected_events(path)


def test_database_outage_during_processing_is_retried(
    postgres_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    from sqlalchemy.engine import make_url

    real = make_url(postgres_url)
    proxy = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    proxy.start()
    via_proxy = real.set(port=proxy.port).render_as_string(hide_password=False)
    path = corpus(tmp_path, 60)
    env = base_env(via_proxy, redis_url, queue_name)
    cli(env, "enqueue", "--quiet", str(path))

    worker = start_worker(env, "--burst")
    try:
        wait_for(lambda: counts(postgres_url)[0].get("done", 0) >= 8, 240, "8 articles done")
        proxy.stop()  # the database goes away mid-run ...
        time.sleep(4)
        proxy.start()  # ... and comes back
        assert worker.wait(timeout=400) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        proxy.stop()
    statuses, per_article = counts(postgres_url)
    assert statuses == {"done": 60}
    assert per_article == expected_events(path)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, callable]]:  # type: ignore[valid-type]
    """A redis-server of this test's own (no persistence) and a function that restarts it."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server binary not installed")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        procs.append(
            subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        import redis

        client = redis.Redis(port=port)
        wait_for(lambda: _pings(client), 10, "private redis")

    def restart() -> None:
        procs[-1].kill()
        procs[-1].wait()
        start()

    start()
    yield f"redis://127.0.0.1:{port}/0", restart
    for proc in procs:
        proc.kill()
        proc.wait()


def _pings(client) -> bool:  # type: ignore[no-untyped-def]
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_redis_restart_after_enqueue_is_recovered_from_the_database(
    postgres_url: str,
    private_redis: tuple[str, callable],
    queue_name: str,  # type: ignore[valid-type]
    tmp_path: Path,
) -> None:
    redis_url, restart_redis = private_redis
    path = corpus(tmp_path, 30)
    env = base_env(postgres_url, redis_url, queue_name)
    cli(env, "enqueue", "--quiet", str(path))
    restart_redis()  # no persistence: every queued message is gone
    assert "0" in cli(env, "stats", "--json").split('"backlog":')[1].split(",")[0]

    out = cli(env, "reprocess", "--stuck")
    assert out.strip().startswith("30 ")
    cli(env, "worker", "--burst")
    statuses, per_article = counts(postgres_url)
    assert statuses == {"done": 30}
    assert per_article == expected_events(path)
