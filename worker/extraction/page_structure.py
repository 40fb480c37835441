"""A news page's furniture told from its body: headline, byline, dateline, captions, links.

Real pages come with a headline line, a byline, a dateline opening the first paragraph
("SEOUL, March 9 (Yonhap) --"), photo captions with credit lines, "Related:" link lists and
copyright lines. Read as prose, a headline or caption repeats a body event as a new one, and a
link list reports last month's launch as today's. This module reads the page line by line, on
surface cues only (no spaCy), so the rules can treat headlines and captions as mentions of
body events and skip links and boilerplate. The cues are data: ``data/page_structure.json``.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

LineKind = Literal["headline", "standfirst", "byline", "caption", "related", "boilerplate", "body"]
#: Lines whose events are only mentions of body events (never new events).
ECHO_KINDS = frozenset({"headline", "standfirst", "caption"})
#: Lines that report nothing of the story itself.
SKIPPED_KINDS = frozenset({"byline", "related", "boilerplate"})

CUES_FILE = Path(__file__).with_name("data") / "page_structure.json"
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
#: "SEOUL, March 9 (Yonhap) --", "UNITED NATIONS (AP) —", "KYIV, Ukraine, Jan. 5 (Reuters) -",
#: "Pyongyang, September 10 (KCNA) --", "Tehran, May 28, IRNA --", "WASHINGTON —", "NEW DELHI:",
#: and joint datelines of stories filed from two places ("KYIV/MOSCOW, Nov 21 (Reuters) -").
DATELINE_RE = re.compile(
    r"\s*(?P<place>[A-Z][A-Za-z.'’ -]{1,38}?(?:/[A-Z][A-Za-z.'’ -]{1,38}?)?)"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.'’ ]{1,28}?))?"
    rf"(?:,?\s+(?P<month>(?i:{_MONTH}))\.?\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?)?"
    r"(?:,\s*(?P<bare_agency>[A-Z]{2,8}))?"
    r"\s*(?:\((?P<agency>[^()\n]{1,40})\))?"
    r"\s*(?P<dash>—|–|--|-|:)\s*"
)
_YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s*$")


@dataclass(frozen=True)
class PageLine:
    """One line of the page: its character span and what it is."""

    start: int
    end: int
    kind: LineKind


@dataclass(frozen=True)
class Dateline:
    """The dateline that opens the story: its span, place, agency and date (if it gives one)."""

    start: int
    end: int
    place: str
    agency: str | None
    date: date | None


@dataclass(frozen=True)
class PageStructure:
    """The page's lines in order, and the dateline if the story has one."""

    lines: tuple[PageLine, ...]
    dateline: Dateline | None

    def kind_at(self, offset: int) -> LineKind:
        """What the line holding character ``offset`` is (``body`` past the last line)."""
        index = bisect.bisect_right([line.start for line in self.lines], offset) - 1
        if index < 0 or offset >= self.lines[index].end:
            return "body"
        return self.lines[index].kind

    @property
    def headline(self) -> PageLine | None:
        """The first headline line, if the page has one."""
        return next((line for line in self.lines if line.kind == "headline"), None)


