"""Reads and writes of ``eventwire watch``: feeds, their poll state and the items seen.

Keyword-only functions taking a session first, committing nothing (the caller's
:func:`models.engine.session_scope` does), on SQLite and PostgreSQL alike. Inserts that may
race with another ``watch`` process use ``INSERT .. ON CONFLICT`` on the unique key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, false, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models.feed_tables import Feed, FeedItem
from models.tables import utcnow

__all__ = [
    "FeedState",
    "NewFeedItem",
    "RecordedItems",
    "add_feed_items",
    "backoff_delay",
    "ensure_feeds",
    "feed_states",
    "record_failure",
    "record_success",
    "seen_item_keys",
]

_feed: Table = SQLModel.metadata.tables[Feed.__tablename__]
_item: Table = SQLModel.metadata.tables[FeedItem.__tablename__]
#: Keys per ``IN (...)`` list (SQLite allows 32766 parameters; planners like short lists).
IN_CHUNK = 500


@dataclass(frozen=True)
class FeedState:
    """A feed row as the poller needs it (plain data, usable outside a session)."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_checked: datetime | None
    last_ok: datetime | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    last_error: str | None

    def due(self, now: datetime) -> bool:
        """True when the feed may be polled at ``now`` (not waiting out a backoff)."""
        return self.next_attempt_at is None or _aware(self.next_attempt_at) <= now


@dataclass(frozen=True)
class NewFeedItem:
    """An entry to record, with the article it became (None when it had no text).

    ``failed`` marks an entry whose text could not be had this time (its page failed and it
    has no summary or title): it is recorded as pending, to be tried again, not as seen.
    """

    item_key: str
    url: str | None
    title: str | None
    article_id: int | None
    failed: bool = False


@dataclass(frozen=True)
class RecordedItems:
    """What :func:`add_feed_items` did.

    Parameters:
      recorded: items inserted or updated (an item seen already is left alone).
      pending: keys of items to be tried again next poll.
      gave_up: keys of items that failed for the last allowed time now (recorded as seen).
    """

    recorded: int
    pending: list[str]
    gave_up: list[str]


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def _insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the feed repository does not support {dialect}")


def _clip(value: str | None, column: str, table: Table = _feed) -> str | None:
    length = getattr(table.c[column].type, "length", None)
    if value is None or length is None or len(value) <= length:
        return value
    return value[:length]


