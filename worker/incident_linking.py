"""Decide which stored events report the same happening: the incident linker's rules.

Pure functions over :class:`LinkEvent` (no database): ``worker.incidents`` loads the events
a batch can affect, calls :func:`cluster` and writes the result.

Two events can only ever share an incident when :func:`pair_score` links them (a score of
at least :data:`LINK_THRESHOLD`): the incidents of a type are made inside the connected
components of those links, and a component is clustered whole, in a canonical order that
depends only on the events themselves (article content hash, offset, type), never on when
they arrived or the ids they got. The same events give the same partition, and a new event
changes only the component it links to (:func:`window_days` bounds where its links can be).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from sys import intern

#: A pair of events must score at least this to be the same happening.
LINK_THRESHOLD = 2.5
#: What disjoint agent countries cost a pair of reports that are not statements. Not a veto:
#: a launch report that names the reporting military ("South Korea's Joint Chiefs said") as
#: its agent is an extraction slip the date, weapons and words can outvote.
AGENT_PENALTY = 1.0
#: What a speech act attributed to a state or body only ("Russia accused Ukraine") costs
#: against one by a named person on the same day: often another utterance, not always
#: ("North Korea threatened ..." may report a named official's statement).
SPEAKER_PENALTY = 1.0
#: Words too common in news to say two sentences tell the same story.
_STOP = frozenset(
    """a an the of to in on at for and or but by with from as is was were be been has have had
    its it this that said says say told their his her he she they we i not no after before
    over into about than also would will could which who what when where while during
    on monday tuesday wednesday thursday friday saturday sunday""".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9-]+")
#: The range classes reports give a missile in (words of the evidence sentence). Launch
#: reports often name no weapon but say "an ICBM" or "two short-range ballistic missiles":
#: two launches of one morning by one state, an hour apart from one province, differ there.
_MISSILE_CLASS = {
    "icbm": "long",
    "icbms": "long",
    "intercontinental": "long",
    "long-range": "long",
    "irbm": "intermediate",
    "irbms": "intermediate",
    "intermediate-range": "intermediate",
    "srbm": "short",
    "srbms": "short",
    "short-range": "short",
    "cruise": "cruise",
}
#: What reports of a launch that name disjoint missile classes cost (as disjoint weapons).
CLASS_PENALTY = 2.0


#: The serial numbers of LinkEvents (``next`` is atomic under the GIL).
_SERIALS = count()
#: Not a score (None is one: ruled out).
_UNSCORED = object()


def content_words(sentence: str) -> frozenset[str]:
    """Lower-cased words of a sentence without the stop words (for the text score)."""
    # Interned: the same words recur in every report, and the linker keeps many in memory.
    return frozenset(intern(w) for w in _WORD.findall(sentence.lower()) if w not in _STOP)


@dataclass(frozen=True)
class TypeTraits:
    """What the linker reads of an event type's spec (worker/extraction/event_types/*/spec.json).

    Parameters:
      window: ``incident_window_days``: how many days apart two reports of one happening may
        be dated when either date was inferred (one day applies to every type).
      speech: ``speech``: the type is a speech act; different speakers are different
        incidents.
      symmetric_roles: ``symmetric_roles``: agents and targets are the happening's two sides,
        named in either order ("A met B", "B met A").
    """

    window: int = 0
    speech: bool = False
    symmetric_roles: bool = False


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
      target_countries, target_people: targets' countries, and names of targets who are
        people.
      location_country: where it happened.
      weapons: weapon names, lower-cased.
      words: content words of the evidence sentence.
      traits: what its type's spec says about linking.
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
    target_people: frozenset[str]
    location_country: str | None
    weapons: frozenset[str]
    words: frozenset[str]
    traits: TypeTraits = TypeTraits()
    #: Derived once (pair_score runs millions of times): :func:`_period`, and ``day`` as an
    #: ordinal (0 when there is none).
    period: str = field(init=False, compare=False, repr=False)
    ordinal: int = field(init=False, compare=False, repr=False)
    #: The missile classes its words name (:data:`_MISSILE_CLASS`); empty for other types.
    classes: frozenset[str] = field(init=False, compare=False, repr=False)
    #: The words of each agent person's name, and of each agent's or target's (a type with
    #: ``symmetric_roles`` compares both sides), and the countries of both sides: split once,
    #: not for each of the millions of pairs scored.
    agent_names: tuple[frozenset[str], ...] = field(init=False, compare=False, repr=False)
    side_names: tuple[frozenset[str], ...] = field(init=False, compare=False, repr=False)
    side_countries: frozenset[str] = field(init=False, compare=False, repr=False)
    #: A number no other LinkEvent of this process has: what pair scores kept between
    #: batches are found by (:data:`Scores`), without holding the events.
    serial: int = field(init=False, compare=False, repr=False)
    #: The countries a speech act's speakers must share (its agents', or both sides' for a
    #: type with ``symmetric_roles``), None when that rule does not apply to it (another
    #: type, or no such country): :func:`pair_score` rules out two events whose
    #: ``speakers`` are both set and disjoint, a test candidates are filtered by first.
    speakers: frozenset[str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "serial", next(_SERIALS))
        object.__setattr__(self, "period", _period(self))
        object.__setattr__(self, "ordinal", self.day.toordinal() if self.day else 0)
        agent_names = _name_words(self.agent_people)
        object.__setattr__(self, "agent_names", agent_names)
        # Without targets both sides are the agents: the same objects, no more memory (the
        # link cache keeps 20,000 of these).
        sides = self.agent_people | self.target_people
        side_names = agent_names if sides == self.agent_people else _name_words(sides)
        object.__setattr__(self, "side_names", side_names)
        countries = self.agent_countries | self.target_countries
        if countries == self.agent_countries:
            countries = self.agent_countries
        object.__setattr__(self, "side_countries", countries)
        speakers = countries if self.traits.symmetric_roles else self.agent_countries
        object.__setattr__(self, "speakers", speakers if self.traits.speech and speakers else None)
        classes = (
            frozenset(_MISSILE_CLASS[w] for w in self.words if w in _MISSILE_CLASS)
            if self.type == "launch"
            else frozenset()
        )
        object.__setattr__(self, "classes", classes)


def _name_words(names: frozenset[str]) -> tuple[frozenset[str], ...]:
    """The words of each name (a person is matched by words: "Kim" in "Kim Jong Un")."""
    return tuple(frozenset(name.split()) for name in names) if names else ()


def _share_person(a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> bool:
    """True when a name of one side is the other's or a part of it ("Kim" in "Kim Jong Un"),
    names given as their words (:func:`_name_words`)."""
    for xs in a:
        for ys in b:
            if xs <= ys or ys <= xs:
                return True
    return False


def _period(event: LinkEvent) -> str:
    """How coarse the event's date is: "none" (no day), "year", "month" or "day" (its own day
    or one inferred from context or publication)."""
    if event.day is None:
        return "none"
    return event.precision if event.precision in ("year", "month") else "day"


def window_days(event: LinkEvent) -> tuple[date | None, ...]:
    """Every ``day`` an event linked to this one can have (None: it has no day).

    Stored days are a month-dated event's first of the month and a year-dated one's January
    1st. A superset of what :func:`_date_score` accepts, for finding candidates by index.
    """
    if event.day is None:
        return (None,)
    period = _period(event)
    if period == "year":
        return (date(event.day.year, 1, 1),)  # year-dated events meet only each other
    if period == "month":
        first, last = _month(event.day)
        return tuple(first + timedelta(days=k) for k in range((last - first).days + 1))
    slack = max(1, event.traits.window)
    days = {event.day + timedelta(days=k) for k in range(-slack, slack + 1)}
    # A day-dated event also meets the month-dated reports of its month (dated the 1st).
    days.add(event.day.replace(day=1))
    return tuple(sorted(days))


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _date_score(a: LinkEvent, b: LinkEvent) -> float | None:
    """Score of the two dates, or None when they cannot be the same happening's."""
    pa, pb = a.period, b.period
    if pa == "day" and pb == "day":
        # The common case first, on ordinals (no date arithmetic).
        gap = abs(a.ordinal - b.ordinal)
        if gap == 0:
            return 2.0
        # A day taken from the publication date or the context may be a day late (a KCNA
        # report of the morning after), across a month's end too; a day read from the
        # sentence itself is taken at its word.
        if not (a.inferred or b.inferred):
            return None
        # An exercise lasts days: reports dated by their publication follow it day by day,
        # and within its span two such reports are nearly as good as two of one day (the
        # first day's "began on Monday" and Wednesday's "ongoing drills"): the score falls
        # from a same day's 2 the further apart they are. A one-day happening keeps 0.5.
        window = max(a.traits.window, b.traits.window)
        if gap <= window:
            return max(0.5, 2.0 * (1 - gap / (window + 1)))
        return 0.5 if gap == 1 else None
    if pa == "none" or pb == "none":
        return 0.0 if pa == pb else None
    assert a.day is not None and b.day is not None
    if pa == "year" or pb == "year":
        # A year-dated report meets only year-dated ones ("last year's parade" is too vague
        # to join one day's happening).
        return 0.0 if pa == pb and a.day.year == b.day.year else None
    if pa == "month" or pb == "month":
        # A "2023-07" report may be of any day of July.
        return 0.5 if (a.day.year, a.day.month) == (b.day.year, b.day.month) else None
    return None  # both dated to the day: handled first


