"""The extractor: text in, frozen dataclasses out. Imports neither models nor dramatiq.

    from worker.extraction import Extractor, ArticleText
    events = Extractor().extract(ArticleText("a1", text, published=date(2023, 7, 28)))

``Extractor`` and ``asserted_only`` are imported on first use: code that only needs the data
types (the enqueue path, the worker's bookkeeping) does not pay for importing spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from worker.extraction.types import (
    ArticleText,
    EventActor,
    EventMention,
    ExtractedEvent,
    Location,
)

if TYPE_CHECKING:
    from worker.extraction.extractor import Extractor, asserted_only

#: Recorded on every stored event; bump when rules or gazetteers change what is extracted.
EXTRACTOR_VERSION = "0.7.3"

__all__ = [
    "EXTRACTOR_VERSION",
    "ArticleText",
    "EventActor",
    "EventMention",
    "ExtractedEvent",
    "Extractor",
    "Location",
    "asserted_only",
]


def __getattr__(name: str) -> Any:
    if name in {"Extractor", "asserted_only"}:
        from worker.extraction import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'worker.extraction' has no attribute {name!r}")
