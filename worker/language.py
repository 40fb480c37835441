"""Tell English text from other languages, cheaply and without a model download.

The extractor's rules and spaCy pipeline are English: coding a French article with them gives
wrong events, so such articles are detected and marked instead. Function words decide between
Latin-script languages; the script decides for the others.
"""

from __future__ import annotations

import re
from collections import Counter

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in a is that for on was with as by said he it at from his "
        "have has be are were an this which not but they its who will".split()
    ),
    "fr": frozenset(
        "le la les de des du et en un une est que qui dans pour pas sur au aux "
        "avec il elle ont sont été par ce cette".split()
    ),
    "es": frozenset(
        "el la los las de del y en un una es que por con para se su al lo como "
        "más pero sus fue ha".split()
    ),
    "de": frozenset(
        "der die das und den dem des ein eine ist nicht mit von zu auf für sich "
        "im auch es sie wurde hat".split()
    ),
    "it": frozenset(
        "il lo la gli le di del della e è che per con non un una sono nel alla ha da si".split()
    ),
    "pt": frozenset(
        "o a os as de do da dos das e em um uma que não para com por se no na foi ao".split()
    ),
    "nl": frozenset(
        "de het een en van in is dat op te met voor niet zijn er aan ook als werd heeft".split()
    ),
}
SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04FF]")),
    ("ar", re.compile(r"[\u0600-\u06FF]")),
    ("zh", re.compile(r"[\u4E00-\u9FFF]")),
    ("ja", re.compile(r"[\u3040-\u30FF]")),
    ("ko", re.compile(r"[\uAC00-\uD7AF]")),
    ("he", re.compile(r"[\u0590-\u05FF]")),
    ("hi", re.compile(r"[\u0900-\u097F]")),
)
#: Any letter of the scripts above: most articles have none, and skip the per-script counts.
NON_LATIN = re.compile("[" + "".join(p.pattern.strip("[]") for _c, p in SCRIPTS) + "]")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Below this many words the guess is unreliable: short texts are taken as English.
MIN_WORDS = 12


#: Which languages each function word belongs to (one dictionary lookup per word).
WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _code, _vocab in FUNCTION_WORDS.items():
    for _word in _vocab:
        WORD_LANGUAGES[_word] = (*WORD_LANGUAGES.get(_word, ()), _code)
#: The opening of an article is plenty to tell its language, and keeps enqueue fast.
SAMPLE_CHARS = 800


def detect_language(text: str) -> str:
    """Return an ISO 639-1 guess (``en``, ``fr``, ``ru``...) or ``und`` when unsure."""
    sample = text[:SAMPLE_CHARS]
    if NON_LATIN.search(sample):
        letters = sum(map(str.isalpha, sample)) or 1
        for code, pattern in SCRIPTS:
            if len(pattern.findall(sample)) / letters > 0.3:
                return code
    words = WORD.findall(sample.lower())
    if len(words) < MIN_WORDS:
        return "en"
    scores = dict.fromkeys(FUNCTION_WORDS, 0)
    # Counted in C first: only the distinct function words are looked at one by one.
    counts = Counter(words)
    for word in counts.keys() & WORD_LANGUAGES.keys():
        for code in WORD_LANGUAGES[word]:
            scores[code] += counts[word]
    best = max(scores, key=scores.__getitem__)
    hits = scores[best]
    if hits / len(words) < 0.05:
        return "und"
    return best


def is_english(text: str) -> bool:
    """True when ``text`` reads as English (or is too short to tell)."""
    return detect_language(text) == "en"
