"""Article statuses, apart from the tables: ``eventwire stats`` reads them without SQLModel."""

from __future__ import annotations

from enum import Enum


class ArticleStatus(str, Enum):
    """Where an article is in the pipeline; every article is in exactly one of these."""

    queued = "queued"
    processing = "processing"
    done = "done"
    failed = "failed"
