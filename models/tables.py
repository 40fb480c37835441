"""SQLModel tables: articles, events, actors and the event-actor link with its role.

The schema is documented for people who query it directly in docs/schema.md; change both
together, and add an Alembic migration for every change here.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware now, for timestamps."""
    return datetime.now(timezone.utc)


class ArticleStatus(str, Enum):
    """Where an article is in the pipeline; every article is in exactly one of these."""

    queued = "queued"
    processing = "processing"
    done = "done"
    failed = "failed"


#: JSON everywhere, JSONB on PostgreSQL (comparable, indexable, faster to query).
JSON_TYPE: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class Article(SQLModel, table=True):
    """One enqueued article, stored once per distinct text (``content_hash`` is unique)."""

    __tablename__ = "article"
    __table_args__ = (
        # Serves status counts and the "stuck for longer than" scan of reprocess.
        Index("ix_article_status_updated_at", "status", "updated_at"),
        Index("ix_article_published", "published"),
    )

    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64, unique=True, index=True)
    external_id: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    source: str | None = Field(default=None, max_length=200)
    published: date | None = None
    language: str | None = Field(default=None, max_length=8)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # A plain VARCHAR (no native PostgreSQL enum type), so adding a status needs no ALTER TYPE.
    status: ArticleStatus = Field(
        default=ArticleStatus.queued,
        sa_column=Column(
            SAEnum(
                ArticleStatus,
                native_enum=False,
                length=16,
                validate_strings=True,
                values_callable=lambda enum: [member.value for member in enum],
            ),
            nullable=False,
        ),
    )
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = 0
    extractor_version: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    processed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Actor(SQLModel, table=True):
    """A canonical actor (person, country, organisation, IGO or group).

    ``key`` is ``kind|country|name`` lower-cased, unique, so the same actor is one row whatever
    article names it.
    """

    __tablename__ = "actor"
    __table_args__ = (
        UniqueConstraint("key", name="uq_actor_key"),
        Index("ix_actor_country", "country"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400)
    name: str = Field(max_length=300)
    country: str | None = Field(default=None, max_length=8)
    kind: str = Field(default="country", max_length=20)


class Event(SQLModel, table=True):
    """One extracted event with its evidence sentence (offsets into ``article.text``)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_article_id", "article_id"),
        Index("ix_event_type_date", "type", "event_date"),
        Index("ix_event_date", "event_date"),
        Index("ix_event_location_country", "location_country"),
        Index("ix_event_modality", "modality"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    type: str = Field(max_length=32)
    subtype: str | None = Field(default=None, max_length=32)
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    start_char: int
    end_char: int
    trigger: str = Field(max_length=200)
    event_date: date | None = None
    date_precision: str | None = Field(default=None, max_length=8)
    location_name: str | None = Field(default=None, max_length=200)
    location_country: str | None = Field(default=None, max_length=8)
    weapons: list[str] = Field(default_factory=list, sa_column=Column(JSON_TYPE, nullable=False))
    quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    modality: str = Field(default="asserted", max_length=16)
    confidence: float = 0.5
    attributes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON_TYPE, nullable=False)
    )
    extractor_version: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class EventActor(SQLModel, table=True):
    """Links an event to an actor with the actor's role in it (agent, target, participant)."""

    __tablename__ = "event_actor"
    __table_args__ = (
        # Also serves lookups by event_id (its leading column), so event_id has no index of its own.
        UniqueConstraint("event_id", "actor_id", "role", name="uq_event_actor_role"),
        Index("ix_event_actor_actor_role", "actor_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    role: str = Field(max_length=16)
