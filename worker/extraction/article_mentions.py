"""Turn one parsed article into event mentions, reading its sentences in order.

Triggers come from each event type's ``triggers.jsonl`` (span_ruler); the rule of each
trigger's type (``event_types/<type>/rule.py``) checks its syntax (a launch needs something
launchable, a statement needs a speaker) and fills the roles from the dependency tree. This
module is the article pass: it keeps the coreference state and the running context date moving
sentence by sentence, folds each sentence's mentions, then runs the passes that need the whole
article. ``merge.py`` merges mentions of the same happening.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from spacy.tokens import Doc, Span

from worker.extraction import syntax
from worker.extraction.components import TRIGGER_SPANS
from worker.extraction.dates import ResolvedDate
from worker.extraction.gazetteer import Gazetteer
from worker.extraction.page_structure import Dateline
from worker.extraction.rules.article_passes import (
    target_bodies_said,
    target_referred_events,
    target_responses,
    target_the_story,
    target_what_is_said,
)
from worker.extraction.rules.attributions import drop_attributions
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.dating import ArticleDates, past_perfect
from worker.extraction.rules.dispatch import EventTypeRule, mention_at
from worker.extraction.rules.mention import Mention
from worker.extraction.vocabulary import NEXT_DAY_REPORTERS, REPORTING_VERBS

__all__ = ["ArticleMentions", "Mention"]


class ArticleMentions:
    """Finds the event mentions of one parsed article."""

    def __init__(
        self,
        doc: Doc,
        gazetteer: Gazetteer,
        published: date | None,
        rules: dict[str, EventTypeRule],
        dateline: Dateline | None = None,
    ) -> None:
        self.doc = doc
        self.rules = rules
        self.context = ArticleContext(doc, gazetteer, dateline)
        self.dates = ArticleDates(self.context, published)

    def by_a_listed_leader(self, mention: Mention) -> bool:
        """True when a speaker of ``mention`` is in the leaders or officials gazetteers: a
        head of state congratulating a team speaks for a state, whatever page tells it."""
        listed = self.context.actors.listed_people
        return any(a.kind == "person" and a.name in listed for a in mention.agents)

    def _reported_next_day(self, mention: Mention) -> bool:
        """True when ``mention`` is told in the past perfect by its own state, one whose media
        announce such happenings the morning after ("North Korea said Tuesday it had tested
        ...", "KCNA said it had launched ..."; vocabulary ``next_day_reporters``)."""
        states = {a.country for a in mention.agents}
        if not states or not states <= NEXT_DAY_REPORTERS:
            return False
        verb = syntax.clause_verb(mention.trigger)
        if not past_perfect(verb) or verb.dep_ != "ccomp":
            return False
        report = verb.head
        if report.lemma_ not in REPORTING_VERBS:
            return False
        reporters, _ = self.context.agents(report)
        return bool(reporters) and {a.country for a in reporters} <= states

    def mentions(self) -> list[Mention]:
        """Every accepted trigger mention of the article, in order."""
        ctx = self.context
        rules = self.rules
        triggers: dict[int, list[Span]] = {}
        for span in self.doc.spans.get(TRIGGER_SPANS, []):
            triggers.setdefault(span.start, []).append(span)
        for spans in triggers.values():
            # "announced ... measures" is a sanctions trigger before it is a speech verb.
            spans.sort(key=len, reverse=True)
        out: list[Mention] = []
        # What each type's hooks keep about the article between sentences.
        notes: dict[str, dict[str, Any]] = {name: {} for name in rules}
        sentence_hooks = [(n, r.read_sentence) for n, r in rules.items() if r.read_sentence]
        for sent in self.doc.sents:
            # Coreference first: the sentence's titles, people and main-clause subjects are
            # what the pronouns and surnames around its triggers can refer to.
            ctx.actors.note_titles(sent)
            ctx.actors.note_acronyms(sent)
            ctx.actors.note_country_groups(sent)
            for ent in ctx.ents(sent):
                if ent.label_ == "PERSON":
                    ctx.actors.resolve(ent.root)
            for root in (t for t in sent if t.dep_ == "ROOT"):
                ctx.resolve_all(syntax.subjects(root), subject=True)
            found: list[Mention] = []
            for start in range(sent.start, sent.end):
                for span in triggers.get(start, []):
                    mention = mention_at(rules, ctx, span, sent)
                    if mention is not None:
                        found.append(mention)
                        break
            for mention in found:
                # A speech act's modality is its own: "X said it will launch" is a statement.
                stop = mention.trigger if rules[mention.type].spec.speech else None
                if stop is not None and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in stop.children
                ):
                    # "Putin will use the summit to argue ...": an infinitive speaks in the
                    # mood of the verb it serves.
                    stop = None
                mention.modality = syntax.modality(mention.trigger, stop_at=stop)
            found = drop_attributions(found, rules)
            for mention in found:
                verb = syntax.clause_verb(mention.trigger)
                mention.date, mention.own_date = self.dates.date_for(
                    mention.trigger, verb, sent, future=mention.modality == "planned"
                )
            for mention in found:
                if not rules[mention.type].spec.speech and self._reported_next_day(mention):
                    mention.attributes["reported_next_day"] = True
            out.extend(found)
            # Read now, while "its" still points where the sentence means it to.
            for name, hook in sentence_hooks:
                hook(ctx, sent, found, notes[name])
            if not found or any(m.modality == "asserted" for m in found):
                # "Talks are expected to open on Tuesday": what is still to come does not
                # move the story's day.
                self.dates.update_context_date(sent)
        target_referred_events(out, rules)
        for name, loaded in rules.items():
            if loaded.finish_article is not None:
                loaded.finish_article(ctx, out, notes[name])
        target_responses(out, rules)
        target_what_is_said(out, rules, ctx)
        dateline = ctx.actors.dateline_country
        target_the_story(out, rules, ctx.country(dateline) if dateline else None)
        target_bodies_said(out, rules, ctx)
        _date_by_the_story(out, self.dates.published)
        _date_the_day_before(out)
        # Only now, so that the story's dates are read as before: a gathering set beside a
        # planned act takes its modality ("to meet on the sidelines of the summit next month").
        for mention in out:
            if mention.modality == "asserted" and not rules[mention.type].spec.speech:
                mention.modality = syntax.setting_modality(mention.trigger) or "asserted"
        return out