@dataclass(frozen=True)
class _Cues:
    byline: tuple[str, ...]
    related: tuple[str, ...]
    boilerplate: tuple[str, ...]
    caption: tuple[re.Pattern[str], ...]
    agencies: frozenset[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = json.loads(CUES_FILE.read_text(encoding="utf-8"))
    return _Cues(
        byline=tuple(data["byline_starts"]),
        related=tuple(data["related_starts"]),
        boilerplate=tuple(data["boilerplate_starts"]),
        caption=tuple(re.compile(p, re.IGNORECASE) for p in data["caption_credit_patterns"]),
        agencies=frozenset(a.lower() for a in data["dateline_agencies"]),
    )


def read_page(text: str, published: date | None = None) -> PageStructure:
    """Classify every line of ``text``; find the dateline and the date it gives."""
    spans = _line_spans(text)
    kinds: list[LineKind] = []
    dateline: Dateline | None = None
    in_body = False
    headline_text: str | None = None
    in_related_block = False
    for start, end in spans:
        line = text[start:end].strip()
        kind: LineKind
        found = _dateline(text, start, end, published) if dateline is None else None
        if found is not None:
            dateline, kind, in_body = found, "body", True
        elif not in_body:
            kind = _furniture_kind(line) or "headline"
            if kind == "headline" and _is_body_like(line):
                kind, in_body = "body", True
        else:
            kind = _furniture_kind(line, in_related_block) or "body"
            if kind == "body" and headline_text and line == headline_text:
                kind = "headline"  # a headline repeated further down the page
        if kind == "headline" and headline_text is None:
            headline_text = line
        in_related_block = kind == "related" or (in_related_block and kind != "body")
        kinds.append(kind)
    _mark_standfirst(kinds, text, spans, dateline)
    if not in_body:
        # No paragraph of story at all (a lone sentence, a list of short lines): nothing to
        # tell apart, so everything is body.
        kinds = ["body" if k == "headline" else k for k in kinds]
    lines = tuple(PageLine(s, e, k) for (s, e), k in zip(spans, kinds))
    return PageStructure(lines, dateline)


def _mark_standfirst(
    kinds: list[LineKind], text: str, spans: list[tuple[int, int]], dateline: Dateline | None
) -> None:
    """Mark the summary under the headline ("Moscow says the US-drafted text was
    'hypocritical'") as a standfirst: a sentence between the headline and the page's furniture
    ("Published On 22 Mar 2024", "Issued on: 01/07/2025 - 20:15", a byline), before the story
    opens. It retells the story's events as the headline does, so they are mentions of them."""
    if len(kinds) < 4 or kinds[0] != "headline" or kinds[1] != "body":
        return
    if dateline is not None and spans[1][0] <= dateline.start < spans[1][1]:
        return  # the story's own first paragraph, opened by its dateline
    after = text[spans[2][0] : spans[2][1]]
    furniture = kinds[2] in {"byline", "boilerplate"} or (
        len(after.split()) <= 12 and not _SENTENCE_END.search(after)
    )
    if furniture and kinds[3] == "body":
        kinds[1] = "standfirst"


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, without its surrounding white space."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + (len(raw) - len(raw.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def _is_body_like(line: str) -> bool:
    """A paragraph of the story: long enough and ending like a sentence."""
    return len(line.split()) >= 12 and bool(_SENTENCE_END.search(line))


def _furniture_kind(line: str, in_related_block: bool = False) -> LineKind | None:
    """byline / caption / related / boilerplate by the line's cues, else None."""
    cues = _cues()
    lower = line.lower()
    words = len(line.split())
    if words <= 12 and lower.startswith(cues.byline) and not _SENTENCE_END.search(line):
        return "byline"
    if words <= 80 and any(p.search(line) for p in cues.caption):
        return "caption"
    if lower.startswith(cues.boilerplate) and words <= 40:
        return "boilerplate"
    if words <= 25 and lower.startswith(cues.related):
        return "related"
    if in_related_block and words <= 25 and not _is_body_like(line):
        return "related"  # the titles listed under "Related:"
    return None


def _dateline(text: str, start: int, end: int, published: date | None) -> Dateline | None:
    """The dateline opening the line at ``start``, if it has one."""
    match = DATELINE_RE.match(text, start, end)
    if match is None or match.end() >= end:
        return None
    place = match["place"].strip()
    # "Tehran, May 28, IRNA --": state agencies write theirs after the date, unbracketed.
    bracketed = match["agency"] or match["bare_agency"]
    agency = bracketed.strip() if bracketed else None
    known_agency = agency is not None and (
        agency.lower() in _cues().agencies or agency.isupper() or match["month"] is not None
    )
    # Without an agency, only an upper-case place ("WASHINGTON —") is a dateline: "Kim -" or
    # "Officials:" opening a line are not.
    upper_place = place.replace(" ", "").replace(".", "").isupper() and len(place) >= 3
    if not known_agency and not upper_place:
        return None
    if match["dash"] == "-" and not known_agency and match["month"] is None:
        return None  # "SEOUL-based analysts": a hyphenated word, not a dateline
    return Dateline(start, match.end(), place, agency, _dateline_date(match, text, published))


def _dateline_date(match: re.Match[str], text: str, published: date | None) -> date | None:
    """The day a dateline names; the year from the dateline, else the publication date, else
    the first plausible year the article mentions."""
    if match["month"] is None:
        return None
    month, day = MONTHS[match["month"].lower()], int(match["day"])
    if match["year"]:
        years = [int(match["year"])]
    elif published is not None:
        # A story filed on Dec. 31 and published on Jan. 1 belongs to the year before.
        years = [published.year, published.year - 1]
    else:
        found = _YEAR_RE.search(text)
        years = [int(found.group())] if found else []
    for year in years:
        try:
            day_of = date(year, month, day)
        except ValueError:
            return None
        if published is None or day_of <= published + timedelta(days=2):
            return day_of
    return None
