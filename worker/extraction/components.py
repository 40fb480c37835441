"""spaCy components of the extractor, registered with ``@Language.factory``.

``eventwire_actor_ruler`` marks gazetteer phrases (countries, capitals, demonyms, bodies,
institutions, leaders) in ``doc.spans["ew_actors"]``; the event triggers are a standard
``span_ruler`` loaded from every event type's ``triggers.jsonl`` into ``doc.spans["ew_triggers"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from worker.extraction.gazetteer import Gazetteer, load_gazetteer
from worker.extraction.trigger_windows import window_trigger_ruler
from worker.extraction.type_folder import EventTypeSpec

ACTOR_SPANS = "ew_actors"
TRIGGER_SPANS = "ew_triggers"
TRIGGERS_FILE = "triggers.jsonl"


@lru_cache(maxsize=4)
def cached_gazetteer(extra_dir: str | None) -> Gazetteer:
    """One gazetteer per folder per process (components and the extractor share it)."""
    return load_gazetteer(extra_dir)


def trigger_patterns(
    event_types: Sequence[EventTypeSpec], extra_dir: str | None = None
) -> list[dict[str, Any]]:
    """Trigger patterns of every event type plus ``extra_dir/triggers.jsonl``."""
    # list(...): a generator from read_jsonl would be empty the second time it is read.
    # A type's patterns may leave out the label: it is the type's name (plugins checks that
    # the ones that give it give that).
    patterns = [
        {**pattern, "label": spec.name}
        for spec in event_types
        for pattern in list(srsly.read_jsonl(spec.folder / TRIGGERS_FILE))
    ]
    if extra_dir and (Path(extra_dir) / TRIGGERS_FILE).exists():
        patterns.extend(srsly.read_jsonl(Path(extra_dir) / TRIGGERS_FILE))
    return patterns


class ActorRuler:
    """Marks every gazetteer phrase in the doc, longest match first."""

    def __init__(self, nlp: Language, gazetteer_dir: str | None) -> None:
        self.gazetteer = cached_gazetteer(gazetteer_dir)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrases = list(self.gazetteer.surface_forms.values())
        # Tokenize each phrase as it appears mid-sentence: at the end of a string the tokenizer
        # splits the final period off "U.S.", which running text never does.
        tokenizer: Any = nlp.tokenizer  # a Tokenizer, typed by spaCy as a plain callable
        patterns = [doc[:-1].as_doc() for doc in tokenizer.pipe(f"{p} x" for p in phrases)]
        self.matcher.add("ACTOR", patterns)
        self.size = len(phrases)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for _match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            entry = self.gazetteer.lookup(span.text)
            if entry is None:
                continue
            spans.append(Span(doc, start, end, label=entry.form, kb_id=span.text.lower()))
        doc.spans[ACTOR_SPANS] = filter_spans(spans)
        return doc


@Language.factory("eventwire_actor_ruler", default_config={"gazetteer_dir": None})
def make_actor_ruler(nlp: Language, name: str, gazetteer_dir: str | None) -> ActorRuler:
    """Factory for :class:`ActorRuler`."""
    return ActorRuler(nlp, gazetteer_dir)


@Language.component("eventwire_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: wire copy puts captions and datelines on lines
    of their own, and the parser would otherwise glue them to the lead."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
        elif previous.lower_ in _CLOCK_ABBREVIATIONS and _goes_on_after_a_time(token):
            # "fired at 6:50 a.m. Thursday (2150 GMT Wednesday)": the abbreviation's period
            # ends no sentence before the day, time zone or bracket that completes the time.
            token.is_sent_start = False
    return doc


#: Clock abbreviations whose period the parser takes for a sentence end.
_CLOCK_ABBREVIATIONS = frozenset({"a.m.", "p.m."})
_TIME_COMPLETIONS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday on local ( gmt utc est edt "
    "pst pdt kst jst cet bst ist".split()
)


def _goes_on_after_a_time(token: Token) -> bool:
    """True when ``token`` completes the time before it ("Thursday", "(2150 GMT)", "local")
    or continues its sentence in lower case."""
    return token.lower_ in _TIME_COMPLETIONS or token.is_lower


def add_components(
    nlp: Language, event_types: Sequence[EventTypeSpec], gazetteer_dir: str | None = None
) -> int:
    """Add the line-break splitter, the actor ruler and the trigger span_ruler to ``nlp``.

    Returns the number of trigger patterns loaded.
    """
    nlp.add_pipe("eventwire_line_breaks", before="parser")
    nlp.add_pipe("eventwire_actor_ruler", config={"gazetteer_dir": gazetteer_dir})
    ruler = nlp.add_pipe(
        "span_ruler",
        name="eventwire_trigger_ruler",
        config={"spans_key": TRIGGER_SPANS, "overwrite": True, "validate": True},
    )
    patterns = trigger_patterns(event_types, gazetteer_dir)
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    # The same matches, sought only where a pattern can start (trigger_windows.py).
    window_trigger_ruler(ruler, patterns)
    return len(patterns)
