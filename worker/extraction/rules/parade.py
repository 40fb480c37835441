"""Parades: military ones only; host-country leaders, foreign guests, occasion, weapons."""

from __future__ import annotations

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actors import ActorRef
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.rules.vocabulary import (
    DATE_CARRYING_VERBS,
    MILITARY_WORDS,
    PARADE_ORGANISING_VERBS,
    WEAPON_NOUNS,
)
from worker.extraction.types import Location


def validate(ctx: ArticleContext, trigger: Token, label_id: str, sent: Span) -> Mention | None:
    """A parade mention at ``trigger``, or None for a civilian parade or a verb that marches
    nothing military. ``label_id`` is unused (one signature for every type)."""
    if trigger.pos_ == "VERB" and not any(
        t.lower_ in MILITARY_WORDS | WEAPON_NOUNS for t in trigger.subtree
    ):
        return None
    mods = {c.lower_ for c in trigger.children}
    if mods & {"pride", "gay", "fashion", "carnival", "christmas", "thanksgiving"}:
        return None
    verb = syntax.clause_verb(trigger)
    mention = Mention("parade", None, trigger, sent)
    people: list[ActorRef] = []
    if verb is not trigger:
        people = ctx.resolve_all(syntax.subjects(verb), subject=True)
        people += ctx.resolve_all(syntax.prep_objects(verb, {"with", "alongside", "by"}))
        joined = [c for c in verb.children if c.dep_ == "agent"]
        people += ctx.resolve_all([p for j in joined for p in j.children])
    mention.participants = unique_actors([p for p in people if p.kind == "person"])
    if verb is not trigger and verb.lemma_ in PARADE_ORGANISING_VERBS:
        # "Beijing staged a parade": the state that stages it is its agent.
        mention.agents = unique_actors(
            [a for a in ctx.resolve_all(syntax.subjects(verb), subject=True) if a.kind != "person"]
        )
    # "In Kyiv, the ministry condemned the parade": a verb that only talks about the parade
    # says where the talking was.
    place_tokens = [trigger, verb] if syntax.lemma(verb) in DATE_CARRYING_VERBS else [trigger]
    mention.location = ctx.location(place_tokens, sent)
    if mention.location and not mention.location.country and mention.agents:
        # A parade is held at home: an unknown square or avenue is in the organiser's state.
        mention.location = Location(mention.location.name, mention.agents[0].country)
    for child in verb.children:
        if child.dep_ in {"advcl", "xcomp", "acl"} and child.lemma_ in {
            "mark",
            "commemorate",
            "celebrate",
            "honor",
            "honour",
        }:
            objs = syntax.direct_objects(child)
            if objs:
                mention.attributes["occasion"] = " ".join(t.text for t in objs[0].subtree)
    mention.weapons = ctx.weapons(ctx.text_of(sent))
    return mention
