"""Find what a long-running worker's memory grows with, in one process and without Redis.

bench/memory.py measures the real thing (an ``eventwire worker --burst`` process) but takes
hours; this runs the worker's own batch step (``worker.processing.process_batch``: language,
wire copies, extraction, storing and linking) over the same corpus, in this process, on a
scratch SQLite database, and at every ``--every`` articles prints RSS, the sizes of the
process-wide caches and, with ``--tracemalloc``, the allocation sites that grew most since the
last checkpoint. Switches turn one suspect off at a time to attribute growth:

    python bench/memory_probe.py --articles 4000 --every 500
    python bench/memory_probe.py --articles 4000 --link-cache 0     # no link cache
    python bench/memory_probe.py --articles 4000 --no-link          # no incident linking
    python bench/memory_probe.py --articles 4000 --spacy-decoding   # spaCy's own parser loop
    python bench/memory_probe.py --articles 4000 --no-lemma-cache --no-trigger-windows
    python bench/memory_probe.py --articles 4000 --tracemalloc 15   # top 15 growing sites

``--trim`` calls glibc's ``malloc_trim(0)`` before each reading, which separates memory
Python still holds from pages the allocator keeps but does not use.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import DATE_ORDERS, generate  # noqa: E402

from models import repository  # noqa: E402
from models.engine import make_engine, session_scope  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.records import NewArticle  # noqa: E402


def rss_mb() -> float:
    """This process's resident set size in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cache_sizes(extractor: Any) -> dict[str, int]:
    """Entries of the process-wide caches a worker keeps between batches."""
    from worker import incident_groups, wire_copies

    sizes: dict[str, int] = {
        "link_cache": len(incident_groups._cache),
        "word_hashes": len(wire_copies._word_hashes),
        "strings": len(extractor.nlp.vocab.strings),
        "vocab": len(extractor.nlp.vocab),
    }
    match = extractor.nlp.get_pipe("attribute_ruler").match
    if isinstance(getattr(match, "_cache", None), dict):
        sizes["attribute_views"] = len(match._cache)
    for name, proc in extractor.candidates.stages:
        if hasattr(proc, "cache") and isinstance(proc.cache, dict):
            sizes[f"{name}.cache"] = len(proc.cache)
        inner = getattr(proc, "lemmatizer", None)
        if inner is not None and isinstance(getattr(inner, "cache", None), dict):
            sizes[f"{name}.spacy_cache"] = len(inner.cache)
        elif name == "lemmatizer" and isinstance(getattr(proc, "cache", None), dict):
            sizes[f"{name}.spacy_cache"] = len(proc.cache)
    return sizes


def type_counts() -> Counter[str]:
    """Live objects tracked by the garbage collector, by type name."""
    return Counter(type(o).__name__ for o in gc.get_objects())


#: Events each batch's linking held (``worker.incident_groups.Held``), since the last reading.
HELD: list[int] = []
#: Stored events each batch's linking scored as candidates (read a part at a time; only those
#: that link are held).
SCANNED: list[int] = []


def record_held() -> None:
    """Make ``worker.incidents`` note how many events each batch's linking reads."""
    from worker import incident_groups, incidents

    class Counted(incident_groups.Held):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            HELD.append(0)
            SCANNED.append(0)
            self._slot = len(HELD) - 1

        def hold(self, *args: Any, **kwargs: Any) -> None:
            super().hold(*args, **kwargs)
            HELD[self._slot] = len(self.stored)

        def scan(self, *args: Any, **kwargs: Any) -> Any:
            found = super().scan(*args, **kwargs)
            SCANNED[self._slot] = getattr(self, "scanned", 0)
            return found

    incidents.Held = Counted  # type: ignore[misc]


def configure(extractor: Any, args: argparse.Namespace) -> None:
    """Turn off the suspects the switches name."""
    from worker import incident_groups
    from worker.extraction.decoding import pipeline_stages
    from worker.extraction.trigger_windows import WindowedMatcher

    if args.link_cache is not None:
        incident_groups._cache.max_events = args.link_cache
    candidates = extractor.candidates
    if args.spacy_decoding or args.no_lemma_cache:
        candidates.stages = pipeline_stages(
            extractor.nlp,
            held_gil=False if args.spacy_decoding else None,
            cache_lemmas=not args.no_lemma_cache,
        )
        heavy = {n for n, _ in candidates.heavy}
        candidates.heavy = [(n, p) for n, p in candidates.stages if n in heavy]
        candidates.whole = [(n, p) for n, p in candidates.stages if n not in heavy]
    if args.no_trigger_windows:
        ruler = extractor.nlp.get_pipe("eventwire_trigger_ruler")
        if isinstance(ruler.matcher, WindowedMatcher):
            ruler.matcher = ruler.matcher.matcher


