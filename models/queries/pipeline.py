"""The pipeline's state from the article table: statuses, failures, throughput over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.queries._core import article, as_date, fetch_all
from models.queries.buckets import bucket_start
from models.queries.results import FailedArticle, ThroughputCount
from models.tables import ArticleStatus


def article_status_counts(session: Session) -> dict[str, int]:
    """Return ``{status: articles}`` for every status in pipeline order, zeros included."""
    stmt = select(article.c.status, func.count().label("n")).group_by(article.c.status)
    counts = {s.value: 0 for s in ArticleStatus}
    for r in fetch_all(session, stmt):
        counts[_status_name(r.status)] = int(r.n)
    return counts


def _status_name(status: Any) -> str:
    return str(status.value) if isinstance(status, ArticleStatus) else str(status)


def failed_articles(session: Session, *, limit: int = 50) -> list[FailedArticle]:
    """Return the most recently failed articles with their stored error."""
    art = article.c
    stmt = (
        select(art.id, art.title, art.url, art.source, art.error, art.attempts, art.updated_at)
        .where(art.status == ArticleStatus.failed)
        .order_by(art.updated_at.desc(), art.id.desc())
        .limit(max(0, limit))
    )
    return [
        FailedArticle(r.id, r.title, r.url, r.source, r.error, int(r.attempts), r.updated_at)
        for r in fetch_all(session, stmt)
    ]


def throughput_over_time(session: Session, *, bucket: str = "day") -> list[ThroughputCount]:
    """Count articles finished (``done`` or ``failed``) per time bucket and status.

    The time is ``processed_at``, or ``updated_at`` for articles that have none.
    """
    art = article.c
    finished = func.coalesce(art.processed_at, art.updated_at)
    start = bucket_start(finished, bucket).label("bucket_start")
    stmt = (
        select(start, art.status, func.count().label("n"))
        .where(art.status.in_([ArticleStatus.done, ArticleStatus.failed]))
        .group_by(start, art.status)
        .order_by(start, art.status)
    )
    return [
        ThroughputCount(as_date(r.bucket_start) or date.min, _status_name(r.status), int(r.n))
        for r in fetch_all(session, stmt)
    ]
