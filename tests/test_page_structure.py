"""Page furniture told from the story: headline, byline, dateline, captions, links, boilerplate."""

from __future__ import annotations

from datetime import date

import pytest

from worker.extraction.page_structure import read_page

PAGE = """N. Korea fires ballistic missile into East Sea: JCS
By Kim Soo-yeon
SEOUL, Nov. 5 (Yonhap) -- North Korea fired a short-range ballistic missile into the East Sea \
on Tuesday, the Joint Chiefs of Staff said.
A man watches a news broadcast showing the launch at Seoul Station. (Yonhap)
The launch came a day before the U.S. presidential election, officials in Seoul noted on \
Tuesday afternoon.
Related:
N. Korea slams joint drills
Kim inspects missile base
(Reporting by Hyonhee Shin; Editing by Ed Davies)
Copyright 2024 Yonhap News Agency. All rights reserved.
"""


def _kinds(text: str, published: date | None = None) -> list[tuple[str, str]]:
    page = read_page(text, published)
    return [(line.kind, text[line.start : line.end][:20]) for line in page.lines]


def test_a_wire_page_is_told_apart() -> None:
    kinds = [k for k, _ in _kinds(PAGE, date(2024, 11, 5))]
    assert kinds == [
        "headline", "byline", "body", "caption", "body", "related", "related", "related",
        "boilerplate", "boilerplate",
    ]  # fmt: skip


def test_the_dateline_gives_place_agency_and_date() -> None:
    page = read_page(PAGE, None)
    assert page.dateline is not None
    assert (page.dateline.place, page.dateline.agency) == ("SEOUL", "Yonhap")
    # No publication date passed: the year comes from the first one the page names.
    assert page.dateline.date == date(2024, 11, 5)
    no_year = read_page(PAGE.replace("Copyright 2024", "Copyright"), None)
    assert no_year.dateline is not None and no_year.dateline.date is None
    with_year = read_page(PAGE, date(2024, 11, 6))
    assert with_year.dateline is not None
    assert with_year.dateline.date == date(2024, 11, 5)
    # Filed Dec. 31, published Jan. 1: the year before.
    late = read_page("MOSCOW, Dec. 31 (TASS) -- Russia said so on Tuesday.", date(2025, 1, 1))
    assert late.dateline is not None and late.dateline.date == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("opening", "place", "agency"),
    [
        ("UNITED NATIONS (AP) — The Security Council voted on Friday.", "UNITED NATIONS", "AP"),
        ("WASHINGTON — The Treasury imposed sanctions on Monday.", "WASHINGTON", None),
        ("Pyongyang, September 10 (KCNA) -- Kim Jong Un watched a test.", "Pyongyang", "KCNA"),
        ("KYIV, Ukraine, Jan. 5 (Reuters) - Ukraine said on Friday.", "KYIV", "Reuters"),
        ("Tehran, May 28, IRNA -- The Sultan of Oman arrived on Sunday.", "Tehran", "IRNA"),
    ],
)
def test_dateline_forms(opening: str, place: str, agency: str | None) -> None:
    page = read_page(opening, date(2024, 9, 11))
    assert page.dateline is not None
    assert (page.dateline.place, page.dateline.agency) == (place, agency)


@pytest.mark.parametrize(
    "opening",
    [
        "Kim - the leader - watched the launch with his daughter on Tuesday morning.",
        "Officials: the missile flew about 1,000 km before it fell into the sea today.",
        "SEOUL-based analysts said the launch was a warning to Washington and Tokyo.",
    ],
)
def test_body_openings_are_not_datelines(opening: str) -> None:
    page = read_page(opening, date(2024, 9, 11))
    assert page.dateline is None
    assert [line.kind for line in page.lines] == ["body"]


def test_a_lone_short_sentence_is_body_not_headline() -> None:
    assert [k for k, _ in _kinds("Iran tested a missile.")] == ["body"]


def test_a_bulleted_list_in_the_story_is_body() -> None:
    text = (
        "Key points of the day as reported by the agency on Friday evening in the capital.\n"
        "- North Korea fired two missiles\n"
        "- Seoul condemned the launch\n"
    )
    assert [k for k, _ in _kinds(text)] == ["body", "body", "body"]


def test_kind_at_finds_the_line_of_an_offset() -> None:
    page = read_page(PAGE, date(2024, 11, 5))
    assert page.kind_at(PAGE.index("fires ballistic")) == "headline"
    assert page.kind_at(PAGE.index("short-range")) == "body"
    assert page.kind_at(PAGE.index("news broadcast")) == "caption"
    assert page.headline is not None and PAGE[page.headline.start :].startswith("N. Korea")


def test_the_summary_under_a_headline_is_a_standfirst() -> None:
    page = (
        "Seoul and Tokyo agree to resume defence talks\n"
        "The two neighbours said the talks would rebuild trust after years of disputes over "
        "history.\n"
        "Published On 3 Jun 2024\n"
        "South Korea and Japan agreed on Sunday to resume defence talks that had been frozen "
        "since 2018, their defence ministers said after meeting in Singapore.\n"
    )
    assert [k for k, _ in _kinds(page)] == ["headline", "standfirst", "boilerplate", "body"]


@pytest.mark.parametrize(
    "second",
    [
        # The story's first paragraph, under its byline: no standfirst.
        "By Kim Soo-yeon",
        # A lead followed by more story.
        "South Korea and Japan agreed on Sunday to resume defence talks frozen since 2018.",
    ],
)
def test_a_first_paragraph_is_no_standfirst(second: str) -> None:
    page = (
        "Seoul and Tokyo agree to resume defence talks\n"
        f"{second}\n"
        "The defence ministers met in Singapore on the sidelines of a security forum.\n"
        "They agreed to set up a hotline between their navies, officials said.\n"
    )
    assert "standfirst" not in [k for k, _ in _kinds(page)]
