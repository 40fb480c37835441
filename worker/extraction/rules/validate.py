"""One trigger span -> the rule of its type -> a mention, or None when the rule rejects it."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.rules import exercise, launch, meeting, parade, sanctions, statement
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.rules.vocabulary import JUDGING_VERBS

#: A per-type rule: (context, trigger token, trigger id, sentence) -> mention or None.
Validator = Callable[[ArticleContext, Token, str, Span], Mention | None]

#: The rule of each trigger label (``data/triggers.jsonl``'s ``label``).
VALIDATORS: dict[str, Validator] = {
    "launch": launch.validate,
    "parade": parade.validate,
    "meeting": meeting.validate,
    "sanctions_vote": sanctions.validate,
    "military_exercise": exercise.validate,
    "statement": statement.validate,
}


def _judged(noun: Token) -> bool:
    """True when an event noun sits in a clause under a verb of judging, past a gerund or
    clause ("accused Moscow of using its veto"); "condemned the launch" keeps the launch's
    own rule, which already treats it as a reference."""
    current = noun.head
    for _ in range(6):
        if current.dep_ in {"ROOT"} or current.head is current:
            return False
        if current.pos_ == "VERB" and current.dep_ in {"pcomp", "advcl", "ccomp", "xcomp"}:
            return syntax.lemma(current.head) in JUDGING_VERBS or (
                current.head.pos_ == "ADP" and syntax.lemma(current.head.head) in JUDGING_VERBS
            )
        current = current.head
    return False


def validate(ctx: ArticleContext, span: Span, sent: Span) -> Mention | None:
    """The mention the trigger ``span`` makes in ``sent``, or None when its rule rejects it."""
    trigger = span.root if len(span) > 1 else span[0]
    if len(span) > 1 and span[0].pos_ == "VERB":
        trigger = span[0]
    label, label_id = span.label_, span.id_
    if label != "statement" and trigger.pos_ == "NOUN" and _judged(trigger):
        return None  # "accused Moscow of using its veto": the veto is told elsewhere
    rule = VALIDATORS.get(label)
    if rule is None:
        return None
    mention = rule(ctx, trigger, label_id, sent)
    if mention is None and label == "meeting" and trigger.lemma_ == "welcome":
        # "welcomed the decision": no meeting, but praise.
        return statement.validate(ctx, trigger, "praise", sent)
    return mention
