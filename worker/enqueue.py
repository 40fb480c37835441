"""Store incoming articles once and queue their ids for the workers.

The database is written first and Redis second: an article that is stored but whose message
was lost (Redis restarted, say) stays ``queued`` and ``eventwire reprocess --stuck`` finds it.
The reverse order could queue ids that do not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from common.batching import batched
from models import repository
from models.engine import session_scope
from models.records import AddResult
from worker.inputs import InputArticle, ReadResult, Rejection
from worker.records import new_article

logger = logging.getLogger(__name__)

#: Articles written per transaction while streaming a large input.
STORE_CHUNK = 500
#: At the end of an input, about this many full messages' worth of ids are sent in messages
#: ``TAIL_SPLIT`` times smaller: several workers then share the input's last articles and
#: finish it together, instead of one taking the last full message while the others idle
#: (with two burst workers, bench/timeline.py showed one idle for up to half a second).
TAIL_MESSAGES = 2
TAIL_SPLIT = 4


def message_batches(
    ids: Sequence[int], batch_size: int, *, end_of_input: bool = False
) -> list[tuple[int, ...]]:
    """Cut ``ids`` into messages of ``batch_size`` ids; at the ``end_of_input``, the last
    ``TAIL_MESSAGES`` messages' worth into messages ``TAIL_SPLIT`` times smaller."""
    if not end_of_input or batch_size < TAIL_SPLIT:
        return list(batched(ids, batch_size))
    head = max(0, len(ids) - TAIL_MESSAGES * batch_size) // batch_size * batch_size
    small = -(-batch_size // TAIL_SPLIT)
    return [*batched(ids[:head], batch_size), *batched(ids[head:], small)]


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
    """Store articles (dedup by content hash) and send new ids in messages of ``batch_size``
    (the input's last ones in smaller messages: :func:`message_batches`).

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
        # Only the last chunk is short (or the input ends on a full one: no tail then).
        end_of_input = len(chunk) < STORE_CHUNK
        added = store_and_send(
            articles, engine=engine, send=send, batch_size=batch_size, end_of_input=end_of_input
        )
        new = sum(r.created for r in added)
        report.new += new
        report.duplicate += len(added) - new
        report.messages += len(message_batches(range(new), batch_size, end_of_input=end_of_input))
        if progress:
            progress(report)
    return report


def store_and_send(
    articles: list[InputArticle],
    *,
    engine: Engine,
    send: Callable[[list[tuple[int, ...]]], object],
    batch_size: int,
    end_of_input: bool = False,
) -> list[AddResult]:
    """Store one chunk of articles in one transaction, then send the new ids.

    Returns one result per article, in order (the stored id, and whether it was new), so
    callers that keep their own records of what they stored (``eventwire watch``) can link
    them. Texts already stored are not sent again. Wire copies are searched by the worker
    (``worker.wire_copies.find_copies``). ``end_of_input``: the chunk ends the input, so its
    last ids go in smaller messages (:func:`message_batches`).
    """
    if not articles:
        return []
    with session_scope(engine) as session:
        added = repository.add_articles(session, articles=[new_article(a) for a in articles])
    new_ids = [r.article_id for r in added if r.created]
    if new_ids:
        send(message_batches(new_ids, batch_size, end_of_input=end_of_input))
    return added
