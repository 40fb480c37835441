"""Generate a large, realistic benchmark corpus by recombining real articles' sentences.

Two sources: ``--source news`` (the default) recombines real news, the texts of the news gold
set (data/gold/news/dev.jsonl and test.jsonl, 160 wire and newspaper stories) plus the
sentences of the PLOVER gold set (../shared/eval/plover-gsr.jsonl), so the corpus has the event
density and article length of real news (about 300 words, 13 paragraphs); ``--source sample``
recombines the 11 sample articles (dense in events: nearly every sentence reports one).

Each generated article takes a lead from one source article and follows it with sentences drawn
from others (keeping quotes and follow-ups in their order within a source), with publication
dates spread over two years. With --novel-names every article also ends with a byline of
made-up names ("Reporting by Tavel Quorin in Brasko; ..."), so the vocabulary keeps growing as
it does in real news: that is what a long-running worker's memory has to survive.
Deterministic for a given --seed.

    python bench/make_corpus.py --articles 5000 --source news --out bench/results/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "articles.jsonl"
NEWS = (
    ROOT / "data" / "gold" / "news" / "dev.jsonl",
    ROOT / "data" / "gold" / "news" / "test.jsonl",
)
PLOVER = ROOT.parent / "shared" / "eval" / "plover-gsr.jsonl"
SOURCES = ("news", "sample")
# Sentence ends: ., ! or ? (optionally followed by a closing quote) then whitespace, or a line.
SENTENCE_END = re.compile(r"\n+|(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“A-Z0-9])")


def sentences_by_article(*paths: Path) -> list[list[str]]:
    """Split every article of the JSONL files into sentences (missing files are skipped)."""
    articles = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                parts = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
                articles.append(parts)
    return articles


def source_pools(source: str) -> list[list[str]]:
    """The sentence pools of ``source``: ``news`` (news gold texts, and the PLOVER sentences
    as one more pool, so they are drawn among the follow-ups) or ``sample``."""
    if source == "sample":
        return sentences_by_article(SAMPLE)
    if source != "news":
        raise ValueError(f"unknown source {source!r} (one of {', '.join(SOURCES)})")
    pools = sentences_by_article(*NEWS)
    plover = [s for article in sentences_by_article(PLOVER) for s in article]
    if plover:
        pools.append(plover)
    return pools


SYLLABLES = "ka lo ri ven tas mor qui dal ze bru nok sa fel tor wen ix pra gol".split()


def made_up_name(rng: random.Random) -> str:
    """A capitalised name no dictionary has (two to four random syllables)."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


#: How the publication days are drawn (see ``generate``), and over how many days.
DATE_ORDERS = ("random", "stream")
SPAN_DAYS = 730


def byline(rng: random.Random) -> str:
    """A wire-style byline of made-up people and a made-up town."""
    people = [f"{made_up_name(rng)} {made_up_name(rng)}" for _ in range(2)]
    return f"Reporting by {people[0]} in {made_up_name(rng)}; editing by {people[1]}."


def generate(
    count: int,
    seed: int,
    sample: Path | None = None,
    *,
    source: str = "sample",
    follow_ups: tuple[int, int] | None = None,
    novel_names: bool = False,
    dates: str = "random",
) -> list[dict[str, str]]:
    """Return ``count`` articles made of sentences of ``source`` (or of the JSONL ``sample``).

    Parameters:
      source: ``news`` (real news, see the module doc) or ``sample``.
      follow_ups: how many runs of 1-3 sentences follow the lead (inclusive range); default
        6-16 for the sample, 4-11 for news (whose sentences are shorter), which gives articles
        of the news gold set's length (about 300 words).
      novel_names: end each article with a byline of made-up names (see the module doc).
      dates: ``random``: publication days drawn at random over the two years, so that every
        day keeps filling up as the corpus is processed (the number of stored reports of a
        day grows with the run); ``stream``: days advance with the articles' order, as a feed
        delivers news, so that the reports of a day, and what incident linking compares a new
        one with, stay as many from the first article to the last.
    """
    if dates not in DATE_ORDERS:
        raise ValueError(f"dates must be one of {DATE_ORDERS}, not {dates!r}")
    rng = random.Random(seed)
    pools = sentences_by_article(sample) if sample is not None else source_pools(source)
    if follow_ups is None:
        follow_ups = (4, 11) if source == "news" and sample is None else (6, 16)
    start = date(2023, 1, 1)
    out = []
    for number in range(count):
        lead_source = rng.choice(pools)
        body = [lead_source[0]]
        for _ in range(rng.randint(*follow_ups)):
            pool = rng.choice(pools)
            i = rng.randrange(len(pool))
            body.extend(pool[i : i + rng.randint(1, 3)])
        if novel_names:
            body.append(byline(rng))
        if dates == "stream":
            published = start + timedelta(days=number * SPAN_DAYS // max(count, 1))
        else:
            published = start + timedelta(days=rng.randrange(SPAN_DAYS))
        out.append(
            {
                "id": f"bench-{seed}-{number:07d}",
                "published": published.isoformat(),
                "source": "eventwire bench",
                "text": "\n".join(body),
            }
        )
    return out


def write_jsonl(records: Iterable[dict[str, str]], path: Path) -> int:
    """Write articles as JSONL, streaming; return how many words their texts hold."""
    words = 0
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            words += len(record["text"].split())
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


def main() -> None:
    """Write the corpus as JSONL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/results/corpus.jsonl"))
    parser.add_argument("--source", choices=SOURCES, default="news")
    parser.add_argument("--novel-names", action="store_true", help="add made-up bylines")
    parser.add_argument("--dates", choices=DATE_ORDERS, default="random", help="see generate()")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    records = generate(
        args.articles,
        args.seed,
        source=args.source,
        novel_names=args.novel_names,
        dates=args.dates,
    )
    words = write_jsonl(records, args.out)
    print(
        f"wrote {args.articles} articles "
        f"({words / max(1, args.articles):.0f} words each) to {args.out}"
    )


if __name__ == "__main__":
    main()
