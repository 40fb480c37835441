"""Process a batch of stored articles: extract events and write them in one transaction.

This is the work behind the Dramatiq actor, kept free of Dramatiq so that it can be called and
tested directly. Redelivery is safe: events of an article are replaced, never appended.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from common.settings import Settings, get_settings
from models import repository
from models.engine import get_engine, session_scope
from models.records import EventRecord
from worker.extraction.types import ArticleText, ExtractedEvent
from worker.incidents import store_batch
from worker.language import detect_language
from worker.records import to_event_record
from worker.wire_copies import find_copies

if TYPE_CHECKING:  # spaCy is imported only where extraction runs: enqueue must stay light
    from worker.extraction import Extractor

logger = logging.getLogger(__name__)

#: Languages the extractor runs on; "und" (undetermined) is tried rather than dropped.
ENGLISH_OR_UNKNOWN = frozenset({"en", "und", None})
#: Error text stored on an article is cut to this length; tracebacks belong in the log.
MAX_ERROR_CHARS = 2000


@dataclass
class BatchOutcome:
    """What happened to one batch.

    Parameters:
      done: article ids whose events were written.
      failed: article id -> error for articles that can never succeed as they are.
      missing: ids that are not in the database (deleted since they were queued).
      events: number of events written.
    """

    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    events: int = 0


@lru_cache(maxsize=4)
def get_extractor(
    model: str, gazetteer_dir: str | None = None, plugin_dirs: tuple[str, ...] = ()
) -> Extractor:
    """Load one extractor per process, pipeline name and plugin folders (spaCy loads are
    slow)."""
    from worker.extraction import Extractor

    logger.info("loading spaCy pipeline %s", model)
    return Extractor(model, gazetteer_dir=gazetteer_dir, plugin_dirs=plugin_dirs)


def _extract_isolated(
    extractor: Extractor, texts: Sequence[ArticleText], batch_size: int
) -> tuple[dict[int, list[ExtractedEvent]], dict[int, str]]:
    """Run the batch through ``nlp.pipe``; if it fails, retry article by article.

    One article that breaks a component must not fail its neighbours: the second pass finds
    the culprit and records its error while the others still get their events.
    """
    try:
        return {
            int(article.id): events
            for article, events in extractor.extract_many(texts, batch_size=batch_size)
        }, {}
    except Exception:
        logger.exception("batch extraction failed; retrying article by article")
    results: dict[int, list[ExtractedEvent]] = {}
    errors: dict[int, str] = {}
    for article in texts:
        try:
            results[int(article.id)] = extractor.extract(article)
        except Exception as exc:
            logger.exception("extraction failed for article %s", article.id)
            errors[int(article.id)] = f"extraction failed: {type(exc).__name__}: {exc}"[
                :MAX_ERROR_CHARS
            ]
    return results, errors


def process_batch(
    article_ids: Sequence[int],
    *,
    engine: Engine,
    extractor: Extractor,
    batch_size: int = 16,
    link_incidents: bool = True,
) -> BatchOutcome:
    """Extract events for ``article_ids`` and store them, replacing any earlier events.

    Database and Redis errors propagate (they are transient: the actor retries); an article
    whose extraction fails is marked failed with its error and is not retried.
    ``link_incidents=False`` stores events without linking them (only for measuring what
    linking costs, bench/throughput.py: such events belong to no incident).
    """
    outcome = BatchOutcome()
    unique_ids = list(dict.fromkeys(int(i) for i in article_ids))
    with session_scope(engine) as session:
        articles = repository.get_articles(session, ids=unique_ids)
        found = {a.id for a in articles}
        outcome.missing = [i for i in unique_ids if i not in found]
        repository.mark_processing(session, ids=sorted(i for i in found if i is not None))
        # The language and wire copies are told here rather than at enqueue, which only stores
        # and queues: cheap beside extraction, and the copies before the events are linked
        # (which count a copy as its original).
        detected = {a.id: detect_language(a.text) for a in articles if a.language is None and a.id}
        repository.set_languages(session, languages=detected)
        language = {a.id: detected.get(a.id, a.language) for a in articles}
        find_copies(session, [(a.id, a.text) for a in articles if a.id is not None])
        texts = [
            ArticleText(id=str(a.id), text=a.text, published=a.published)
            for a in articles
            if language[a.id] in ENGLISH_OR_UNKNOWN
        ]
        # The rules are English: coding another language would invent events, so say so.
        foreign = {
            a.id: f"not English (detected {language[a.id]!r}); eventwire extracts from English only"
            for a in articles
            if language[a.id] not in ENGLISH_OR_UNKNOWN and a.id is not None
        }
    if outcome.missing:
        logger.warning("articles not in the database, skipped: %s", outcome.missing)

    results, errors = _extract_isolated(extractor, texts, batch_size)
    errors.update(foreign)
    records: list[tuple[int, list[EventRecord]]] = [
        (article_id, [to_event_record(e) for e in events]) for article_id, events in results.items()
    ]
    from worker.extraction import EXTRACTOR_VERSION

    with session_scope(engine) as session:
        # Incidents are linked in the transaction that stores the events: the new events,
        # and what the replaced ones leave, are linked before anything is committed.
        outcome.events = store_batch(
            session, records, extractor_version=EXTRACTOR_VERSION, link=link_incidents
        )
        for article_id, error in errors.items():
            repository.mark_failed(session, article_id=article_id, error=error)
    outcome.done = [article_id for article_id, _ in records]
    outcome.failed = errors
    logger.info(
        "batch of %d: %d done, %d failed, %d missing, %d events",
        len(unique_ids),
        len(outcome.done),
        len(outcome.failed),
        len(outcome.missing),
        outcome.events,
    )
    return outcome


def process_with_settings(
    article_ids: Sequence[int], settings: Settings | None = None
) -> BatchOutcome:
    """Process a batch with the engine and extractor named by the settings."""
    settings = settings or get_settings()
    return process_batch(
        article_ids,
        engine=get_engine(settings.database_url),
        extractor=get_extractor(
            settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths
        ),
        batch_size=settings.batch_size,
        link_incidents=settings.link_incidents,
    )
