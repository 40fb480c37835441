"""The trigger span_ruler's matches, found only where a trigger pattern can start.

spaCy's Matcher tries every pattern at every token, and most trigger patterns test a lemma
against a list (``{"LEMMA": {"IN": [...]}}``), a Python call per token and list: on real news
the trigger ruler took 14% of the pipeline's time once the parser and NER were decoded fast
(bench/profile_pipeline.py). Every trigger pattern begins with a required token that names its
words, and no pattern is longer than a known number of tokens (their quantifiers are bounded:
``?``, ``{0,n}``), so a match can only start at a token with one of those words, and ends within
that pattern's length of it. :func:`window_trigger_ruler` makes the ruler's Matcher run only on
those windows (merged where they touch) and return their matches in the doc's offsets: the
same matches as on the whole doc, which the ruler deduplicates and sorts as before
(tests/extraction/test_trigger_windows.py compares both on real news). A ruler with any pattern
this cannot bound (a phrase pattern, an unbounded quantifier, a first token without words) is
left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc, Span

#: ``{n}``, ``{n,m}`` or ``{,m}``: at most the last number of tokens.
_BOUNDED = re.compile(r"^\{(\d*),?(\d+)\}$")
#: Quantifiers of a token that must match at least once.
_REQUIRED = re.compile(r"^\{[1-9]\d*(,\d*)?\}$")
_WORD_ATTRS = ("LEMMA", "LOWER", "ORTH", "TEXT")


def _max_tokens(token: dict[str, Any]) -> int | None:
    """Most tokens one token pattern can match, or None if unbounded."""
    op = token.get("OP")
    if op in (None, "?"):
        return 1
    bounded = _BOUNDED.match(str(op))
    return int(bounded.group(2)) if bounded else None  # "*", "+", "{n,}", "!": not bounded


def _first_words(token: dict[str, Any]) -> set[str] | None:
    """Lower-case words the first token must be (by one attribute), or None."""
    op = token.get("OP")
    if op is not None and not _REQUIRED.match(str(op)):
        return None  # may match zero times: the match can start at the next token
    for attr in _WORD_ATTRS:
        value = token.get(attr)
        if isinstance(value, str):
            return {value.lower()}
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            return {str(word).lower() for word in value["IN"]}
    return None


class WindowedMatcher:
    """Calls a Matcher on the windows of a doc where its patterns can match.

    Parameters:
      matcher: the Matcher holding the patterns.
      reach: lower-case word -> most tokens a match starting at a token with that form or
        lemma can span.
    """

    def __init__(self, matcher: Any, reach: dict[str, int]) -> None:
        self.matcher = matcher
        self.reach = reach

    def __len__(self) -> int:
        return len(self.matcher)

    def __getattr__(self, name: str) -> Any:
        # Everything but matching (add, remove, patterns...) is the Matcher's own.
        return getattr(self.matcher, name)

    def windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Merged (start, end) token ranges that hold every possible match."""
        reach = self.reach
        out: list[tuple[int, int]] = []
        for token in doc:
            length = max(reach.get(token.lower_, 0), reach.get(token.lemma_.lower(), 0))
            if not length:
                continue
            end = min(len(doc), token.i + length)
            if out and token.i <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((token.i, end))
        return out

    def __call__(self, doclike: Doc | Span, **kwargs: Any) -> list[Any]:
        if not isinstance(doclike, Doc) or kwargs:
            return self.matcher(doclike, **kwargs)  # type: ignore[no-any-return]
        matches: list[Any] = []
        for start, end in self.windows(doclike):
            matches.extend(
                (key, start + s, start + e) for key, s, e in self.matcher(doclike[start:end])
            )
        return matches


def trigger_reach(patterns: Sequence[dict[str, Any]]) -> dict[str, int] | None:
    """Lower-case first word -> longest pattern starting with it, or None if some pattern
    cannot be bounded (then every token may start a match)."""
    reach: dict[str, int] = {}
    for entry in patterns:
        pattern = entry.get("pattern")
        if not isinstance(pattern, list) or not pattern:
            return None
        words = _first_words(pattern[0])
        lengths = [_max_tokens(token) for token in pattern]
        if words is None or any(n is None for n in lengths):
            return None
        total = sum(n for n in lengths if n is not None)
        for word in words:
            reach[word] = max(reach.get(word, 0), total)
    return reach


def window_trigger_ruler(ruler: Any, patterns: Sequence[dict[str, Any]]) -> bool:
    """Make the span_ruler ``ruler`` (holding ``patterns``) match only where its patterns can
    start; return whether it does."""
    reach = trigger_reach(patterns)
    if reach is None or len(getattr(ruler, "phrase_matcher", ())):
        return False
    ruler.matcher = WindowedMatcher(ruler.matcher, reach)
    return True
