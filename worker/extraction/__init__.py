"""The extractor: text in, frozen dataclasses out. Imports neither models nor dramatiq.

from worker.extraction import Extractor, ArticleText
events = Extractor().extract(ArticleText("a1", text, published=date(2023, 7, 28)))
"""

from __future__ import annotations

from worker.extraction.extractor import Extractor, asserted_only
from worker.extraction.types import (
    ArticleText,
    EventActor,
    ExtractedEvent,
    Location,
)

#: Recorded on every stored event; bump when rules or gazetteers change what is extracted.
EXTRACTOR_VERSION = "0.1.0"

__all__ = [
    "EXTRACTOR_VERSION",
    "ArticleText",
    "EventActor",
    "ExtractedEvent",
    "Extractor",
    "Location",
    "asserted_only",
]
