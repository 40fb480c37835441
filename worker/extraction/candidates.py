"""Parse only what can matter: the sentences that may hold an event, and the context around
them that the rules read.

The tagger, parser and NER are nearly all of the pipeline's time, and most sentences of a news
article carry no event trigger. A cheap first pass (the tokenizer alone) splits the article
into sentences and marks the ones whose words can match a trigger pattern of any event type
(every inflection the lemmatizer could map to a pattern's lemma, see :class:`TriggerWords`)
or a word a rule hook reads in sentences without an event (whose rockets, what was on
display). Those sentences, the ones just before them (where "He said" and "the launch" find
who and what they mean) and the story's lead (dateline, first paragraph) go through the full
pipeline, in runs of consecutive sentences; the rest is only tokenized. The pieces are joined
into one Doc whose skipped sentences carry no tags, lemmas, entities or dependencies: the
rules find no trigger, actor in a role or date in them, which is why they may only be
sentences that change nothing the rules read (see docs/extraction.md, "What is parsed").

``EVENTWIRE_PARSE=all`` (or ``Extractor(parse="all")``) parses every sentence.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc

from worker.extraction.components import TRIGGER_SPANS
from worker.extraction.decoding import pipeline_stages, run_stages

ParseMode = Literal["candidates", "all"]
PARSE_MODES: tuple[ParseMode, ...] = ("candidates", "all")
#: Components that run on the whole joined Doc (cheap, surface only); every other component
#: runs on the parsed runs.
WHOLE_DOC_COMPONENTS = ("eventwire_actor_ruler", "eventwire_trigger_ruler")
#: Dependency label of the first token of a skipped sentence (its other tokens hang off it
#: with no label): gives the Doc its sentence boundaries, and is no label any rule reads.
UNPARSED = "ew_unparsed"
#: Sentences kept before each trigger sentence, and sentences of the lead always kept.
CONTEXT_BEFORE = 1
LEAD_SENTENCES = 2
_SENTENCE_END = frozenset({".", "!", "?", "...", "…"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")"})

T = TypeVar("T")
#: Words that start a date expression the NER may tag (a day, a month, a year, "yesterday").
_DATE_CUE = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight|tomorrow|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december|(?:19|20)\d\d|week|month|year|"
    r"earlier|ago|since)\b",
    re.IGNORECASE,
)


def _names_someone(tokens: Any) -> bool:
    """Two capitalised words in a row after the sentence's first word: maybe a person."""
    previous = False
    for token in list(tokens)[1:]:
        capital = token.is_alpha and token.text[:1].isupper()
        if capital and previous:
            return True
        previous = capital
    return False


class TriggerWords:
    """The lower-case surface forms that can match the trigger patterns.

    A pattern can only match a sentence holding, for each of its required tokens that names
    words, one of those words: :meth:`matches` tests that. ``LEMMA`` lists are widened to every
    form the rule lemmatizer could give that lemma (its suffix rules run backwards, and its
    exception tables), so the test never misses a match the full pipeline would make.
    ``complete`` is False when some pattern has no such token (then every sentence must be
    parsed).
    """

    def __init__(self, nlp: Language, patterns: Sequence[dict[str, Any]]) -> None:
        self.complete = True
        wanted: list[list[tuple[str, list[str]]]] = []
        lemmas: set[str] = set()
        for pattern in patterns:
            anchors = _anchors(pattern.get("pattern"))
            if not anchors:
                self.complete = False
                continue
            wanted.append(anchors)
            lemmas.update(w.lower() for attr, words in anchors if attr == "LEMMA" for w in words)
        forms_of = _lemma_forms(nlp, lemmas)
        #: Per pattern, the forms each of its required tokens may take.
        self.patterns: list[tuple[frozenset[str], ...]] = [
            tuple(
                frozenset(
                    form
                    for w in words
                    for form in (
                        forms_of.get(w.lower(), {w.lower()}) if attr == "LEMMA" else {w.lower()}
                    )
                )
                for attr, words in anchors
            )
            for anchors in wanted
        ]
        self.forms = frozenset(form for sets in self.patterns for s in sets for form in s)

    def __contains__(self, lower: str) -> bool:
        return lower in self.forms

    def matches(self, words: set[str]) -> bool:
        """True when a sentence of these lower-case words may hold a pattern's match."""
        if self.forms.isdisjoint(words):
            return False
        return any(all(not s.isdisjoint(words) for s in sets) for sets in self.patterns)


