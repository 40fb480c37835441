"""When a mention happened: the date expression in its clause, else the running context date.

Dates are attached here, not in the per-type rules, because an undated mention takes the date
of the article's last dated event before it, which only the article pass, reading sentences in
order, knows.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.dates import ResolvedDate, resolve, resolve_anchored
from worker.extraction.rules.context import ArticleContext
from worker.extraction.vocabulary import (
    DATE_CARRYING_VERBS,
    DATELINE_RE,
    REPORTING_VERBS,
)

#: What follows a dateline's date: "(UPI) —" or a dash. "Late Thursday (U.S. time), the
#: Treasury sanctioned ..." opens with a date that is the event's.
_DATELINE_TAIL = re.compile(r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:—|–|--|-)")


def _governor(ent: Span) -> Token:
    """The word a date hangs off, through its preposition ("acknowledged on Tuesday"); a day
    right after a time is the time's ("fired at 6:50 a.m. Thursday (2150 GMT Wednesday), the
    military said" dates the firing, however the parser hangs "Thursday")."""
    doc = ent.doc
    if ent.start > 0 and doc[ent.start - 1].ent_type_ == "TIME":
        time = next((e for e in doc.ents if e.end == ent.start and e.label_ == "TIME"), None)
        if time is not None:
            ent = time
    head = ent.root.head
    while head.dep_ == "prep" and head.head.i != head.i:
        head = head.head
    return head


def _before_the_tag(ent: Span, reporting: Token) -> bool:
    """True when the date ends the reported clause, before a comma and the "the ministry
    said" that tags it ("held drills around Taiwan yesterday, the defence ministry said"):
    the parser hangs such a date on the reporting verb, but it dates what was reported."""
    if reporting.i < ent.end:
        return False
    between = ent.doc[ent.end : reporting.i]
    return len(between) > 0 and between[0].text == "," and ent.start > reporting.sent.start


