"""Map the extractor's events onto the storage layer's records.

The extractor and the models package do not know each other (worker/extraction is a leaf and
models is persistence only); this module is the one place where the two meet.
"""

from __future__ import annotations

from models.records import ActorRecord, EventRecord, MentionRecord, NewArticle
from worker.extraction.types import ExtractedEvent
from worker.inputs import InputArticle


def to_event_record(event: ExtractedEvent) -> EventRecord:
    """Convert one extracted event into the record ``models.repository`` stores."""
    return EventRecord(
        type=event.type,
        subtype=event.subtype,
        sentence=event.sentence,
        start_char=event.start,
        end_char=event.end,
        trigger=event.trigger[:200],
        event_date=event.date,
        date_precision=event.date_precision if event.date else None,
        location_name=event.location.name if event.location else None,
        location_country=event.location.country if event.location else None,
        weapons=tuple(event.weapons),
        quote=event.quote,
        modality=event.modality,
        confidence=float(event.confidence),
        attributes=dict(event.attributes),
        actors=tuple(
            ActorRecord(name=a.name, country=a.country, kind=a.kind, role=a.role)
            for a in event.actors
        ),
        mentions=tuple(
            MentionRecord(sentence=m.sentence, start_char=m.start, end_char=m.end)
            for m in event.mentions
        ),
    )


def new_article(article: InputArticle) -> NewArticle:
    """Convert an input article into the record ``models.repository.add_articles`` takes.

    Its language is left unknown: the worker tells it (``worker.processing``), which costs
    nothing beside extraction but a third of what storing an article costs at enqueue."""
    return NewArticle(
        text=article.text,
        published=article.published,
        url=article.url,
        title=article.title,
        source=article.source,
        external_id=article.external_id,
    )
