"""The rule lemmatizer with a cache (worker/extraction/lemma_cache.py) gives spaCy's lemmas."""

from __future__ import annotations

import json
from pathlib import Path

from worker.extraction import Extractor
from worker.extraction.lemma_cache import CachedLemmatizer

NEWS = Path(__file__).resolve().parents[2] / "data" / "gold" / "news" / "dev.jsonl"


def test_cached_lemmas_are_spacys(extractor: Extractor) -> None:
    nlp = extractor.nlp
    lines = NEWS.read_text(encoding="utf-8").splitlines()[:30]
    texts = [json.loads(line)["text"] for line in lines] + ["", "Was", "The UN's vetoes"]
    cached = CachedLemmatizer(nlp.get_pipe("lemmatizer"))
    for _round in range(2):  # a cold cache, then a warm one
        with nlp.select_pipes(disable=["lemmatizer"]):
            docs = list(nlp.pipe(texts))
        ours = [[t.lemma_ for t in cached(doc)] for doc in docs]
        assert ours == [[t.lemma_ for t in doc] for doc in nlp.pipe(texts)]
    assert cached.cache
    # The attribute ruler's lemmas are kept, as spaCy keeps them.
    assert "be" in {t.lemma_ for doc in docs for t in doc if t.lower_ == "was"}