def _reports_day(ent: Span, verb: Token) -> bool:
    """True for a date between a speech verb and the subject of what was said, in the past
    perfect ("North Korea said on Wednesday it had placed a satellite in orbit"): the day of
    the saying, whatever word the parser hangs it on; the happening came before it."""
    report = verb.head
    if verb.dep_ != "ccomp" or report.lemma_ not in REPORTING_VERBS or not past_perfect(verb):
        return False
    subjects = [c.i for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return bool(subjects) and report.i < ent.start and ent.end <= min(subjects)


def past_perfect(verb: Token) -> bool:
    """True for a verb in the past perfect ("had shut"): a happening before the story's."""
    return any(c.dep_ in {"aux", "auxpass"} and c.lower_ in {"had", "'d"} for c in verb.children)


#: Auxiliaries of a clause still to come ("would be sworn in on Monday").
_AHEAD_AUXILIARIES = frozenset({"will", "would", "shall", "'ll"})


def _still_to_come(verb: Token) -> bool:
    """True for a verb in the future ("will meet", "would be sworn in")."""
    return any(
        c.dep_ in {"aux", "auxpass"} and c.lower_ in _AHEAD_AUXILIARIES for c in verb.children
    )


#: Verbs whose date is where a span stops ("drills scheduled to end Friday").
_SPAN_END_VERBS = frozenset({"end", "conclude", "expire", "finish", "close", "wrap"})


def _clause_chain(token: Token) -> list[Token]:
    """``token``'s clause verb and the verbs of the clauses it is embedded in (up to four):
    "had been scheduled to end Friday" is in the past perfect through its "to" clause."""
    verb = syntax.clause_verb(token)
    chain = [verb]
    while verb.dep_ in {"xcomp", "ccomp", "advcl", "relcl", "conj"} and len(chain) < 4:
        verb = verb.head
        chain.append(verb)
    return chain


_TIME_NOUNS = frozenset(
    "morning afternoon evening night day week weekend month year time hour dawn noon".split()
)


_BOUNDS = frozenset({"until", "till", "through", "since"})


#: Prepositions that put a happening within a bare year or month ("first tested in 2017");
#: "since" and "until" give a span's edge, never the day a happening is told on.
_WITHIN = frozenset({"in", "during"})


def _bound(ent: Span) -> bool:
    """True for the end or start of a span ("drills that run until May 9", "the first
    visit since 2018", "violated between 11:30 pm on Tuesday and 6:30 am on Wednesday"): not
    the day the happening is told on."""
    head = ent.root.head
    return (ent.root.dep_ == "pobj" and head.lower_ in _BOUNDS) or _in_a_between_span(ent)


def _in_a_between_span(ent: Span) -> bool:
    """True for a date after "between" in its clause, with no comma or verb between them."""
    doc = ent.doc
    start = max(ent.sent.start, ent.start - 8)
    for i in range(ent.start - 1, start - 1, -1):
        token = doc[i]
        if token.lower_ == "between":
            return True
        if token.text in {",", ";"} or token.pos_ == "VERB":
            return False
    return False


#: Words of a date still to come ("next week's summit").
_AHEAD_WORDS = frozenset({"next", "coming", "upcoming", "tomorrow"})


def _names_another(ent: Span, trigger: Token | None) -> bool:
    """True when the date is part of a noun's name ("the October 7 Hamas onslaught", "the
    July 30 summit"): it dates that other happening, not the sentence's."""
    root = ent.root
    if root.dep_ == "poss" and any(t.lower_ in _AHEAD_WORDS for t in ent):
        # "Ahead of next week's summit, envoys met on Tuesday": a happening still to come
        # names no day of the clause's ("Wednesday's barrage drew a response" still does).
        return trigger is None or root.head.i != trigger.i
    return (
        root.dep_ in {"compound", "nmod", "amod"}
        and root.head.pos_ in {"NOUN", "PROPN"}
        and root.head.ent_type_ not in {"DATE", "TIME"}
        and root.head.lemma_.lower() not in _TIME_NOUNS  # "Thursday evening" is a date
        and (trigger is None or root.head.i != trigger.i)
    )


#: Prepositions that put a clause's happening inside an event on its day ("agreed at a
#: summit"); syntax's wider set of setting prepositions ("after", "amid") says nothing of
#: the day.
_OCCASION_PREPS = frozenset({"at", "during"})


def _where_it_happened(trigger: Token, verb: Token) -> bool:
    """True when the noun trigger is the occasion of its clause ("leaders agreed at a summit
    in Brussels on Wednesday"): what was done there was done on the occasion's day."""
    prep = trigger.head
    return trigger.dep_ == "pobj" and prep.lower_ in _OCCASION_PREPS and prep.head.i == verb.i


class ArticleDates:
    """The resolved date expressions of one article and the date its story is at so far."""

    def __init__(self, context: ArticleContext, published: date | None) -> None:
        self.context = context
        self.published = published
        #: The date of the occasion being told (see :meth:`update_context_date`).
        self.context_date: ResolvedDate | None = None
        self._dates_by_sent: dict[int, list[tuple[Span, ResolvedDate]]] = {}

    def date_entities(self, sent: Span) -> list[tuple[Span, ResolvedDate]]:
        """The sentence's date entities with their resolved dates (computed once)."""
        cached = self._dates_by_sent.get(sent.start)
        if cached is None:
            cached = self._dates_by_sent[sent.start] = self._find_date_entities(sent)
        return cached

    def _find_date_entities(self, sent: Span) -> list[tuple[Span, ResolvedDate]]:
        found = []
        dateline = DATELINE_RE.match(self.context.text_of(sent))
        dateline_end = sent.start_char + dateline.end() if dateline else -1
        for ent in self.context.ents(sent):
            if ent.end_char <= dateline_end:
                continue
            if ent.label_ not in {"DATE", "TIME"}:
                continue
            # A dateline ("July 28 (UPI) —") is the publication date, not an event's.
            if ent.start == sent.start and _DATELINE_TAIL.match(self.context.text, ent.end_char):
                continue
            resolved = resolve(ent.text, self.published)
            if resolved is None and ent.root.dep_ == "pobj" and ent.root.head.lower_ in _WITHIN:
                # A bare year is a date only with its preposition ("first tested in 2017");
                # the entity leaves the preposition out.
                resolved = resolve(f"{ent.root.head.lower_} {ent.text}", self.published)
            if resolved is None:
                resolved = resolve_anchored(ent.text, self._anchor())
            if resolved is not None:
                found.append((ent, resolved))
        return found

    def _anchor(self) -> date | None:
        """The day the story is at: its context date when told to the day, else the
        publication day."""
        if self.context_date is not None and self.context_date.precision == "day":
            return self.context_date.value
        return self.published

    def date_for(
        self, trigger: Token, verb: Token, sent: Span, future: bool
    ) -> tuple[ResolvedDate | None, bool]:
        """The date of the mention at ``trigger`` (clause verb ``verb``) and whether the
        sentence states it (False: inherited from the context); ``future`` resolves planned
        events forward."""
        dated = self.date_entities(sent)
        if (
            trigger.pos_ != "VERB"
            and syntax.lemma(verb) not in DATE_CARRYING_VERBS
            and not _where_it_happened(trigger, verb)
        ):
            # "urged Xi on Monday to use his visit": the date is the urging's, not the visit's.
            own = {t.i for t in trigger.subtree}
            dated = [(ent, r) for ent, r in dated if ent.root.i in own]
            if not dated:
                return self.context_date, False
        attached = []
        loose = []
        for ent, resolved in dated:
            if future:
                resolved = resolve(ent.text, self.published, future=True) or resolved
            if _names_another(ent, trigger) or _bound(ent) or _reports_day(ent, verb):
                continue
            ancestors = set(a.i for a in ent.root.ancestors)
            if (
                trigger.i in ancestors
                or verb.i in ancestors
                or ent.root.head.i in {trigger.i, verb.i}
            ):
                # "said on Thursday NATO will launch drills next week": the date on the
                # word itself comes before one deeper in what it governs.
                own = ent.root.head.i in {trigger.i, verb.i} or _governor(ent).i in {
                    trigger.i,
                    verb.i,
                }
                attached.append((not own, resolved))
                continue
            head = _governor(ent)
            if (
                head.lemma_ in REPORTING_VERBS
                and head.i != verb.i
                and not _before_the_tag(ent, head)
            ):
                continue
            loose.append((abs(ent.start - trigger.i), resolved))
        if attached:
            return min(attached, key=lambda x: x[0])[1], True
        if loose:
            return min(loose, key=lambda x: x[0])[1], True
        return self.context_date, False

    def update_context_date(self, sent: Span) -> None:
        """Move the context date to the sentence's event date, if it states one (a day
        replaces anything; a coarser date only fills an empty context)."""
        for ent, resolved in self.date_entities(sent):
            head = _governor(ent)
            if (
                head.lemma_ in REPORTING_VERBS and not _before_the_tag(ent, head)
            ) or _names_another(ent, None):
                continue
            if resolved.anchored:
                continue  # a side step ("a day earlier"): the story stays at its own day
            if resolved.precision == "year":
                continue  # "biggest since Reforger in 1988": background, never the story's
            if any(past_perfect(v) for v in _clause_chain(head)):
                continue  # "The bloc had, at its July 30 summit, shut borders": before the story
            if any(_still_to_come(v) for v in _clause_chain(head)):
                continue  # "said he would be sworn in on Monday": a day the story is not at
            if syntax.lemma(head) in _SPAN_END_VERBS:
                continue  # "had been scheduled to end Friday": a span's end, not the story's day
            if resolved.precision == "day" or self.context_date is None:
                self.context_date = resolved
