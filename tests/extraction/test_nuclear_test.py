"""Gold sentences of the nuclear_test type: a nuclear test is not a launch.

Every sentence is written for these tests, published on Friday 2024-03-15 (conftest.PUBLISHED).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from worker.extraction import ExtractedEvent, asserted_only

Extract = Callable[..., list[ExtractedEvent]]


def _types(events: list[ExtractedEvent]) -> list[str]:
    return [e.type for e in asserted_only(events)]


@pytest.mark.parametrize(
    ("text", "agent", "date_text"),
    [
        ("North Korea conducted its sixth nuclear test on Sunday.", "PRK", "2024-03-10"),
        ("Pyongyang detonated a nuclear device at Punggye-ri on Monday.", "PRK", "2024-03-11"),
        ("North Korea tested a nuclear weapon on Sunday.", "PRK", "2024-03-10"),
        ("Iran carried out an underground test near Qom on Friday.", "IRN", "2024-03-15"),
        ("India conducted three underground nuclear tests in May 1998.", "IND", "1998-05"),
        ("Pakistan's nuclear test was held on Thursday in Balochistan.", "PAK", "2024-03-14"),
    ],
)
def test_nuclear_tests(extract: Extract, text: str, agent: str, date_text: str) -> None:
    events = extract(text)
    assert _types(events) == ["nuclear_test"], text
    (test,) = asserted_only(events)
    assert {a.country for a in test.actors if a.role == "agent"} == {agent}
    assert test.date_text == date_text


def test_the_ordinal_of_a_nuclear_test_is_kept(extract: Extract) -> None:
    (test,) = extract("North Korea conducted its sixth nuclear test on Sunday.")
    assert test.attributes["ordinal"] == "sixth"


@pytest.mark.parametrize(
    "text",
    [
        "North Korea carried out a missile test on Tuesday.",
        "North Korea fired a nuclear-capable missile test on Tuesday.",
        "India test-fired an Agni-5 missile on Monday.",
    ],
)
def test_missile_tests_stay_launches(extract: Extract, text: str) -> None:
    assert _types(extract(text)) == ["launch"], text


@pytest.mark.parametrize(
    "text",
    [
        "North Korea threatened a seventh nuclear test.",
        "North Korea could conduct a nuclear test if talks fail.",
        "North Korea did not conduct a nuclear test on Sunday.",
        "The nuclear test ban treaty was signed in 1996.",
    ],
)
def test_no_asserted_nuclear_test(extract: Extract, text: str) -> None:
    assert "nuclear_test" not in _types(extract(text)), text
    assert "launch" not in _types(extract(text)), text


def test_a_reaction_to_a_detonation_targets_the_tester(extract: Extract) -> None:
    events = extract(
        "North Korea detonated a nuclear device on Sunday. Japan condemned the detonation."
    )
    statement = next(e for e in events if e.type == "statement")
    assert {a.country for a in statement.actors if a.role == "target"} == {"PRK"}
