"""The words of actor names: what the word scopes of the scope rollup are kept for (0014).

A name filter (``EventFilter.actor``) is a case-insensitive substring of actor names. When it
is one whole word that every name containing it has as a word (``kim`` among "Kim 11" and
"Kim Jong Un", not among "Hakim"), the events it selects are exactly the events of an actor
having that word, which the scope rollup counts in advance under the scope ``#kim``
(``models.scope_rollup``); any other substring reads the base tables.

A word is a run of letters and digits, at least two characters long with at least one
letter (digits alone, such as the "1000" of "Kim 1000", and initials are not kept: scopes
that would serve one actor each). Case is folded for ``A``-``Z`` only, as SQLite's ``LIKE``
and ``lower()`` fold it: a name having a word then always contains it as both dialects'
case-insensitive match sees it (``Müller`` keeps its ``ü``; a filter ``müller`` simply
reads the base tables wherever the match differs).
"""

from __future__ import annotations

import re
import string

#: The scope of a word in ``scope_count`` is this marker and the word (no country code
#: starts with it).
WORD_SCOPE = "#"
#: Longest word kept (``scope_count.scope`` is 40 characters, the marker included).
MAX_WORD = 39

_WORD = re.compile(r"[^\W_]+")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _kept(word: str) -> bool:
    return 2 <= len(word) <= MAX_WORD and any(c.isalpha() for c in word)


def name_words(name: str) -> frozenset[str]:
    """The words of an actor's name that the rollup keeps scopes for."""
    return frozenset(w for w in _WORD.findall(_lower(name)) if _kept(w))


def filter_word(text: str | None) -> str | None:
    """The word a name filter is (``" Kim "`` -> ``kim``), or None when it is not exactly one
    kept word (``kim jong``, ``kim,``, ``1000``, ``k``)."""
    lowered = _lower((text or "").strip())
    return lowered if _WORD.fullmatch(lowered) and _kept(lowered) else None


def word_scope(word: str) -> str:
    """The ``scope_count`` scope of a word."""
    return WORD_SCOPE + word
