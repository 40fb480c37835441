"""Parsing only the candidate sentences (worker/extraction/candidates.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from worker.extraction import Extractor
from worker.extraction.candidates import (
    UNPARSED,
    SentenceSelector,
    TriggerWords,
    check_mode,
    sentence_starts,
)
from worker.extraction.components import trigger_patterns
from worker.extraction.types import ArticleText

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "articles.jsonl"

ARTICLE = (
    "SEOUL, Oct. 31 (Yonhap) -- North Korea fired a ballistic missile on Thursday.\n"
    "The weather in the capital was mild and the markets were calm. Traffic was light.\n"
    "Shops stayed open late into the evening across the city centre.\n"
    "The weather was mild again.\n"
    "He said the launch was a provocation."
)


@pytest.fixture
def mode(extractor: Extractor) -> Iterator[None]:
    """Restore the session extractor's parse mode after a test switches it."""
    before = extractor.candidates.mode
    yield
    extractor.candidates.mode = before


def test_trigger_words_cover_inflections(extractor: Extractor) -> None:
    words = TriggerWords(extractor.nlp, trigger_patterns(extractor.event_types))
    assert words.complete
    for form in ("said", "told", "met", "fired", "launches", "vetoed", "paraded", "condemning"):
        assert form in words
    assert "weather" not in words


def test_sentence_starts_follow_lines_and_full_stops(extractor: Extractor) -> None:
    doc = extractor.nlp.make_doc(
        'He said: "We will go." Then he left.\nU.S. officials met. "Next time in Moscow."'
    )
    starts = [doc[i].text for i in sentence_starts(doc)]
    # '."' closes the quote, it does not open a sentence; "U.S." opens a line.
    assert starts == ["He", "Then", "U.S.", '"']


def test_only_trigger_sentences_and_their_context_are_parsed(
    extractor: Extractor, mode: None
) -> None:
    extractor.candidates.mode = "candidates"
    ((doc, _),) = extractor.candidates.pipe([(ARTICLE, None)])
    full = extractor.nlp(ARTICLE)
    assert doc.text == ARTICLE
    assert [t.text for t in doc] == [t.text for t in full]
    parsed = [s.text.strip() for s in doc.sents if s[0].dep_ != UNPARSED]
    skipped = [s.text.strip() for s in doc.sents if s[0].dep_ == UNPARSED]
    # The lead, the trigger sentence and the one before it are parsed; the rest is not.
    assert parsed[0].startswith("SEOUL")
    assert parsed[-2:] == ["The weather was mild again.", "He said the launch was a provocation."]
    assert "Shops stayed open late into the evening across the city centre." in skipped
    assert all(not t.pos_ and not t.ent_type_ for s in doc.sents if s.text in skipped for t in s)
    # A parsed sentence has the analysis the whole article's parse gives it.
    last = list(doc.sents)[-1]
    full_last = list(full.sents)[-1]
    assert [(t.pos_, t.dep_, t.head.i, t.lemma_) for t in last] == [
        (t.pos_, t.dep_, t.head.i, t.lemma_) for t in full_last
    ]


def test_an_article_without_triggers_is_not_parsed(extractor: Extractor, mode: None) -> None:
    extractor.candidates.mode = "candidates"
    text = "The weather was mild.\nShops stayed open late."
    ((doc, _),) = extractor.candidates.pipe([(text, None)])
    assert doc.text == text
    assert not doc.has_annotation("TAG")
    assert extractor.extract(ArticleText("quiet", text, date(2024, 1, 1))) == []


def test_events_are_the_same_as_with_every_sentence_parsed(
    extractor: Extractor, mode: None
) -> None:
    articles = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        published = date.fromisoformat(record["published"])
        articles.append(ArticleText(record["id"], record["text"], published))
    articles.append(ArticleText("short", ARTICLE, date(2024, 10, 31)))
    extractor.candidates.mode = "all"
    everything = [[e.to_dict() for e in events] for _, events in extractor.extract_many(articles)]
    extractor.candidates.mode = "candidates"
    candidates = [[e.to_dict() for e in events] for _, events in extractor.extract_many(articles)]
    assert candidates == everything
    assert any(everything)


def test_selector_keeps_every_sentence_when_a_pattern_has_no_words(extractor: Extractor) -> None:
    patterns = [{"label": "x", "pattern": [{"POS": "VERB"}]}]
    selector = SentenceSelector(TriggerWords(extractor.nlp, patterns))
    plan = selector.plan(extractor.nlp.make_doc(ARTICLE))
    assert all(plan.keep)


def test_check_mode_rejects_unknown_modes() -> None:
    assert check_mode("all") == "all"
    with pytest.raises(ValueError, match="candidates"):
        check_mode("some")
