"""The parser and NER decoded holding the GIL (worker/extraction/decoding.py) give spaCy's
own annotations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from worker.extraction import Extractor
from worker.extraction.decoding import (
    HeldGilDecoder,
    held_gil_is_faster,
    pipeline_stages,
    run_stages,
)

NEWS = Path(__file__).resolve().parents[2] / "data" / "gold" / "news" / "dev.jsonl"


def _analysis(doc: Any) -> list[tuple[Any, ...]]:
    tokens = [(t.tag_, t.lemma_, t.head.i, t.dep_, t.is_sent_start, t.ent_iob_) for t in doc]
    return [*tokens, *((e.start, e.end, e.label_) for e in doc.ents)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Twenty real news articles, and a few edge cases (empty, one word, spaces only)."""
    lines = NEWS.read_text(encoding="utf-8").splitlines()[:20]
    return [json.loads(line)["text"] for line in lines] + ["", "Hello", "  \n "]


def test_held_gil_decoding_gives_spacys_annotations(extractor: Extractor, texts: list[str]) -> None:
    nlp = extractor.nlp
    held = pipeline_stages(nlp, held_gil=True)
    assert sum(isinstance(p, HeldGilDecoder) for _, p in held) == 2  # the parser and the NER
    for batch_size in (1, 7, 16):
        ours = list(run_stages(held, (nlp.make_doc(t) for t in texts), batch_size))
        spacys = list(nlp.pipe(texts, batch_size=batch_size))
        assert [_analysis(d) for d in ours] == [_analysis(d) for d in spacys]


def test_a_single_doc_is_decoded_as_nlp_does(extractor: Extractor, texts: list[str]) -> None:
    parser = HeldGilDecoder(extractor.nlp.get_pipe("parser"))
    ner = HeldGilDecoder(extractor.nlp.get_pipe("ner"))
    doc = extractor.nlp.make_doc(texts[0])
    for name, proc in extractor.nlp.pipeline:
        doc = {"parser": parser, "ner": ner}.get(name, proc)(doc)
    assert _analysis(doc) == _analysis(extractor.nlp(texts[0]))


def test_spacys_decoding_is_kept_where_it_is_faster(extractor: Extractor) -> None:
    stages = dict(pipeline_stages(extractor.nlp))
    wrapped = isinstance(stages["ner"], HeldGilDecoder)
    assert wrapped == held_gil_is_faster() == (sys.version_info < (3, 12))
    assert not isinstance(stages["tagger"], HeldGilDecoder)
