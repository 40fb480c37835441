"""The word lists and patterns the event rules read: tune a rule's vocabulary here.

A change here changes what is extracted, so bump ``EXTRACTOR_VERSION`` with it. The module
imports neither spaCy nor the actor machinery, so ``actors.py`` can read :data:`DATELINE_RE`.
"""

from __future__ import annotations

import re

#: Things that can be launched: a launch trigger needs one (or a weapon name) as object.
LAUNCHABLE = frozenset(
    "missile missiles rocket rockets satellite satellites icbm icbms irbm irbms slbm slbms "
    "projectile projectiles warhead warheads spacecraft probe weapon weapons drone drones "
    "launcher vehicle booster".split()
)
#: Launchable things plus armour and aircraft: a parade verb needs one or a military word.
WEAPON_NOUNS = LAUNCHABLE | frozenset("tank tanks artillery howitzers jets bombers".split())
#: Verbs of reporting: a date on one is the report's, and a plain one over another event
#: is an attribution, not a statement.
REPORTING_VERBS = frozenset(
    {
        "say",
        "report",
        "tell",
        "announce",
        "add",
        "quote",
        "state",
        "cite",
        "show",
        "acknowledge",
        "admit",
        "confirm",
        "claim",
    }
)
#: The subtype of a statement without a stance.
NEUTRAL = "neutral"
#: The stance subtypes a statement may carry (the gold annotation guide's list).
STATEMENT_SUBTYPES = frozenset(
    {"condemn", "accuse", "warn", "praise", "appeal", "deny", "demand", "reject", "threaten"}
    | {NEUTRAL}
)
# Trigger ids that name a manner of speaking rather than a stance: a protest or a complaint
# disapproves of its target, which is what "condemn" means to the dashboards.
SUBTYPE_ALIASES = {"protest": "condemn", "issue": NEUTRAL}
# Verbs that share a trigger pattern with protests but take another stance.
LEMMA_SUBTYPES = {"object": "reject", "apologize": NEUTRAL, "apologise": NEUTRAL, "sue": "accuse"}
#: A sanctions-vote sentence names one of these ("imposed" triggers and vetoes need none).
SANCTION_WORDS = frozenset(
    "resolution resolutions sanction sanctions council draft measure measures embargo action "
    "veto un u.n. mandate statement proposal".split()
)
#: Words that make a parade or an exercise military.
MILITARY_WORDS = frozenset(
    "military joint naval navy air army troops forces warships war live-fire combat marines "
    "soldiers amphibious missile defense defence nuclear drills exercises fighter jets "
    "warplanes submarines artillery tanks aircraft carrier".split()
)
#: Words beside "exercise"/"drill" that make it civil or figurative ("fire drill",
#: "exercise restraint").
CIVIL_EXERCISE = frozenset(
    {
        "fire",
        "evacuation",
        "earthquake",
        "tabletop",
        "democracy",
        "power",
        "restraint",
        "influence",
        "caution",
        "right",
        "rights",
        "option",
    }
)
#: "TEHRAN, Jan 22 (Reuters) —": a dateline names the publication day, not an event's.
DATELINE_RE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]+,\s*)?[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*"
    r"\([^)]{1,40}\)\s*[—–-]"
)
#: A quotation; the closing mark may be missing when the quote runs to the sentence's end.
QUOTE_RE = re.compile(r"[“\"]([^”\"]{3,})(?:[”\"]|$)")
#: Weapon designators: hyphenated capitalised names ("Hwasong-18") and "SS-20" forms.
WEAPON_NAME_RE = re.compile(r"\b([A-Z][A-Za-z]+(?:-[A-Z0-9][A-Za-z0-9]*)+|[A-Z]{2,}-\d+[A-Z]?)\b")
#: The stance of a plain speech verb ("said") by cue words in its quote; first match wins.
STANCE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "warn",
        (
            "warn",
            "will never tolerate",
            "countermeasure",
            "retaliat",
            "consequences",
            "threat",
            "will not hesitate",
            "no room",
        ),
    ),
    (
        "condemn",
        (
            "unlawful",
            "illegal",
            "detrimental",
            "condemn",
            "aggression",
            "provocation",
            "reckless",
            "destabiliz",
            "violation",
        ),
    ),
    (
        "praise",
        (
            "firm support",
            "solidarity",
            "friendship",
            "appreciat",
            "welcome",
            "congratulat",
            "praise",
            "common interests",
        ),
    ),
    ("appeal", ("urge", "call on", "must ", "should ", "encourage", "we ask")),
    ("deny", ("deny", "denies", "false", "groundless", "baseless", "no evidence")),
)
#: Verbs whose subject performs the noun they govern ("cast a veto", "held talks").
DOING_VERBS = frozenset(
    {
        "cast",
        "use",
        "exercise",
        "wield",
        "employ",
        "hold",
        "conduct",
        "stage",
        "carry",
        "make",
        "impose",
        "take",
        "issue",
        "have",
        "win",
        "lose",
    }
)
#: Verbs that carry the date of the event noun they govern ("the parade was held Thursday").
DATE_CARRYING_VERBS = DOING_VERBS | frozenset(
    {
        "pay",
        "begin",
        "start",
        "end",
        "open",
        "close",
        "wrap",
        "kick",
        "launch",
        "resume",
        "conclude",
        "attend",
        "host",
        "be",
        "mark",
        "go",
        "come",
        "fail",
        "succeed",
        "follow",
        "take",
        "get",
        "review",
        "view",
        "watch",
        "preside",
        "witness",
        "oversee",
        "observe",
    }
)
#: Nouns for people and bodies that can be accused or blamed without being named.
PEOPLE_NOUNS = frozenset(
    {
        "elite",
        "country",
        "nation",
        "sponsor",
        "power",
        "state",
        "ally",
        "enemy",
        "neighbor",
        "neighbour",
        "west",
        "regime",
        "government",
    }
)
#: The outcome (subtype) of a sanctions vote by trigger lemma.
OUTCOMES = {
    "veto": "vetoed",
    "block": "blocked",
    "thwart": "blocked",
    "stall": "blocked",
    "obstruct": "blocked",
    "adopt": "adopted",
    "pass": "adopted",
    "approve": "adopted",
    "endorse": "adopted",
    "renew": "adopted",
    "extend": "adopted",
    "vote": "voted",
    "abstain": "voted",
    "sanction": "imposed",
    "blacklist": "imposed",
}

