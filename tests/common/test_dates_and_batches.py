"""common.dates (cut to precision, event day) and common.batching.batched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from common.batching import batched
from common.dates import date_text, event_day

D = date(2023, 7, 27)


@pytest.mark.parametrize(
    ("precision", "expected"),
    [("day", "2023-07-27"), ("month", "2023-07"), ("year", "2023"), (None, "2023-07-27")],
)
def test_date_text_cuts_to_the_precision(precision: str | None, expected: str) -> None:
    assert date_text(D, precision) == expected


def test_date_text_of_no_date_is_none() -> None:
    assert date_text(None, "month") is None


def test_event_day_prefers_the_events_own_date() -> None:
    published = date(2023, 7, 28)
    assert event_day(D, published) == D
    assert event_day(None, published) == published
    assert event_day(None, None) is None


def test_batched_cuts_lazily_with_a_short_last_batch() -> None:
    pulled: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(7):
            pulled.append(n)
            yield n

    batches = batched(numbers(), 3)
    assert next(batches) == (0, 1, 2)
    assert pulled == [0, 1, 2]  # nothing read ahead of the batch
    assert list(batches) == [(3, 4, 5), (6,)]
    assert list(batched([], 3)) == []


def test_batched_refuses_a_size_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], 0))
