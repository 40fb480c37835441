"""One event per real happening: merge mentions of the same happening and build the output.

Each type's spec says how its mentions merge (``merge`` in spec.json): statements only with
the neutral quote that follows them (one utterance told twice, see ``_quote_links``);
parades whenever dates and modality agree; launches, meetings, votes and exercises when
nothing they say contradicts it (no different dates, weapons or sides).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from spacy.tokens import Span

from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.calibration import Calibration
from worker.extraction.dates import ResolvedDate
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.type_folder import EventTypeSpec, MergePolicy
from worker.extraction.types import EventActor, EventMention, ExtractedEvent
from worker.extraction.vocabulary import NEUTRAL

_ISO_LENGTH = {"year": 4, "month": 7, "day": 10}


def _dates_agree(a: ResolvedDate, b: ResolvedDate) -> bool:
    """True when one date lies within the other ("Wednesday" is in "this year")."""
    size = min(_ISO_LENGTH.get(a.precision, 10), _ISO_LENGTH.get(b.precision, 10))
    return a.value.isoformat()[:size] == b.value.isoformat()[:size]


def _within_window(a: ResolvedDate, b: ResolvedDate, days: int) -> bool:
    """True when two day-precise dates lie within a happening's span ("the exercises began on
    Tuesday" and "held live-fire drills on Wednesday" tell one exercise)."""
    if days <= 0 or a.precision != "day" or b.precision != "day":
        return False
    return abs((a.value - b.value).days) <= days


def _months_agree(a: ResolvedDate, b: ResolvedDate) -> bool:
    """True when the dates agree to the month (or to the coarser of their precisions)."""
    size = min(_ISO_LENGTH.get(a.precision, 10), _ISO_LENGTH.get(b.precision, 10), 7)
    return a.value.isoformat()[:size] == b.value.isoformat()[:size]


def _near(a: Mention, b: Mention) -> bool:
    """True when the mentions are in the same or in consecutive sentences, or in one
    paragraph ("The vote was 4-9. Russia and China supported the draft, while ...")."""
    first, second = (a, b) if a.sent.start <= b.sent.start else (b, a)
    if second.sent.start <= first.sent.end:
        return True
    return "\n" not in first.sent.doc.text[first.sent.end_char : second.sent.start_char]


#: Sentence openings that tell another happening than the one before ("Separately, the
#: South Korean and U.S. air forces kicked off a live-fire exercise").
_SEPARATE_OPENINGS = ("separately", "in a separate", "elsewhere", "in another")


def _told_apart(a: Mention, b: Mention) -> bool:
    later = a if a.sent.start > b.sent.start else b
    return a.sent.start != b.sent.start and later.sent.text.lstrip().lower().startswith(
        _SEPARATE_OPENINGS
    )


def _compatible(a: Mention, b: Mention, specs: Mapping[str, EventTypeSpec]) -> bool:
    if a.type != b.type or a.modality != b.modality or _told_apart(a, b):
        return False
    policy = specs[a.type].merge
    if policy.mode == "never":
        return False
    if (
        a.own_date
        and b.own_date
        and a.date
        and b.date
        and not _dates_agree(a.date, b.date)
        and not _within_window(a.date, b.date, specs[a.type].incident_window_days)
    ):
        return False
    if a.own_date != b.own_date and a.date and b.date and not _months_agree(a.date, b.date):
        # "India test-fired Agni-Prime" (dated by the story) and "it was earlier tested ...
        # in April 2024": a date of its own in another month is an earlier happening.
        return False
    if policy.mode == "always":
        return True
    if a.subtype in policy.near_subtypes or b.subtype in policy.near_subtypes:
        # An abstention or a tally is part of the vote told beside it (``_joins``); a vote
        # mentioned paragraphs later ("two months after the council voted ...") is another.
        return True
    if a.weapons and b.weapons and not set(a.weapons) & set(b.weapons):
        return False
    if specs[a.type].symmetric_roles and _roles_swapped(a, b):
        # "Putin greeted Kim" and "Kim held talks with Putin in Russia": one meeting told
        # from either side (the host is the target of one, the agent of the other).
        b = replace(b, agents=b.targets, targets=b.agents)
    elif specs[a.type].symmetric_roles and _one_side_named(a, b):
        return not (policy.same_subtype and a.subtype != b.subtype)
    agents_a = {x.country for x in a.agents}
    agents_b = {x.country for x in b.agents}
    if agents_a and agents_b and not agents_a & agents_b:
        return False
    if policy.distinct_counterparts:
        # Named people first ("talks with Wang Yi" and "met Xi Jinping" are two meetings
        # with one country); else the countries met.
        people_a = {x for x in a.targets if x.kind == "person"}
        people_b = {x for x in b.targets if x.kind == "person"}
        sides_a = {x.country for x in a.targets if x.country}
        sides_b = {x.country for x in b.targets if x.country}
        if people_a and people_b:
            if not people_a & people_b:
                return False
        elif sides_a and sides_b and not sides_a & sides_b:
            return False
    return not (policy.same_subtype and a.subtype != b.subtype)