def _state(row: Feed) -> FeedState:
    return FeedState(
        id=int(row.id or 0),
        url=row.url,
        title=row.title,
        etag=row.etag,
        last_modified=row.last_modified,
        last_checked=row.last_checked,
        last_ok=row.last_ok,
        consecutive_failures=row.consecutive_failures,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def ensure_feeds(session: Session, *, urls: Sequence[str]) -> list[FeedState]:
    """Add the feeds not stored yet and return every one of ``urls`` in order (deduplicated)."""
    unique = list(dict.fromkeys(urls))
    if unique:
        session.execute(
            _insert(session, _feed).on_conflict_do_nothing(index_elements=["url"]),
            [{"url": url, "consecutive_failures": 0} for url in unique],
        )
    found = {row.url: row for row in session.scalars(select(Feed).where(Feed.url.in_(unique)))}  # type: ignore[attr-defined]
    return [_state(found[url]) for url in unique]


def feed_states(session: Session) -> list[FeedState]:
    """Every stored feed, by URL (for ``eventwire watch --status``)."""
    return [_state(row) for row in session.scalars(select(Feed).order_by(Feed.url))]


def backoff_delay(failures: int, *, base_seconds: int, max_seconds: int) -> timedelta:
    """Wait before the next try after ``failures`` failures in a row: base, 2x, 4x ... capped."""
    exponent = min(max(failures - 1, 0), 30)  # 2**30 s is decades: enough headroom, no overflow
    return timedelta(seconds=min(base_seconds * 2**exponent, max_seconds))


def record_success(
    session: Session,
    *,
    feed_id: int,
    checked_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
) -> None:
    """A good poll (new content or 304): keep its validators, clear the failure state."""
    values: dict[str, object] = {
        "etag": _clip(etag, "etag"),
        "last_modified": _clip(last_modified, "last_modified"),
        "last_checked": checked_at,
        "last_ok": checked_at,
        "consecutive_failures": 0,
        "next_attempt_at": None,
        "last_error": None,
    }
    if title:
        values["title"] = _clip(title, "title")
    session.execute(update(_feed).where(_feed.c.id == feed_id).values(**values))


def record_failure(
    session: Session,
    *,
    feed_id: int,
    checked_at: datetime,
    error: str,
    base_seconds: int,
    max_seconds: int,
) -> FeedState:
    """A failed poll: count it, keep its error, and push the next try out exponentially.

    Returns the feed's new state (for the log line and the report).
    """
    failures = (
        session.execute(
            select(_feed.c.consecutive_failures).where(_feed.c.id == feed_id)
        ).scalar_one()
        + 1
    )
    delay = backoff_delay(failures, base_seconds=base_seconds, max_seconds=max_seconds)
    session.execute(
        update(_feed)
        .where(_feed.c.id == feed_id)
        .values(
            last_checked=checked_at,
            consecutive_failures=failures,
            next_attempt_at=checked_at + delay,
            last_error=error[:2000],
        )
    )
    row = session.get(Feed, feed_id)
    assert row is not None
    session.refresh(row)
    return _state(row)


def seen_item_keys(session: Session, *, feed_id: int, keys: Iterable[str]) -> set[str]:
    """The subset of ``keys`` already recorded for the feed (pending items are not seen)."""
    wanted = list(dict.fromkeys(keys))
    seen: set[str] = set()
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        seen.update(
            session.scalars(
                select(_item.c.item_key).where(
                    _item.c.feed_id == feed_id,
                    _item.c.item_key.in_(chunk),
                    _item.c.pending == false(),
                )
            )
        )
    return seen


def add_feed_items(
    session: Session,
    *,
    feed_id: int,
    items: Iterable[NewFeedItem],
    seen_at: datetime | None = None,
    max_attempts: int = 5,
) -> RecordedItems:
    """Record items: seen when they have text (or could not have it ``max_attempts`` times),
    pending otherwise.

    A new item is inserted. An item recorded already is updated only while it is pending: it
    becomes seen with its article, or counts one more failed attempt and is given up at
    ``max_attempts``. An item seen already is left alone.
    """
    now = seen_at or utcnow()
    stmt = _insert(session, _item)
    failed_now = stmt.excluded.attempts > 0
    attempts_after = _item.c.attempts + stmt.excluded.attempts
    stmt = stmt.on_conflict_do_update(
        index_elements=["feed_id", "item_key"],
        set_={
            "url": stmt.excluded.url,
            "title": stmt.excluded.title,
            "article_id": stmt.excluded.article_id,
            "attempts": attempts_after,
            "pending": and_(failed_now, attempts_after < max_attempts),
        },
        where=_item.c.pending == true(),
    ).returning(_item.c.item_key, _item.c.pending, _item.c.attempts)
    recorded = 0
    pending: list[str] = []
    gave_up: list[str] = []
    for item in items:
        row = {
            "feed_id": feed_id,
            "item_key": item.item_key,
            "url": _clip(item.url, "url", _item),
            "title": _clip(item.title, "title", _item),
            "first_seen": now,
            "article_id": item.article_id,
            "attempts": 1 if item.failed else 0,
            "pending": item.failed and max_attempts > 1,
        }
        for key, is_pending, attempts in session.execute(stmt, [row]).all():
            recorded += 1
            if is_pending:
                pending.append(key)
            elif item.failed and attempts >= max_attempts:
                gave_up.append(key)
    return RecordedItems(recorded=recorded, pending=pending, gave_up=gave_up)
