"""Passes over all of an article's mentions, once every sentence has been read: what one
sentence leaves open, another sentence of the article settles."""

from __future__ import annotations

from itertools import islice

from spacy.tokens import Span

from worker.extraction import syntax
from worker.extraction.actors import ActorRef
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.rules.vocabulary import DISPLAY_CUES, REFERRED_EVENT_NOUNS


def add_displayed_weapons(ctx: ArticleContext, mentions: list[Mention], sents: list[Span]) -> None:
    """Give a parade the weapons that sentences without an event of their own show on it.

    Reports name a parade in one sentence and list what rolled past in the next ones
    ("Among the weapons on display were ..."): a weapon named next to a display cue in a
    sentence that reports nothing else was on show at the parade.
    """
    parades = [m for m in mentions if m.type == "parade" and m.modality == "asserted"]
    if not parades:
        return
    for sent in sents:
        if not any(syntax.lemma(t) in DISPLAY_CUES for t in sent):
            continue
        named = ctx.weapons(ctx.text_of(sent))
        for parade in parades:
            parade.weapons += [w for w in named if w not in parade.weapons]


def target_referred_events(mentions: list[Mention]) -> None:
    """ "Kyiv condemned the parade": a statement about an event targets who did it.

    A statement with no actor as target whose object is an event noun ("the launch",
    "the sanctions", "the criticism", "the decision") is aimed at the agents of the first
    earlier event of that kind in the article: a news story reports its main event first,
    and reactions to "the decision" mean that one, not a precedent recalled further down.
    """
    for index, mention in enumerate(mentions):
        if mention.type != "statement" or mention.targets:
            continue
        objects = syntax.direct_objects(mention.trigger) or syntax.prep_objects(
            mention.trigger, {"on", "against", "over", "about"}
        )
        kinds = {REFERRED_EVENT_NOUNS.get(syntax.lemma(o)) for o in objects} - {None}
        if not kinds:
            continue
        own = {a.country for a in mention.agents}
        for earlier in mentions[:index]:
            if earlier.type in kinds and earlier.modality == "asserted" and earlier.agents:
                mention.targets = [a for a in earlier.agents if a.country not in own]
                if mention.targets:
                    break


def agents_of_agentless_launches(mentions: list[Mention], owners: list[ActorRef]) -> None:
    """ "The rocket was fired at 10:44 p.m.": a passive launch with no ``by`` phrase is the
    launch of the article's one launching state, when there is exactly one; with no launch
    that names one, of the one state whose rockets or missiles the article names ("its
    rocket exploded", ``owners``)."""
    launchers = {
        tuple(sorted(str(a.country) for a in m.agents))
        for m in mentions
        if m.type == "launch" and m.agents
    }
    if len(launchers) > 1:
        return
    if launchers:
        agents = list(next(m for m in mentions if m.type == "launch" and m.agents).agents)
    else:
        states = {a.country: a for a in owners if a.kind != "person" and a.country}
        if len(states) != 1:
            return
        agents = list(states.values())
    for mention in mentions:
        if mention.type == "launch" and not mention.agents:
            mention.agents = list(agents)


#: Verbs that tell an action as the answer to what another state did before it.
RESPONSE_VERBS = frozenset({"respond", "retaliate", "react", "answer", "counter"})
#: Events that a launch or a drill answers.
_ANSWERED_TYPES = frozenset({"launch", "military_exercise", "parade"})


def target_responses(mentions: list[Mention]) -> None:
    """ "South Korea's air force responded by staging a drill": a launch or an exercise told
    as a response, with no target of its own, is aimed at who acted in the latest earlier
    launch, exercise or parade of another state."""
    for index, mention in enumerate(mentions):
        if mention.type not in {"launch", "military_exercise"} or mention.targets:
            continue
        if not any(syntax.lemma(t) in RESPONSE_VERBS for t in islice(mention.trigger.ancestors, 4)):
            continue
        own = {a.country for a in mention.agents}
        for earlier in reversed(mentions[:index]):
            if (
                earlier.type in _ANSWERED_TYPES
                and earlier.modality == "asserted"
                and (targets := [a for a in earlier.agents if a.country not in own])
            ):
                mention.targets = targets
                break
