"""B-cubed score of incident linking on the incident gold set, through the real pipeline.

    python bench/incidents.py [data/gold/incidents/articles.jsonl] [--database-url URL]
        [--shuffle SEED] [--json OUT]

The gold articles are enqueued with ``eventwire enqueue`` (a fresh SQLite database unless
``--database-url`` is given, a queue of its own on the configured Redis) and drained by
``eventwire worker --burst``; the stored events and their incidents are then read back.

Gold events are matched to stored events and scored by ``eventwire.incident_scoring``
(B-cubed over incident ids; "all" counts an unmatched gold event as a singleton, "matched"
keeps only matched gold events: the linker's own quality).

Wire copies are scored separately: the stored ``article.copy_of`` pairs against the gold
``copy_of`` pairs. The incident counts are the number of distinct incidents of the matched
events, predicted against gold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventwire.incident_scoring import score  # noqa: E402
from models.engine import make_engine  # noqa: E402


def run_pipeline(articles: list[dict[str, Any]], database_url: str, workdir: Path) -> None:
    """Enqueue the articles and drain the queue with the real commands."""
    path = workdir / "articles.jsonl"
    with path.open("w") as out:
        for a in articles:
            row = {k: a[k] for k in ("id", "text", "published", "source")}
            out.write(json.dumps(row) + "\n")
    env = {
        **os.environ,
        "EVENTWIRE_DATABASE_URL": database_url,
        "EVENTWIRE_QUEUE_NAME": f"bench_incidents_{uuid.uuid4().hex[:8]}",
    }
    exe = str(Path(sys.executable).with_name("eventwire"))
    subprocess.run([exe, "enqueue", str(path), "--quiet"], env=env, check=True)
    subprocess.run([exe, "worker", "--burst", "--processes", "1"], env=env, check=True)


def stored(database_url: str) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Stored events by gold article id, and copy -> original by gold article id."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.external_id AS article, e.id, e.type, e.sentence, e.incident_id "
                "FROM event e JOIN article a ON a.id = e.article_id ORDER BY e.id"
            )
        ).mappings()
        events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            events[r["article"]].append(dict(r))
        copies = {
            r.copy: r.original
            for r in conn.execute(
                text(
                    "SELECT c.external_id AS copy, o.external_id AS original FROM article c "
                    "JOIN article o ON o.id = c.copy_of"
                )
            )
        }
    engine.dispose()
    return events, copies


def main() -> None:
    """Run the pipeline on the gold set and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="?", default=str(ROOT / "data/gold/incidents/articles.jsonl"))
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--shuffle", type=int, help="enqueue in a random order with this seed")
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()
    articles = [json.loads(line) for line in Path(args.gold).read_text().splitlines() if line]
    order = list(articles)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(order)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/incidents.db"
        run_pipeline(order, url, Path(tmp))
        events, copies = stored(url)
    result = score(articles, events)
    gold_copies = {a["id"]: a["copy_of"] for a in articles if a.get("copy_of")}
    found = set(copies.items())
    expected = set(gold_copies.items())
    # A pair found the other way round (copy stored first) is the same pair.
    right = {p for p in found if p in expected or (p[1], p[0]) in expected}
    result["wire_copies"] = {
        "gold": len(expected),
        "found": len(found),
        "right": len(right),
        "wrong": sorted(found - right),
        "missed": sorted(p for p in expected if p not in found and (p[1], p[0]) not in found),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
