"""Sanctions votes: adopted, vetoed, blocked, imposed or voted; voters, targets, others."""

from __future__ import annotations

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import DOING_VERBS

_LEXICON = read_lexicon(__file__)
SANCTION_WORDS = frozenset(_LEXICON["sanction_words"])
#: The outcome (subtype) of a sanctions vote by trigger lemma.
OUTCOMES: dict[str, str] = _LEXICON["outcomes"]
_ADOPTABLE = frozenset(_LEXICON["adoptable"])
_AGAINST_PREPS = frozenset(_LEXICON["against_preps"])
_LISTING_VERBS = frozenset(_LEXICON["listing_verbs"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A sanctions-vote mention at ``trigger`` (outcome as subtype), or None when the sentence
    is not about sanctions or nobody is said to have cast the vote."""
    lemma = trigger.lemma_.lower()
    words = {t.lower_ for t in sent} | {t.lemma_.lower() for t in sent}
    if label_id != "imposed" and lemma != "veto" and not words & SANCTION_WORDS:
        return None
    verb = syntax.clause_verb(trigger)
    if label_id in {"adopted"}:
        objs = [t for o in syntax.direct_objects(trigger) for t in o.subtree]
        if not {t.lemma_.lower() for t in objs} & _ADOPTABLE:
            return None
    if label_id == "blocked":
        objs = [t for o in syntax.direct_objects(trigger) for t in o.subtree]
        if not objs:
            return None
    outcome = OUTCOMES.get(lemma, "imposed" if label_id == "imposed" else label_id)
    mention = Mention("sanctions_vote", outcome, trigger, sent)
    mention.attributes["outcome"] = outcome
    carrier = trigger if trigger.pos_ == "VERB" else verb
    if trigger.pos_ == "VERB":
        mention.agents, mention.agent_named = ctx.agents(carrier)
    else:
        mention.agents = ctx.owners_of([trigger])
        if not mention.agents and carrier.lemma_ in DOING_VERBS:
            mention.agents, mention.agent_named = ctx.agents(carrier)
    # A league or a federation "sanctioning" clubs is no sanctions event: states, their
    # bodies and international bodies impose and vote (the political-speaker test).
    mention.agents = [a for a in mention.agents if ctx.actors.is_political(a)]
    if not mention.agents:
        # A vote or a block nobody is said to have cast is background, not an event.
        return None
    scope = list(carrier.subtree) if carrier is not trigger else list(trigger.subtree)
    against = []
    for token in scope:
        if token.dep_ == "pobj" and token.head.lower_ in _AGAINST_PREPS:
            against.append(token)
    if label_id == "imposed" and trigger.lemma_ in _LISTING_VERBS:
        against += syntax.direct_objects(trigger)
    mention.targets = [a for a in ctx.actors_under(against) if a not in mention.agents]
    target_ids = {t.i for a in against for t in a.subtree}
    agent_ids = {t.i for s in syntax.subjects(carrier) for t in s.subtree}
    others = ctx.actors.actors_in(
        [t for t in scope if t.i not in target_ids and t.i not in agent_ids]
    )
    mention.participants = [
        a for a in others if a not in mention.agents and a not in mention.targets
    ]
    return mention
