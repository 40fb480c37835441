"""Where the wall time of ``bench/throughput.py``'s eventwire run goes: a timeline per process.

Runs the same end-to-end command as ``bench/throughput.py`` (``eventwire enqueue corpus.jsonl
&& eventwire worker --burst --processes N`` into a fresh SQLite database) with
``bench/timeline_hook.py`` marking each phase in every process: the command's start, the
pipeline load, each batch (and its extract and store steps), each worker's end, the command's
exit. Prints, per process, what its wall time was spent on, the CPU-busy fraction of the
whole run (CPU seconds / (wall seconds x processes)) and a text chart of both workers.

    python bench/timeline.py --articles 400 --processes 2 --repeat 3

Not a test; nothing here is imported by eventwire.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import generate, write_jsonl
from throughput import children_cpu

BENCH = Path(__file__).resolve().parent


def run_once(
    corpus: Path,
    processes: int,
    redis_url: str,
    batch_size: int,
    overlap: bool = False,
    python: str = sys.executable,
) -> dict[str, Any]:
    """One timed run; returns the wall and CPU seconds and the timeline's events."""
    tmp = Path(tempfile.mkdtemp(prefix="eventwire-timeline-"))
    log = tmp / "timeline.jsonl"
    env = {
        **os.environ,
        "EVENTWIRE_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "EVENTWIRE_REDIS_URL": redis_url,
        "EVENTWIRE_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}",
        "EVENTWIRE_BATCH_SIZE": str(batch_size),
        "EVENTWIRE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BENCH),
    }
    hook = [python, "-m", "timeline_hook"]
    subprocess.run([*hook, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp)
    env["EVENTWIRE_TIMELINE"] = str(log)
    load = os.getloadavg()[0]
    cpu = children_cpu()
    started = time.time()
    enqueue = [*hook, "enqueue", "--quiet", str(corpus.resolve())]
    work = [*hook, "worker", "--burst", "--processes", str(processes)]
    if overlap:  # both commands at once, as `eventwire worker --burst & eventwire enqueue`
        worker = subprocess.Popen(work, env=env, cwd=tmp)
        subprocess.run(enqueue, env=env, check=True, cwd=tmp, stdout=subprocess.DEVNULL)
        enqueued = time.time()
        if worker.wait() != 0:
            raise RuntimeError("worker failed")
    else:
        subprocess.run(enqueue, env=env, check=True, cwd=tmp, stdout=subprocess.DEVNULL)
        enqueued = time.time()
        subprocess.run(work, env=env, check=True, cwd=tmp)
    ended = time.time()
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return {
        "started": started,
        "enqueued": enqueued,
        "ended": ended,
        "wall": ended - started,
        "cpu": children_cpu() - cpu,
        "load": load,
        "events": events,
    }


def summarize(run: dict[str, Any], processes: int, width: int = 100) -> dict[str, float]:
    """Print the phases of one run and return its headline figures."""
    t0, wall = run["started"], run["wall"]
    by_pid: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in run["events"]:
        by_pid[e["pid"]].append(e)
    workers = [pid for pid, evs in by_pid.items() if any(e["event"] == "batch start" for e in evs)]
    print(
        f"wall {wall:.2f} s, CPU {run['cpu']:.2f} s, busy {run['cpu'] / (wall * processes):.0%}"
        f" of {processes} cores, load average {run['load']:.1f}; enqueue command ended at "
        f"{run['enqueued'] - t0:.2f} s"
    )
    # Run-queue waits (a core taken by another job on the shared machine): the main thread of
    # the enqueue and worker commands, the worker thread of each forked worker (its batches).
    waited = sum(
        evs[-1]["wait"] - evs[0]["wait"]
        for pid, evs in by_pid.items()
        if pid not in workers and evs[-1]["event"] == "cli end"
    )
    for pid in workers:
        starts = [e for e in by_pid[pid] if e["event"] == "batch start"]
        ends = [e for e in by_pid[pid] if e["event"] == "batch end"]
        waited += sum(e["wait"] - s["wait"] for s, e in zip(starts, ends, strict=False))
    idle = wall * processes - run["cpu"] - waited
    print(
        f"  waiting for a core (other jobs) {waited:.2f} s; idle core-seconds {idle:.2f} "
        f"({idle / (wall * processes):.0%} of {processes} x wall): neither running nor "
        "waiting to run"
    )
    figures: dict[str, float] = {"wall": wall, "cpu": run["cpu"], "idle": idle, "wait": waited}
    for pid, evs in sorted(by_pid.items(), key=lambda kv: kv[1][0]["t"]):
        names = [e["event"] for e in evs]
        first = evs[0]
        last = evs[-1]
        role = "worker" if pid in workers else ("enqueue" if "load start" not in names else "cli")
        line = f"  pid {pid} {role:7}: {first['event']} {first['t'] - t0:6.2f}"
        zero = next((e for e in evs if e["event"] == "poll" and e["n"] == 0), None)
        if zero:
            line += f", first empty poll {zero['t'] - t0:.2f}"
        for key in ("load start", "load end", "run_worker start"):
            hit = next((e for e in evs if e["event"] == key), None)
            if hit:
                line += f", {key} {hit['t'] - t0:.2f}"
        line += f", {last['event']} {last['t'] - t0:.2f} (CPU {last['cpu'] - first['cpu']:.2f})"
        print(line)
        if pid not in workers:
            continue
        pairs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
        opened: dict[str, dict[str, Any]] = {}
        for e in evs:
            name, _, edge = e["event"].rpartition(" ")
            if edge == "start":
                opened[name] = e
            elif edge == "end" and name in opened:
                pairs[name].append((opened.pop(name), e))
        # prepare: batch start -> extract start (reads, marking, language, wire copies, their
        # commit); commit: store end -> batch end (the events' commit).
        for b, x, st in zip(pairs["batch"], pairs["extract"], pairs["store"], strict=False):
            pairs["prepare"].append((b[0], x[0]))
            pairs["commit"].append((st[1], b[1]))
        spans = {
            name: [
                (a["t"] - t0, b["t"] - t0, b["run"] - a["run"], b["wait"] - a["wait"])
                for a, b in found
            ]
            for name, found in pairs.items()
        }
        batches = spans.get("batch", [])
        for name in (
            "batch",
            "extract",
            "store",
            "prepare",
            "commit",
            "reading",
            "marking",
            "copies",
        ):
            if name not in spans:
                continue
            wall_s = sum(b - a for a, b, *_ in spans[name])
            run_s = sum(r for *_, r, _w in spans[name])
            wait_s = sum(w for *_, w in spans[name])
            print(
                f"    {name:8} {len(spans[name]):3} x: wall {wall_s:6.2f} s, on CPU {run_s:6.2f}, "
                f"waiting for a core {wait_s:5.2f}, asleep {wall_s - run_s - wait_s:5.2f}"
            )
        if batches:
            gaps = [b[0] - a[1] for a, b in itertools.pairwise(batches)]
            print(
                f"    first batch at {batches[0][0]:.2f} s, last ends {batches[-1][1]:.2f} s; "
                f"gaps between batches {sum(gaps):.2f} s (max {max(gaps, default=0):.2f}); "
                f"after last batch to exit {last['t'] - t0 - batches[-1][1]:.2f} s"
            )
        chart = [" "] * width
        for name, mark_char in (("batch", "."), ("extract", "x"), ("store", "s")):
            for a, b, *_ in spans[name]:
                for i in range(int(a / wall * width), min(width, int(b / wall * width) + 1)):
                    chart[i] = mark_char
        print(f"    |{''.join(chart)}|")
    return figures


def main() -> None:
    """Build the corpus, run the command ``--repeat`` times and print each timeline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument(
        "--redis-url", default=os.environ.get("EVENTWIRE_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--overlap",
        action="store_true",
        help="start the burst worker and the enqueue command together (not one after the other)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter whose eventwire to time (e.g. another checkout's venv)",
    )
    args = parser.parse_args()
    corpus = BENCH / "results" / f"corpus-news-{args.articles}.jsonl"
    corpus.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(generate(args.articles, seed=7, source="news"), corpus)
    runs = []
    for n in range(args.repeat):
        print(f"run {n + 1}:")
        run = run_once(
            corpus, args.processes, args.redis_url, args.batch_size, args.overlap, args.python
        )
        runs.append(summarize(run, args.processes))
    print(
        "medians: "
        + ", ".join(f"{k} {statistics.median(r[k] for r in runs):.2f} s" for k in runs[0])
    )


if __name__ == "__main__":
    main()
