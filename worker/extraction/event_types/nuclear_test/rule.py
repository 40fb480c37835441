"""Nuclear tests: a nuclear device set off, or a nuclear or underground test carried out.

A nuclear test is no launch (the launch rule rejects a "test" of something nuclear); a
nuclear-capable missile test stays a launch, and its triggers never match here.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import DATE_CARRYING_VERBS

_LEXICON = read_lexicon(__file__)
_CARRYING_VERBS = frozenset(_LEXICON["carrying_verbs"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A nuclear-test mention at ``trigger``, or None when a test noun has no one carrying it
    out under a verb that only talks about it ("condemned the nuclear test")."""
    verb = syntax.clause_verb(trigger)
    mention = Mention("nuclear_test", None, trigger, sent)
    if trigger.pos_ == "VERB":
        # "Pyongyang detonated a nuclear device"
        mention.agents, mention.agent_named = ctx.agents(trigger)
    else:
        # "its sixth nuclear test", "North Korea's nuclear test"
        owners = [c for c in trigger.children if c.dep_ == "poss"]
        mention.agents = ctx.owners_of([trigger])
        mention.agent_named = bool(mention.agents) and all(o.pos_ != "PRON" for o in owners)
        if not mention.agents and verb is not trigger and verb.lemma_ in _CARRYING_VERBS:
            # "North Korea conducted a nuclear test"
            mention.agents, mention.agent_named = ctx.agents(verb)
        if not mention.agents and syntax.lemma(verb) not in DATE_CARRYING_VERBS:
            return None  # a test only talked about, with nobody said to have carried it out
        ordinals = [c for c in trigger.children if c.ent_type_ == "ORDINAL"]
        if ordinals:
            mention.attributes["ordinal"] = ordinals[0].text
    mention.location = ctx.location([trigger, verb], sent)
    return mention
