"""Turn one parsed article into event mentions, reading its sentences in order.

Triggers come from ``data/triggers.jsonl`` (span_ruler); the rule of each trigger's type
(``rules/<type>.py``) checks its syntax (a launch needs something launchable, a statement needs
a speaker) and fills the roles from the dependency tree. This module is the article pass:
it keeps the coreference state and the running context date moving sentence by sentence,
folds each sentence's mentions, then runs the passes that need the whole article. ``merge.py``
merges mentions of the same happening.
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc, Span

from worker.extraction import syntax
from worker.extraction.actors import ActorRef
from worker.extraction.components import TRIGGER_SPANS
from worker.extraction.gazetteer import Gazetteer
from worker.extraction.rules.article_passes import (
    add_displayed_weapons,
    agents_of_agentless_launches,
    target_referred_events,
    target_responses,
)
from worker.extraction.rules.attributions import drop_attributions
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.dating import ArticleDates
from worker.extraction.rules.mention import Mention
from worker.extraction.rules.validate import validate
from worker.extraction.rules.vocabulary import DATELINE_RE, LAUNCHABLE

# Mention and DATELINE_RE were defined here before the rules moved to ``rules/``.
__all__ = ["DATELINE_RE", "ArticleExtractor", "Mention"]


class ArticleExtractor:
    """Extracts the events of one parsed article."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, published: date | None) -> None:
        self.doc = doc
        self.context = ArticleContext(doc, gazetteer)
        self.dates = ArticleDates(self.context, published)

    def mentions(self) -> list[Mention]:
        """Every accepted trigger mention of the article, in order."""
        ctx = self.context
        triggers: dict[int, list[Span]] = {}
        for span in self.doc.spans.get(TRIGGER_SPANS, []):
            triggers.setdefault(span.start, []).append(span)
        for spans in triggers.values():
            # "announced ... measures" is a sanctions trigger before it is a speech verb.
            spans.sort(key=len, reverse=True)
        out: list[Mention] = []
        display_sents: list[Span] = []
        launch_owners: list[ActorRef] = []
        for sent in self.doc.sents:
            # Coreference first: the sentence's titles, people and main-clause subjects are
            # what the pronouns and surnames around its triggers can refer to.
            ctx.actors.note_titles(sent)
            for ent in ctx.ents(sent):
                if ent.label_ == "PERSON":
                    ctx.actors.resolve(ent.root)
            for root in (t for t in sent if t.dep_ == "ROOT"):
                ctx.resolve_all(syntax.subjects(root), subject=True)
            found: list[Mention] = []
            for start in range(sent.start, sent.end):
                for span in triggers.get(start, []):
                    mention = validate(ctx, span, sent)
                    if mention is not None:
                        found.append(mention)
                        break
            for mention in found:
                stop = mention.trigger if mention.type == "statement" else None
                mention.modality = syntax.modality(mention.trigger, stop_at=stop)
            found = drop_attributions(found)
            for mention in found:
                verb = syntax.clause_verb(mention.trigger)
                mention.date, mention.own_date = self.dates.date_for(
                    mention.trigger, verb, sent, future=mention.modality == "planned"
                )
            out.extend(found)
            # Read now, while "its" still points where the sentence means it to.
            launch_owners += ctx.owners_of(t for t in sent if t.lower_ in LAUNCHABLE)
            self.dates.update_context_date(sent)
            if not found:
                display_sents.append(sent)
        add_displayed_weapons(ctx, out, display_sents)
        target_referred_events(out)
        agents_of_agentless_launches(out, launch_owners)
        target_responses(out)
        return out
