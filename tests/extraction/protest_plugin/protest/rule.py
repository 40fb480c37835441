"""A user's event type for the plugin tests: street protests and strikes."""

from __future__ import annotations

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon

CROWD_WORDS = frozenset(read_lexicon(__file__)["crowd_words"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A protest at ``trigger`` when the sentence names a crowd ("stocks rallied" is none)."""
    if not any(t.lower_ in CROWD_WORDS for t in sent):
        return None
    verb = syntax.clause_verb(trigger)
    mention = Mention("protest", label_id, trigger, sent)
    mention.agents = ctx.actors_under(syntax.subjects(verb))
    mention.targets = ctx.actors_under(syntax.prep_objects(verb, {"against"}))
    mention.location = ctx.location([trigger, verb], sent)
    return mention
