"""Measure ``eventwire enqueue`` on a large JSONL file: articles/s into SQLite and PostgreSQL.

Not a test: run it by hand.

    python bench/enqueue_rate.py                        # 50,000 articles, both databases
    python bench/enqueue_rate.py --articles 20000 --databases sqlite --source sample
    python bench/enqueue_rate.py --rounds 5 --baseline ../other-checkout --no-copy-search

Each run is the real command in a fresh process (start-up, streaming read, content hash, one
transaction per 500 articles, pipelined Redis sends), timed from start to exit, on a fresh
database; a second run of the same file measures the all-duplicates path. The command's own
CPU seconds are shown too: on a shared machine its wall time also counts waiting for a core
(the database server and Redis work in other processes, not counted there); on PostgreSQL
the CPU seconds of the command's server process (its backend) are shown beside them, read
from /proc while it runs.

``--rounds N`` repeats every run and reports medians; ``--baseline DIR`` also runs the
checkout in DIR (another commit, same interpreter) in the same rounds, alternating which
goes first, so both see the same load on a shared machine. Each run of each round gets a
fresh database.

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
import statistics
import subprocess
import sys
import tempfile
import threading
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
#: This checkout: ``python -m eventwire`` run from it imports its own code first.
CHECKOUT = Path(__file__).resolve().parent.parent
#: Article ids per copy-search transaction, as the workers' messages carry them.
WORKER_BATCH = 16


class BackendCpu:
    """CPU seconds of the PostgreSQL server processes serving database ``name``, read from
    /proc every 20 ms while the block runs (a process's last few ms may be missed)."""

    def __init__(self, name: str | None) -> None:
        self.name = name
        self.seconds = 0.0
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> BackendCpu:
        if self.name:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.name:
            self._stop.set()
            self._thread.join()
            self.seconds = sum(self._seen.values())

    def _poll(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._stop.wait(0.02):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    title = (proc / "cmdline").read_bytes()
                    if not title.startswith(b"postgres: ") or self.name.encode() not in title:
                        continue
                    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended meanwhile
                self._seen[int(proc.name)] = (int(fields[11]) + int(fields[12])) / tick


def timed_enqueue(
    corpus: Path, env: dict[str, str], cwd: Path, database: str | None = None
) -> tuple[float, float, float, str]:
    """Run ``eventwire enqueue`` once from ``cwd`` (a checkout); return wall seconds, its CPU
    seconds (user + system), the PostgreSQL backend's CPU seconds (0 without ``database``)
    and its summary line."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    with BackendCpu(database) as server:
        done = subprocess.run(
            [sys.executable, "-m", "eventwire", "enqueue", "--quiet", str(corpus)],
            env=env,
            cwd=cwd,
            check=True,
            capture_output=True,
            text=True,
        )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    return wall, cpu, server.seconds, done.stdout.strip()


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


def _runs(
    args: argparse.Namespace,
    corpus: Path,
    tmp: Path,
    database: str,
    variant: str,
    checkout: Path,
    number: int,
    searches: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """One round of one checkout on one fresh database: the new run, then the duplicate run
    of the same file (and, once, the copy search)."""
    pg_name = f"{PG_NAME}_{uuid.uuid4().hex[:8]}"  # several runs may share the server
    if database == "sqlite":
        url = f"sqlite:///{tmp / f'enqueue-{variant}-{number}.db'}"
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
    server = None if database == "sqlite" else pg_name
    runs = []
    try:
        subprocess.run(  # migrations once, outside the timing: a first run pays them
            [sys.executable, "-m", "eventwire", "db", "upgrade"],
            env=env,
            cwd=checkout,
            check=True,
            capture_output=True,
        )
        for run in ("new", "duplicate"):
            load = os.getloadavg()[0]
            seconds, cpu, server_cpu, summary = timed_enqueue(corpus, env, checkout, server)
            runs.append(
                {
                    "variant": variant,
                    "round": number,
                    "database": database,
                    "articles": run,
                    "seconds": seconds,
                    "cpu_seconds": cpu,
                    "server_cpu_seconds": server_cpu,
                    "load": load,
                    "summary": summary,
                }
            )
            print(
                f"round {number + 1} {variant:8} {database:10} {run:9} {seconds:6.2f} s, "
                f"{cpu:5.2f} CPU s, server {server_cpu:5.2f} s, load {load:.1f}",
                flush=True,
            )
        if not args.no_copy_search and variant == "this" and number == 0:
            searches.append({"database": database, **copy_search(url)})
    finally:
        client = redis.Redis.from_url(args.redis_url)
        keys = list(client.scan_iter(match=f"dramatiq:{queue}*"))
        if keys:
            client.delete(*keys)
        if database != "sqlite":
            drop_database(args.admin_url, pg_name)
        else:
            for path in tmp.glob(f"enqueue-{variant}-{number}.db*"):
                path.unlink()  # 100 MB a run
    return runs


def _medians(runs: list[dict[str, Any]], articles: int) -> list[dict[str, Any]]:
    """One row per checkout, database and run kind: the medians of its rounds."""
    rows = []
    keys = dict.fromkeys((r["variant"], r["database"], r["articles"]) for r in runs)
    for variant, database, kind in keys:
        mine = [
            r
            for r in runs
            if (r["variant"], r["database"], r["articles"]) == (variant, database, kind)
        ]
        seconds = statistics.median(r["seconds"] for r in mine)
        cpu = statistics.median(r["cpu_seconds"] for r in mine)
        rows.append(
            {
                "variant": variant,
                "database": database,
                "articles": kind,
                "rounds": len(mine),
                "seconds": seconds,
                "per_s": articles / seconds,
                "cpu_seconds": cpu,
                "per_cpu_s": articles / cpu,
                "server_cpu_seconds": statistics.median(r["server_cpu_seconds"] for r in mine),
                "load": statistics.median(r["load"] for r in mine),
                "summary": mine[-1]["summary"],
            }
        )
    return rows


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
    parser.add_argument("--rounds", type=int, default=1, help="runs of each; medians shown")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also run the checkout in this folder (another commit), alternating with this one",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-enqueue-"))
    corpus = tmp / "corpus.jsonl"
    write_jsonl(generate(args.articles, seed=5, source=args.source, novel_names=True), corpus)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {args.articles:,} articles ({args.source}), {size_mb:.0f} MB JSONL")

    checkouts = {"this": CHECKOUT}
    if args.baseline:
        checkouts["baseline"] = args.baseline.resolve()
    runs: list[dict[str, Any]] = []
    searches: list[dict[str, Any]] = []
    for number in range(args.rounds):
        order = list(checkouts.items())
        if number % 2:
            order.reverse()  # neither always first: the load drifts within a round
        for database in args.databases:
            for variant, checkout in order:
                runs.extend(_runs(args, corpus, tmp, database, variant, checkout, number, searches))
    rows = _medians(runs, args.articles)
    print(
        f"{'variant':9} {'database':10} {'articles':>9} {'seconds':>8} {'articles/s':>11} "
        f"{'cpu s':>7} {'per cpu s':>10} {'server s':>8} {'load':>5}  result"
    )
    for row in rows:
        print(
            f"{row['variant']:9} {row['database']:10} {row['articles']:>9} "
            f"{row['seconds']:8.2f} {row['per_s']:11,.0f} {row['cpu_seconds']:7.2f} "
            f"{row['per_cpu_s']:10,.0f} {row['server_cpu_seconds']:8.2f} "
            f"{row['load']:5.1f}  {row['summary']}"
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
                "rounds": args.rounds,
                "rows": rows,
                "runs": runs,
                "copy_search": searches,
            },
            indent=1,
        )
    )
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
