"""Incidents (one real-world happening, many reports) and the wire-copy index of articles.

``event.incident_id`` names the incident of every linked event and ``event.incident_block``
the block it was linked in (``common.incident_keys``); ``article.copy_of`` the article a wire
copy repeats. Written by ``models.incident_repository``; documented in docs/schema.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel

#: JSON everywhere, JSONB on PostgreSQL (as models.tables.JSON_TYPE; not imported from there,
#: which imports this module).
_JSON: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class Incident(SQLModel, table=True):
    """One happening: a summary of the events linked to it, rewritten whenever they change.

    ``key`` (unique) is the block and the canonical first event of the incident, so the
    same events always give the same key whichever worker links them.
    """

    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("key", name="uq_incident_key"),
        Index("ix_incident_block", "block"),
        Index("ix_incident_type_day", "type", "day"),
        Index("ix_incident_day", "day"),
        Index("ix_incident_sources", "n_sources"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    block: str = Field(max_length=80)
    type: str = Field(max_length=32)
    subtype: str | None = Field(default=None, max_length=32)
    #: The most precise date its reports give, with that precision; ``day`` is the day the
    #: dashboard buckets it on (the event day of its first report in canonical order).
    event_date: date | None = None
    date_precision: str | None = Field(default=None, max_length=8)
    day: date | None = None
    first_day: date | None = None
    last_day: date | None = None
    location_name: str | None = Field(default=None, max_length=200)
    location_country: str | None = Field(default=None, max_length=8)
    #: Actor names by role, weapons: JSON arrays ({"agent": [...], ...} for actors).
    actors: dict[str, Any] = Field(default_factory=dict, sa_column=Column(_JSON, nullable=False))
    weapons: list[str] = Field(default_factory=list, sa_column=Column(_JSON, nullable=False))
    modality: str = Field(default="asserted", max_length=16)
    #: Earliest and latest publication day of its reports.
    first_seen: date | None = None
    last_seen: date | None = None
    n_events: int = 0
    #: Distinct articles and sources, a wire copy counted as its original.
    n_articles: int = 0
    n_sources: int = 0


class ArticleBand(SQLModel, table=True):
    """One LSH band of an article's MinHash signature: near-duplicates share a band."""

    __tablename__ = "article_band"
    __table_args__ = (Index("ix_article_band_band_hash", "band", "hash"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    band: int
    hash: int = Field(sa_column=Column(BigInteger, nullable=False))


class EventComponent(SQLModel, table=True):
    """Which group of linked events an event is in, kept by the linker between batches (0013).

    Two events that incident linking links (``worker.incident_linking.pair_score``) always
    have the same ``component``; a group may hold several link components (groups are
    merged when a new event links them and never split when events go, which only makes the
    linker cluster more than it must). So the events a batch's new ones can change are one
    index range per group, found without scoring anything but the new events. Rows go with
    their event (ON DELETE CASCADE); an event without a row is not grouped yet (stored before
    0013, without linking, or before the rules changed: see :class:`LinkRules`).
    """

    __tablename__ = "event_component"
    __table_args__ = (Index("ix_event_component_component", "component"),)

    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    #: The group's label: the id of one of its events when it was formed (ids are unique, so
    #: two workers never form two groups with one label).
    component: int


class LinkRules(SQLModel, table=True):
    """The linking rules the ``event_component`` rows of a type were grouped under (0013).

    ``fingerprint`` hashes the linker's rules and the type's spec traits: a worker whose
    rules differ drops the type's groups (under the type's lock) and groups again as it goes.
    """

    __tablename__ = "link_rules"

    type: str = Field(primary_key=True, max_length=32)
    fingerprint: str = Field(max_length=64)