def _date_the_day_before(mentions: list[Mention]) -> None:
    """A happening its own state's media announced the morning after ("North Korea said on
    Wednesday it had placed a satellite in orbit") is dated the day before the report, when
    nothing in the sentence dates it itself."""
    for mention in mentions:
        if (
            mention.attributes.pop("reported_next_day", False)
            and not mention.own_date
            and mention.date is not None
            and mention.date.precision == "day"
        ):
            mention.date = ResolvedDate(mention.date.value - timedelta(days=1), "day")
            mention.attributes.pop("date_source", None)


def _date_by_the_story(mentions: list[Mention], published: date | None) -> None:
    """Give mentions without a date of their own the story's date: the day of the first
    happening the article dates to the day (its lead), not the last date it happened to
    name. Reactions are told after background ("since the October 7 attacks", "last year's
    parade") whose dates are not theirs; on real news the lead's day is right far more often.
    """
    dated = [
        m
        for m in mentions
        if m.own_date
        and m.date
        and m.date.precision == "day"
        and not m.date.anchored
        and m.modality == "asserted"  # "talks are expected to open on Tuesday" is no lead
        # "The bloc had, at its July 30 summit, shut borders": told as before the story.
        and not past_perfect(syntax.clause_verb(m.trigger))
    ]
    lead_mention = dated[0] if dated else None
    lead = lead_mention.date if lead_mention is not None else None
    for mention in mentions:
        if mention.own_date:
            continue
        if mention.date is not None and lead is not None:
            mention.date = lead
        elif mention.date is None and published is not None:
            # Nothing in the story dates it: news reports what happened by the day it is
            # published ("the ministry said", "Seoul condemned"), so that day is the best guess.
            mention.date = ResolvedDate(published, "day")
            mention.attributes["date_source"] = "published"
