"""Check and measure ``EVENTWIRE_PARSE=candidates`` against ``all`` on the gold sets.

For every gold file it extracts each article twice in one process, parsing every sentence and
parsing only the candidate sentences (worker/extraction/candidates.py), and reports the
articles whose events differ (every modality, every field of ``ExtractedEvent.to_dict()``),
the share of sentences parsed and the time of each mode.

    python bench/parse_candidates.py            # exit status 1 if any event differs
    python bench/parse_candidates.py --show 3   # print the first differing articles
    python bench/parse_candidates.py --speed 400 --repeat 3   # the extract stage's speed

``--speed N`` times the extract stage (spaCy and the rules, in this process, model loaded) on N
articles of the realistic news corpus (``make_corpus.py --source news``) in both modes,
alternating, ``--repeat`` rounds, and prints the median of each and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_FILES = (
    ROOT / "data" / "gold" / "news" / "dev.jsonl",
    ROOT / "data" / "gold" / "news" / "test.jsonl",
    ROOT / "data" / "gold" / "sample-gold.jsonl",
    SHARED / "eval" / "plover-gsr.jsonl",
    SHARED / "seed" / "parade-article.txt",
)


def read_articles(path: Path) -> list[Any]:
    """The articles of a gold file (JSONL records, or one plain-text article)."""
    from worker.extraction.types import ArticleText

    if path.suffix == ".txt":
        return [ArticleText(path.stem, path.read_text(encoding="utf-8"), None)]
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        record = json.loads(line)
        published = record.get("published")
        out.append(
            ArticleText(
                str(record.get("id", number)),
                record["text"],
                date.fromisoformat(published) if published else None,
            )
        )
    return out


def events_by_article(extractor: Any, mode: str, articles: list[Any]) -> tuple[dict, float]:
    """{article id: [event dicts]} in ``mode``, and the seconds it took."""
    extractor.candidates.mode = mode
    started = time.perf_counter()
    out = {
        article.id: [e.to_dict() for e in events]
        for article, events in extractor.extract_many(articles)
    }
    return out, time.perf_counter() - started


def speed(extractor: Any, count: int, repeat: int) -> None:
    """Median seconds of each mode on ``count`` realistic news articles (see the module doc)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import generate

    from worker.extraction.types import ArticleText

    articles = [
        ArticleText(r["id"], r["text"], date.fromisoformat(r["published"]))
        for r in generate(count, seed=7, source="news")
    ]
    times: dict[str, list[float]] = {"all": [], "candidates": []}
    before = (extractor.candidates.sentences, extractor.candidates.parsed_sentences)
    for _round in range(repeat):
        for mode in times:
            times[mode].append(events_by_article(extractor, mode, articles)[1])
    sentences = extractor.candidates.sentences - before[0]
    parsed = extractor.candidates.parsed_sentences - before[1]
    medians = {mode: sorted(t)[len(t) // 2] for mode, t in times.items()}
    print(
        f"extract stage, {count} news articles, median of {repeat}: all {medians['all']:.1f} s, "
        f"candidates {medians['candidates']:.1f} s ({parsed / sentences:.0%} of sentences "
        f"parsed): {medians['all'] / medians['candidates']:.2f}x"
    )


def main() -> int:
    """Compare the modes on every gold file; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(GOLD_FILES))
    parser.add_argument("--show", type=int, default=0, help="print this many differing articles")
    parser.add_argument("--json", type=Path, help="write the table as JSON")
    parser.add_argument("--speed", type=int, default=0, help="time N news articles instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from worker.extraction import Extractor

    extractor = Extractor(parse="candidates")
    if args.speed:
        speed(extractor, args.speed, args.repeat)
        return 0
    rows = []
    shown = 0
    for path in args.files:
        if not path.exists():
            print(f"{path}: missing, skipped")
            continue
        articles = read_articles(path)
        full, full_seconds = events_by_article(extractor, "all", articles)
        before = (extractor.candidates.sentences, extractor.candidates.parsed_sentences)
        fast, fast_seconds = events_by_article(extractor, "candidates", articles)
        sentences = extractor.candidates.sentences - before[0]
        parsed = extractor.candidates.parsed_sentences - before[1]
        differing = [key for key in full if full[key] != fast.get(key)]
        rows.append(
            {
                "file": path.resolve().relative_to(ROOT.parent).as_posix(),
                "articles": len(articles),
                "events": sum(len(v) for v in full.values()),
                "differing_articles": len(differing),
                "sentences": sentences,
                "parsed_share": parsed / sentences if sentences else 0.0,
                "speed_ratio": full_seconds / fast_seconds,
            }
        )
        for key in differing[: max(0, args.show - shown)]:
            shown += 1
            print(f"--- {key}\n  all:        {full[key]}\n  candidates: {fast.get(key)}")
    print(f"{'file':42} {'articles':>8} {'events':>7} {'differ':>6} {'parsed':>7} {'speed':>6}")
    for r in rows:
        print(
            f"{r['file']:42} {r['articles']:8} {r['events']:7} {r['differing_articles']:6} "
            f"{r['parsed_share']:7.0%} {r['speed_ratio']:5.2f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 1 if any(r["differing_articles"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
