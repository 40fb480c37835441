"""Measure ``eventwire enqueue`` on a large JSONL file: articles/s into SQLite and PostgreSQL.

Not a test: run it by hand.

    python bench/enqueue_rate.py                        # 50,000 articles, both databases
    python bench/enqueue_rate.py --articles 20000 --databases sqlite --source sample

Each run is the real command in a fresh process (start-up, streaming read, content hash, one
transaction per 500 articles, pipelined Redis sends), timed from start to exit, on a fresh
database; a second run of the same file measures the all-duplicates path. The command's own
CPU seconds are shown too: on a shared machine its wall time also counts waiting for a core
(the database server and Redis work in other processes, not counted there).

Wire copies are searched by the workers, not at enqueue, so the same articles' copy search
is measured after the runs (``copy search`` rows): ``worker.wire_copies.find_copies`` in this
process, in the workers' batches (``EVENTWIRE_BATCH_SIZE``, 16), one transaction each, with a
worker's cache, as a worker runs it before extraction. It costs the workers that much per
article (their extraction takes some 30-100 ms an article).

The corpus (``bench/make_corpus.py``, with made-up bylines): ``--source news`` (default)
recombines real news, the news gold texts and PLOVER's sentences, at real news length;
``--source sample`` recombines the 11 sample articles, longer and sharing sentences far more
often than real news does, which makes most articles near-duplicate candidates of many others
(the copy search's worst case). The PostgreSQL database is created next to ``--admin-url``
and dropped afterwards. Prints a table and writes ``bench/results/enqueue.json``.
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
#: Article ids per copy-search transaction, as the workers' messages carry them.
WORKER_BATCH = 16


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


def copy_search(url: str, batch: int = WORKER_BATCH) -> dict[str, Any]:
    """Run the workers' copy search over every stored article, in id order, ``batch`` at a
    time; wall and CPU seconds of this process, and the copies found."""
    from sqlalchemy import select

    from models.engine import make_engine, session_scope
    from models.tables import Article
    from worker import wire_copies

    engine = make_engine(url)
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
    wire_copies._worker_cache = None  # a worker's first batch: nothing cached yet
    copies = 0
    cpu, started = time.process_time(), time.perf_counter()
    for first in range(0, len(ids), batch):
        chunk = ids[first : first + batch]
        with session_scope(engine) as session:
            rows = session.execute(
                select(Article.id, Article.text).where(Article.id.in_(chunk))
            ).all()
            copies += len(wire_copies.find_copies(session, [(r.id, r.text) for r in rows]))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return {"articles": len(ids), "seconds": wall, "cpu_seconds": cpu, "copies": copies}


def main() -> None:
    """Run the measurement and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--source", choices=("news", "sample"), default="news")
    parser.add_argument("--no-copy-search", action="store_true", help="only the enqueue runs")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-enqueue-"))
    corpus = tmp / "corpus.jsonl"
    write_jsonl(generate(args.articles, seed=5, source=args.source, novel_names=True), corpus)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {args.articles:,} articles ({args.source}), {size_mb:.0f} MB JSONL")

    rows: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []
    pg_name = f"{PG_NAME}_{uuid.uuid4().hex[:8]}"  # several runs may share the server
    client = redis.Redis.from_url(args.redis_url)
    for database in args.databases:
        if database == "sqlite":
            url = f"sqlite:///{tmp / 'enqueue.db'}"
        else:
            url = create_database(args.admin_url, pg_name)
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
            if not args.no_copy_search:
                searches.append({"database": database, **copy_search(url)})
        finally:
            keys = list(client.scan_iter(match=f"dramatiq:{queue}*"))
            if keys:
                client.delete(*keys)
            if database != "sqlite":
                drop_database(args.admin_url, pg_name)

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
    for row in searches:
        per_article_ms = 1000 * row["cpu_seconds"] / max(1, row["articles"])
        print(
            f"{row['database']:10} copy search, worker batches of {WORKER_BATCH}: "
            f"{row['seconds']:.2f} s, {row['cpu_seconds']:.2f} CPU s "
            f"({per_article_ms:.2f} ms per article), {row['copies']:,} copies found"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "articles": args.articles,
                "source": args.source,
                "mb": size_mb,
                "cores": os.cpu_count(),
                "load_average": os.getloadavg(),
                "rows": rows,
                "copy_search": searches,
            },
            indent=1,
        )
    )
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
