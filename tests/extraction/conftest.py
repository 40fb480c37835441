"""Fixtures of the extractor tests: one pipeline per session, because loading spaCy is slow."""

from __future__ import annotations

from datetime import date

import pytest

from worker.extraction import ArticleText, ExtractedEvent, Extractor

#: A Friday: relative dates in the sentence cases resolve against it.
PUBLISHED = date(2024, 3, 15)


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The default extractor, loaded once for the whole test session."""
    return Extractor()


@pytest.fixture(scope="session")
def extract(extractor: Extractor):  # type: ignore[no-untyped-def]
    """Extract the events (every modality) of one sentence published on ``PUBLISHED``."""

    def run(text: str, published: date | None = PUBLISHED) -> list[ExtractedEvent]:
        return extractor.extract(ArticleText("t", text, published))

    return run
