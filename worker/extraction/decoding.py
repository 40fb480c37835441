"""Run the parser and the NER with the same annotations as spaCy's, at up to twice the speed.

spaCy's transition-based components (``parser``, ``ner``) decode greedily in a Cython loop
that releases the GIL (``Parser.greedy_parse``). spaCy's wheels for Python before 3.12 are
compiled with Cython's profiling hooks on, which makes every small ``nogil`` function of that
loop (``StateC.B_``, ``safe_get``, each action's ``is_valid``) take and drop the GIL to check
for a profiler: on this machine, two thirds of the NER's time and two fifths of the parser's
went to locking the GIL's mutex (seen with ``perf``; on Python 3.12 the same wheels' loop has
no such cost). :class:`HeldGilDecoder` runs the same decoding step by step from Python, the
way spaCy's own training loop does (the component's step model scores the states,
``Parser.transition_states`` applies the best valid action): the GIL is then already held, so
the hooks cost little. The states, and so the annotations, are the same as spaCy's (the same
step model, the same scores, the same choice of action): tests/extraction/test_decoding.py
checks that on real news, and bench/parse_candidates.py that events are identical on every
gold set.

:func:`pipeline_stages` gives the pipeline's components with the parser and NER wrapped
where that is faster (:func:`held_gil_is_faster`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.pipeline import DependencyParser, EntityRecognizer
from spacy.tokens import Doc
from spacy.util import minibatch

from worker.extraction.lemma_cache import CachedLemmatizer, can_cache

#: Docs decoded together (sorted by length, as spaCy does): per step the Python loop costs the
#: same for any number of states, and beyond about 16 docs the step model's features no longer
#: sit in the CPU's cache (measured on news: 16 was fastest of 4, 16, 64 and 256).
SUB_BATCH = 16


def held_gil_is_faster() -> bool:
    """True where spaCy's compiled decoding loop pays for profiling hooks: Python before
    3.12, for which spaCy 3.8's wheels are built with Cython's ``profile`` directive (on 3.12
    spaCy's own loop is faster than the Python one, and is kept)."""
    return sys.version_info < (3, 12)


class HeldGilDecoder:
    """A spaCy parser or NER decoded greedily from Python, holding the GIL.

    Parameters:
      component: the pipeline's ``parser`` or ``ner`` (greedy: ``beam_width`` 1).
      sub_batch: docs decoded together.
    """

    def __init__(self, component: Any, sub_batch: int = SUB_BATCH) -> None:
        self.component = component
        self.sub_batch = sub_batch

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one doc."""
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        """Annotate ``docs`` in batches, yielding them in order."""
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for start in range(0, len(by_length), self.sub_batch):
                self._annotate(by_length[start : start + self.sub_batch])
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        self.component.set_annotations(docs, self.decode(docs))

    def decode(self, docs: list[Doc]) -> list[Any]:
        """The final parser states of ``docs`` (what ``Parser.predict`` returns)."""
        component = self.component
        if not any(len(doc) for doc in docs):
            return component.moves.init_batch(docs)  # type: ignore[no-any-return]
        # In the order of Parser.greedy_parse: labels first (the NER may grow), then states.
        component._ensure_labels_are_added(docs)
        states = component.moves.init_batch(docs)
        model = component.model.predict(docs)  # tokens' features, computed once per batch
        active = [state for state in states if not state.is_final()]
        while active:
            scores = model.predict(active)
            active = component.transition_states(active, scores)
        model.clear_memory()
        return states


def can_decode(component: Any) -> bool:
    """True for a greedy spaCy parser or NER (the only components :class:`HeldGilDecoder`
    knows how to run)."""
    return (
        isinstance(component, (DependencyParser, EntityRecognizer))
        and component.cfg.get("beam_width", 1) == 1
    )


def pipeline_stages(
    nlp: Language, held_gil: bool | None = None, *, cache_lemmas: bool = True
) -> list[tuple[str, Any]]:
    """(name, component) of ``nlp``'s pipeline as the extractor runs it: the greedy parser and
    NER by :class:`HeldGilDecoder` if ``held_gil`` (default: where that is faster), the rule
    lemmatizer with a cache (lemma_cache.py) if ``cache_lemmas``."""
    wrap = held_gil_is_faster() if held_gil is None else held_gil
    stages: list[tuple[str, Any]] = []
    for name, proc in nlp.pipeline:
        if wrap and can_decode(proc):
            proc = HeldGilDecoder(proc)
        elif cache_lemmas and can_cache(proc):
            proc = CachedLemmatizer(proc)
        stages.append((name, proc))
    return stages


def run_stages(
    stages: list[tuple[str, Any]], docs: Iterable[Doc], batch_size: int
) -> Iterator[Doc]:
    """``docs`` through ``stages`` lazily, as ``Language.pipe`` runs its components."""
    for _name, proc in stages:
        docs = _apply(proc, docs, batch_size)
    return iter(docs)


def _apply(proc: Any, docs: Iterable[Doc], batch_size: int) -> Iterable[Doc]:
    """``proc`` over ``docs``, lazily (a function of its own, so each stage keeps its own
    ``proc``: a generator expression in the loop would see only the last one)."""
    if hasattr(proc, "pipe"):
        return proc.pipe(docs, batch_size=batch_size)
    return (proc(doc) for doc in docs)
