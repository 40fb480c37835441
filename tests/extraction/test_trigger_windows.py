"""The trigger ruler matching only where a pattern can start (trigger_windows.py) finds what
spaCy's Matcher finds on the whole doc."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from worker.extraction import Extractor
from worker.extraction.trigger_windows import WindowedMatcher, trigger_reach

NEWS = Path(__file__).resolve().parents[2] / "data" / "gold" / "news" / "dev.jsonl"


def _spans(matches: list[Any]) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.label_, m.id_) for m in matches]


def test_windows_find_the_whole_docs_matches(extractor: Extractor) -> None:
    ruler: Any = extractor.nlp.get_pipe("eventwire_trigger_ruler")
    windowed = ruler.matcher
    assert isinstance(windowed, WindowedMatcher)
    lines = NEWS.read_text(encoding="utf-8").splitlines()[:40]
    texts = [json.loads(line)["text"] for line in lines]
    texts += ["", "said", "They will add it to the list of sanctioned entities, he said."]
    docs = list(extractor.nlp.pipe(texts, disable=["eventwire_trigger_ruler"]))
    found = [_spans(ruler.match(doc)) for doc in docs]
    try:
        ruler.matcher = windowed.matcher
        whole = [_spans(ruler.match(doc)) for doc in docs]
    finally:
        ruler.matcher = windowed
    assert found == whole
    assert sum(map(len, found)) > 100


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LEMMA": "say"}, {"OP": "*"}],  # unbounded
        [{"POS": "VERB"}],  # no words to look for
        [{"LOWER": "the", "OP": "?"}, {"LEMMA": "launch"}],  # may start one token later
    ],
)
def test_a_pattern_that_cannot_be_bounded_keeps_the_whole_doc(pattern: list[Any]) -> None:
    assert trigger_reach([{"pattern": [{"LEMMA": "veto"}]}, {"pattern": pattern}]) is None


def test_reach_is_the_longest_pattern_from_each_first_word() -> None:
    reach = trigger_reach(
        [
            {"pattern": [{"LEMMA": {"IN": ["add", "say"]}}]},
            {"pattern": [{"LEMMA": "add"}, {"OP": "{0,14}"}, {"LOWER": "to"}]},
        ]
    )
    assert reach == {"add": 16, "say": 1}
