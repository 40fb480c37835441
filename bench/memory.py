"""Measure a long-running worker's memory: RSS after 5,000 articles against after 50,000.

Not a test: run it by hand (about 25 minutes for 50,000 articles on one core).

    python bench/memory.py                                  # 50,000 articles, 1 process
    python bench/memory.py --articles 10000 --checkpoints 1000 5000 10000

It writes a corpus with ``make_corpus.generate(novel_names=True)`` (every article ends with a
byline of made-up names, so the vocabulary keeps growing as real news does; shorter articles,
about 170 words, so that 50,000 fit in a sitting), enqueues it into a fresh SQLite database
and drains it with one ``eventwire worker --burst`` process. Once a second it reads the
worker's resident set size from /proc and the number of articles done from the database; it
prints RSS at each checkpoint and the ratio of the last to the first, and writes
``bench/results/memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import DATE_ORDERS, generate, write_jsonl

RESULTS = Path(__file__).resolve().parent / "results" / "memory.json"


def rss_mb(pid: int) -> float | None:
    """Resident set size of a live process in MB (None once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def write_corpus(path: Path, articles: int, seed: int, dates: str = "random") -> int:
    """Write the corpus as JSONL; return its word count."""
    records = generate(articles, seed, follow_ups=(2, 5), novel_names=True, dates=dates)
    return write_jsonl(records, path)


def drain_and_sample(
    env: dict[str, str], total: int, db_url: str, report_every: int = 5000
) -> list[tuple[int, float]]:
    """Run one burst worker over the queue; return (articles done, RSS MB) samples (and print
    RSS every ``report_every`` articles, so that a run stopped early still tells)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    cli = [sys.executable, "-m", "eventwire"]
    worker = subprocess.Popen([*cli, "worker", "--burst", "--processes", "1"], env=env)
    samples: list[tuple[int, float]] = []
    last_report = 0
    try:
        while True:
            with engine.connect() as conn:
                done = conn.execute(
                    text("SELECT count(*) FROM article WHERE status IN ('done', 'failed')")
                ).scalar_one()
            rss = rss_mb(worker.pid)
            if rss is not None and done > 0:
                samples.append((int(done), rss))
            if done >= last_report + report_every:
                last_report = done - done % report_every
                print(f"  {done:,} articles done, worker RSS {rss or 0:.0f} MB", flush=True)
            if done >= total or worker.poll() is not None:
                break
            time.sleep(1.0)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.terminate()
        engine.dispose()
    if worker.returncode not in (0, None):
        raise RuntimeError(f"worker exited with {worker.returncode}")
    return samples


def at_checkpoint(samples: list[tuple[int, float]], checkpoint: int) -> dict[str, Any] | None:
    """The first sample taken once ``checkpoint`` articles were done."""
    for done, rss in samples:
        if done >= checkpoint:
            return {"checkpoint": checkpoint, "articles_done": done, "rss_mb": rss}
    return None


def main() -> None:
    """Run the measurement and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument(
        "--checkpoints",
        type=int,
        nargs="+",
        default=[5_000, 10_000, 20_000, 30_000, 40_000, 50_000],
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--dates",
        choices=DATE_ORDERS,
        default="random",
        help="publication days at random over two years, or advancing as a feed's (stream)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument(
        "--report-every", type=int, default=5000, help="print RSS every N articles done"
    )
    args = parser.parse_args()
    checkpoints = sorted(c for c in args.checkpoints if c <= args.articles)
    if not checkpoints:
        parser.error("no checkpoint within --articles")

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-memory-"))
    corpus = tmp / "corpus.jsonl"
    words = write_corpus(corpus, args.articles, args.seed, args.dates)
    db_url = f"sqlite:///{tmp / 'memory.db'}"
    env = {
        **os.environ,
        "EVENTWIRE_DATABASE_URL": db_url,
        "EVENTWIRE_REDIS_URL": args.redis_url,
        "EVENTWIRE_QUEUE_NAME": f"memory-{uuid.uuid4().hex[:8]}",
        "EVENTWIRE_LOG_LEVEL": "WARNING",
    }
    print(f"corpus: {args.articles:,} articles, {words:,} words; database {db_url}")
    subprocess.run(
        [sys.executable, "-m", "eventwire", "enqueue", "--quiet", str(corpus)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.monotonic()
    samples = drain_and_sample(env, args.articles, db_url, args.report_every)
    minutes = (time.monotonic() - started) / 60
    rows = [row for c in checkpoints if (row := at_checkpoint(samples, c)) is not None]
    if not rows:
        raise SystemExit("no samples: did the worker start?")
    print(f"{'articles':>9} {'RSS MB':>8} {'vs first':>9}")
    for row in rows:
        row["ratio_to_first"] = row["rss_mb"] / rows[0]["rss_mb"]
        print(f"{row['checkpoint']:9,} {row['rss_mb']:8.0f} {row['ratio_to_first']:9.3f}")
    peak = max(rss for _done, rss in samples)
    print(f"peak RSS {peak:.0f} MB; {args.articles:,} articles in {minutes:.1f} min")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "articles": args.articles,
                "dates": args.dates,
                "words": words,
                "minutes": minutes,
                "peak_rss_mb": peak,
                "checkpoints": rows,
                "samples": samples[:: max(1, len(samples) // 500)],
            },
            indent=1,
        )
    )
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
