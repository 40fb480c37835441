"""What incident linking costs the worker, measured on the step it adds to: storing events.

    python bench/link_cost.py --articles 1000 --repeat 3 [--cache FILE] [--postgres ADMIN_URL]
        [--scratch-prefix NAME] [--json OUT]

The corpus is bench/make_corpus.py's (seed 7, as bench/throughput.py). Its events are
extracted once (timed: what a worker spends in spaCy and the rules); then, ``--repeat``
rounds of two runs on fresh databases (SQLite as bench/throughput.py, or PostgreSQL)
holding the same articles: the worker's storing step (``models.repository.replace_events``
per batch of ``--batch-size`` articles, one transaction each, in corpus order) without
linking, and the same with linking (``worker.incidents.lock_for_batch`` and ``link_events``
in the same transaction, as ``worker.processing`` does). The median of each is kept.
Linking's share of worker time is then

    link / (extract + store + link)

which is what bench/throughput.py's ``full`` against ``nolink`` measures through Redis and
the worker processes, without their noise (queue waits, process start-up, polling). The
same share is also given in CPU time of this process (``*_cpu_s``, ``link_share_cpu``),
which other programs on a shared machine disturb less than wall time (on SQLite the
database work is in this process; on PostgreSQL the server's is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate  # noqa: E402
from scratch_db import create_database, drop_database  # noqa: E402

from models import repository  # noqa: E402
from models.engine import make_engine, session_scope  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.records import EventRecord, NewArticle  # noqa: E402


def extract(records: list[dict[str, str]], batch_size: int) -> tuple[list[list[Any]], float, float]:
    """Events of every article as the worker stores them, and the seconds extraction took
    (wall, CPU)."""
    from common.settings import get_settings
    from worker.extraction import EXTRACTOR_VERSION, Extractor  # noqa: F401
    from worker.extraction.types import ArticleText
    from worker.records import to_event_record

    extractor = Extractor(get_settings().spacy_model)
    texts = [
        ArticleText(str(i), r["text"], date.fromisoformat(r["published"]))
        for i, r in enumerate(records)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    events: list[list[EventRecord]] = [[] for _ in records]
    for article, found in extractor.extract_many(texts, batch_size=batch_size):
        events[int(article.id)] = [to_event_record(e) for e in found]
    return events, time.perf_counter() - started, time.process_time() - cpu


def store(
    url: str, records: list[dict[str, str]], events: list[list[Any]], batch: int, link: bool
) -> tuple[float, float]:
    """Store the articles, then time storing their events batch by batch (and linking):
    seconds of wall and of CPU time."""
    from worker.extraction import EXTRACTOR_VERSION
    from worker.incidents import store_batch

    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        added = repository.add_articles(
            session,
            articles=[
                NewArticle(text=r["text"], published=date.fromisoformat(r["published"]))
                for r in records
            ],
        )
    ids = [a.article_id for a in added]
    seconds = cpu = 0.0
    for start in range(0, len(records), batch):
        results = [(ids[i], events[i]) for i in range(start, min(start + batch, len(records)))]
        began, began_cpu = time.perf_counter(), time.process_time()
        with session_scope(engine) as session:
            store_batch(session, results, extractor_version=EXTRACTOR_VERSION, link=link)
        seconds += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
    engine.dispose()
    return seconds, cpu


def main() -> None:
    """Extract once, time storing with and without linking, print the share."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="run on scratch PostgreSQL databases created beside this URL's (default: SQLite)",
    )
    parser.add_argument(
        "--scratch-prefix",
        default="link_cost",
        help="name prefix of the scratch PostgreSQL databases (default: link_cost)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the extracted events (and extraction time) in this pickle and reuse them "
        "when the corpus size and extractor version match",
    )
    args = parser.parse_args()
    records = generate(args.articles, seed=7)
    from worker.extraction import EXTRACTOR_VERSION

    tag = (args.articles, EXTRACTOR_VERSION)
    cached = pickle.loads(args.cache.read_bytes()) if args.cache and args.cache.exists() else None
    # A cache from before CPU times were kept (three fields) is extracted again.
    if cached is not None and cached[0] == tag and len(cached) == 4:
        events, extract_s, extract_cpu = cached[1], cached[2], cached[3]
    else:
        events, extract_s, extract_cpu = extract(records, args.batch_size)
        if args.cache:
            args.cache.write_bytes(pickle.dumps((tag, events, extract_s, extract_cpu)))
    runs: dict[str, list[float]] = {"store": [], "store+link": []}
    cpu_runs: dict[str, list[float]] = {"store": [], "store+link": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            for name, link in (("store", False), ("store+link", True)):
                # The process id: two runs at once (A/B rounds, other users) never share one.
                scratch = f"{args.scratch_prefix}_{os.getpid()}_{round_}_{int(link)}"
                if args.postgres:
                    url = create_database(args.postgres, scratch)
                else:
                    url = f"sqlite:///{Path(tmp) / scratch}.db"
                try:
                    wall, cpu = store(url, records, events, args.batch_size, link)
                    runs[name].append(wall)
                    cpu_runs[name].append(cpu)
                finally:
                    if args.postgres:
                        drop_database(args.postgres, scratch)
    stored = statistics.median(runs["store"])
    linked = statistics.median(runs["store+link"])
    link_s = max(0.0, linked - stored)
    stored_cpu = statistics.median(cpu_runs["store"])
    linked_cpu = statistics.median(cpu_runs["store+link"])
    link_cpu = max(0.0, linked_cpu - stored_cpu)
    result = {
        "articles": args.articles,
        "database": "postgresql" if args.postgres else "sqlite",
        "events": sum(len(e) for e in events),
        "extract_s": round(extract_s, 2),
        "store_s": round(stored, 3),
        "store_and_link_s": round(linked, 3),
        "runs": runs,
        "link_s": round(link_s, 3),
        "link_share_of_worker_time": round(link_s / (extract_s + linked), 4),
        "extract_cpu_s": round(extract_cpu, 2),
        "store_cpu_s": round(stored_cpu, 3),
        "store_and_link_cpu_s": round(linked_cpu, 3),
        "cpu_runs": cpu_runs,
        "link_cpu_s": round(link_cpu, 3),
        "link_share_cpu": round(link_cpu / (extract_cpu + linked_cpu), 4),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