def main() -> None:
    """Run the batches and print a line per checkpoint."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--link-cache", type=int, help="link cache size (default: the worker's)")
    parser.add_argument("--no-link", action="store_true", help="store events without linking")
    parser.add_argument("--spacy-decoding", action="store_true", help="spaCy's parser/NER loop")
    parser.add_argument("--no-lemma-cache", action="store_true")
    parser.add_argument("--no-trigger-windows", action="store_true")
    parser.add_argument("--no-extract", action="store_true", help="skip extraction (no events)")
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) before each reading")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N", help="top N sites")
    parser.add_argument("--types", type=int, default=0, metavar="N", help="top N growing types")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument(
        "--dates", choices=DATE_ORDERS, default="random", help="see make_corpus.generate"
    )
    args = parser.parse_args()

    from worker.processing import get_extractor, process_batch

    records = generate(
        args.articles, args.seed, follow_ups=(2, 5), novel_names=True, dates=args.dates
    )
    tmp = Path(tempfile.mkdtemp(prefix="memflat-probe-"))
    url = f"sqlite:///{args.db or tmp / 'probe.db'}"
    upgrade(url)
    engine = make_engine(url)
    ids: list[int] = []
    for start in range(0, len(records), 500):
        with session_scope(engine) as session:
            added = repository.add_articles(
                session,
                articles=[
                    NewArticle(text=r["text"], published=date.fromisoformat(r["published"]))
                    for r in records[start : start + 500]
                ],
            )
        ids += [a.article_id for a in added]
    del records
    from common.settings import get_settings

    settings = get_settings()
    extractor = get_extractor(settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths)
    configure(extractor, args)
    record_held()
    if args.no_extract:
        extractor.extract_many = lambda texts, batch_size=16: iter(())  # type: ignore[method-assign]
    libc = ctypes.CDLL("libc.so.6") if args.trim else None
    gc.collect()
    if args.tracemalloc:
        tracemalloc.start(8)
    snapshot = tracemalloc.take_snapshot() if args.tracemalloc else None
    types = type_counts() if args.types else None
    print(f"articles {len(ids):,} in {url}; start RSS {rss_mb():.0f} MB", flush=True)
    began, cpu = time.perf_counter(), time.process_time()
    done = 0
    for start in range(0, len(ids), args.batch_size):
        process_batch(
            ids[start : start + args.batch_size],
            engine=engine,
            extractor=extractor,
            batch_size=args.batch_size,
            link_incidents=not args.no_link,
        )
        before, done = done, min(start + args.batch_size, len(ids))
        if done // args.every == before // args.every and done != len(ids):
            continue
        gc.collect()
        if libc is not None:
            libc.malloc_trim(0)
        traced = ""
        if args.tracemalloc:
            current, peak = tracemalloc.get_traced_memory()
            traced = f" traced {current / 2**20:.1f} MB (peak {peak / 2**20:.1f})"
            tracemalloc.reset_peak()
        held = f" held max {max(HELD, default=0)} mean {sum(HELD) / max(len(HELD), 1):.0f}"
        if any(SCANNED):
            held += f" scored max {max(SCANNED)} mean {sum(SCANNED) / len(SCANNED):.0f}"
        HELD.clear()
        SCANNED.clear()
        print(
            f"{done:7,} RSS {rss_mb():6.1f} MB{traced}{held} cpu {time.process_time() - cpu:6.0f}s "
            + " ".join(f"{k}={v}" for k, v in cache_sizes(extractor).items()),
            flush=True,
        )
        if snapshot is not None:
            now = tracemalloc.take_snapshot()
            for stat in now.compare_to(snapshot, "traceback")[: args.tracemalloc]:
                where = " <- ".join(
                    f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback[:4]
                )
                print(f"    {stat.size_diff / 1024:+9.0f} kB {stat.count_diff:+7d}  {where}")
            snapshot = now
        if types is not None:
            now_types = type_counts()
            grown = (now_types - types).most_common(args.types)
            print("    types: " + ", ".join(f"{name} +{n}" for name, n in grown))
            types = now_types
    print(f"{done:,} articles in {time.perf_counter() - began:.0f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
