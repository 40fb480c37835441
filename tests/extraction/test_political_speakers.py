"""Only political speakers make statements (the gold convention): states, their bodies and
officials, international bodies, armed and political groups, religious leaders; never
executives, athletes, coaches, entertainers, journalists or analysts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from worker.extraction import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


def _statements(extract: Extract, text: str) -> list[ExtractedEvent]:
    return [e for e in extract(text) if e.type == "statement" and e.modality == "asserted"]


@pytest.mark.parametrize(
    "text",
    [
        "Nike Chief Executive Elliott Hill warned investors on Thursday that the comeback "
        "would take time.",
        "Tigers manager Akinobu Okada thanked the fans and praised his players on Thursday.",
        '"We are not done," coach Nick Sirianni warned the rest of the league on Friday.',
        "Uruguay captain Jose Maria Gimenez condemned the organisers on Wednesday.",
        "Nintendo President Shuntaro Furukawa has warned that demand could outstrip supply.",
        "TM Roh, president and head of Samsung's mobile business, said the phones would "
        '"open a new era".',
        "Designer Jonas Reuter condemned the fast-fashion industry for flooding the planet "
        "with waste.",
    ],
)
def test_non_political_speakers_make_no_statement(extract: Extract, text: str) -> None:
    assert _statements(extract, text) == []


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Foreign Ministry spokesperson Lin Jian condemned the drills on Monday.", "CHN"),
        ("JCS spokesperson Lee Sung-joon told reporters the claim was a deception.", None),
        ("Archbishop Desmond Tutu on Sunday called for sanctions against Nigeria.", None),
        ("Japanese Prime Minister Fumio Kishida condemned the launch on Friday.", "JPN"),
        ("Defense Secretary Gilberto Teodoro Jr. condemned the attack on Tuesday.", None),
    ],
)
def test_political_speakers_make_statements(
    extract: Extract, text: str, country: str | None
) -> None:
    [statement] = _statements(extract, text)
    agents = {a.country for a in statement.actors if a.role == "agent"}
    if country:
        assert agents == {country}


def test_a_surname_is_the_person_the_story_named_not_a_famous_namesake(
    extract: Extract,
) -> None:
    text = (
        "John Morales, chief meteorologist at NBC 6, paused on air on Tuesday. "
        'He warned viewers to prepare. "This is just horrific," Morales said.'
    )
    assert _statements(extract, text) == []
