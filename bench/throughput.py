"""Measure eventwire against bare spaCy ``nlp.pipe`` on the same model and processes.

The headline (``--mode e2e``, the default) is END TO END, as a user runs it, start-up and model
loading included, on a corpus of real-news articles (``make_corpus.py --source news``):

- bare: ``python`` running a ``multiprocessing.Pool`` of N processes, each loading the spaCy
  model and running ``nlp.pipe`` over its share of the corpus (from interpreter start to the
  last doc);
- eventwire: ``eventwire worker --burst --processes N & eventwire enqueue corpus.jsonl`` into
  a fresh SQLite database, both commands started together (a burst worker waits for an enqueue
  still running); from their start to the burst worker's exit, every article ``done``.
  ``--sequential`` runs ``eventwire enqueue corpus.jsonl && eventwire worker --burst
  --processes N`` instead, as measured before.

For N = 1 and 2, ``--repeat`` rounds (bare and eventwire alternate, so a slow spell of the
shared machine hits both) and the median of each; the ratio is bare seconds / eventwire
seconds (above 1: eventwire is faster than running spaCy yourself).

    python bench/throughput.py --articles 800 --repeat 3 --json bench/results/throughput.json

``--mode stages`` keeps the older per-stage table, which excludes model loading: bare
``nlp.pipe``, ``eventwire extract`` and the full pipeline with workers already loaded, each with
1 and 2 processes. ``--stages bare extract full nolink``: ``nolink`` is the full pipeline with
incident linking switched off (``EVENTWIRE_LINK_INCIDENTS=false``, for this measurement only),
so the table shows what linking costs the workers.

With ``--repeat N`` every stage runs N times, in rounds, and the table keeps each stage's
median run: on a shared machine single runs of the same stage vary by several percent.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import generate, write_jsonl


def _bench_env(db_url: str, redis_url: str, model: str, batch_size: int) -> dict[str, str]:
    """The environment of one measured eventwire run: its own database and queue."""
    return {
        **os.environ,
        "EVENTWIRE_DATABASE_URL": db_url,
        "EVENTWIRE_REDIS_URL": redis_url,
        "EVENTWIRE_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}",
        "EVENTWIRE_SPACY_MODEL": model,
        "EVENTWIRE_BATCH_SIZE": str(batch_size),
        "EVENTWIRE_LOG_LEVEL": "WARNING",
    }


def _shard(items: Sequence[Any], shards: int, index: int) -> list[Any]:
    return list(items[index::shards])


def _bare_worker(args: tuple[str, list[str], int]) -> tuple[int, float, int]:
    import spacy

    model, texts, batch_size = args
    nlp = spacy.load(model)
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=batch_size):
        pass
    return len(texts), time.perf_counter() - started, _peak_rss_kb()


def _extract_worker(args: tuple[str, list[dict[str, str]], int]) -> tuple[int, float, int]:
    from datetime import date

    from worker.extraction import Extractor
    from worker.extraction.types import ArticleText

    model, records, batch_size = args
    extractor = Extractor(model)
    texts = [ArticleText(r["id"], r["text"], date.fromisoformat(r["published"])) for r in records]
    started = time.perf_counter()
    for _article, _events in extractor.extract_many(texts, batch_size=batch_size):
        pass
    return len(texts), time.perf_counter() - started, _peak_rss_kb()


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _parallel(fn: Any, shards: list[Any]) -> dict[str, float]:
    """Run one shard per process; throughput = all articles / the slowest shard's time."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(len(shards)) as pool:
        results = pool.map(fn, shards)
    articles = sum(r[0] for r in results)
    seconds = max(r[1] for r in results)
    return {
        "articles": articles,
        "seconds": seconds,
        "peak_rss_mb": max(r[2] for r in results) / 1024,
    }


def _tree_peak_rss_mb(pid: int) -> float:
    """Largest peak RSS (VmHWM) among a live process and its descendants, in MB."""
    peak = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        pending.extend(int(child) for child in children)
    return peak


