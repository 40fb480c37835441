"""Store incoming articles once and queue their ids for the workers.

The database is written first and Redis second: an article that is stored but whose message
was lost (Redis restarted, say) stays ``queued`` and ``eventwire reprocess --stuck`` finds it.
The reverse order could queue ids that do not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from common.batching import batched
from models import repository
from models.engine import session_scope
from worker.inputs import InputArticle, ReadResult, Rejection
from worker.records import new_article

logger = logging.getLogger(__name__)

#: Articles written per transaction while streaming a large input.
STORE_CHUNK = 500


@dataclass
class EnqueueReport:
    """Counts and reasons, for the user.

    Parameters:
      new: articles stored and queued now.
      duplicate: articles whose text was already stored (nothing added).
      rejected: inputs that could not be accepted, with the reason.
      warnings: accepted inputs with something to know (e.g. a decoding fallback).
      messages: messages sent to the queue (each carries up to ``batch_size`` new ids; ids
        are not kept, so a report stays small however large the input).
    """

    new: int = 0
    duplicate: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    messages: int = 0

    @property
    def accepted(self) -> int:
        """Inputs that were fine (new or already stored)."""
        return self.new + self.duplicate


def enqueue_articles(
    results: Iterable[ReadResult],
    *,
    engine: Engine,
    send: Callable[[list[tuple[int, ...]]], object],
    batch_size: int,
    progress: Callable[[EnqueueReport], None] | None = None,
) -> EnqueueReport:
    """Store articles (dedup by content hash) and send new ids in messages of ``batch_size``.

    Parameters:
      results: the stream from :func:`worker.inputs.read_inputs`.
      engine: database to store articles in.
      send: sends one message per list of article ids (all of a stored chunk at once, so
        the sender can pipeline them).
      batch_size: article ids per message.
      progress: called after each stored chunk with the report so far.
    """
    report = EnqueueReport()
    for chunk in batched(results, STORE_CHUNK):
        articles: list[InputArticle] = []
        for item in chunk:
            if isinstance(item, Rejection):
                report.rejected.append(item)
            else:
                articles.append(item)
                report.warnings.extend(item.warnings)
        if not articles:
            continue
        with session_scope(engine) as session:
            added = repository.add_articles(session, articles=[new_article(a) for a in articles])
        new_ids = [r.article_id for r in added if r.created]
        report.new += len(new_ids)
        report.duplicate += len(added) - len(new_ids)
        if new_ids:
            batches = list(batched(new_ids, batch_size))
            send(batches)
            report.messages += len(batches)
        if progress:
            progress(report)
    return report
