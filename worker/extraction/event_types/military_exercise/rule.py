"""Military exercises: a drill noun in a military sentence; who holds it and who joins."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import (
    DATE_CARRYING_VERBS,
    JUDGING_VERBS,
    MILITARY_WORDS,
    REPORTING_VERBS,
)

_LEXICON = read_lexicon(__file__)
_CIVIL_EXERCISE = frozenset(_LEXICON["civil_exercise"])
_RESPONSE_NOUNS = frozenset(_LEXICON["response_nouns"])
_AIMING_WORDS = frozenset(_LEXICON["aiming_words"])
_AIMING_PREPS = frozenset(_LEXICON["aiming_prepositions"])
#: "rehearsed an assault during the exercises": the drill the clause's subject acts in.
_WITHIN_PREPS = frozenset({"in", "during"})
_HOLDING_VERBS = DATE_CARRYING_VERBS | frozenset(_LEXICON["holding_verbs"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A military-exercise mention at the noun ``trigger``, or None for a civil drill, a verb,
    or an exercise with no actor. ``label_id`` is unused (one signature for every type)."""
    misread = trigger.pos_ == "VERB" and _misread_name(trigger)
    if trigger.pos_ != "NOUN" and not misread:
        return None
    mods = {c.lower_ for c in trigger.children if not _live_fire(c)} | {trigger.head.lower_}
    if mods & _CIVIL_EXERCISE:
        return None
    words = {t.lower_ for t in sent}
    if not (
        words & MILITARY_WORDS
        or trigger.lemma_ in {"wargame"}
        or trigger.lower_ == "games"
        or _named_in_a_military_story(trigger)
    ):
        return None
    verb = trigger.head if misread else syntax.clause_verb(trigger)
    agents: list[ResolvedActor] = []
    named = False
    if verb is not trigger and syntax.lemma(verb) in _HOLDING_VERBS:
        # "Seoul and Washington began the drills": who holds it; "Pyongyang called the drill
        # an aggression", "North Korea fired missiles in protest at the drills" name who
        # reacts to it, not who holds it.
        agents, named = _holders(ctx, verb)
    agents += [
        a
        for a in ctx.actors.actors_in(
            [
                t
                for c in trigger.children
                if c.dep_ in {"compound", "amod", "nmod", "poss"}
                for t in c.subtree
            ]
        )
        if a not in agents
    ]
    actor_verb = trigger.head.head
    for _ in range(2):  # "rehearsed repelling an attack during the exercises"
        if actor_verb.pos_ == "VERB" or actor_verb.head.i == actor_verb.i:
            break
        actor_verb = actor_verb.head
    if (
        not agents
        and trigger.dep_ == "pobj"
        and trigger.head.lower_ in _WITHIN_PREPS
        and actor_verb.pos_ == "VERB"
        and syntax.lemma(actor_verb) not in REPORTING_VERBS | JUDGING_VERBS
    ):
        # "troops rehearsed repelling an attack during the exercises", "jets flew in
        # formation in a combined air drill": who acts inside a drill no one else is said to
        # hold holds it.
        agents, named = _holders(ctx, actor_verb)
    partners = syntax.prep_objects(trigger, {"with", "between", "involving"})
    if verb is not trigger:
        partners += syntax.prep_objects(verb, {"with"})
    # "with army and navy units closing in on Taiwan": who is closed in on is no partner.
    aiming = [
        t for p in partners for t in p.subtree if t.dep_ == "prep" and t.lower_ in _AIMING_PREPS
    ]
    aimed = {t.i for prep in aiming for t in prep.subtree}
    participants = [a for a in ctx.actors_under(partners, aimed) if a not in agents]
    # A samba school's "military drills" or a club's training camp: exercises are held by
    # states, their forces and alliances (the political-side test of statements).
    agents = [a for a in agents if ctx.actors.is_armed_side(a)]
    participants = [a for a in participants if ctx.actors.is_armed_side(a)]
    # With no side named here ("The last Zapad drills involved 200,000 troops"), the mention
    # waits for finish_article to give it the story's exercising state, or to drop it.
    mention = Mention("military_exercise", None, trigger, sent, agent_named=named)
    mention.agents = agents or participants
    mention.participants = participants if agents else []
    aimed_at = ctx.actors_under(aimed_at_phrases([trigger, verb]))
    mention.targets = [a for a in aimed_at if a not in mention.agents + mention.participants]
    mention.location = ctx.location([trigger, verb], sent)
    return mention


