"""Whom a speech about a voted text is aimed at.

"China's envoy said the draft dodged the central issue": a speaker who judges a text speaks of
those who drafted it (the United States, in a story on "a United States-drafted resolution");
the drafters judging the vote on their own text speak of those who vetoed it. Read once the
article's mentions are known (the statement type's ``finish_article`` hook), before the
passes that give a statement without a target the story's sides.
"""

from __future__ import annotations

from spacy.tokens import Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention, unique_actors

#: Texts a body votes on.
VOTED_TEXTS = frozenset({"resolution", "draft", "text", "amendment", "motion", "bill"})
#: "drafted by France", "a text sponsored by Japan": who put the text forward.
_SPONSORING_VERBS = frozenset({"draft", "sponsor", "propose", "submit", "table", "circulate"})
#: "a United States-drafted resolution", "a Europe-backed text", written as one word.
_SPONSOR_SUFFIXES = ("-drafted", "-backed", "-sponsored", "-proposed")
#: Outcomes of a vote that kill a text: its drafters speak of whoever cast them.
_KILLING_OUTCOMES = frozenset({"vetoed", "blocked"})


def aim_at_drafters(ctx: ArticleContext, mentions: list[Mention]) -> None:
    """Give a statement without a target of its own that judges a voted text ("said the draft
    dodged the issue", "said a vote against the text was an endorsement of violence") the
    text's drafters, or, spoken by a drafter, who vetoed or blocked it."""
    judging = [
        m
        for m in mentions
        if m.type == "statement"
        and _judges_a_text(m)
        # "said the text sent a message that would allow the killing of Palestinians": the
        # text is what is spoken of, whoever its words go on to name.
        and (not m.targets or _text_is_said_subject(m.trigger))
    ]
    if not judging:
        return
    drafters = article_drafters(ctx)
    if not drafters:
        return
    drafting = {a.country for a in drafters}
    killers = unique_actors(
        [
            a
            for m in mentions
            if m.type == "sanctions_vote" and m.subtype in _KILLING_OUTCOMES
            for a in m.agents
            # The body a veto is cast in casts none.
            if a.kind != "igo" and a.country not in ctx.gazetteer.organization_codes
        ]
    )
    for mention in judging:
        own = {a.country for a in mention.agents}
        if own & drafting:
            mention.targets = [a for a in killers if a.country not in own]
        else:
            mention.targets = list(drafters)


def _judges_a_text(mention: Mention) -> bool:
    """True when what the speaker says is about a voted text: the text is what the verb
    acts on, or the subject or object of what was said ("a vote against the draft" too)."""
    trigger = mention.trigger
    heads = list(syntax.direct_objects(trigger))
    for clause in syntax.clausal_complements(trigger):
        heads += syntax.subjects(clause) + syntax.direct_objects(clause)
    heads += [o for h in heads for o in syntax.prep_objects(h, {"against", "on", "for"})]
    return any(
        syntax.lemma(h) in VOTED_TEXTS
        # "its own draft": the speaker's text, not the one the story's vote was on
        and not any(c.lower_ in {"its", "their", "own", "our"} for c in h.children)
        for h in heads
    )


def _text_is_said_subject(trigger: Token) -> bool:
    """True when a voted text, or a vote on one, is the subject of what was said ("said the
    draft dodged ...", "said a vote against the draft was an endorsement of ...")."""
    subjects = [s for c in syntax.clausal_complements(trigger) for s in syntax.subjects(c)]
    subjects += [o for s in subjects for o in syntax.prep_objects(s, {"against", "on", "for"})]
    return any(syntax.lemma(s) in VOTED_TEXTS for s in subjects)


def article_drafters(ctx: ArticleContext) -> list[ResolvedActor]:
    """The states the article first names as drafting a voted text: "a United
    States-drafted resolution", "the text drafted by France and the United Arab Emirates",
    "the French-Emirati text", "Russia's draft"."""
    for token in ctx.doc:
        if syntax.lemma(token) in VOTED_TEXTS:
            codes = _drafters_of(ctx, token)
            if codes:
                return [ctx.country(code) for code in codes]
    return []


def _drafters_of(ctx: ArticleContext, text: Token) -> list[str]:
    codes: list[str] = []
    for child in text.children:
        if child.dep_ in {"amod", "compound", "poss", "nmod"}:
            lowered = child.lower_
            suffix = next((s for s in _SPONSOR_SUFFIXES if lowered.endswith(s)), None)
            if suffix is not None:
                codes += _state_codes_in_words(ctx, child.text[: -len(suffix)])
            codes += [c for t in child.subtree if (c := _state_code(ctx, t))]
        elif child.dep_ == "acl" and child.lemma_ in _SPONSORING_VERBS:
            for agent in (c for c in child.children if c.dep_ == "agent"):
                codes += [c for t in agent.subtree if (c := _state_code(ctx, t))]
    return list(dict.fromkeys(codes))


def _state_code(ctx: ArticleContext, token: Token) -> str | None:
    """The country a token names, when it names a state (not the UN or another body)."""
    found = ctx.actors.entry_at(token)
    if found is None or found[1].kind in {"person", "igo"}:
        return None
    return found[1].country


def _state_codes_in_words(ctx: ArticleContext, words: str) -> list[str]:
    entry = ctx.gazetteer.lookup(words)
    if entry is None or entry.kind in {"person", "igo"} or not entry.country:
        return []
    return [entry.country]
