"""Decide which stored events report the same happening: the incident linker's rules.

Pure functions over :class:`LinkEvent` (no database): ``worker.incidents`` loads one block's
events (see ``common.incident_keys``), calls :func:`cluster` and writes the result.

Order independence comes from re-clustering a whole block at once, in a canonical order that
depends only on the events themselves (article content hash, offset, type), never on when
they arrived or the ids they got: the same events give the same partition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: A pair of events must score at least this to be the same happening.
LINK_THRESHOLD = 2.5
#: Event types whose happenings last several days, and how many days apart two reports of
#: one of them may be dated when either date was only inferred (publication, context).
LONG_HAPPENINGS = {"military_exercise": 6}
#: What disjoint agent countries cost a pair of reports that are not statements. Not a veto:
#: a launch report that names the reporting military ("South Korea's Joint Chiefs said") as
#: its agent is an extraction slip the date, weapons and words can outvote.
AGENT_PENALTY = 1.0
#: Words too common in news to say two sentences tell the same story.
_STOP = frozenset(
    """a an the of to in on at for and or but by with from as is was were be been has have had
    its it this that said says say told their his her he she they we i not no after before
    over into about than also would will could which who what when where while during
    on monday tuesday wednesday thursday friday saturday sunday""".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9-]+")


def content_words(sentence: str) -> frozenset[str]:
    """Lower-cased words of a sentence without the stop words (for the text score)."""
    return frozenset(w for w in _WORD.findall(sentence.lower()) if w not in _STOP)


@dataclass(frozen=True)
class LinkEvent:
    """What the linker knows of one stored event.

    Parameters:
      ref: the caller's handle (the event id); never used for decisions.
      order_key: canonical sort key, independent of arrival (content hash, offset, type).
      type, subtype: the event's type and subtype.
      day: the event day (its date, else the publication day); None when neither is known.
      precision: day, month or year when the event has a date of its own; None when ``day``
        is the publication day.
      inferred: the day came from context or publication, not from the sentence itself.
      agent_countries, agent_people: agents' countries, and names of agents who are people.
      target_countries: targets' countries.
      location_country: where it happened.
      weapons: weapon names, lower-cased.
      words: content words of the evidence sentence.
    """

    ref: int
    order_key: tuple[str, ...]
    type: str
    subtype: str | None
    day: date | None
    precision: str | None
    inferred: bool
    agent_countries: frozenset[str]
    agent_people: frozenset[str]
    target_countries: frozenset[str]
    location_country: str | None
    weapons: frozenset[str]
    words: frozenset[str]


def _share_person(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when a name of one set is the other's or a part of it ("Kim" in "Kim Jong Un")."""
    for x in a:
        for y in b:
            xs, ys = set(x.split()), set(y.split())
            if xs <= ys or ys <= xs:
                return True
    return False


def _date_score(a: LinkEvent, b: LinkEvent) -> float | None:
    """Score of the two dates, or None when they cannot be the same happening's."""
    if a.day is None or b.day is None:
        return 0.0
    if a.precision == "year" or b.precision == "year":
        return 0.0 if a.day.year == b.day.year else None
    if a.precision == "month" or b.precision == "month":
        # A "2023-07" report may be of any day of July.
        return 0.5 if (a.day.year, a.day.month) == (b.day.year, b.day.month) else None
    gap = abs((a.day - b.day).days)
    if gap == 0:
        return 2.0
    # A day taken from the publication date or the context may be a day late (a KCNA report
    # of the morning after); a day read from the sentence itself is taken at its word.
    if gap == 1 and (a.inferred or b.inferred):
        return 0.5
    # An exercise lasts days: reports dated by their publication follow it day by day.
    if gap <= LONG_HAPPENINGS.get(a.type, 0) and (a.inferred or b.inferred):
        return 0.5
    return None


def pair_score(a: LinkEvent, b: LinkEvent) -> float | None:
    """How strongly two events look like reports of one happening; None: they cannot be.

    Hard conflicts (a different type, dates that cannot meet, disjoint agent countries or
    different speakers of a statement, different subtypes of a launch or a vote) rule a pair
    out; disjoint agent countries of other types cost :data:`AGENT_PENALTY`; agreement on
    date, agents, speakers, weapons, targets, place and evidence words adds up.
    """
    if a.type != b.type:
        return None
    date_score = _date_score(a, b)
    if date_score is None:
        return None
    score = date_score
    if a.agent_countries and b.agent_countries:
        if a.agent_countries & b.agent_countries:
            score += 1.0
        elif a.type == "statement":
            return None
        else:
            score -= AGENT_PENALTY
    if a.agent_people and b.agent_people:
        if not _share_person(a.agent_people, b.agent_people):
            if a.type == "statement":
                return None  # two officials' reactions are two incidents
        else:
            score += 2.0
    if (
        a.type in ("launch", "sanctions_vote")
        and a.subtype
        and b.subtype
        and a.subtype != b.subtype
    ):
        return None
    if a.weapons and b.weapons:
        score += 2.0 if a.weapons & b.weapons else -2.0
    if a.target_countries and b.target_countries:
        score += 1.0 if a.target_countries & b.target_countries else -1.0
    if a.location_country and b.location_country:
        score += 0.5 if a.location_country == b.location_country else -1.0
    if a.words and b.words:
        score += 4.0 * len(a.words & b.words) / len(a.words | b.words)
    return score


def _rank(event: LinkEvent) -> tuple[int, tuple[str, ...]]:
    # Events dated to the day lead, so that a month- or year-dated report joins a day's
    # happening rather than gathering several of them; then the canonical key.
    precision = {"day": 0, "month": 2, "year": 3}.get(event.precision or "", 1)
    return (precision, event.order_key)


def cluster(events: Sequence[LinkEvent]) -> list[list[LinkEvent]]:
    """Partition one block's events into incidents, whatever order they are given in.

    Events are visited in canonical order; each joins the incident holding its best-scoring
    member when that score reaches :data:`LINK_THRESHOLD` and no member rules it out,
    else it starts a new incident. Returns the incidents, each in canonical order.
    """
    clusters: list[list[LinkEvent]] = []
    for event in sorted(events, key=_rank):
        best, best_score = None, LINK_THRESHOLD
        for members in clusters:
            scores = [pair_score(event, m) for m in members]
            if any(s is None for s in scores):
                continue
            top = max(s for s in scores if s is not None)
            if top >= best_score:
                best, best_score = members, top
        if best is None:
            clusters.append([event])
        else:
            best.append(event)
    return [sorted(c, key=lambda e: e.order_key) for c in clusters]
