"""Within one sentence: drop attributions and fold triggers that tell the same utterance or
happening into one mention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from worker.extraction import syntax
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.vocabulary import ATTRIBUTING_VERBS, NEUTRAL, REPORTING_VERBS, STANCE_CUES

if TYPE_CHECKING:
    from worker.extraction.rules.dispatch import EventTypeRule


def _goes_on_speaking(first: Mention, then: Mention) -> bool:
    """True when ``then`` is the same speaker going on without a subject of its own: a verb
    coordinated with or hung on ``first``'s ("told reporters the claim was a deception,
    noting that ...", "said Moscow agreed ..., but argued that ..."), however the two
    speakers were resolved."""
    trigger = then.trigger
    return (
        trigger.head.i == first.trigger.i
        and trigger.dep_ in {"conj", "advcl"}
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in trigger.children)
    )


def drop_attributions(found: list[Mention], rules: dict[str, EventTypeRule]) -> list[Mention]:
    """Fold a sentence's statement triggers that share a speaker into one statement (one
    utterance), and its mentions of one other type into one mention.

    "X said Y happened" reports Y: a neutral speech verb whose clause holds another event
    is an attribution, not a statement of its own. Statements are the mentions of the
    speech types (``speech`` in their spec).
    """
    speech = {m.type for m in found if rules[m.type].spec.speech}
    kept: list[Mention] = []
    for mention in found:
        if (
            mention.type in speech
            and not mention.quote
            and mention.subtype in {NEUTRAL, *dict(STANCE_CUES)}
            and mention.trigger.lemma_ in REPORTING_VERBS | ATTRIBUTING_VERBS
        ):
            inner = {t.i for t in mention.trigger.subtree}
            reported = [
                o
                for o in found
                if o is not mention
                and o.trigger.i in inner
                and o.type not in speech
                and o.modality in {"asserted", "negated"}
                # "Li said the drill was a stern warning": a judgement of a happening the
                # story told, not its report; the speaker's words are the event.
                and not o.talked_about
            ]
            speaker = {a.country for a in mention.agents}
            if any(
                o.modality == "negated"
                and speaker & {a.country for a in o.agents}
                and any(t.pos_ == "PRON" for t in syntax.subjects(syntax.clause_verb(o.trigger)))
                for o in reported
            ):
                # "The U.S. said it would not meet the demands": refusing for oneself is
                # a rejection, not the report of a fact.
                mention.subtype = "reject"
            elif any(o.modality == "negated" and o.reference for o in reported):
                # "The ministry said the drills were not directed at any country": what the
                # story told, said again with a "not", is a denial, not the report of a fact.
                mention.subtype = "deny"
            elif reported:
                continue
        same = next(
            (
                k
                for k in kept
                if k.type == mention.type
                and mention.type in speech
                and (k.agents == mention.agents or _goes_on_speaking(k, mention))
                # "did not condemn ... but urged": a negated act is not the one made.
                and k.modality == mention.modality
            ),
            None,
        )
        if same is not None:
            # One speaker in one sentence is one utterance, however many stances it takes
            # ("He slammed ... and warned ..."): counting two would double what users see.
            # The first stance names it. Coordinated verbs aim it at what each aims at; a verb
            # inside what was said ("called on Beijing to encourage Pyongyang") is content.
            coordinated = mention.trigger in same.trigger.conjuncts or (
                mention.trigger.dep_ == "advcl" and mention.trigger.head.i == same.trigger.i
            )
            if coordinated or not same.targets:
                same.targets = unique_actors(same.targets + mention.targets)
            if same.subtype == NEUTRAL and mention.subtype != NEUTRAL:
                same.subtype = mention.subtype
            same.quote = same.quote or mention.quote
            continue
        twin = next(
            (
                k
                for k in kept
                if k.type == mention.type
                and mention.type not in speech
                # "held talks with Medvedev after meeting Li a day earlier": two meetings,
                # each with its own counterpart.
                and not _separate_counterparts(k, mention)
                and not _separate_doers(k, mention)
            ),
            None,
        )
        if twin is not None:
            if mention.score > twin.score:
                twin.trigger, twin.subtype = mention.trigger, mention.subtype
            twin.agents = unique_actors(twin.agents + mention.agents)
            twin.targets = unique_actors(twin.targets + mention.targets)
            twin.participants = unique_actors(twin.participants + mention.participants)
            twin.weapons = list(dict.fromkeys(twin.weapons + mention.weapons))
            continue
        if mention.type not in speech and not mention.targets:
            # "..., and Britain announced its own measures": the same side is aimed at.
            told = next((k for k in kept if k.type == mention.type and k.targets), None)
            if told is not None:
                own = {a.country for a in mention.agents}
                mention.targets = [t for t in told.targets if t.country not in own]
        kept.append(mention)
    return fold_same_side(fold_embedded(kept, speech), speech)


def _separate_doers(a: Mention, b: Mention) -> bool:
    """True when each trigger has a subject of its own and they name different states:
    "the EU imposed asset freezes, while Britain and Canada announced fresh measures" is two
    sanctions, "Japan held drills as China staged its own" two exercises."""
    own = [any(c.dep_ in {"nsubj", "nsubjpass"} for c in m.trigger.children) for m in (a, b)]
    countries_a = {x.country for x in a.agents}
    countries_b = {x.country for x in b.agents}
    return all(own) and bool(countries_a and countries_b) and not countries_a & countries_b


def _separate_counterparts(a: Mention, b: Mention) -> bool:
    """True when both mentions name people they deal with, and none in common."""
    people_a = {t for t in a.targets if t.kind == "person"}
    people_b = {t for t in b.targets if t.kind == "person"}
    return bool(people_a and people_b and not people_a & people_b)


def fold_embedded(kept: list[Mention], speech: set[str]) -> list[Mention]:
    """A statement verb inside what a speaker said is content, not a second statement.

    "Patel called on Beijing to encourage Pyongyang ..." is one appeal; "Kang spoke,
    calling the event ..." is one speech. The embedded verb has no subject of its own; its
    targets serve the outer statement when that has none.
    """
    statements = [m for m in kept if m.type in speech]
    dropped: set[int] = set()
    for inner in statements:
        has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in inner.trigger.children)
        if has_subject or inner.trigger.dep_ == "conj":
            continue
        outer = next(
            (
                o
                for o in statements
                if o is not inner
                and id(o) not in dropped
                and inner.trigger in o.trigger.subtree
                and o.agents == inner.agents
            ),
            None,
        )
        if outer is None:
            continue
        _absorb(outer, inner)
        dropped.add(id(inner))
    return [m for m in kept if id(m) not in dropped]


def fold_same_side(kept: list[Mention], speech: set[str]) -> list[Mention]:
    """A stance inside what a speaker of the same side said is that speaker's utterance.

    "Hayashi told a press conference that Japan had lodged a strong protest", "Miller said
    Washington was deeply concerned", "Kim congratulated the scientists, KCNA said": the
    official speaks for his state, the state's media reports its leader; coding the inner
    stance and the frame as two statements would count one utterance twice. Two speakers
    of different countries stay two ("Seoul said Pyongyang had threatened ..."), and so do
    coordinated clauses, which are two acts ("Washington has accused ..., and a spokesman
    condemned ..."). A plain "said"/"told" frame by a speaker we cannot place ("France
    condemned the coup, government spokesman Olivier Véran told reporters") speaks for the
    side it reports. The merged statement keeps the stance and both speakers.
    """
    statements = [m for m in kept if m.type in speech]
    dropped: set[int] = set()
    for outer in statements:
        for inner in statements:
            if (
                inner is outer
                or id(inner) in dropped
                or id(outer) in dropped
                or inner.type != outer.type
                or inner.modality != outer.modality
                or inner.trigger not in outer.trigger.subtree
                or _coordinated(inner.trigger, outer.trigger)
            ):
                continue
            if _sides(outer) & _sides(inner) or _unplaced_frame(outer):
                _absorb(inner, outer)
                dropped.add(id(outer))
            elif _unplaced_frame(inner):
                _absorb(outer, inner)
                dropped.add(id(inner))
    return [m for m in kept if id(m) not in dropped]


def _sides(mention: Mention) -> set[str]:
    return {a.country for a in mention.agents if a.country}


def _unplaced_frame(mention: Mention) -> bool:
    """A plain "said"/"told" by speakers none of whom we can place in a country."""
    return (
        bool(mention.agents) and not _sides(mention) and mention.trigger.lemma_ in REPORTING_VERBS
    )


def _coordinated(inner: Token, outer: Token) -> bool:
    """True when ``inner`` is reached from ``outer`` through conjunctions only."""
    # spaCy makes a new Token object on each access: compare positions, never identity.
    token = inner
    while token.i != outer.i and token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.i == outer.i


def _absorb(kept: Mention, folded: Mention) -> None:
    """Fold ``folded`` into ``kept``, one utterance: both speakers, the first targets and
    stance either names, and the quote."""
    kept.agents = unique_actors(folded.agents + kept.agents)
    if not kept.targets:
        kept.targets = folded.targets
    if kept.subtype == NEUTRAL and folded.subtype != NEUTRAL:
        kept.subtype = folded.subtype
    kept.quote = kept.quote or folded.quote
    kept.agent_named = kept.agent_named or folded.agent_named
