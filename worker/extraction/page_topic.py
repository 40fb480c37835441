"""Is a page about world affairs at all? A word model read off the news dev split.

A sports report's "victory parade", a phone maker's "launch event", a school's "fire drill",
a league's "sanctions" and a coach's "warning" look, sentence by sentence, like the events
eventwire extracts; what tells them apart is what the whole page is about. Rules caught
the pages they were written for (``ctx.sports_page``, non-political speakers) and missed
the next kind. This model reads the page's vocabulary instead: a Bernoulli naive Bayes over
the words a page uses, fitted by ``bench/fit_page_topic.py`` on the news dev split (pages
with no event at all against pages with events) and stored as DATA in
``data/page_topic.json``::

    {"fitted": "2026-12-01", "threshold": 9.1, "prior": -0.64,
     "weights": {"season": 2.1, "ministry": -2.4, ...}, ...}

A page's score is the prior plus the weight of each distinct word it uses (log-odds that it
has no event). Above the threshold, the page is off topic and the event types that say they
are world affairs (``world_affairs`` in their spec.json) make no events on it. The threshold
is set well above every dev page with events (cross-validated), so the model only ever
removes events from pages far from world affairs; a page on a planned summit or a think
tank's estimate is about world affairs and is left to the rules (modality, traps).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common.errors import ConfigurationError

#: Where the fitted model lives (written by ``python bench/fit_page_topic.py``).
DEFAULT_PAGE_TOPIC_PATH = Path(__file__).resolve().parent / "data" / "page_topic.json"

_WORD = re.compile(r"[a-z][a-z'-]+")


def page_words(text: str) -> set[str]:
    """The distinct lower-case words of a page (the model's features)."""
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class PageTopic:
    """The fitted page model.

    Parameters:
      prior: log-odds of an off-topic page before any word is read.
      weights: each word's log-odds weight (positive: off-topic pages use it more).
      threshold: scores above it are off topic.
    """

    prior: float
    weights: dict[str, float]
    threshold: float

    def score(self, text: str) -> float:
        """Log-odds that the page has no world-affairs event."""
        return self.prior + sum(self.weights.get(word, 0.0) for word in page_words(text))

    def off_topic(self, text: str) -> bool:
        """True when the page is far from world affairs (a sports, business or school page)."""
        return self.score(text) > self.threshold


def fit_page_topic(
    pages: Iterable[tuple[str, bool]], *, min_pages: int = 3, clip: float = 3.0
) -> tuple[float, dict[str, float]]:
    """Fit the prior and word weights on ``(text, off_topic)`` pairs.

    Words used by fewer than ``min_pages`` pages are left out (a name seen once says nothing
    of the next page), and each weight is clipped to ``±clip`` so that no single word decides.
    """
    counts: dict[bool, dict[str, int]] = {True: {}, False: {}}
    totals = {True: 0, False: 0}
    for text, label in pages:
        totals[label] += 1
        for word in page_words(text):
            counts[label][word] = counts[label].get(word, 0) + 1
    if not totals[True] or not totals[False]:
        raise ValueError("fitting needs pages of both kinds")
    weights: dict[str, float] = {}
    for word in sorted(set(counts[True]) | set(counts[False])):
        off, on = counts[True].get(word, 0), counts[False].get(word, 0)
        if off + on < min_pages:
            continue
        ratio = ((off + 1) / (totals[True] + 2)) / ((on + 1) / (totals[False] + 2))
        weights[word] = round(max(-clip, min(clip, math.log(ratio))), 4)
    prior = round(math.log(totals[True] / totals[False]), 4)
    return prior, weights


@lru_cache(maxsize=4)
def load_page_topic(path: str | Path | None = None) -> PageTopic:
    """Read the fitted model (the built-in one by default)."""
    source = Path(path) if path else DEFAULT_PAGE_TOPIC_PATH
    refit = "re-create it with `python bench/fit_page_topic.py`"
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
        return PageTopic(
            prior=float(raw["prior"]),
            weights={str(k): float(v) for k, v in raw["weights"].items()},
            threshold=float(raw["threshold"]),
        )
    except FileNotFoundError:
        raise ConfigurationError(f"{source}: page topic model missing; {refit}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"{source}: malformed page topic model ({exc}); {refit}") from None
