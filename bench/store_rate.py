"""Measure the storage step alone: ``models.repository.replace_events`` on real extractor output.

The full pipeline (bench/throughput.py) is dominated by spaCy, so a change to what a batch
stores (event mentions, a new copy column) is lost in its noise. This extracts a corpus once,
then times only the storing of it, batch by batch as the workers do (one transaction per
batch), on a fresh SQLite file and a fresh PostgreSQL database, and reports the median of
``--repeat`` rounds.

    python bench/store_rate.py --articles 400 --repeat 5 --json bench/results/store_rate.json

Run it on two checkouts (``PYTHONPATH=<checkout>``) to compare their storage cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import generate
from scratch_db import create_database, drop_database


def extract(articles: int, seed: int) -> list[list[Any]]:
    """The event records of ``articles`` generated articles (extracted once, reused)."""
    from worker.extraction import Extractor
    from worker.extraction.types import ArticleText
    from worker.records import to_event_record

    corpus = [
        ArticleText(r["id"], r["text"], date.fromisoformat(r["published"]))
        for r in generate(articles, seed)
    ]
    return [[to_event_record(e) for e in events] for _, events in Extractor().extract_many(corpus)]


def store_all(url: str, records: list[list[Any]], batch_size: int) -> float:
    """Store every article's records in batches on a migrated database; return the seconds."""
    from models import repository as repo
    from models.engine import make_engine, session_scope
    from models.migrate import upgrade
    from models.records import NewArticle

    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            added = repo.add_articles(
                s, articles=[NewArticle(f"store rate article {i}") for i in range(len(records))]
            )
        ids = [a.article_id for a in added]
        started = time.perf_counter()
        for first in range(0, len(ids), batch_size):
            batch = list(zip(ids[first : first + batch_size], records[first : first + batch_size]))
            with session_scope(engine) as s:
                repo.replace_events(s, results=batch, extractor_version="bench")
        return time.perf_counter() - started
    finally:
        engine.dispose()


def main() -> None:
    """Parse the arguments, run the rounds, print and write the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--dialects", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    records = extract(args.articles, args.seed)
    events = sum(len(r) for r in records)
    mentions = sum(len(getattr(e, "mentions", ())) for r in records for e in r)
    results: dict[str, Any] = {
        "articles": len(records), "events": events, "mentions_given": mentions,
        "batch_size": args.batch_size, "repeat": args.repeat,
    }  # fmt: skip
    for dialect in args.dialects:
        seconds = []
        for _ in range(args.repeat):
            if dialect == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    seconds.append(store_all(f"sqlite:///{tmp}/s.db", records, args.batch_size))
            else:
                name = f"eventwire_store_rate_{uuid.uuid4().hex[:8]}"
                url = create_database(args.postgres, name)
                try:
                    seconds.append(store_all(url, records, args.batch_size))
                finally:
                    drop_database(args.postgres, name)
        median = statistics.median(seconds)
        results[dialect] = {
            "median_seconds": round(median, 3),
            "events_per_s": round(events / median),
            "runs": [round(s, 3) for s in seconds],
        }
        print(f"{dialect:10} {events} events in {median:.3f} s  ({events / median:,.0f}/s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
