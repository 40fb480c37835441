"""The rule lemmatizer's lemmas, remembered by what decides them.

spaCy's rule ``lemmatizer`` visits every token from Python (a ``Token`` object, its morphology
read as an object, the lemma written back as a string), which is about a tenth of the pipeline's
time once the parser and NER are decoded fast (bench/profile_pipeline.py). Its lemma depends on
nothing but the token's form, part of speech and morphology (the rules, exceptions and
``is_base_form`` read only those), so :class:`CachedLemmatizer` reads the three for a whole doc
as one array, asks the lemmatizer only about combinations it has not seen, and writes all
lemmas back as one array: the same lemmas (tests/extraction/test_lemma_cache.py compares it
with spaCy's on real news). Tokens that already have a lemma (the attribute ruler's) keep it,
as spaCy's does unless ``overwrite`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.tokens import Doc

#: Distinct (form, part of speech, morphology) remembered before the cache starts over: at
#: about 300 bytes an entry, at most 15 MB, while the common words of news stay warm (a worker's
#: RSS must stay flat as new names keep coming).
CACHE_SIZE = 50_000


class CachedLemmatizer:
    """Runs a rule lemmatizer with a cache of its lemmas.

    Parameters:
      lemmatizer: the pipeline's ``lemmatizer`` component (mode ``rule``).
    """

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        # Lemma strings, not their hashes: a memory zone may drop a string from the store,
        # so each doc adds the ones it uses.
        self.cache: dict[tuple[int, int, int], str] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Lemmatize ``doc``."""
        if not len(doc):
            return doc
        lemmatizer = self.lemmatizer
        overwrite = bool(getattr(lemmatizer, "overwrite", False))
        cache = self.cache
        if len(cache) > CACHE_SIZE:
            cache.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        strings = doc.vocab.strings
        hashes: dict[str, int] = {}
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not overwrite:
                lemmas.append(lemma)
                continue
            key = (orth, pos, morph)
            text = cache.get(key)
            if text is None:
                text = cache[key] = lemmatizer.lemmatize(doc[i])[0]
            value = hashes.get(text)
            if value is None:
                value = hashes[text] = strings.add(text)
            lemmas.append(value)
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Lemmatize ``docs`` one by one (``batch_size`` is accepted for ``Language.pipe``)."""
        for doc in docs:
            yield self(doc)


def can_cache(component: Any) -> bool:
    """True for spaCy's rule lemmatizer (whose lemmas depend only on form, part of speech and
    morphology)."""
    from spacy.pipeline import Lemmatizer

    return isinstance(component, Lemmatizer) and component.mode == "rule"
