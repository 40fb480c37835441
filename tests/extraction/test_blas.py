"""The spaCy model multiplies on numpy's BLAS, one thread (worker/extraction/blas.py), and
annotates exactly as with thinc's blis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info

from worker.extraction import Extractor
from worker.extraction.blas import blis_products, numpy_has_blas

NEWS = Path(__file__).resolve().parents[2] / "data" / "gold" / "news" / "dev.jsonl"

pytestmark = pytest.mark.skipif(not numpy_has_blas(), reason="numpy built without a BLAS")


def _layer_ops(extractor: Extractor) -> list[Any]:
    return [
        node.ops
        for _name, component in extractor.nlp.pipeline
        if hasattr(getattr(component, "model", None), "walk")
        for node in component.model.walk()
    ]


def _analysis(doc: Any) -> list[tuple[Any, ...]]:
    tokens = [(t.tag_, t.lemma_, t.head.i, t.dep_, t.is_sent_start, t.ent_iob_) for t in doc]
    return [*tokens, *((e.start, e.end, e.label_) for e in doc.ents)]


def test_every_layer_multiplies_with_numpy_on_one_thread(extractor: Extractor) -> None:
    ops = _layer_ops(extractor)
    assert len(ops) > 50  # tok2vec, tagger, parser and NER layers
    assert all(type(o) is NumpyOps and not o.use_blis for o in ops)
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)


def test_blis_products_restores_spacys_ops_for_the_block(extractor: Extractor) -> None:
    with blis_products(extractor.nlp):
        assert all(o.use_blis for o in _layer_ops(extractor))
    assert not any(o.use_blis for o in _layer_ops(extractor))


def test_numpy_products_give_the_annotations_blis_gives(extractor: Extractor) -> None:
    lines = NEWS.read_text(encoding="utf-8").splitlines()[:20]
    texts = [json.loads(line)["text"] for line in lines]
    nlp = extractor.nlp
    ours = [_analysis(doc) for doc in nlp.pipe(texts, batch_size=16)]
    with blis_products(nlp):
        spacys = [_analysis(doc) for doc in nlp.pipe(texts, batch_size=16)]
    assert ours == spacys
