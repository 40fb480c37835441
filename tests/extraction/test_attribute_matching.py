"""Indexed attribute-ruler matching (worker/extraction/attribute_matching.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import spacy

from common.spacy_model import default_model
from worker.extraction import Extractor
from worker.extraction.attribute_matching import IndexedMatches, index_attribute_ruler

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    json.loads(line)["text"]
    for name in ("data/sample/articles.jsonl", "data/gold/sample-gold.jsonl")
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
    if line.strip()
] + [
    "I'd say he ain't gonna go. We're done, aren't we? You can't.\n\n  Them's the rules, innit.",
]
ATTRS = ("tag_", "pos_", "lemma_", "dep_")


def test_the_index_finds_the_matchers_matches_and_the_same_annotations() -> None:
    plain = spacy.load(default_model())
    indexed = spacy.load(default_model())
    assert index_attribute_ruler(indexed)
    ruler: Any = plain.get_pipe("attribute_ruler")
    for text in TEXTS:
        tagged = plain(text, disable=["attribute_ruler", "lemmatizer", "ner"])
        matches = IndexedMatches(ruler)(tagged)
        assert matches == sorted(set(ruler.match(tagged)))
        a, b = plain(text), indexed(text)
        assert [[getattr(t, x) for x in ATTRS] + [str(t.morph)] for t in a] == [
            [getattr(t, x) for x in ATTRS] + [str(t.morph)] for t in b
        ]


def test_patterns_the_index_cannot_read_keep_the_matcher() -> None:
    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("attribute_ruler")
    ruler.add(patterns=[[{"ORTH": "x", "OP": "+"}]], attrs={"LEMMA": "y"})
    before = ruler.match
    assert not index_attribute_ruler(nlp)
    assert ruler.match == before


def test_the_extractor_uses_the_index(extractor: Extractor) -> None:
    ruler: Any = extractor.nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, IndexedMatches)
