"""A page's furniture and its events: headlines and captions are mentions of the story's
events, never new ones; links and boilerplate report nothing; the dateline dates the story."""

from __future__ import annotations

from datetime import date

from worker.extraction import ArticleText, Extractor

PAGE = """N. Korea fires ICBM into East Sea
By Kim Min-ji
SEOUL, July 12 (Yonhap) -- North Korea fired an intercontinental ballistic missile into the \
East Sea on Wednesday, South Korea's Joint Chiefs of Staff said.
A man watches a TV news report on the launch at Seoul Station. (Yonhap)
Japan's Chief Cabinet Secretary Hirokazu Matsuno condemned the launch as a threat to peace.
Related:
N. Korea fires cruise missiles off west coast
(END)
"""


def _events(extractor: Extractor, text: str, published: date | None) -> list:
    return [
        e
        for e in extractor.extract(ArticleText("p1", text, published=published))
        if e.modality == "asserted"
    ]


def test_headline_and_caption_are_mentions_of_the_story_event(extractor: Extractor) -> None:
    events = _events(extractor, PAGE, date(2023, 7, 12))
    launches = [e for e in events if e.type == "launch"]
    assert len(launches) == 1, [e.sentence for e in launches]
    [launch] = launches
    assert launch.sentence.startswith(("SEOUL, July 12", "North Korea fired an intercontinental"))
    told = [m.sentence for m in launch.mentions]
    assert "N. Korea fires ICBM into East Sea" in told
    assert launch.sentence in told
    assert [m.start for m in launch.mentions] == sorted(m.start for m in launch.mentions)
    for mention in launch.mentions:
        assert PAGE[mention.start : mention.end] == mention.sentence


def test_related_links_report_nothing(extractor: Extractor) -> None:
    events = _events(extractor, PAGE, date(2023, 7, 12))
    assert not any("cruise missiles" in e.sentence for e in events)
    assert not any("cruise missiles" in m.sentence for e in events for m in e.mentions)


def test_the_dateline_dates_a_story_published_without_a_date(extractor: Extractor) -> None:
    with_year = PAGE.replace("(END)", "(END) 2023")
    [launch] = [e for e in _events(extractor, with_year, None) if e.type == "launch"]
    assert launch.date == date(2023, 7, 12)


def test_an_event_told_only_in_a_headline_is_kept(extractor: Extractor) -> None:
    text = (
        "Russia test-fires Sarmat missile\n"
        "The Kremlin said the test showed the strength of the country's nuclear forces and "
        "that the new system would be deployed by the end of the year, officials added.\n"
    )
    launches = [e for e in _events(extractor, text, date(2022, 4, 20)) if e.type == "launch"]
    assert [e.sentence for e in launches] == ["Russia test-fires Sarmat missile"]


def test_an_inline_read_link_reports_nothing(extractor: Extractor) -> None:
    page = (
        "MANILA (Inquirer) — The Philippines on Thursday protested China's plan for a nature "
        "reserve at Scarborough Shoal.\n"
        "READ: Marcos meets Japan PM on defense pact implementation\n"
        "The foreign ministry said the plan violated Philippine sovereignty.\n"
    )
    events = _events(extractor, page, date(2025, 9, 11))
    assert not any(e.type == "meeting" for e in events), [e.sentence for e in events]
