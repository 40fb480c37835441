"""SQLModel tables of ``eventwire watch``: the feeds it polls and the items it has seen.

Kept apart from :mod:`models.tables` (the extraction schema) because they serve one command;
:mod:`models.tables` imports this module, so loading the tables loads these too. Documented in
docs/schema.md; migration 0005 creates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel


def _now_column() -> DateTime:
    return DateTime(timezone=True)


class Feed(SQLModel, table=True):
    """One RSS/Atom feed and what its last polls left behind.

    ``etag`` and ``last_modified`` are the validators of the last good response, sent back as
    ``If-None-Match``/``If-Modified-Since`` so an unchanged feed costs a 304. A failing feed's
    ``next_attempt_at`` moves further out with each of its ``consecutive_failures``.
    """

    __tablename__ = "feed"
    __table_args__ = (UniqueConstraint("url", name="uq_feed_url"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    last_checked: datetime | None = Field(default=None, sa_type=_now_column())
    last_ok: datetime | None = Field(default=None, sa_type=_now_column())
    consecutive_failures: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=_now_column())
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FeedItem(SQLModel, table=True):
    """One entry seen in a feed, recorded once so that restarts never fetch it again.

    ``item_key`` is the entry's id, else its normalised link, else a hash of its title and
    summary. ``article_id`` is the stored article (None when the item had no usable text;
    kept when the article is deleted, as the item was still seen).

    An entry whose text could not be had (its page failed, and it has no summary or title) is
    ``pending``: not seen yet, tried again next poll; ``attempts`` counts those failures, and
    at ``EVENTWIRE_FEED_ITEM_ATTEMPTS`` the item is given up (recorded, no longer pending).
    Migration 0006 adds both columns.
    """

    __tablename__ = "feed_item"
    __table_args__ = (
        UniqueConstraint("feed_id", "item_key", name="uq_feed_item_key"),
        Index("ix_feed_item_article_id", "article_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feed.id", ondelete="CASCADE")
    item_key: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    first_seen: datetime = Field(sa_type=_now_column())
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    pending: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