def _roles_swapped(a: Mention, b: Mention) -> bool:
    """True when ``b`` names ``a``'s agents as its targets and ``a``'s targets as its agents."""
    agents_a, targets_a = {x.country for x in a.agents}, {x.country for x in a.targets}
    agents_b, targets_b = {x.country for x in b.agents}, {x.country for x in b.targets}
    return (
        bool(agents_a and targets_a)
        and not agents_a & agents_b
        and agents_a <= targets_b
        and agents_b <= targets_a
    )


def _one_side_named(a: Mention, b: Mention) -> bool:
    """True when one mention names a single side ("Putin, Kim hold talks" read as Putin's)
    that is the other's target, and the other's agents are all it leaves out."""
    for one, other in ((a, b), (b, a)):
        agents = {x.country for x in one.agents}
        if agents and not one.targets and agents <= {x.country for x in other.targets}:
            return True
    return False


def merge_mentions(
    mentions: list[Mention], specs: Mapping[str, EventTypeSpec]
) -> list[list[Mention]]:
    """Group mentions of the same happening (in article order)."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        for group in groups:
            if _joins(mention, group, specs):
                group.append(mention)
                break
        else:
            groups.append([mention])
    return _fold_references(groups, specs)


def _joins(mention: Mention, group: list[Mention], specs: Mapping[str, EventTypeSpec]) -> bool:
    """True when ``mention`` fits every mention of ``group``, and a tally ("Thirteen members
    voted for the text, while China abstained") sits beside one of them: the vote it counts
    is the one told in the sentence before, whatever headline or later reference the group
    also holds."""
    if not all(_compatible(mention, other, specs) for other in group):
        return False
    near_subtypes = specs[mention.type].merge.near_subtypes
    told = [o for o in group if o.subtype not in near_subtypes and not o.echo]
    if mention.subtype in near_subtypes:
        # Beside the telling itself: a tally two sentences on ("A rival Russian text won
        # only Russia's vote") counts another vote.
        return any(_near(mention, other) for other in told or group)
    if all(other.subtype in near_subtypes for other in group):
        # A group of tallies only: the vote told beside them.
        return any(_near(mention, other) for other in group)
    return True


def _fold_references(
    groups: list[list[Mention]], specs: Mapping[str, EventTypeSpec]
) -> list[list[Mention]]:
    """A group made only of references ("the drills", "the visit" under a verb of saying,
    with no date of their own) joins the story's first reported event of its type: the sides
    a reaction names are not the event's ("Russia said the drills were a provocation")."""
    reported = [g for g in groups if not all(m.reference for m in g)]
    reported_ids = {id(g) for g in reported}
    kept: list[list[Mention]] = []
    for group in groups:
        first = group[0]
        if id(group) in reported_ids or specs[first.type].merge.mode == "never":
            kept.append(group)
            continue
        home = next(
            (g for g in reported if g[0].type == first.type and g[0].modality == first.modality),
            None,
        )
        if home is not None and _other_counterpart(group, home):
            # "Modi travelled on to Athens on Friday, the first visit to Greece": a visit to
            # another host than the story's is its own happening.
            kept.append(group)
        elif home is not None:
            home.extend(group)
        elif not all(m.talked_about for m in group):
            kept.append(group)
        # else: only talked about ("Li said the drill was a stern warning") in a story that
        # tells no such happening itself: the talk is the statement's, no event of its own.
    return kept


def _other_counterpart(group: list[Mention], home: list[Mention]) -> bool:
    """True when the references name sides and counterparts of their own, none of the home
    event's: another happening of the type, not a mention of the story's."""
    agents = {a.country for m in group for a in m.agents}
    targets = {a.country for m in group for a in m.targets}
    home_sides = {a.country for m in home for a in (*m.agents, *m.targets)}
    return (
        bool(agents and targets)
        and not all(m.talked_about for m in group)
        and not targets & home_sides
    )


def fold_echoes(
    groups: list[list[Mention]], specs: Mapping[str, EventTypeSpec]
) -> list[list[Mention]]:
    """Headlines and captions repeat what the story tells: fold each group made only of such
    mentions into the story's group of the same happening, or drop it when the story tells
    another happening of its type instead; keep it only when the story has none.

    Statements never merge by themselves (one event per utterance), so a headline's "Houthis
    warn of 'long war'" joins the story's statement of the same speaker's country.
    """
    body = [g for g in groups if not all(m.echo for m in g)]
    body_ids = {id(g) for g in body}
    kept: list[list[Mention]] = []
    for group in groups:
        if id(group) in body_ids:
            kept.append(group)
            continue
        first = group[0]
        same_type = [g for g in body if g[0].type == first.type]
        if specs[first.type].speech:
            sides = {a.country for m in group for a in m.agents}
            same_type = [g for g in same_type if sides & {a.country for m in g for a in m.agents}]
        home = next(
            (g for g in same_type if all(_echo_fits(e, m, specs) for e in group for m in g)),
            None,
        )
        if home is not None:
            home.extend(group)
        elif not same_type and not all(m.caption for m in group):
            # A caption alone is a file photo as often as the story's happening ("A missile
            # is displayed during Russia's military parade" over a story on a strike); a
            # headline alone still tells the story's event.
            kept.append(group)
    return kept


def _echo_fits(echo: Mention, told: Mention, specs: Mapping[str, EventTypeSpec]) -> bool:
    """True when a headline or caption mention may be a mention of ``told``'s happening."""
    if specs[echo.type].speech:
        # The speaker's country is checked by the caller; a headline's stance word is often
        # not the story's ("slams" over "condemned").
        return echo.modality == told.modality
    return _compatible(echo, told, specs) or (
        echo.type == told.type and echo.modality == told.modality and not echo.own_date
    )


def _roles(
    group: list[Mention], best: Mention, policy: MergePolicy
) -> tuple[list[ResolvedActor], list[ResolvedActor], list[ResolvedActor]]:
    # A headline is parsed worst ("Putin says Russia hit Ukraine with new missile" gives
    # Ukraine as a launcher): the story's sentences name the sides when they name any.
    body = [m for m in group if not m.echo]
    tellers = body if any(m.agents for m in body) else group
    # "Tusk said the drills were aggressive" refers to the drills: Tusk holds none of them.
    reports = [m for m in tellers if not m.talked_about]
    tellers = reports if any(m.agents for m in reports) else tellers
    # Whom the best mention names as the target stays one ("Putin greeted Kim" beside "Kim
    # held talks with Putin in Russia": the host is no agent of the visit).
    aimed_at = {t.country for t in best.targets if t.country}
    agents = unique_actors(
        best.agents
        + [a for m in tellers for a in m.agents if a in best.agents or a.country not in aimed_at]
    )
    if policy.agents_from_best and best.agents:
        # Other mentions of a vote name abstainers and earlier voters: present, not the agent.
        others = [a for a in agents if a not in best.agents]
        agents = list(best.agents)
        group_participants = others
    else:
        group_participants = []
    # A tally names who voted how, not whom the vote is aimed at ("the vote in the council").
    aimers = [m for m in group if m.subtype not in policy.near_subtypes] or group
    targets = unique_actors(best.targets + [a for m in aimers for a in m.targets])
    participants = unique_actors([a for m in group for a in m.participants] + group_participants)
    if policy.host_agents:
        host = best.location.country if best.location else None
        if host is None:
            host = next((m.location.country for m in group if m.location), None)
        if host is None:
            # "Russia held its parade": the organising state is the host.
            host = next((a.country for a in agents if a.kind != "person"), None)
        people = unique_actors(agents + participants)
        agents = [p for p in people if p.country == host] or (
            [ResolvedActor(best.location.name, host, "country")] if best.location and host else []
        )
        participants = [p for p in people if p not in agents]
    targets = [t for t in targets if t not in agents]
    participants = [p for p in participants if p not in agents and p not in targets]
    return agents, targets, participants


#: An article reporting at most this many asserted events is more often a near miss (a
#: sports or business page with one stray stance verb) than a world-affairs story.
FEW_EVENTS = 2


def confidence(
    best: Mention, group: list[Mention], spec: EventTypeSpec, article_events: int | None = None
) -> float:
    """The raw score in [0.05, 0.99]: it ranks events by how often such evidence is right on
    the news dev split (AUC 0.64 -> 0.79); ``calibration.json`` turns it into a probability.

    The type's ``base_confidence`` plus evidence features (see docs/extraction.md,
    "Confidence"); ``article_events`` is the number of asserted events of the article.
    """
    score = spec.base_confidence
    score += 0.15 if best.agent_named else (0.05 if best.agents else -0.15)
    score += 0.05 if len(best.agents) > 1 else 0.0
    score += 0.1 if best.own_date else 0.0
    score += 0.05 if best.location else 0.0
    score += 0.1 if best.targets else 0.0
    score += 0.05 * min(len(group) - 1, 2)
    # A headline or caption telling the same happening: the page itself puts it forward.
    score += 0.05 if any(m.echo for m in group) else 0.0
    # A subtype that says little ("neutral" statements) is less often right.
    score += dict(spec.subtype_confidence).get(best.subtype or "", 0.0)
    # The sentence's main verb is the event; a noun or a subordinate clause often only
    # refers to one ("the parade is held annually", "after the talks").
    score += 0.15 if best.trigger.dep_ == "ROOT" else 0.0
    if best.trigger.pos_ != "VERB":
        score -= 0.1
    # A sentence that opens with a quote leaves the speaker to a trailing "he said".
    if best.sent.text.lstrip()[:1] in {'"', "\u201c", "'", "\u2018"}:
        score -= 0.1
    if article_events is not None and article_events <= FEW_EVENTS:
        score -= 0.2
    return max(0.05, min(0.99, round(score, 3)))


def _quote_links(bests: list[Mention], specs: Mapping[str, EventTypeSpec]) -> dict[int, int]:
    """Pair a reported statement with the verbatim quote that follows it (same speaker).

    "X condemned Y for Z." followed by '"...," X said.' is one utterance told twice: the gold
    convention (shared/eval/README.md) counts one event with two mentions, and two events
    double what users count. Only a quote that adds no stance of its own (neutral), by the
    same speaker (the same person when both name one), in one of the next two sentences is
    folded: a quote that warns after a paraphrase that condemned is another utterance in the
    seed's and the news gold alike.
    Returns {index of the quote event: index of the paraphrase event}.
    """
    links: dict[int, int] = {}
    for i in range(1, len(bests)):
        later = bests[i]
        # The utterance told just before, of the same type: an event of another type (the
        # meeting the speech was at) may stand between them in the list.
        before = [
            j
            for j in range(i)
            if bests[j].type == later.type and bests[j].sent.start < later.sent.start
        ]
        if not before:
            continue
        j = max(before, key=lambda k: bests[k].sent.start)
        earlier = bests[j]
        if (
            specs[later.type].speech
            and (later.quote or _fragment(later))
            and (later.subtype in {NEUTRAL, earlier.subtype} or _continues(later))
            and (not earlier.quote or _continues(later))
            and later.modality == earlier.modality
            and _follows_closely(earlier.sent, later.sent, 3 if _fragment(later) else 1)
            and {a.country for a in later.agents} & {a.country for a in earlier.agents}
            # "All four leaders said ..." then '"...," Scholz said': one of a joint
            # statement's speakers going on alone is his own utterance.
            and {a.country for a in earlier.agents} <= {a.country for a in later.agents}
            and _same_person(later, earlier)
            # Past an event of another type, only the same named person goes on speaking.
            and (j == i - 1 or _names_same_person(later, earlier))
        ):
            # A quote that goes on with a quote already folded joins the same statement.
            links[i] = links.get(j, j)
    return links


#: Verbs that go on with what the speaker was saying ('"...," he added').
_GOING_ON_VERBS = frozenset({"add", "continue"})


def _continues(later: Mention) -> bool:
    """True when ``later`` only goes on with an utterance already told: a quote closed by
    "he added", or a fragment the sentence splitter cut off a quote ("he wrote, urging
    Moscow to get a peace deal done.")."""
    return (later.quote is not None and later.trigger.lemma_ in _GOING_ON_VERBS) or _fragment(later)


def _fragment(mention: Mention) -> bool:
    """True for a sentence that opens in lower case: the splitter cut it off a quote."""
    return mention.sent.text.lstrip()[:1].islower()


def _follows_closely(earlier: Span, later: Span, between: int) -> bool:
    """True when ``later`` comes after ``earlier`` with at most ``between`` sentences between
    them (a sentence of context may stand between a paraphrase and its quote; a quote the
    splitter cut at each "!" leaves more)."""
    if later.start < earlier.end:
        return False
    doc = earlier.doc
    position = earlier.end
    for _ in range(between):
        if position >= later.start:
            break
        position = doc[position].sent.end
    return later.start <= position


def _speakers(mention: Mention) -> set[str]:
    """The people a mention names as its agents."""
    return {x.name for x in mention.agents if x.kind == "person"}


def _same_person(a: Mention, b: Mention) -> bool:
    """False when both mentions name a speaking person and none is the same."""
    people_a, people_b = _speakers(a), _speakers(b)
    return not (people_a and people_b) or bool(people_a & people_b)


def _names_same_person(a: Mention, b: Mention) -> bool:
    """True when both mentions name one speaking person."""
    return bool(_speakers(a) & _speakers(b))


def _mention_of(sent: Span) -> EventMention:
    """A sentence as the text it shows and the offsets of exactly that text (a sentence ending
    a line carries the line break, which is no part of it)."""
    text = sent.text
    stripped = text.strip()
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return EventMention(stripped, start, start + len(stripped))


#: The country code events give international bodies and their officials (the PLOVER/CAMEO
#: convention: the UN, NATO, the EU... are all "IGO"; their names tell them apart). The rules
#: keep each body's own code, so that two bodies are never taken for one side.
IGO = "IGO"


def build_events(
    article_id: str,
    groups: list[list[Mention]],
    specs: Mapping[str, EventTypeSpec],
    organization_codes: Collection[str] = (),
    calibration: Calibration | None = None,
) -> list[ExtractedEvent]:
    """Turn merged groups into output events, each with its best evidence sentence.

    ``specs`` are the loaded types by name; ``organization_codes`` are the gazetteer's codes of
    international bodies, reported as IGO. With a ``calibration`` an event's confidence is the
    calibrated probability and its raw score stays in ``attributes["raw_confidence"]``;
    without one the confidence is the raw score (what ``bench/calibrate.py`` fits on).
    """

    def actor(a: ResolvedActor, role: str) -> EventActor:
        country = IGO if a.country in organization_codes else a.country
        return EventActor(a.name, country, role, a.kind)  # type: ignore[arg-type]

    events: list[ExtractedEvent] = []
    # A headline or caption is the evidence only when the story itself does not tell it.
    # A tally ("Eleven members voted for the text") counts the vote its group tells: it is
    # never the best evidence while the group holds the telling itself.
    bests = [
        max(
            group,
            key=lambda m: (
                not m.echo,
                m.subtype not in specs[m.type].merge.near_subtypes,
                m.score,
                -m.sent.start,
            ),
        )
        for group in groups
    ]
    links = _quote_links(bests, specs)
    lent_quotes = {j: bests[i].quote for i, j in links.items()}
    for quote_index, paraphrase_index in links.items():
        groups[paraphrase_index].extend(groups[quote_index])
    asserted = sum(b.modality == "asserted" for i, b in enumerate(bests) if i not in links)
    for index, group in enumerate(groups):
        if index in links:
            continue  # told as a mention of its paraphrase's event
        best = bests[index]
        spec = specs[best.type]
        agents, targets, participants = _roles(group, best, spec.merge)
        location = best.location or next((m.location for m in group if m.location), None)
        date = best.date if best.date else next((m.date for m in group if m.own_date), None)
        actors = tuple(
            [actor(a, "agent") for a in agents]
            + [actor(a, "target") for a in targets]
            + [actor(a, "participant") for a in participants]
        )
        attributes = {k: v for m in group for k, v in m.attributes.items()}
        if not best.own_date and best.date is not None:
            # "published" when nothing in the story dated it, else the story's (lead's) date.
            attributes["date_source"] = best.attributes.get("date_source", "context")
        weapons = tuple(dict.fromkeys(w for m in group for w in m.weapons))
        quote = best.quote or next((m.quote for m in group if m.quote), lent_quotes.get(index))
        sentences = {m.sent.start_char: m.sent for m in group}
        mentions = tuple(_mention_of(sent) for _start, sent in sorted(sentences.items()))
        evidence = _mention_of(best.sent)
        score = confidence(best, group, spec, asserted)
        if calibration is not None:
            attributes["raw_confidence"] = score
            score = calibration(best.type, score)
        events.append(
            ExtractedEvent(
                article_id=article_id,
                type=best.type,  # type: ignore[arg-type]
                subtype=best.subtype,
                sentence=evidence.sentence,
                start=evidence.start,
                end=evidence.end,
                trigger=best.trigger.text,
                date=date.value if date else None,
                date_precision=date.precision if date else None,  # type: ignore[arg-type]
                location=location,
                actors=actors,
                weapons=weapons,
                quote=quote,
                modality=best.modality,  # type: ignore[arg-type]
                confidence=score,
                mentions=mentions,
                attributes=attributes,
            )
        )
    return events