#: Event nouns a statement may be about, and the event type they refer back to.
REFERRED_EVENT_NOUNS = {
    "parade": "parade",
    "launch": "launch",
    "test": "launch",
    "firing": "launch",
    "veto": "sanctions_vote",
    "vote": "sanctions_vote",
    "sanction": "sanctions_vote",
    "measure": "sanctions_vote",
    "decision": "sanctions_vote",
    "resolution": "sanctions_vote",
    "drill": "military_exercise",
    "exercise": "military_exercise",
    "visit": "meeting",
    "summit": "meeting",
    "criticism": "statement",
    "accusation": "statement",
    "allegation": "statement",
    "remark": "statement",
    "comment": "statement",
    "threat": "statement",
}
#: Words saying that weapons were shown (at a parade), not used.
DISPLAY_CUES = frozenset(
    {"display", "showcase", "show", "unveil", "feature", "roll", "parade", "exhibit", "among"}
)
#: Verbs whose subject puts on a parade ("stag": the small English lemmatizer's lemma of
#: "staged").
PARADE_ORGANISING_VERBS = frozenset(
    {"stage", "stag", "hold", "organize", "organise", "host", "put", "throw"}
)
#: Objects of "meet" that make it "satisfy", not "hold a meeting".
UNMET_OBJECTS = frozenset(
    "demand need target deadline expectation requirement condition criterion goal standard "
    "obligation challenge threshold cost payment quota".split()
)
#: Passive forms that state the subject's own stance ("is opposed to", "is determined to").
STATIVE_PASSIVES = frozenset({"oppose", "determine", "commit", "resolve"})
#: Verbs of judging: an event noun below one is what is judged, not a new report of it.
JUDGING_VERBS = frozenset(
    {"accuse", "blame", "condemn", "criticize", "criticise", "denounce", "deplore", "praise"}
)
