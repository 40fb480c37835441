"""The attribute ruler's matches, found with an index instead of spaCy's Matcher.

The small English pipelines' ``attribute_ruler`` (tag -> part of speech and morphology, and a
few lemma exceptions) holds about 180 one- and two-token patterns on ``TAG``, ``LOWER``,
``DEP`` and ``IS_SPACE``. spaCy's Matcher tries each pattern at every token; on real news that
took 10-13% of the whole pipeline's time, more than the tagger and the parser's share of it
would suggest. :func:`index_attribute_ruler` replaces only the matching step of the loaded
component (its ``match`` method) with a lookup by tag and lower-case form, which returns the same
matches in the same order; the component still applies them itself, so the tokens get exactly
the attributes they get without it (tests/extraction/test_attribute_matching.py compares both
on real articles). A pipeline whose patterns use anything else keeps spaCy's Matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc

#: What a token pattern may constrain for the index to handle it: its place in a token's view.
_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
#: A token as the patterns read it: (tag, lower-case form, dependency label, is_space).
View = tuple[str, str, str, bool]
ViewTest = Callable[[View], bool]
#: Distinct token views remembered before the cache starts over. An entry (its key, view and
#: candidate patterns) takes about 620 bytes (tests/extraction/test_cache_bounds.py), so this is
#: at most about 12 MB. The views of common words are few (6,100 after 1,200 articles of
#: bench/memory.py's corpus), but every new name adds some (3-4 an article there): at 200,000
#: the cache took about 120 MB and was still growing a worker by 2 MB per 1,000 articles
#: after 50,000 of them (bench/memory_probe.py, README "Memory").
CACHE_SIZE = 20_000


def _value_test(attr: str, spec: Any) -> ViewTest | None:
    """A test of one attribute as the Matcher reads it, or None if unsupported."""
    at = _ATTRS[attr]
    if isinstance(spec, (str, bool)):
        return lambda v: v[at] == spec
    if isinstance(spec, dict) and len(spec) == 1:
        ((op, value),) = spec.items()
        if op == "IN" and isinstance(value, list):
            members = frozenset(value)
            return lambda v: v[at] in members
        if op == "NOT_IN" and isinstance(value, list):
            excluded = frozenset(value)
            return lambda v: v[at] not in excluded
        if op == "REGEX" and isinstance(value, str):
            pattern = re.compile(value)  # the Matcher's REGEX is re.search
            return lambda v: bool(pattern.search(str(v[at])))
    return None


def _token_test(token_pattern: dict[str, Any]) -> ViewTest | None:
    """A test of a whole token pattern (every constraint must hold), or None."""
    tests = []
    for attr, spec in token_pattern.items():
        if attr not in _ATTRS:
            return None  # OP, or an attribute the index does not read
        test = _value_test(attr, spec)
        if test is None:
            return None
        tests.append(test)
    return lambda v: all(test(v) for test in tests)


def _tags(first: dict[str, Any]) -> list[str] | None:
    """The tags a pattern's first token requires, or None if it takes any tag."""
    spec = first.get("TAG")
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and list(spec) == ["IN"] and isinstance(spec["IN"], list):
        return list(spec["IN"])
    return None


class IndexedMatches:
    """The attribute ruler's patterns, tried once per distinct token; called like the
    ruler's ``match`` method."""

    def __init__(self, ruler: Any) -> None:
        self.strings = ruler.vocab.strings
        #: (attr_id, test of each token of the pattern), in the ruler's order.
        self.patterns: list[tuple[int, list[ViewTest]]] = []
        #: The same, filed by the tags their first token requires (a pattern on any tag in
        #: ``any_tag``), so a new token view is tried only against the patterns it may match.
        self.by_tag: dict[str, list[tuple[int, list[ViewTest]]]] = {}
        self.any_tag: list[tuple[int, list[ViewTest]]] = []
        self.supported = True
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                tests = [_token_test(token) for token in pattern]
                if not pattern or any(test is None for test in tests):
                    self.supported = False
                    return
                compiled = (attr_id, [t for t in tests if t is not None])
                self.patterns.append(compiled)
                tags = _tags(pattern[0])
                if tags is None:
                    self.any_tag.append(compiled)
                for tag in tags or ():
                    self.by_tag.setdefault(tag, []).append(compiled)
        self.match_ids = [self.strings.add(str(i)) for i in range(len(ruler.patterns))]
        #: token view key -> (view, patterns whose first token it matches)
        self._cache: dict[tuple[int, ...], tuple[View, list[tuple[int, list[ViewTest]]]]] = {}

    def _entry(self, key: tuple[int, ...]) -> tuple[View, list[tuple[int, list[ViewTest]]]]:
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            tag, lower, dep, space = key
            strings = self.strings
            view: View = (strings[tag], strings[lower], strings[dep], bool(space))
            candidates = [*self.by_tag.get(view[0], ()), *self.any_tag]
            entry = (view, [(a, tests) for a, tests in candidates if tests[0](view)])
            self._cache[key] = entry
        return entry

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """(attr_id, match_id, start, end) of every match, sorted as the ruler sorts them."""
        keys = [tuple(row) for row in doc.to_array(_ARRAY_ATTRS).tolist()]
        entries = [self._entry(key) for key in keys]
        length = len(keys)
        found: set[tuple[int, int, int, int]] = set()
        for start, (_view, starting) in enumerate(entries):
            for attr_id, tests in starting:
                end = start + len(tests)
                if end > length:
                    continue
                if all(tests[k](entries[start + k][0]) for k in range(1, len(tests))):
                    found.add((attr_id, self.match_ids[attr_id], start, end))
        return sorted(found)


def index_attribute_ruler(nlp: Language) -> bool:
    """Give ``nlp``'s attribute ruler indexed matching; False (and nothing changed) when it
    has none or its patterns use what the index does not handle."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler: Any = nlp.get_pipe("attribute_ruler")
    matches = IndexedMatches(ruler)
    if not matches.supported:
        return False
    ruler.match = matches
    return True
