"""The shared vocabulary: word lists every rule may read, from ``data/vocabulary.json``.

Lists one event type alone reads live in that type's ``lexicon.json``; the lists here serve
several types or the shared passes (reporting verbs, titles, modality cues, judging verbs).
A change to either changes what is extracted, so bump ``EXTRACTOR_VERSION`` with it. The
module imports neither spaCy nor the actor machinery, so every module can read it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

VOCABULARY_FILE = Path(__file__).with_name("data") / "vocabulary.json"


def _load() -> dict[str, Any]:
    raw = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return {name: entry["words"] for name, entry in raw.items()}


_WORDS = _load()


def words(name: str) -> frozenset[str]:
    """The shared word list ``name`` (a key of data/vocabulary.json) as a set."""
    return frozenset(_WORDS[name])


def table(name: str) -> Any:
    """The shared list or mapping ``name`` as stored, for lists whose order matters."""
    return _WORDS[name]


LAUNCHABLE = words("launchable")
MILITARY_WORDS = words("military_words")
REPORTING_VERBS = words("reporting_verbs")
ATTRIBUTING_VERBS = words("attributing_verbs")
PARTICIPLE_REPORTING_VERBS = words("participle_reporting_verbs")
MODALITY_REPORTING_VERBS = words("modality_reporting_verbs")
STANCE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (stance, tuple(cues)) for stance, cues in table("stance_cues")
)
DOING_VERBS = words("doing_verbs")
DATE_CARRYING_VERBS = DOING_VERBS | words("date_carrying_verbs")
STATIVE_PASSIVES = words("stative_passives")
JUDGING_VERBS = words("judging_verbs")
RESPONSE_VERBS = words("response_verbs")
GOVERNMENT_NOUNS = words("government_nouns")
GROUP_NOUNS = words("group_nouns")
ACTOR_NOUNS = GOVERNMENT_NOUNS | GROUP_NOUNS
OFFICIAL_TITLES = words("official_titles")
TITLE_WORDS = words("title_words")
PERSON_PRONOUNS = words("person_pronouns")
THING_PRONOUNS = words("thing_pronouns")
POSSESSIVE_PRONOUNS = words("possessive_pronouns")
POLITICAL_TITLES = words("political_titles")
NONPOLITICAL_ROLES = words("nonpolitical_roles")
COMPANY_HEADS = words("company_heads")
NUCLEAR_WORDS = words("nuclear_words")
NUCLEAR_DEVICES = words("nuclear_devices")
ORDINAL_ADJECTIVES = words("ordinal_adjectives")
FUTURE_TIME_MARKS = words("future_time_marks")
SPORTS_BODIES = words("sports_bodies")
SPORTS_PAGE_WORDS = words("sports_page_words")
CIVIL_SOCIETY_BODIES = words("civil_society_bodies")
ORDINARY_PEOPLE = words("ordinary_people")
HOME_BODIES = words("home_bodies")
PLACE_NOUNS = words("place_nouns")
SPEECH_NOUNS = words("speech_nouns")
ABSENCE_VERBS = words("absence_verbs")
PENDING_MODIFIERS = words("pending_modifiers")
NEXT_DAY_REPORTERS = words("next_day_reporters")
GROUP_REFERENCE_NOUNS = words("group_reference_nouns")
GROUP_REGION_WORDS = words("group_region_words")

#: The subtype of a statement without a stance.
NEUTRAL = "neutral"

#: "TEHRAN, Jan 22 (Reuters) —": a dateline names the publication day, not an event's.
DATELINE_RE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]+,\s*)?[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*"
    r"\([^)]{1,40}\)\s*[—–-]"
)
#: A quotation; the closing mark may be missing when the quote runs to the sentence's end.
QUOTE_RE = re.compile(r"[“\"]([^”\"]{3,})(?:[”\"]|$)")
#: Weapon designators: hyphenated capitalised names ("Hwasong-18") and "SS-20" forms.
WEAPON_NAME_RE = re.compile(r"\b([A-Z][A-Za-z]+(?:-[A-Z0-9][A-Za-z0-9]*)+|[A-Z]{2,}-\d+[A-Z]?)\b")
