"""Check that the pipeline as eventwire runs it (worker/extraction/decoding.py: the parser and
NER decoded holding the GIL, the lemmatizer with a cache; trigger_windows.py: the trigger
ruler's Matcher on windows; blas.py: the model's matrix products on numpy's BLAS) gives what
spaCy's own does, and time both.

For every gold file (the same as bench/parse_candidates.py) and ``--corpus N`` articles of the
realistic news corpus (``make_corpus.py --source news``), each article is run through the
pipeline twice in one process: with spaCy's components as they are (``nlp.pipeline``, the
trigger ruler's Matcher on the whole doc) and as the extractor runs them. It reports the
articles whose annotations differ (every token's tag, POS, lemma, head, dependency label,
sentence start and entity) and the articles whose events differ (every field of
``ExtractedEvent.to_dict()``), and the CPU seconds of each way.

    python bench/decoding_check.py                # exit status 1 if anything differs
    python bench/decoding_check.py --corpus 1000  # and 1,000 news corpus articles
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parse_candidates import GOLD_FILES, ROOT, read_articles

from worker.extraction.blas import blis_products
from worker.extraction.trigger_windows import WindowedMatcher


def annotations(doc: Any) -> list[tuple[Any, ...]]:
    """Every token's analysis, and the entities."""
    tokens = [
        (t.tag_, t.pos_, t.lemma_, t.head.i, t.dep_, t.is_sent_start, t.ent_iob_, t.ent_type_)
        for t in doc
    ]
    return [*tokens, *((e.start, e.end, e.label_) for e in doc.ents)]


def run(
    candidates: Any, extractor: Any, articles: list[Any], windows: bool = True
) -> tuple[dict, dict, float]:
    """({id: annotations}, {id: event dicts}, CPU seconds) of ``articles``; ``windows=False``
    runs as spaCy would: the trigger ruler's Matcher on the whole doc, as spaCy's span_ruler
    does, and the model's matrix products in thinc's blis (worker/extraction/blas.py)."""
    ruler = extractor.nlp.get_pipe("eventwire_trigger_ruler")
    windowed = ruler.matcher
    if not windows and isinstance(windowed, WindowedMatcher):
        ruler.matcher = windowed.matcher
    started = time.process_time()
    notes: dict[str, Any] = {}
    events: dict[str, Any] = {}
    products = blis_products(extractor.nlp) if not windows else contextlib.nullcontext()
    try:
        with products, extractor.nlp.memory_zone():
            for doc, article in candidates.pipe(((a.text, a) for a in articles), 16):
                notes[article.id] = annotations(doc)
                events[article.id] = [e.to_dict() for e in extractor._events(doc, article)]
    finally:
        ruler.matcher = windowed
    return notes, events, time.process_time() - started


def main() -> int:
    """Compare the decodings on every gold file and the corpus; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(GOLD_FILES))
    parser.add_argument("--corpus", type=int, default=0, help="also N news corpus articles")
    args = parser.parse_args()

    from worker.extraction import Extractor
    from worker.extraction.candidates import CandidateParser
    from worker.extraction.types import ArticleText

    extractor = Extractor(parse="all")
    held = extractor.candidates
    spacy_own = CandidateParser(extractor.nlp, lambda: held.selector, "all")
    spacy_own.stages = list(extractor.nlp.pipeline)
    sets: list[tuple[str, list[Any]]] = [
        (path.resolve().relative_to(ROOT.parent).as_posix(), read_articles(path))
        for path in args.files
        if path.exists()
    ]
    if args.corpus:
        from make_corpus import generate

        records = generate(args.corpus, seed=7, source="news")
        sets.append(
            (
                f"news corpus ({args.corpus})",
                [
                    ArticleText(r["id"], r["text"], date.fromisoformat(r["published"]))
                    for r in records
                ],
            )
        )
    print(
        f"{'set':42} {'articles':>8} {'events':>7} {'annot':>6} {'events':>6} "
        f"{'spaCy s':>8} {'ours s':>7}"
    )
    failed = False
    for name, articles in sets:
        notes_a, events_a, seconds_a = run(spacy_own, extractor, articles, windows=False)
        notes_b, events_b, seconds_b = run(held, extractor, articles)
        annot = sum(notes_a[k] != notes_b[k] for k in notes_a)
        differ = sum(events_a[k] != events_b[k] for k in events_a)
        failed = failed or bool(annot or differ)
        print(
            f"{name:42} {len(articles):8} {sum(len(v) for v in events_a.values()):7} "
            f"{annot:6} {differ:6} {seconds_a:8.2f} {seconds_b:7.2f}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
