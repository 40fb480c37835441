"""dashboard.filters parsing and formatting of query-string values (no Streamlit run)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.filters import _format, _parse


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("f_types", "launch, parade,", ["launch", "parade"]),
        ("f_countries", "rus,ukr", ["RUS", "UKR"]),
        ("f_since", "2024-03-01", date(2024, 3, 1)),
        ("f_confidence", "1.7", 1.0),
        ("f_bucket", "month", "month"),
        ("f_actor", "Kim", "Kim"),
    ],
)
def test_parse_round_trips(key: str, raw: str, value: object) -> None:
    assert _parse(key, raw) == value
    assert _parse(key, _format(value)) == value


@pytest.mark.parametrize(
    ("key", "raw"), [("f_since", "soon"), ("f_bucket", "year"), ("f_confidence", "high")]
)
def test_parse_rejects_malformed_values(key: str, raw: str) -> None:
    with pytest.raises(ValueError):
        _parse(key, raw)
