"""Measure ``eventwire enqueue`` on a large JSONL file: articles/s into SQLite and PostgreSQL.

Not a test: run it by hand.

    python bench/enqueue_rate.py                        # 50,000 articles, both databases
    python bench/enqueue_rate.py --articles 20000 --databases sqlite

Each run is the real command in a fresh process (start-up, reading, language detection,
hashing, wire-copy signatures, storing, pipelined Redis sends), timed from start to exit, on a
fresh database; a second run of the same file measures the all-duplicates path. The command's
own CPU seconds are shown too: on a shared machine its wall time also counts waiting for a
core (the database server and Redis work in other processes, not counted there). The
PostgreSQL database ``eventwire_enqueue_bench`` is created next to ``--admin-url`` and dropped
afterwards. Prints a table and writes ``bench/results/enqueue.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import generate, write_jsonl
from scratch_db import create_database, drop_database

RESULTS = Path(__file__).resolve().parent / "results" / "enqueue.json"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_NAME = "eventwire_enqueue_bench"


def timed_enqueue(corpus: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``eventwire enqueue`` once; return wall seconds, its CPU seconds (user + system)
    and its summary line."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "eventwire", "enqueue", "--quiet", str(corpus)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime - cpu, done.stdout.strip()


def main() -> None:
    """Run the measurement and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-enqueue-"))
    corpus = tmp / "corpus.jsonl"
    write_jsonl(generate(args.articles, seed=5, novel_names=True), corpus)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {args.articles:,} articles, {size_mb:.0f} MB JSONL")

    rows: list[dict[str, Any]] = []
    client = redis.Redis.from_url(args.redis_url)
    for database in args.databases:
        if database == "sqlite":
            url = f"sqlite:///{tmp / 'enqueue.db'}"
        else:
            url = create_database(args.admin_url, PG_NAME)
        queue = f"enqueue-bench-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "EVENTWIRE_DATABASE_URL": url,
            "EVENTWIRE_REDIS_URL": args.redis_url,
            "EVENTWIRE_QUEUE_NAME": queue,
            "EVENTWIRE_LOG_LEVEL": "WARNING",
        }
        try:
            subprocess.run(  # migrations once, outside the timing: a first run pays them
                [sys.executable, "-m", "eventwire", "db", "upgrade"],
                env=env,
                check=True,
                capture_output=True,
            )
            for run in ("new", "duplicate"):
                seconds, cpu, summary = timed_enqueue(corpus, env)
                rows.append(
                    {
                        "database": database,
                        "articles": run,
                        "seconds": seconds,
                        "per_s": args.articles / seconds,
                        "cpu_seconds": cpu,
                        "per_cpu_s": args.articles / cpu,
                        "summary": summary,
                    }
                )
        finally:
            keys = list(client.scan_iter(match=f"dramatiq:{queue}*"))
            if keys:
                client.delete(*keys)
            if database != "sqlite":
                drop_database(args.admin_url, PG_NAME)

    print(
        f"{'database':10} {'articles':>9} {'seconds':>8} {'articles/s':>11} "
        f"{'cpu s':>7} {'per cpu s':>10}  result"
    )
    for row in rows:
        print(
            f"{row['database']:10} {row['articles']:>9} {row['seconds']:8.2f} "
            f"{row['per_s']:11,.0f} {row['cpu_seconds']:7.2f} {row['per_cpu_s']:10,.0f}  "
            f"{row['summary']}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"articles": args.articles, "mb": size_mb, "cores": os.cpu_count(), "rows": rows},
            indent=1,
        )
    )
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
