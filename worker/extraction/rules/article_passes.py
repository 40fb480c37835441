"""Passes over all of an article's mentions, once every sentence has been read: what one
sentence leaves open, another sentence of the article settles.

These passes serve every type through its spec (referring nouns, responses); a pass only one
type needs is that type's ``finish_article`` hook (the parade's weapons on display, the
launch's agentless launches).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.vocabulary import RESPONSE_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from worker.extraction.rules.context import ArticleContext
    from worker.extraction.rules.dispatch import EventTypeRule


def target_referred_events(mentions: list[Mention], rules: dict[str, EventTypeRule]) -> None:
    """ "Kyiv condemned the parade": a statement about an event targets who did it.

    A statement with no actor as target whose object is an event noun ("the launch",
    "the sanctions", "the criticism", "the decision") is aimed at the agents of the first
    earlier event of that kind in the article: a news story reports its main event first,
    and reactions to "the decision" mean that one, not a precedent recalled further down.
    The nouns are each type's ``referring_nouns``.
    """
    referred = {noun: name for name, r in rules.items() for noun in r.spec.referring_nouns}
    for index, mention in enumerate(mentions):
        if not rules[mention.type].spec.speech:
            continue
        kinds = _said_of(mention, referred)
        if mention.targets and not kinds:
            continue
        objects = syntax.direct_objects(mention.trigger) or syntax.prep_objects(
            mention.trigger, {"on", "against", "over", "about"}
        )
        kinds = kinds or {referred.get(syntax.lemma(o)) for o in objects} - {None}
        if not kinds:
            # "Ishiba said the launches threatened regional peace": what was said is about
            # the launch as much as "condemned the launch" is.
            said = [t for c in syntax.clausal_complements(mention.trigger) for t in c.subtree]
            kinds = {referred.get(syntax.lemma(t)) for t in said if t.pos_ == "NOUN"} - {None}
        if not kinds:
            continue
        own = {a.country for a in mention.agents}
        # The story's first such event; one told after the reaction only when none came before.
        for other in [*mentions[:index], *mentions[index + 1 :]]:
            if other.type in kinds and other.modality == "asserted" and other.agents:
                # A side speaking of its own act ("the package would erode Putin's war
                # machine", said by the state imposing it) is aimed at that act's targets.
                doers = {a.country for a in other.agents}
                aimed = other.targets if doers & own else other.agents
                mention.targets = [a for a in aimed if a.country not in own]
                if mention.targets:
                    break


def _said_of(mention: Mention, referred: dict[str, str]) -> set[str]:
    """The kinds of event a statement is told *of*: the subject of what was said ("said the
    veto would embolden Pyongyang") or the thing judged ("called the veto irresponsible").
    Such a statement is aimed at who did that event, not at what its words name next."""
    trigger = mention.trigger
    heads = [
        c
        for comp in syntax.clausal_complements(trigger)
        for c in comp.children
        if c.dep_ in {"nsubj", "nsubjpass"}
    ]
    if any(c.dep_ in {"oprd", "acomp", "xcomp"} for c in trigger.children):
        heads += syntax.direct_objects(trigger)
    # Only a definite reference names one happening: "sanctions must not become a tool" is
    # talk of sanctions in general.
    return {
        referred.get(syntax.lemma(h))
        for h in heads
        if h.pos_ == "NOUN"
        and any(
            c.dep_ in {"det", "poss"} and c.lower_ not in {"a", "an", "any", "no"}
            for c in h.children
        )
    } - {None}


def target_what_is_said(
    mentions: list[Mention], rules: dict[str, EventTypeRule], ctx: ArticleContext
) -> None:
    """ "The ministry denied striking the hospital, claiming a Ukrainian missile caused the
    damage": a statement whose own words aim at no one is about the states its content
    names (targets are who it is aimed at *or spoken about*).

    The content is what was said (the trigger's clausal complements, a "saying ..." clause,
    a quotation in the sentence). The states it names, less the speaker's own, become the
    targets; an international body only when it names no state ("a violation of U.N.
    resolutions" is about who violated them, which the story tells better).
    """
    for mention in mentions:
        if rules[mention.type].spec.speech and not mention.targets:
            # "a clear violation of U.N. Security Council resolutions": a body named only as
            # the source of a rule waits; the story says better who is spoken about
            # (target_the_story), and target_bodies_said gives the body when it says nothing.
            states = [a for a in _named_in_what_is_said(mention, ctx) if a.kind != "igo"]
            mention.targets = unique_actors(states)


def target_bodies_said(
    mentions: list[Mention], rules: dict[str, EventTypeRule], ctx: ArticleContext
) -> None:
    """The international bodies a statement's words name, for a statement that neither its
    words' states nor the story gave a target (see :func:`target_what_is_said`)."""
    for mention in mentions:
        if rules[mention.type].spec.speech and not mention.targets:
            mention.targets = unique_actors(_named_in_what_is_said(mention, ctx))


def _named_in_what_is_said(mention: Mention, ctx: ArticleContext) -> list[ResolvedActor]:
    """The actors with a country that what a statement says names, less the speaker's own."""
    own = {a.country for a in mention.agents}
    tokens = _said_tokens(mention)
    return [a for a in ctx.actors.actors_in(tokens) if a.country and a.country not in own]


def _said_tokens(mention: Mention) -> list[Token]:
    """The tokens of what a statement says, in sentence order."""
    trigger = mention.trigger
    heads = syntax.clausal_complements(trigger)
    heads += [c for c in trigger.children if c.dep_ == "advcl" and c.tag_ == "VBG"]
    indices = {t.i for h in heads for t in h.subtree}
    if not indices:
        # The parser often hangs "that ..." on the nearest noun ("told the council before
        # the vote that the United States ..."): then all the sentence but who spoke and
        # where they spoke.
        spoken = [
            c
            for c in trigger.children
            if c.dep_ in {"nsubj", "nsubjpass"}
            or (c.dep_ == "prep" and c.lower_ in {"in", "at", "during", "on"})
        ]
        skip = {t.i for c in spoken for t in c.subtree} | {trigger.i}
        return [t for t in mention.sent if t.i not in skip]
    return [t for t in mention.sent if t.i in indices]


def target_responses(mentions: list[Mention], rules: dict[str, EventTypeRule]) -> None:
    """ "South Korea's air force responded by staging a drill": a launch or an exercise told
    as a response (``told_as_response``), with no target of its own, is aimed at who acted in
    the latest earlier launch, exercise or parade (``answerable``) of another state."""
    for index, mention in enumerate(mentions):
        if not rules[mention.type].spec.told_as_response or mention.targets:
            continue
        if not any(syntax.lemma(t) in RESPONSE_VERBS for t in islice(mention.trigger.ancestors, 4)):
            continue
        own = {a.country for a in mention.agents}
        for earlier in reversed(mentions[:index]):
            if (
                rules[earlier.type].spec.answerable
                and earlier.modality == "asserted"
                and (targets := [a for a in earlier.agents if a.country not in own])
            ):
                mention.targets = targets
                break


def target_the_story(
    mentions: list[Mention],
    rules: dict[str, EventTypeRule],
    dateline: ResolvedActor | None = None,
) -> None:
    """A statement that names no target is about the story's event: reactions in a story
    about a launch, a vote or a visit are aimed at its sides ("Hayashi told a press
    conference that Japan had lodged a protest" in a story about North Korea's launch).

    The story's event is its first asserted event of a non-speech type with agents; its
    agents and targets, less the speaker's own country, become the statement's targets.
    Runs after the passes that find a target from the statement's own words. A story with
    no such event (a coup, an election) is about the place it is filed from: reactions from
    elsewhere are aimed at the ``dateline`` state.
    """
    # A tally ("Russia, China and Algeria abstained") names voters, not the vote's sides.
    lead = next(
        (
            m
            for m in mentions
            if not rules[m.type].spec.speech
            and m.modality == "asserted"
            and m.agents
            and m.subtype not in rules[m.type].spec.merge.near_subtypes
        ),
        None,
    )
    if lead is None:
        _target_the_dateline(mentions, rules, dateline)
        return
    for mention in mentions:
        if not rules[mention.type].spec.speech or mention.targets:
            continue
        own = {a.country for a in mention.agents}
        sides = [a for a in (*lead.agents, *lead.targets) if a.country and a.country not in own]
        # A body's summit or vote is about the states it acts on: a member speaking there
        # speaks of them, not of the body.
        states = [a for a in sides if a.kind != "igo"]
        mention.targets = unique_actors(states or sides)


def _target_the_dateline(
    mentions: list[Mention], rules: dict[str, EventTypeRule], dateline: ResolvedActor | None
) -> None:
    if dateline is None or dateline.country is None:
        return
    for mention in mentions:
        if not rules[mention.type].spec.speech or mention.targets:
            continue
        if dateline.country not in {a.country for a in mention.agents}:
            mention.targets = [dateline]
