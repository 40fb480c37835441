"""Measure start-up: ``eventwire --help``, ``eventwire stats``, and a burst worker's first message.

Not a test: run it by hand.

    python bench/startup.py                 # 5 rounds of the CLI, 3 of the worker, SQLite
    python bench/startup.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each figure is the real command in a fresh process, median of the rounds, wall-clock seconds
from the moment the process is started; the CPU seconds (user + system, the process and its
children) are shown too, because on a busy machine wall time also counts waiting for a core.

- ``--help``: ``eventwire --help`` to exit.
- ``stats``: ``eventwire stats`` on an already migrated database to exit.
- worker: the 11 sample articles are queued first (not timed: enqueued, and in later rounds
  ``reprocess --all``); then ``eventwire worker
  --burst --processes 2`` is started and the database polled every 10 ms: *first taken* is
  when the first article leaves ``queued`` (a message was consumed), *first stored* when the
  first one is ``done`` (its events written). The worker then drains the queue and exits.

Prints a table and writes ``bench/results/startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text

RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
POLL_SECONDS = 0.01


def cli() -> list[str]:
    """The ``eventwire`` console script of this interpreter (as users run it), else ``-m``."""
    script = Path(sys.executable).with_name("eventwire")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eventwire"]


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by waited-for child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_command(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run one command to its exit; wall and CPU seconds."""
    cpu = children_cpu()
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return {"wall": time.perf_counter() - started, "cpu": children_cpu() - cpu}


def first_status_times(database_url: str, env: dict[str, str]) -> dict[str, float]:
    """Start a 2-process burst worker; seconds until the first article is taken and stored."""
    engine = create_engine(database_url)
    found: dict[str, float] = {}
    cpu = children_cpu()
    started = time.perf_counter()
    worker = subprocess.Popen(
        [*cli(), "worker", "--burst", "--processes", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with engine.connect() as conn:
            while "first_stored" not in found and worker.poll() is None:
                statuses = {
                    row[0] for row in conn.execute(text("SELECT DISTINCT status FROM article"))
                }
                conn.rollback()  # a fresh snapshot next time
                now = time.perf_counter() - started
                if statuses - {"queued"}:
                    found.setdefault("first_taken", now)
                if "done" in statuses:
                    found["first_stored"] = now
                time.sleep(POLL_SECONDS)
        _out, err = worker.communicate(timeout=600)
        found["drained"] = time.perf_counter() - started
        found["cpu"] = children_cpu() - cpu
        if worker.returncode != 0:
            raise RuntimeError(f"worker failed ({worker.returncode}): {err[-2000:]}")
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait()
        engine.dispose()
    return found


def median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Per-key median of the rounds."""
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def repeat(n: int, measure: Callable[[], dict[str, float]]) -> dict[str, Any]:
    """Run ``measure`` ``n`` times; the median of each figure and every round."""
    rounds = [measure() for _ in range(n)]
    return {"median": median_of(rounds), "rounds": rounds}


def main() -> None:
    """Run the measurements and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds of --help and stats")
    parser.add_argument("--worker-repeat", type=int, default=3, help="rounds of the worker")
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-startup-"))
    url = args.database_url or f"sqlite:///{tmp / 'startup.db'}"
    queue = f"startup-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")},
        "EVENTWIRE_DATABASE_URL": url,
        "EVENTWIRE_REDIS_URL": args.redis_url,
        "EVENTWIRE_QUEUE_NAME": queue,
        "EVENTWIRE_LOG_LEVEL": "WARNING",
    }
    client = redis.Redis.from_url(args.redis_url)
    results: dict[str, Any] = {"cores": os.cpu_count(), "database": url.split(":")[0]}
    try:
        subprocess.run([*cli(), "db", "upgrade"], env=env, check=True, capture_output=True)
        results["help"] = repeat(args.repeat, lambda: timed_command([*cli(), "--help"], env))
        results["stats"] = repeat(args.repeat, lambda: timed_command([*cli(), "stats"], env))

        enqueue = [*cli(), "enqueue", "--quiet", str(SAMPLE)]
        subprocess.run(enqueue, env=env, check=True, capture_output=True)
        rounds = iter(range(args.worker_repeat))

        def worker_round() -> dict[str, float]:
            if next(rounds):  # the first round takes the enqueued articles, later ones again
                again = [*cli(), "reprocess", "--all"]
                subprocess.run(again, env=env, check=True, capture_output=True)
            return first_status_times(url, env)

        results["worker"] = repeat(args.worker_repeat, worker_round)
    finally:
        keys = list(client.scan_iter(match=f"dramatiq:{queue}*"))
        if keys:
            client.delete(*keys)

    help_, stats, worker = (results[k]["median"] for k in ("help", "stats", "worker"))
    print(f"{'measure':44} {'wall s':>7} {'cpu s':>6}")
    print(f"{'eventwire --help':44} {help_['wall']:7.2f} {help_['cpu']:6.2f}")
    print(f"{'eventwire stats':44} {stats['wall']:7.2f} {stats['cpu']:6.2f}")
    name = "worker --burst --processes 2:"
    print(f"{name + ' first article taken':44} {worker['first_taken']:7.2f}")
    print(f"{name + ' first article stored':44} {worker['first_stored']:7.2f}")
    print(f"{name + ' queue drained, exited':44} {worker['drained']:7.2f} {worker['cpu']:6.2f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
