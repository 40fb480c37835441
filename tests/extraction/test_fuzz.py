"""Property-based: any text, however odd, gives events or nothing, never a crash."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.extraction import ArticleText, Extractor

WORDS = st.sampled_from(
    [
        "Russia",
        "North Korea",
        "condemned",
        "launched",
        "a",
        "missile",
        "on",
        "Thursday",
        "the",
        "parade",
        "vetoed",
        "resolution",
        "met",
        "with",
        "Kim",
        "said",
        "“",
        "”",
        "\n",
        ",",
        ".",
        "he",
        "did",
        "not",
        "will",
        "if",
        "drills",
        "sanctions",
        "U.S.",
        "Beijing",
        "—",
        "(",
        ")",
    ]
)
newsy_text = st.lists(WORDS, max_size=60).map(" ".join)
any_text = st.text(max_size=400)


def _check(extractor: Extractor, text: str, published: date | None) -> None:
    article = ArticleText("fuzz", text, published)
    for event in extractor.extract(article):
        assert event.sentence.strip()
        assert (
            event.sentence in text[event.start : event.end]
            or text[event.start : event.end].strip() in event.sentence
        )
        assert 0.0 <= event.confidence <= 1.0
        if (
            event.date is not None
            and published is not None
            and event.modality == "asserted"
            and event.date_precision == "day"
        ):
            assert event.date <= published
        event.to_dict()


@given(newsy_text, st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_newsy_word_salad_never_crashes(
    extractor: Extractor, text: str, published: date | None
) -> None:
    _check(extractor, text, published)


@given(any_text)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_unicode_never_crashes(extractor: Extractor, text: str) -> None:
    _check(extractor, text, date(2024, 3, 15))
