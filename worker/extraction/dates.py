"""Resolve date expressions against an article's publication date, with their precision.

"Thursday" in a story published Friday 2023-07-28 is 2023-07-27; "earlier this month" is
July 2023 (month precision); "last year" is 2022 (year precision). A past event is never dated
after publication; a planned one may be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class ResolvedDate:
    """A date and how precise it is (``day``, ``month`` or ``year``); ``anchored`` when it
    was told relative to the story's own day ("a day earlier"), a side step from it."""

    value: date
    precision: str
    anchored: bool = False


_MONTH_RE = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY_RE = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE}(?:,?\s+(\d{{4}}))?\b"), "month_day"),
    (
        re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(\d{{4}}))?\b"),
        "day_month",
    ),
    (re.compile(rf"\b{_MONTH_RE}\s+(\d{{4}})\b"), "month_year"),
    (re.compile(r"\b(earlier|later|late|early)?\s*this\s+(week|month|year)\b"), "this"),
    (re.compile(r"\b(last|past|previous)\s+(week|month|year)\b"), "last"),
    (re.compile(r"\b(next)\s+(week|month|year)\b"), "next"),
    (re.compile(r"\b(today|tonight|this morning|this afternoon|this evening)\b"), "today"),
    (re.compile(r"\b(yesterday|last night)\b"), "yesterday"),
    (re.compile(r"\b(tomorrow)\b"), "tomorrow"),
    (
        re.compile(rf"\b(?:(last|next|this)\s+)?{_WEEKDAY_RE}\b"),
        "weekday",
    ),
    (re.compile(rf"\b(last|this|next|early|late|mid-?)\s*{_MONTH_RE}\b"), "rel_month"),
    (re.compile(rf"\b(?:in|since|during|by|until)\s+{_MONTH_RE}\b"), "month"),
    (re.compile(r"\b(?:in|since|during|by)\s+((?:19|20)\d{2})\b"), "year"),
]


def _month_year(month: int, published: date | None, future: bool) -> int | None:
    if published is None:
        return None
    if future:
        return published.year if month >= published.month else published.year + 1
    return published.year if month <= published.month else published.year - 1


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve(text: str, published: date | None, *, future: bool = False) -> ResolvedDate | None:
    """Resolve the first date expression in ``text`` (a date entity or a clause).

    Parameters:
      text: the expression or the text to search.
      published: the article's publication date (relative expressions need it).
      future: the event is planned, so weekdays and month names point forward.
    """
    lowered = text.lower()
    for pattern, kind in _PATTERNS:
        match = pattern.search(lowered)
        if match is None:
            continue
        found = _resolve_match(kind, match, published, future)
        if found is not None:
            return found
    return None


def _resolve_match(
    kind: str, m: re.Match[str], published: date | None, future: bool
) -> ResolvedDate | None:
    if kind == "iso":
        value = _safe(int(m[1]), int(m[2]), int(m[3]))
        return ResolvedDate(value, "day") if value else None
    if kind in ("month_day", "day_month"):
        month_s, day_s = (m[1], m[2]) if kind == "month_day" else (m[2], m[1])
        month, day = MONTHS[month_s.rstrip(".")], int(day_s)
        year = int(m[3]) if m[3] else _month_year(month, published, future)
        if year is None:
            return None
        value = _safe(year, month, day)
        if value and published and not m[3] and not future and value > published:
            value = _safe(year - 1, month, day)
        return ResolvedDate(value, "day") if value else None
    if kind == "month_year":
        return ResolvedDate(date(int(m[2]), MONTHS[m[1].rstrip(".")], 1), "month")
    if kind == "month":
        month = MONTHS[m[1].rstrip(".")]
        year = _month_year(month, published, future)
        return ResolvedDate(date(year, month, 1), "month") if year else None
    if kind == "year":
        return ResolvedDate(date(int(m[1]), 1, 1), "year")
    if kind == "rel_month":
        # "last October": the latest October before the month of publication; "next May" the
        # first one after it; "early/late/mid-March" the nearest one in the event's direction.
        month = MONTHS[m[2].rstrip(".")]
        if published is None:
            return None
        if m[1] == "last":
            year = published.year if month < published.month else published.year - 1
        elif m[1] == "next":
            year = published.year if month > published.month else published.year + 1
        elif m[1] == "this":
            year = published.year
        else:
            year = _month_year(month, published, future) or published.year
        return ResolvedDate(date(year, month, 1), "month")
    if published is None:
        return None
    if kind == "today":
        return ResolvedDate(published, "day")
    if kind == "yesterday":
        return ResolvedDate(published - timedelta(days=1), "day")
    if kind == "tomorrow":
        return ResolvedDate(published + timedelta(days=1), "day")
    if kind == "weekday":
        target = WEEKDAYS.index(m[2])
        if m[1] == "next" or (future and m[1] != "last"):
            delta = (target - published.weekday()) % 7 or 7
            return ResolvedDate(published + timedelta(days=delta), "day")
        back = (published.weekday() - target) % 7
        if m[1] == "last" and back == 0:
            back = 7
        return ResolvedDate(published - timedelta(days=back), "day")
    unit = m[2]
    if kind == "this":
        return _period(published, unit, 0)
    if kind == "last":
        return _period(published, unit, -1)
    if kind == "next":
        return _period(published, unit, 1)
    return None


def _period(published: date, unit: str, offset: int) -> ResolvedDate:
    if unit == "year":
        return ResolvedDate(date(published.year + offset, 1, 1), "year")
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 + offset
        return ResolvedDate(date(month_index // 12, month_index % 12 + 1, 1), "month")
    # A week is not a precision we store: name the month the week falls in.
    day = published + timedelta(days=7 * offset)
    return ResolvedDate(date(day.year, day.month, 1), "month")


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ANCHORED = re.compile(
    r"\b(?:(a|an|one|two|three|four|five|six|\d)\s+days?\s+(earlier|before|later)"
    r"|the\s+(previous|next|following)\s+(?:day|night|morning|evening)"
    r"|the\s+day\s+(before|after)"
    r"|(the\s+same|that)\s+(?:day|night|morning|afternoon|evening))\b"
)


def resolve_anchored(text: str, anchor: date | None) -> ResolvedDate | None:
    """Resolve a date told relative to the story's own day, not to publication: "a day
    earlier", "the previous night", "the same day", "two days later" count from ``anchor``
    (the date the story is at)."""
    if anchor is None:
        return None
    match = _ANCHORED.search(text.lower())
    if match is None:
        return None
    if match[1]:
        count = _NUMBERS.get(match[1]) or int(match[1])
        offset = count if match[2] == "later" else -count
    elif match[3]:
        offset = -1 if match[3] == "previous" else 1
    elif match[4]:
        offset = -1 if match[4] == "before" else 1
    else:
        offset = 0
    return ResolvedDate(anchor + timedelta(days=offset), "day", anchored=True)
