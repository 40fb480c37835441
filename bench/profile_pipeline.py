"""Where an article's time goes: CPU seconds per spaCy component, the rules and the worker's
other steps, on the realistic news corpus.

Every stage runs over the whole corpus in turn (component by component, as ``nlp.pipe`` would
in batches of ``--batch-size``), timed with ``time.process_time`` (CPU time of this process:
the machine is shared, wall time would count other jobs). Model loading is excluded.

    python bench/profile_pipeline.py --articles 200 --repeat 3
    python bench/profile_pipeline.py --articles 200 --repeat 3 --spacy-decoding
    python bench/profile_pipeline.py --articles 200 --repeat 3 --blis  # thinc's blis products

Prints one line per stage: median CPU seconds of the rounds and share of the total.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import generate


def profile_round(
    extractor: Any,
    records: list[dict[str, str]],
    batch_size: int,
    spacy_decoding: bool = False,
    blis: bool = False,
) -> dict[str, float]:
    """CPU seconds of each stage over ``records``, in pipeline order; ``blis``: the model's
    matrix products in thinc's blis, as spaCy's own (worker/extraction/blas.py)."""
    import contextlib
    from datetime import date

    from worker.extraction.blas import blis_products
    from worker.extraction.decoding import run_stages
    from worker.extraction.types import ArticleText
    from worker.language import detect_language

    nlp = extractor.nlp
    times: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        started = time.process_time()
        out = fn()
        times[name] = times.get(name, 0.0) + time.process_time() - started
        return out

    articles = [
        ArticleText(r["id"], r["text"], date.fromisoformat(r["published"])) for r in records
    ]
    timed("language detection (worker)", lambda: [detect_language(a.text) for a in articles])
    products = blis_products(nlp) if blis else contextlib.nullcontext()
    with products, nlp.memory_zone():
        docs = timed("tokenizer", lambda: [nlp.make_doc(a.text) for a in articles])
        # The components as the extractor runs them (decoding.py: the parser and NER decoded
        # holding the GIL where that is faster), or spaCy's own with --spacy-decoding.
        stages = nlp.pipeline if spacy_decoding else extractor.candidates.stages
        for name, proc in stages:
            docs = timed(name, lambda p=proc, d=docs: list(run_stages([("", p)], d, batch_size)))
        timed(
            "rules (_events)",
            lambda d=docs: [extractor._events(doc, a) for doc, a in zip(d, articles)],
        )
    return times


def main() -> None:
    """Profile and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", default="news")
    parser.add_argument(
        "--spacy-decoding",
        action="store_true",
        help="run the parser and NER as spaCy does (Parser.greedy_parse), not as eventwire does, "
        "and multiply in blis as spaCy does (implies --blis)",
    )
    parser.add_argument(
        "--blis",
        action="store_true",
        help="the model's matrix products in thinc's blis, as spaCy's own, not numpy's BLAS",
    )
    args = parser.parse_args()

    from worker.extraction import Extractor

    extractor = Extractor(parse="all")
    records = generate(args.articles, args.seed, source=args.source)
    words = sum(len(r["text"].split()) for r in records)
    rounds = [
        profile_round(
            extractor,
            records,
            args.batch_size,
            args.spacy_decoding,
            blis=args.blis or args.spacy_decoding,
        )
        for _ in range(args.repeat)
    ]
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    total = sum(medians.values())
    print(
        f"{args.articles} articles, {words} words, batch size {args.batch_size}, "
        f"{args.repeat} rounds (median CPU s)"
        + (", spaCy's own decoding" if args.spacy_decoding else "")
        + (", blis products" if args.blis or args.spacy_decoding else "")
    )
    for name, seconds in medians.items():
        print(f"  {name:32s} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
    print(f"  {'total':32s} {total:7.2f} s")


if __name__ == "__main__":
    main()