def _someone_else(a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> bool:
    """True when ``a`` names a person ``b`` does not (neither the name nor a part of it),
    names given as their words."""
    return any(not _share_person((xs,), b) for xs in a)


def pair_score(a: LinkEvent, b: LinkEvent) -> float | None:
    """How strongly two events look like reports of one happening; None: they cannot be.

    Hard conflicts (a different type, dates that cannot meet, disjoint agent countries or
    different speakers of a speech act, different subtypes of a launch or a vote, meetings
    that share a person but each name someone else) rule a pair out; disjoint agent
    countries of other types cost :data:`AGENT_PENALTY`, disjoint missile classes of a
    launch :data:`CLASS_PENALTY`; agreement on date, agents, speakers, weapons, targets,
    place and evidence words adds up. A type with ``symmetric_roles`` compares its agents
    and targets together, as its two sides.
    """
    if a.type != b.type:
        return None
    if a.ordinal == b.ordinal and a.period == "day" and b.period == "day":
        score = 2.0  # the commonest pair, one day: what _date_score gives, without the call
    else:
        date_score = _date_score(a, b)
        if date_score is None:
            return None
        score = date_score
    traits = a.traits
    sides = traits.symmetric_roles
    if sides:
        # "Blinken met Wang Yi" and "Wang Yi held talks with Blinken" are one meeting.
        countries_a, countries_b = a.side_countries, b.side_countries
        people_a, people_b = a.side_names, b.side_names
    else:
        countries_a, countries_b = a.agent_countries, b.agent_countries
        people_a, people_b = a.agent_names, b.agent_names
    if countries_a and countries_b:
        if countries_a & countries_b:
            score += 1.0
        elif traits.speech:
            return None
        else:
            score -= AGENT_PENALTY
    if people_a and people_b:
        if not _share_person(people_a, people_b):
            if traits.speech:
                return None  # two officials' reactions are two incidents
        else:
            score += 2.0
            if sides and _someone_else(people_a, people_b) and _someone_else(people_b, people_a):
                # Blinken with Qin Gang one day and with Wang Yi the next, or with Wang Yi
                # and then with Xi on one afternoon in one city: one side shared, the other
                # someone else in each. A report that names fewer people ("Xi met Blinken"
                # against "Xi met Blinken and Wang Yi") names no one else and still joins.
                return None
    if traits.speech and bool(a.agent_people) != bool(b.agent_people):
        score -= SPEAKER_PENALTY
    if (
        a.type in ("launch", "sanctions_vote")
        and a.subtype
        and b.subtype
        and a.subtype != b.subtype
    ):
        return None
    if a.weapons and b.weapons:
        score += 2.0 if a.weapons & b.weapons else -2.0
    if a.classes and b.classes and not a.classes & b.classes:
        # Not a veto: a barrage of several types is told by its short-range missiles in one
        # report and by its cruise missiles in another; shared classes prove nothing either
        # (a report names the week's other launches as background).
        score -= CLASS_PENALTY
    if not sides and a.target_countries and b.target_countries:
        score += 1.0 if a.target_countries & b.target_countries else -1.0
    if a.location_country and b.location_country:
        score += 0.5 if a.location_country == b.location_country else -1.0
    if a.words and b.words:
        shared = len(a.words & b.words)
        # The union's size without building it (the same integer, so the same float).
        score += 4.0 * shared / (len(a.words) + len(b.words) - shared)
    return score


def _rank(event: LinkEvent) -> tuple[int, tuple[str, ...]]:
    # Events dated to the day lead, so that a month- or year-dated report joins a day's
    # happening rather than gathering several of them; then the canonical key.
    precision = {"day": 0, "month": 2, "year": 3}.get(event.precision or "", 1)
    return (precision, event.order_key)


class _Candidates:
    """The incidents an event could join: an exact pre-filter of :func:`pair_score`'s vetoes.

    A cluster is skipped as soon as one member rules the event out, so only clusters with no
    such member can be joined. Indexes find a superset of those without scoring every member
    of every cluster (which made a busy block quadratic: bench/incident_block.py):

    - day: an event dated to the day meets only clusters with a member within its date window
      (one day, or its type's window) or a member dated to the month or year or not at all;
    - statements: two speakers' reactions never join, so a statement with agent countries
      (people) meets only clusters with a member of one of its countries (sharing a name
      word), or clusters with no member that has any.

    The most selective index gives the first candidates, the others are checked per cluster.
    """

    def __init__(self) -> None:
        self.by_day: dict[date, set[int]] = {}
        self.days: list[set[date]] = []
        self.undated: set[int] = set()
        self.by_country: dict[str, set[int]] = {}
        self.by_name_word: dict[str, set[int]] = {}
        self.no_countries: set[int] = set()
        self.no_people: set[int] = set()

    def add(self, index: int, event: LinkEvent) -> None:
        """Record that cluster ``index`` (new when it equals the count so far) holds ``event``."""
        if index == len(self.days):
            self.days.append(set())
            self.no_countries.add(index)
            self.no_people.add(index)
        if event.day is None or event.precision in ("month", "year"):
            self.undated.add(index)
        else:
            self.by_day.setdefault(event.day, set()).add(index)
            self.days[index].add(event.day)
        for country in event.agent_countries:
            self.by_country.setdefault(country, set()).add(index)
            self.no_countries.discard(index)
        for name in event.agent_people:
            for word in name.split():
                self.by_name_word.setdefault(word, set()).add(index)
            self.no_people.discard(index)

    def of(self, event: LinkEvent) -> list[int]:
        """Indexes of the clusters ``event`` might join, in creation order."""
        # Sets built and intersected by set operations; name words (postings of common
        # words such as "kim" can hold most clusters) are checked per remaining candidate.
        sets: list[set[int]] = []
        if event.day is not None and event.precision not in ("month", "year"):
            window = max(1, event.traits.window)
            days = [event.day + timedelta(days=k) for k in range(-window, window + 1)]
            sets.append(self.undated.union(*(self.by_day.get(d, ()) for d in days)))
        statement = event.traits.speech
        if statement and event.agent_countries:
            postings = [self.by_country[c] for c in event.agent_countries if c in self.by_country]
            sets.append(self.no_countries.union(*postings))
        if not sets:  # a coarse date, not a statement: every cluster
            sets.append(set(range(len(self.days))))
        found = set.intersection(*sorted(sets, key=len))
        words = {w for n in event.agent_people for w in n.split()} if statement else set()
        if words:
            postings = [self.by_name_word[w] for w in words if w in self.by_name_word]
            found = {i for i in found if i in self.no_people or any(i in p for p in postings)}
        return sorted(found)


#: Pair scores kept by the caller between calls of :func:`cluster`, by the two events'
#: ``serial`` numbers.
Scores = dict[tuple[int, int], "float | None"]


def cluster(events: Sequence[LinkEvent], scores: Scores | None = None) -> list[list[LinkEvent]]:
    """Partition events into incidents, whatever order they are given in.

    Events are visited in canonical order; each joins the incident holding its best-scoring
    member when that score reaches :data:`LINK_THRESHOLD` and no member rules it out,
    else it starts a new incident. Incidents that an event linked to without joining are then
    merged where they agree as wholes (:func:`_merge_linked`). Returns the incidents, each in
    canonical order. Only the clusters :class:`_Candidates` finds are scored, in creation
    order, so the result is the same as scoring every cluster. Only linked incidents merge,
    so the result on a set of whole link components is the union of their own results.
    ``scores``: where the scores of the greedy pass's pairs are kept and looked up (a pair
    of events scores the same every time: the same scores, so the same incidents).
    """
    scores = {} if scores is None else scores
    clusters: list[list[LinkEvent]] = []
    candidates = _Candidates()
    # Pairs of clusters (by index) that one event linked to: merge candidates.
    linked: set[tuple[int, int]] = set()
    for event in sorted(events, key=_rank):
        best, best_score = None, LINK_THRESHOLD
        reached: list[int] = []
        for index in candidates.of(event):
            top: float | None = None
            for member in clusters[index]:
                key = (event.serial, member.serial)
                found = scores.get(key, _UNSCORED)
                if found is _UNSCORED:
                    found = scores[key] = pair_score(event, member)
                if found is None:  # one member rules the event out of the cluster
                    break
                if top is None or found > top:
                    top = found
            else:
                if top is not None and top >= LINK_THRESHOLD:
                    reached.append(index)
                if top is not None and top >= best_score:
                    best, best_score = index, top
        if best is None:
            clusters.append([event])
            candidates.add(len(clusters) - 1, event)
        else:
            clusters[best].append(event)
            candidates.add(best, event)
            linked.update((min(i, best), max(i, best)) for i in reached if i != best)
    merged = _merge_linked(clusters, linked, scores)
    return [sorted(c, key=lambda e: e.order_key) for c in merged]


def _cross(
    a: Sequence[LinkEvent], b: Sequence[LinkEvent], scores: Scores | None = None
) -> float | None:
    """Sum of the pair scores between two clusters; None when a pair rules them apart.
    ``scores``: kept scores (as :func:`cluster`'s)."""
    scores = {} if scores is None else scores
    total = 0.0
    for x in a:
        for y in b:
            key = (x.serial, y.serial)
            score = scores.get(key, _UNSCORED)
            if score is _UNSCORED:
                score = scores[key] = pair_score(x, y)
            if score is None:
                return None
            total += score
    return total


def _merge_linked(
    clusters: list[list[LinkEvent]],
    linked: set[tuple[int, int]],
    scores: Scores | None = None,
) -> list[list[LinkEvent]]:
    """Merge clusters an event linked to without joining, while they agree as wholes.

    The greedy pass puts an event in its best cluster only: when the first reports of one
    happening started two clusters (one scored just under the threshold against the other's
    first member), later reports that link to both leave them apart. Two linked clusters
    merge when no pair between them is ruled out and their mean pair score (average
    linkage) reaches :data:`LINK_THRESHOLD`: one report that links two happenings (a launch
    and the reply it drew, told in one sentence) does not chain them, their other reports
    decide. The best pair merges first (ties to the lower indexes), so the result depends
    only on the clusters, which depend only on the canonical order.
    """
    live: dict[int, list[LinkEvent]] = dict(enumerate(clusters))
    # Linked pairs (i < j) with the sum of their pair scores, None when one is ruled out;
    # merging j into i adds j's sums to i's (the pairs of the merged cluster are theirs).
    sums: dict[tuple[int, int], float | None] = {
        (i, j): _cross(live[i], live[j], scores) for i, j in sorted(linked)
    }
    while True:
        best: tuple[float, int, int] | None = None
        for (i, j), total in sorted(sums.items()):
            if total is None:
                continue
            mean = total / (len(live[i]) * len(live[j]))
            if mean >= LINK_THRESHOLD and (best is None or mean > best[0]):
                best = (mean, i, j)
        if best is None:
            return [live[i] for i in sorted(live)]
        _, keep, gone = best
        del sums[(keep, gone)]
        others = {k for pair in sums for k in pair if keep in pair or gone in pair}
        others -= {keep, gone}
        merged: dict[int, float | None] = {}
        for k in sorted(others):
            parts = []
            for c in (keep, gone):
                pair = (min(c, k), max(c, k))
                parts.append(sums.pop(pair) if pair in sums else _cross(live[c], live[k], scores))
            merged[k] = None if None in parts else sum(p for p in parts if p is not None)
        live[keep] = live[keep] + live.pop(gone)
        for k, total in merged.items():
            sums[(min(keep, k), max(keep, k))] = total