def _start_workers(
    cli: list[str], processes: int, env: dict[str, str]
) -> tuple[subprocess.Popen[str], threading.Event]:
    """Start ``eventwire worker`` (not burst) and return it with an event set once every
    process has loaded spaCy and is consuming (each logs "consuming" at INFO)."""
    worker = subprocess.Popen(
        [*cli, "worker", "--processes", str(processes)],
        env={**env, "EVENTWIRE_LOG_LEVEL": "INFO"},
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = threading.Event()

    def watch() -> None:
        consuming = 0
        assert worker.stderr is not None
        for line in worker.stderr:  # keep reading so the pipe never fills
            if " consuming " in line:
                consuming += 1
                if consuming >= processes:
                    ready.set()
            elif "ERROR" in line or "Traceback" in line:
                sys.stderr.write(line)

    threading.Thread(target=watch, daemon=True).start()
    return worker, ready


def run_full_pipeline(
    corpus: Path,
    processes: int,
    model: str,
    redis_url: str,
    batch_size: int,
    link_incidents: bool = True,
) -> dict[str, float]:
    """Start ``processes`` workers, enqueue the corpus into a fresh SQLite database and time
    how long the workers take to process it.

    Workers start first and the clock waits until all of them have loaded spaCy (model
    loading is excluded, as in the other stages); enqueue then runs while they work, as in
    production. The clock runs from the first article leaving ``queued`` to the last one
    ``done`` (polled in the database); the workers are then stopped with SIGTERM.
    """
    from sqlalchemy import create_engine, text

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    env = _bench_env(db_url, redis_url, model, batch_size)
    env["EVENTWIRE_LINK_INCIDENTS"] = "true" if link_incidents else "false"
    cli = [sys.executable, "-m", "eventwire"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    total = sum(1 for line in corpus.open(encoding="utf-8") if line.strip())
    worker, ready = _start_workers(cli, processes, env)
    try:
        if not ready.wait(timeout=600):
            raise RuntimeError("workers did not become ready within 10 minutes")
        engine = create_engine(db_url)
        enqueue = subprocess.Popen(
            [*cli, "enqueue", "--quiet", str(corpus)], env=env, stdout=subprocess.DEVNULL
        )
        enqueue_started = time.perf_counter()
        enqueue_seconds = None
        first = last = None
        while last is None:
            if enqueue_seconds is None and enqueue.poll() is not None:
                enqueue_seconds = time.perf_counter() - enqueue_started
                if enqueue.returncode != 0:
                    raise RuntimeError("enqueue failed")
            with engine.connect() as conn:
                taken, finished = conn.execute(
                    text(
                        "SELECT sum(CASE WHEN status != 'queued' THEN 1 ELSE 0 END),"
                        " sum(CASE WHEN status IN ('done','failed') THEN 1 ELSE 0 END)"
                        " FROM article"
                    )
                ).one()
            now = time.perf_counter()
            if first is None and (taken or 0) > 0:
                first = now
            if (finished or 0) >= total:
                last = now
            elif worker.poll() is not None:
                raise RuntimeError("workers exited before the queue was drained")
            else:
                time.sleep(0.05)
        if enqueue_seconds is None:
            enqueue.wait()
            enqueue_seconds = time.perf_counter() - enqueue_started
        engine.dispose()
        rss = _tree_peak_rss_mb(worker.pid)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    assert first is not None and last is not None
    return {
        "articles": total,
        "seconds": last - first,
        "peak_rss_mb": rss,
        "enqueue_seconds": enqueue_seconds,
        "enqueue_per_s": total / enqueue_seconds,
    }


BARE_SCRIPT = """
import json, sys, multiprocessing as mp
corpus, processes, model, batch_size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])

def run(shard):
    import spacy
    nlp = spacy.load(model)
    return sum(1 for _ in nlp.pipe(shard, batch_size=batch_size))

if __name__ == "__main__":
    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8") if line.strip()]
    shards = [texts[i::processes] for i in range(processes)]
    with mp.Pool(processes) as pool:
        print(sum(pool.map(run, shards)))
"""


def run_bare_e2e(corpus: Path, processes: int, model: str, batch_size: int) -> dict[str, float]:
    """Seconds for a fresh ``python`` to pool ``nlp.pipe`` over the corpus, start-up and
    spaCy loading included."""
    load = os.getloadavg()[0]
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", BARE_SCRIPT, str(corpus), str(processes), model, str(batch_size)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return {
        "articles": int(done.stdout.strip()),
        "seconds": seconds,
        "cpu_seconds": children_cpu() - cpu,
        "load_average": load,
    }


def children_cpu() -> float:
    """User + system CPU seconds of this process's waited-for children (and theirs): the
    work a run did, which a busy machine's other jobs do not inflate as they do wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_eventwire_e2e(
    corpus: Path,
    processes: int,
    model: str,
    redis_url: str,
    batch_size: int,
    python: str = sys.executable,
    sequential: bool = False,
) -> dict[str, float]:
    """Seconds for ``eventwire worker --burst --processes N & eventwire enqueue corpus`` (the
    two commands started together; ``sequential``: ``eventwire enqueue corpus && eventwire
    worker --burst --processes N``) into a fresh SQLite database (created before the clock
    starts), every article done."""
    from sqlalchemy import create_engine, text

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    env = _bench_env(db_url, redis_url, model, batch_size)
    cli = [python, "-m", "eventwire"]
    # From the scratch folder: ``python -m`` puts the working directory first on sys.path, so
    # from a checkout a --baseline venv would import this checkout's code instead of its own.
    run = functools.partial(subprocess.run, env=env, check=True, cwd=tmp)
    corpus = corpus.resolve()
    run([*cli, "db", "upgrade"], capture_output=True)
    load = os.getloadavg()[0]
    cpu = children_cpu()
    enqueue = [*cli, "enqueue", "--quiet", str(corpus)]
    work = [*cli, "worker", "--burst", "--processes", str(processes)]
    started = time.perf_counter()
    if sequential:
        run(enqueue, stdout=subprocess.DEVNULL)
        enqueued = time.perf_counter() - started
        run(work)
    else:
        # `eventwire worker --burst & eventwire enqueue`: spaCy loads while the input is
        # stored and queued; the burst worker waits for the enqueue (worker.enqueue_announce).
        worker = subprocess.Popen(work, env=env, cwd=tmp)
        try:
            run(enqueue, stdout=subprocess.DEVNULL)
            enqueued = time.perf_counter() - started
        finally:
            if worker.wait() != 0:
                raise RuntimeError(f"eventwire worker exited with {worker.returncode}")
    seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu  # Redis's own work is not in it (a small share: ids only)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        done, total = conn.execute(
            text("SELECT sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), count(*) FROM article")
        ).one()
    engine.dispose()
    if done != total:
        raise RuntimeError(f"only {done} of {total} articles done after the burst worker exited")
    return {
        "articles": total,
        "seconds": seconds,
        "enqueue_seconds": enqueued,
        "cpu_seconds": cpu,
        "load_average": load,
    }


def main_e2e(args: argparse.Namespace, model: str) -> None:
    """The end-to-end table: bare pool vs eventwire, per process count, median of rounds."""
    records = generate(args.articles, seed=7, source=args.source)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    corpus = args.json.parent / f"corpus-{args.source}-{args.articles}.jsonl"
    words = write_jsonl(records, corpus)
    rows: list[dict[str, Any]] = []
    for p in args.processes:
        runs: dict[str, list[dict[str, float]]] = {"bare nlp.pipe": [], "eventwire": []}
        if args.sequential_row:
            runs["eventwire, enqueue && worker"] = []
        if args.baseline:
            runs["baseline"] = []
        for round_no in range(1, args.repeat + 1):
            runs["bare nlp.pipe"].append(run_bare_e2e(corpus, p, model, args.batch_size))
            runs["eventwire"].append(
                run_eventwire_e2e(
                    corpus, p, model, args.redis_url, args.batch_size, sequential=args.sequential
                )
            )
            if args.sequential_row:
                runs["eventwire, enqueue && worker"].append(
                    run_eventwire_e2e(
                        corpus, p, model, args.redis_url, args.batch_size, sequential=True
                    )
                )
            if args.baseline:
                # `enqueue && worker`, which any commit runs correctly (a burst worker started
                # beside the enqueue waits for it only since worker.enqueue_announce).
                runs["baseline"].append(
                    run_eventwire_e2e(
                        corpus,
                        p,
                        model,
                        args.redis_url,
                        args.batch_size,
                        args.baseline,
                        sequential=True,
                    )
                )
            # Each round as it ends: on a busy machine a run takes minutes, and a round that
            # was printed is not lost if the rest must be stopped.
            for name, done in runs.items():
                r = done[-1]
                print(
                    f"processes {p} round {round_no} {name}: {r['seconds']:.1f} s wall, "
                    f"{r['cpu_seconds']:.1f} CPU s, load average {r['load_average']:.1f}",
                    flush=True,
                )
        medians = {
            name: sorted(r, key=lambda x: x["seconds"])[len(r) // 2] for name, r in runs.items()
        }
        for name, median in medians.items():
            rows.append(
                {
                    "stage": name,
                    "processes": p,
                    **median,
                    "runs_seconds": [r["seconds"] for r in runs[name]],
                    "runs_cpu_seconds": [r["cpu_seconds"] for r in runs[name]],
                    "runs_load_average": [r["load_average"] for r in runs[name]],
                    "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs[name]),
                    "articles_per_s": median["articles"] / median["seconds"],
                    "ratio_to_bare": medians["bare nlp.pipe"]["seconds"] / median["seconds"],
                }
            )
    machine = platform.processor() or platform.machine()
    print(
        f"end to end, start-up and model loading included; corpus: {len(records)} "
        f"{args.source} articles, {words} words; model {model}; {machine}, "
        f"{os.cpu_count()} cores; median of {args.repeat}; eventwire "
        + ("enqueue && worker" if args.sequential else "worker & enqueue, started together")
    )
    for r in rows:
        bare = next(
            x for x in rows if x["stage"] == "bare nlp.pipe" and x["processes"] == r["processes"]
        )
        r["cpu_ratio_to_bare"] = bare["median_cpu_seconds"] / r["median_cpu_seconds"]
    print(
        f"{'':28} {'procs':>5} {'seconds':>8} {'articles/s':>11} {'ratio':>6} {'CPU s':>7} "
        f"{'CPU ratio':>9}  runs (wall s / CPU s / load average)"
    )
    for r in rows:
        runs_text = ", ".join(
            f"{w:.1f}/{c:.1f}/{la:.1f}"
            for w, c, la in zip(r["runs_seconds"], r["runs_cpu_seconds"], r["runs_load_average"])
        )
        print(
            f"{r['stage']:28} {r['processes']:5} {r['seconds']:8.1f} {r['articles_per_s']:11.1f}"
            f" {r['ratio_to_bare']:6.2f} {r['median_cpu_seconds']:7.1f}"
            f" {r['cpu_ratio_to_bare']:9.2f}  {runs_text}"
        )
    args.json.write_text(
        json.dumps(
            {
                "mode": "e2e",
                "sequential": args.sequential,
                "source": args.source,
                "articles": len(records),
                "words": words,
                "model": model,
                "cores": os.cpu_count(),
                "rows": rows,
            },
            indent=1,
        )
    )
    print(f"written to {args.json}")


def main() -> None:
    """Run every stage and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: settings)")
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--json", type=Path, default=Path("bench/results/throughput.json"))
    parser.add_argument("--stages", nargs="+", default=["bare", "extract", "full"])
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of every stage; the median run is kept"
    )
    parser.add_argument("--mode", choices=("e2e", "stages"), default="e2e")
    parser.add_argument("--source", choices=("news", "sample"), default="news")
    parser.add_argument(
        "--baseline",
        help="e2e: also time the eventwire installed for this Python interpreter (e.g. the "
        "venv of a checkout of another commit), as the row 'baseline', in the same rounds "
        "(always as `enqueue && worker`)",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="e2e: run `eventwire enqueue` to its end before starting the burst worker "
        "(the measurement before issue 14's overlap; by default both start together)",
    )
    parser.add_argument(
        "--sequential-row",
        action="store_true",
        help="e2e: also time this code as `enqueue && worker` (row 'eventwire, enqueue && "
        "worker') in the same rounds",
    )
    args = parser.parse_args()

    from common.settings import get_settings

    model = args.model or get_settings().spacy_model
    if args.mode == "e2e":
        main_e2e(args, model)
        return
    records = generate(args.articles, seed=7, source=args.source)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    corpus = args.json.parent / f"corpus-{args.articles}.jsonl"
    words = write_jsonl(records, corpus)
    texts = [r["text"] for r in records]

    rows: list[dict[str, Any]] = []
    for p in args.processes:
        stages: list[tuple[str, Any]] = []
        if "bare" in args.stages:
            bare_shards = [(model, _shard(texts, p, i), args.batch_size) for i in range(p)]
            stages.append(("bare nlp.pipe", lambda s=bare_shards: _parallel(_bare_worker, s)))
        if "extract" in args.stages:
            shards = [(model, _shard(records, p, i), args.batch_size) for i in range(p)]
            stages.append(("eventwire extract", lambda s=shards: _parallel(_extract_worker, s)))
        if "full" in args.stages:
            full = (corpus, p, model, args.redis_url, args.batch_size)
            stages.append(("full pipeline", lambda f=full: run_full_pipeline(*f)))
        if "nolink" in args.stages:
            nolink = (corpus, p, model, args.redis_url, args.batch_size, False)
            stages.append(("full, no linking", lambda f=nolink: run_full_pipeline(*f)))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in stages}
        # Rounds, not one stage repeated back to back: a slow spell of the machine then hits
        # every stage alike, and the median of each stage drops it.
        for _round in range(args.repeat):
            for name, run in stages:
                runs[name].append(run())
        for name, _ in stages:
            median = sorted(runs[name], key=lambda r: r["seconds"])[len(runs[name]) // 2]
            rows.append(
                {
                    "stage": name,
                    "processes": p,
                    **median,
                    "runs_seconds": [r["seconds"] for r in runs[name]],
                }
            )
    for row in rows:
        row["articles_per_s"] = row["articles"] / row["seconds"]
        row["words_per_s"] = words * row["articles"] / len(records) / row["seconds"]
        bare = next(
            (
                r
                for r in rows
                if r["stage"] == "bare nlp.pipe" and r["processes"] == row["processes"]
            ),
            None,
        )
        row["ratio_to_bare"] = (row["articles_per_s"] / bare["articles_per_s"]) if bare else None

    header = (
        f"{'stage':20} {'procs':>5} {'articles/s':>11} {'words/s':>10} {'ratio':>6} {'peak MB':>8}"
    )
    machine = platform.processor() or platform.machine()
    print(
        f"corpus: {len(records)} articles, {words} words; model {model}; "
        f"{machine}, {os.cpu_count()} cores"
    )
    print(header)
    for r in rows:
        ratio = f"{r['ratio_to_bare']:.2f}" if r["ratio_to_bare"] is not None else "-"
        print(
            f"{r['stage']:20} {r['processes']:5} {r['articles_per_s']:11.1f} "
            f"{r['words_per_s']:10.0f} {ratio:>6} {r['peak_rss_mb']:8.0f}"
        )
    for r in rows:
        if r["stage"] == "full, no linking":
            linked = next(
                (
                    x
                    for x in rows
                    if x["stage"] == "full pipeline" and x["processes"] == r["processes"]
                ),
                None,
            )
            if linked:
                cost = 1 - linked["articles_per_s"] / r["articles_per_s"]
                r["linking_cost"] = cost
                print(
                    f"incident linking costs {cost:.1%} of throughput with "
                    f"{r['processes']} process(es)"
                )
    for r in rows:
        if "enqueue_per_s" in r:
            print(
                f"enqueue while {r['processes']} worker(s) ran: {r['enqueue_per_s']:.0f} "
                "articles/s (bench/enqueue_rate.py measures enqueue alone)"
            )
    args.json.write_text(
        json.dumps(
            {
                "articles": len(records),
                "words": words,
                "model": model,
                "cores": os.cpu_count(),
                "rows": rows,
            },
            indent=1,
        )
    )
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