def _anchors(pattern: Any) -> list[tuple[str, list[str]]]:
    """(attribute, words) of every required token of ``pattern`` that names its words."""
    if not isinstance(pattern, list):
        return []  # a phrase pattern (a string): no anchor worth the risk
    out: list[tuple[str, list[str]]] = []
    for token in pattern:
        if token.get("OP") not in (None, "+", "{1}"):
            continue  # optional, repeated from zero, or negated: nothing it must be
        for attr in ("LEMMA", "LOWER", "ORTH", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                out.append((attr if attr == "LEMMA" else "LOWER", [value]))
                break
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                out.append((attr if attr == "LEMMA" else "LOWER", list(value["IN"])))
                break
    return out


def _lemma_forms(nlp: Language, lemmas: set[str]) -> dict[str, set[str]]:
    """{lemma: the lemma and every form :func:`inflections` gives for it}."""
    return {lemma: {lemma} | inflections(nlp, {lemma}) for lemma in lemmas}


def inflections(nlp: Language, lemmas: Iterable[str]) -> set[str]:
    """Every lower-case form the pipeline's rule lemmatizer could lemmatize to one of
    ``lemmas``; the lemmatizer's rules run backwards plus its exception tables, plus the
    words the attribute ruler gives one of these lemmas. Empty when there is no rule
    lemmatizer (the caller then parses everything)."""
    wanted = set(lemmas)
    out: set[str] = set()
    if "lemmatizer" not in nlp.pipe_names:
        return out
    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    tables = getattr(lemmatizer, "lookups", None)
    if tables is None or not tables.has_table("lemma_rules"):
        return out
    for rules in tables.get_table("lemma_rules").values():
        for old, new in rules:
            for lemma in wanted:
                if lemma.endswith(new):
                    out.add(lemma[: len(lemma) - len(new)] + old)
    if tables.has_table("lemma_exc"):
        for exceptions in tables.get_table("lemma_exc").values():
            for form, targets in exceptions.items():
                if wanted.intersection(targets):
                    out.add(form.lower())
    if "attribute_ruler" in nlp.pipe_names:
        for rule in getattr(nlp.get_pipe("attribute_ruler"), "patterns", []):
            if rule.get("attrs", {}).get("LEMMA", "").lower() in wanted:
                for pattern in rule["patterns"]:
                    for token in pattern:
                        for value in token.values():
                            if isinstance(value, str):
                                out.add(value.lower())
    return out


def sentence_starts(doc: Doc) -> list[int]:
    """Sentence starts of a tokenized doc, on surface cues: after every line break (as
    ``eventwire_line_breaks`` does for the parser) and, within a line, after ., ! or ? (and
    a closing quote) when the next word starts with a capital, a digit or a quote."""
    starts = [0] if len(doc) else []
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.is_space:
            continue
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            starts.append(token.i)
            continue
        j = token.i - 1
        while j > 0 and doc[j].text in _CLOSERS:
            j -= 1
        first = token.text[:1]
        opens = first.isupper() or first.isdigit() or first in "\"“'‘"
        # A space before the word: '."' closes the quote, '. "' opens the next one.
        spaced = bool(previous.whitespace_)
        if doc[j].text in _SENTENCE_END and opens and spaced and starts[-1] != token.i:
            starts.append(token.i)
    return starts


@dataclass(frozen=True)
class Plan:
    """Which sentences of a tokenized article to parse: (start, end) token ranges of the
    parsed runs and of the skipped sentences."""

    doc: Doc
    starts: list[int]
    keep: list[bool]

    def runs(self) -> list[tuple[int, int, bool]]:
        """Consecutive sentences of the same fate: (start, end, parsed)."""
        bounds = [*self.starts, len(self.doc)]
        out: list[tuple[int, int, bool]] = []
        for index, keep in enumerate(self.keep):
            start, end = bounds[index], bounds[index + 1]
            if out and out[-1][2] == keep:
                out[-1] = (out[-1][0], end, keep)
            else:
                out.append((start, end, keep))
        return out

    @property
    def parsed_share(self) -> float:
        """Share of the article's sentences that are parsed."""
        return sum(self.keep) / len(self.keep) if self.keep else 0.0


class SentenceSelector:
    """Chooses the sentences of an article that go through the full pipeline."""

    def __init__(
        self,
        trigger_words: TriggerWords,
        context_words: Iterable[str] = (),
        *,
        dates: bool = True,
        names: bool = True,
    ) -> None:
        self.trigger_words = trigger_words
        self.dates = dates
        self.names = names
        self.context_words = frozenset(w.lower() for w in context_words)

    def plan(self, doc: Doc) -> Plan:
        """The sentences of ``doc`` to parse: trigger sentences, the ones a rule hook reads,
        ``CONTEXT_BEFORE`` sentences before each trigger sentence, and the lead."""
        starts = sentence_starts(doc)
        if not self.trigger_words.complete:
            return Plan(doc, starts, [True] * len(starts))
        bounds = [*starts, len(doc)]
        triggered = []
        for index in range(len(starts)):
            words = {t.lower_ for t in doc[bounds[index] : bounds[index + 1]]}
            triggered.append(self.trigger_words.matches(words))
        keep = list(triggered)
        if any(triggered):
            for index, hit in enumerate(triggered):
                if hit:
                    for before in range(max(0, index - CONTEXT_BEFORE), index):
                        keep[before] = True
            for index in range(min(LEAD_SENTENCES, len(keep))):
                keep[index] = True
            last = max(i for i, hit in enumerate(triggered) if hit)
            for index in range(last):
                if keep[index]:
                    continue
                tokens = doc[bounds[index] : bounds[index + 1]]
                if any(t.lower_ in self.context_words for t in tokens):
                    keep[index] = True  # a word a rule hook reads in eventless sentences
                elif self.dates and _DATE_CUE.search(tokens.text):
                    keep[index] = True  # may move the context date of later mentions
                elif self.names and _names_someone(tokens):
                    keep[index] = True  # may introduce whom a later surname or "he" means
        return Plan(doc, starts, keep)


class CandidateParser:
    """Runs ``nlp`` on articles, parsing only the sentences a :class:`SentenceSelector`
    keeps; yields one Doc per text with the same tokens and text as ``nlp(text)``.

    ``selector`` may be given as a function that makes it: it is then made on first use, so
    a worker parsing everything (the default) does not spend its start-up building one.
    The components run as :func:`worker.extraction.decoding.pipeline_stages` gives them
    (``stages``; bench/decoding_check.py compares them with spaCy's own).
    """

    def __init__(
        self,
        nlp: Language,
        selector: SentenceSelector | Callable[[], SentenceSelector],
        mode: ParseMode = "candidates",
    ) -> None:
        self.nlp = nlp
        self._selector = selector
        self.mode = mode
        # The pipeline's components, some run faster to the same effect (decoding.py).
        self.stages = pipeline_stages(nlp)
        self.heavy = [(n, p) for n, p in self.stages if n not in WHOLE_DOC_COMPONENTS]
        self.whole = [(n, p) for n, p in self.stages if n in WHOLE_DOC_COMPONENTS]
        self.unparsed = nlp.vocab.strings.add(UNPARSED)
        self.sentences = 0
        self.parsed_sentences = 0

    @property
    def selector(self) -> SentenceSelector:
        """The sentence selector (made now if it was given as a function)."""
        if not isinstance(self._selector, SentenceSelector):
            self._selector = self._selector()
        return self._selector

    def pipe(self, items: Iterable[tuple[str, T]], batch_size: int = 16) -> Iterator[tuple[Doc, T]]:
        """(doc, context) for each (text, context), like ``nlp.pipe(..., as_tuples=True)``;
        the items are read in full (callers pass one batch)."""
        if self.mode == "all":
            yield from self._all(items, batch_size)
            return
        items = list(items)
        plans = [self.selector.plan(self.nlp.make_doc(text)) for text, _ in items]
        pieces: list[tuple[int, int, int]] = []  # (article, start, end) of each parsed run
        for number, plan in enumerate(plans):
            self.sentences += len(plan.keep)
            self.parsed_sentences += sum(plan.keep)
            pieces += [(number, s, e) for s, e, parsed in plan.runs() if parsed]
        # An article parsed whole is its own tokenized Doc; a run is a slice of it.
        runs = [
            plans[n].doc if e - s == len(plans[n].doc) else plans[n].doc[s:e].as_doc()
            for n, s, e in pieces
        ]
        parsed = self._heavy(runs, batch_size)
        by_article: dict[int, dict[int, Doc]] = {}
        for (number, start, _end), run in zip(pieces, parsed):
            by_article.setdefault(number, {})[start] = run
        for number, (text, context) in enumerate(items):
            joined = _join(plans[number], by_article.get(number, {}), self.unparsed)
            if joined is None:  # a run tokenized differently alone: parse the article whole
                doc = self.parse(text)
            else:
                doc = joined
                for name, proc in self.whole:
                    if name == "eventwire_trigger_ruler" and not any(plans[number].keep):
                        # Nothing parsed, so nothing to match (and the Matcher refuses a
                        # Doc with no POS): no trigger, as the first pass found.
                        doc.spans[TRIGGER_SPANS] = []
                    else:
                        doc = proc(doc)
            yield doc, context

    def parse(self, text: str) -> Doc:
        """``text`` through the whole pipeline (what ``nlp(text)`` gives)."""
        return next(run_stages(self.stages, [self.nlp.make_doc(text)], 1))

    def _all(self, items: Iterable[tuple[str, T]], batch_size: int) -> Iterator[tuple[Doc, T]]:
        """Every article through the whole pipeline, as ``nlp.pipe(items, as_tuples=True)``."""
        contexts: deque[T] = deque()

        def docs() -> Iterator[Doc]:
            for text, context in items:
                contexts.append(context)
                yield self.nlp.make_doc(text)

        # The stages pull docs lazily and keep their order: a doc comes out after its
        # context went in.
        for doc in run_stages(self.stages, docs(), batch_size):
            yield doc, contexts.popleft()

    def _heavy(self, runs: list[Doc], batch_size: int) -> list[Doc]:
        return list(run_stages(self.heavy, runs, batch_size))


def _join(plan: Plan, parsed: dict[int, Doc], unparsed_label: int) -> Doc | None:
    """One Doc of the parsed runs and the skipped sentences, or None if a run's tokens do
    not line up with the article's."""
    doc = plan.doc
    runs = plan.runs()
    if all(keep for *_, keep in runs) and len(runs) == 1:
        run = parsed[0]
        return run if len(run) == len(doc) else None
    pieces = []
    for start, end, keep in runs:
        if keep:
            piece = parsed[start]
            if len(piece) != end - start:
                return None
        else:
            piece = doc[start:end].as_doc()
        pieces.append(piece)
    # spaCy's stub lacks the ``exclude`` argument.
    joined = Doc.from_docs(  # type: ignore[call-arg]
        pieces, ensure_whitespace=False, exclude=["tensor", "user_data"]
    )
    if joined is None or len(joined) != len(doc):
        return None
    # Skipped sentences: every token hangs off the sentence's first token, which alone
    # carries a label, so the Doc has the first pass's sentence boundaries there.
    array = joined.to_array([HEAD, DEP])  # uint64: relative heads wrap around
    bounds = [*plan.starts, len(doc)]
    for index, keep in enumerate(plan.keep):
        if keep:
            continue
        start, end = bounds[index], bounds[index + 1]
        array[start:end, 0] = (start - numpy.arange(start, end, dtype="int64")).astype("uint64")
        array[start:end, 1] = 0
        array[start, 1] = unparsed_label
    joined.from_array([HEAD, DEP], array)  # type: ignore[arg-type]
    return joined


def check_mode(mode: str) -> ParseMode:
    """``mode`` if it is a parse mode, else ValueError."""
    if mode not in PARSE_MODES:
        raise ValueError(f"parse mode must be one of {', '.join(PARSE_MODES)}, not {mode!r}")
    return mode  # type: ignore[return-value]
