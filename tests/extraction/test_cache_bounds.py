"""The extractor's per-process caches stay within a memory budget at their bound.

A worker runs for days and meets new names in every article, so each cache keyed by what the
text holds fills up to its bound: the bound times what an entry takes is what the worker keeps.
The sizes of entries are measured here on real articles (the same way bench/memory_probe.py's
readings were explained), so raising a bound past the budget fails this test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from worker.extraction import Extractor, attribute_matching, lemma_cache

NEWS = Path(__file__).resolve().parents[2] / "data" / "gold" / "news" / "dev.jsonl"
#: What one cache may keep at its bound (a worker's RSS is about 300 MB).
BUDGET_BYTES = 16 * 2**20


def _deep_size(obj: Any, seen: set[int]) -> int:
    """Bytes of ``obj`` and of the containers and values it holds, each object counted once."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, (tuple, list, set, frozenset)):
        size += sum(_deep_size(x, seen) for x in obj)
    return size


def _per_entry(cache: dict[Any, Any], shared: Any = ()) -> float:
    # The dict's own table is counted too; objects every entry shares (the compiled
    # patterns) are not.
    seen = {id(x) for x in shared}
    return _deep_size(cache, seen) / len(cache)


def test_caches_keyed_by_text_fit_the_budget_at_their_bound(extractor: Extractor) -> None:
    texts = [
        json.loads(line)["text"] for line in NEWS.read_text(encoding="utf-8").splitlines()[:40]
    ]
    with extractor.nlp.memory_zone():
        for _doc in extractor.nlp.pipe(texts):
            pass
    matcher: Any = extractor.nlp.get_pipe("attribute_ruler").match
    assert isinstance(matcher, attribute_matching.IndexedMatches)
    shared = [obj for _attr_id, tests in matcher.patterns for obj in (tests, *tests)]
    views = _per_entry(matcher._cache, shared)
    assert 200 < views < 2000  # the measure itself is sane
    assert attribute_matching.CACHE_SIZE * views <= BUDGET_BYTES

    lemmatizer = lemma_cache.CachedLemmatizer(extractor.nlp.get_pipe("lemmatizer"))
    with extractor.nlp.memory_zone():
        for doc in extractor.nlp.pipe(texts, disable=["lemmatizer"]):
            lemmatizer(doc)
    lemmas = _per_entry(lemmatizer.cache)
    assert 50 < lemmas < 2000
    assert lemma_cache.CACHE_SIZE * lemmas <= BUDGET_BYTES