def _holders(ctx: ArticleContext, verb: Token) -> tuple[list[ResolvedActor], bool]:
    """Who does ``verb``: its agents, and every actor its subjects name ("South Korean and
    U.S. marines"), with whether a subject was named."""
    agents, named = ctx.agents(verb)
    for subject in syntax.subjects(verb):
        agents += [a for a in ctx.actors.actors_in(list(subject.subtree)) if a not in agents]
    return agents, named


def _misread_name(trigger: Token) -> bool:
    """ "are holding the Super Garuda Shield exercise": after a name the parser reads the
    noun as a verb with no subject, the complement of the verb that holds it."""
    doc = trigger.doc
    return (
        trigger.i > 0
        and doc[trigger.i - 1].tag_ == "NNP"
        and trigger.dep_ in {"ccomp", "conj", "dep", "xcomp"}
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in trigger.children)
        and syntax.lemma(trigger.head) in _HOLDING_VERBS
    )


def _named_in_a_military_story(trigger: Token) -> bool:
    """ "are holding their Freedom Shield exercise": a named or joint exercise in a story
    whose other sentences speak of forces, troops or weapons."""
    named = _misread_name(trigger) or any(
        (c.dep_ == "compound" and c.pos_ == "PROPN") or c.lower_ in {"joint", "combined"}
        for c in trigger.children
    )
    return named and bool({t.lower_ for t in trigger.doc} & MILITARY_WORDS)


def _live_fire(token: Token) -> bool:
    """True for the "fire" of "live-fire" (a firing exercise), which is no fire drill."""
    if token.lower_ != "fire":
        return False
    return "live" in [t.lower_ for t in token.doc[max(token.i - 2, 0) : token.i]]


def aimed_at_phrases(heads: list[Token]) -> list[Token]:
    """Phrases under ``heads`` that name whom an exercise is aimed at: "against X",
    "in response to X's launch", "aimed at X"."""
    found: list[Token] = []
    seen: set[int] = set()
    for head in heads:
        if head.i in seen:
            continue
        seen.add(head.i)
        found += syntax.prep_objects(head, {"against"})
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for noun in child.children:
                    if noun.lemma_ in _RESPONSE_NOUNS:
                        found += syntax.prep_objects(noun, {"to", "for"})
            elif child.dep_ in {"acl", "advcl"} and child.lemma_ in _AIMING_WORDS:
                found += syntax.prep_objects(child, {"at"})
    return found


def finish_article(ctx: ArticleContext, mentions: list[Mention], notes: dict[str, Any]) -> None:
    """An exercise told without its side is held by the story's one exercising state (the
    states of its exercises with agents, when they agree); with none or several, it is dropped:
    an exercise nobody is said to hold is no event. ``ctx`` and ``notes`` are unused."""
    # Who holds the story's exercises; a reaction's speaker ("Tusk said the drills were
    # aggressive") holds none. "Belarus", "Russia" and "Russia and Belarus" agree: the
    # widest side includes the others.
    holding = [
        m for m in mentions if m.type == "military_exercise" and m.agents and not m.talked_about
    ]
    widest = max(holding, key=lambda m: len({a.country for a in m.agents}), default=None)
    agents = None
    if widest is not None:
        sides = {a.country for a in widest.agents}
        if all({a.country for a in m.agents} <= sides for m in holding):
            agents = widest.agents
    kept: list[Mention] = []
    for mention in mentions:
        if mention.type == "military_exercise" and not mention.agents:
            if agents is None:
                continue
            mention.agents = list(agents)
        kept.append(mention)
    mentions[:] = kept
