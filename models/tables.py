"""SQLModel tables: articles, events, actors and the event-actor link with its role.

The schema is documented for people who query it directly in docs/schema.md; change both
together, and add an Alembic migration for every change here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Index,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel

from common.dates import event_day
from models.actor_words import name_words

# The feed tables live in their own module; importing them here puts them on the same
# metadata wherever the schema is loaded (migrations, tests, the repository).
from models.feed_tables import Feed, FeedItem  # noqa: F401
from models.incident_tables import (  # noqa: F401
    ArticleBand,
    EventComponent,
    Incident,
    LinkRules,
)
from models.rollup_tables import IncidentCount, IncidentFacet  # noqa: F401
from models.scope_tables import ActorWord, ScopeCount  # noqa: F401
from models.statuses import ArticleStatus


def utcnow() -> datetime:
    """Timezone-aware now, for timestamps."""
    return datetime.now(timezone.utc)


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
    #: The stored article this one is a wire copy of (near-duplicate text), when it is one.
    copy_of: int | None = Field(default=None, index=True)


class EventTypeEntry(SQLModel, table=True):
    """One event type the extractor knows (built in or from a plugin): the type catalogue.

    The worker writes it at start-up from the plugin registry (``eventwire db upgrade`` too),
    so the dashboard and SQL users can name and colour every type, user plugins included,
    without importing the worker. ``event.type`` is not a foreign key: events of a type whose
    plugin was removed stay readable.
    """

    __tablename__ = "event_type"

    name: str = Field(primary_key=True, max_length=64)
    label: str = Field(max_length=200)
    #: ``#RRGGBB``: the type's colour on every chart.
    colour: str = Field(max_length=7)
    #: JSON array of the subtype names, as text (readable from plain SQL on both dialects).
    subtypes: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    builtin: bool = Field(default=False)


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
        Index("ix_event_modality", "modality"),
        # The event day (see ``day``) for date filters and time buckets without the article;
        # (modality, day, type) lets the default "asserted" filter count per bucket and type
        # from the index alone.
        Index("ix_event_day_id", "day", "id"),
        Index("ix_event_type_day", "type", "day"),
        # incident_id last: incidents counted per day and type from the index too (0008).
        Index("ix_event_modality_day_type", "modality", "day", "type", "incident_id"),
        # Events per location, and the events located in a country filter's countries, with
        # the filtered columns in the index (migration 0003).
        Index(
            "ix_event_location_modality_type_day",
            "location_country",
            "modality",
            "type",
            "day",
            "id",
        ),
        Index("ix_event_subtype", "subtype"),
        Index("ix_event_incident_id", "incident_id"),
        Index("ix_event_incident_block", "incident_block"),
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
    #: The event day: ``event_date`` or, when the extractor found none, the article's
    #: ``published`` date (written by ``replace_events``); None when neither is known.
    day: date | None = None
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
    #: The incident it reports (models.incident_tables.Incident) and the block it is linked in
    #: (common.incident_keys); the worker sets both in the transaction that stores the event.
    incident_id: int | None = None
    incident_block: str | None = Field(default=None, max_length=80)


class EventMention(SQLModel, table=True):
    """One sentence of the article that reports an event, in article order (migration 0009).

    Every sentence that reports the same happening (headline, caption, lead, a later
    paraphrase or quote), the evidence sentence included; ``ordinal`` is its place among the
    event's mentions, 0 first. A table rather than a JSON column on ``event``: "every sentence
    that reported this event" and "events reported more than once" are plain SQL on it, on
    both dialects; ``event_view.mentions`` gives the same list as JSON text. The key
    (event_id, ordinal) is also the index that finds an event's mentions, so writing them
    maintains one index.
    """

    __tablename__ = "event_mention"

    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    ordinal: int = Field(primary_key=True)
    # start_char/end_char as on ``event`` (``end`` is a reserved word in SQL).
    start_char: int
    end_char: int
    sentence: str = Field(sa_column=Column(Text, nullable=False))


#: The event_actor columns every dashboard filter tests, in the order the covering indexes
#: keep them after their key and event_id.
_LINK_FILTER_COPIES = ("modality", "type", "day", "location_country", "role")


class EventActorLink(SQLModel, table=True):
    """Links an event to an actor with the actor's role in it (agent, target, participant).

    ``day``, ``type``, ``modality`` and ``location_country`` are copies of the event's columns
    and ``actor_country`` of the actor's ``country`` (events and actors are never updated in
    place, so the copies cannot go stale): actor aggregates filter and group on them from
    the indexes below without joining ``event`` or ``actor``.
    """

    __tablename__ = "event_actor"
    __table_args__ = (
        # Also serves lookups by event_id (its leading column), so event_id has no index of its own.
        UniqueConstraint("event_id", "actor_id", "role", name="uq_event_actor_role"),
        # Key first, then event_id (each event counted once, in order), then the copies every
        # filter tests, so that any filter is checked inside the index (migration 0003):
        # top actors, actor timelines and the events of the actors an actor filter names;
        Index(
            "ix_event_actor_actor_event",
            "actor_id",
            "event_id",
            *_LINK_FILTER_COPIES,
            "incident_id",
        ),
        # events per actor country, and the events of a country filter's actors;
        Index(
            "ix_event_actor_country_event",
            "actor_country",
            "event_id",
            *_LINK_FILTER_COPIES,
            "incident_id",
        ),
        # the actors' countries of given events, event by event (filtered country counts).
        Index(
            "ix_event_actor_event_country", "event_id", "actor_country", "location_country", "role"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    role: str = Field(max_length=16)
    day: date | None = None
    type: str = Field(max_length=32)
    modality: str = Field(max_length=16)
    location_country: str | None = Field(default=None, max_length=8)
    actor_country: str | None = Field(default=None, max_length=8)
    #: The event's incident, copied by the linker (migration 0008): incident counts per actor.
    incident_id: int | None = None


class EventPair(SQLModel, table=True):
    """One (agent, target) pair of an event: who acts on whom, derived from ``event_actor``.

    One row per agent link times target link of an event (an actor that is both agent and
    target of an event pairs with itself), with the same copies of the event's day, type and
    modality as the links and both actors' countries. Interaction counts read it from one index
    instead of joining agent links to target links. Written with the links by
    ``models.repository.replace_events``.
    """

    __tablename__ = "event_pair"
    __table_args__ = (
        UniqueConstraint("event_id", "agent_id", "target_id", name="uq_event_pair"),
        # Pairs counted in (agent, target) order under any filter (migration 0003).
        Index(
            "ix_event_pair_agent_target",
            "agent_id",
            "target_id",
            "modality",
            "type",
            "day",
            "incident_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    agent_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    target_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    day: date | None = None
    type: str = Field(max_length=32)
    modality: str = Field(max_length=16)
    agent_country: str | None = Field(default=None, max_length=8)
    target_country: str | None = Field(default=None, max_length=8)
    #: The event's incident, copied by the linker (migration 0008): incident counts per pair.
    incident_id: int | None = None


class EventCountry(SQLModel, table=True):
    """One country an event involves: its location or any of its actors' countries (0011).

    A country filter asks which events involve a country, a property of all of an event's
    links together; this table holds the answer, one row per (event, country), with copies of
    the event's day, type, modality, location and incident, so that a country filter is a
    range of one index rather than a set built from ``event`` and ``event_actor`` (a country
    matching 40% of a million events: see docs/dashboard.md "At scale"). Written with the
    links by ``models.repository.replace_events`` (ORM inserts: the listeners below), its
    ``incident_id`` kept by the linker; ``models.event_countries`` rebuilds and checks it.
    """

    __tablename__ = "event_country"
    __table_args__ = (
        # The events of a filter's country: the modality, then the day in order (the newest
        # page of events walks it backwards), then the other copies, so that any filter of
        # types, modalities and days is checked in the index.
        Index(
            "ix_event_country_country_modality_day",
            "country",
            "modality",
            "day",
            "event_id",
            "type",
            "location_country",
            "incident_id",
        ),
    )

    #: Key (event_id, country): an event's countries in order (the countries the matching
    #: events involve, event by event, for country counts), and deletes by event.
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    country: str = Field(primary_key=True, max_length=8)
    day: date | None = None
    type: str = Field(max_length=32)
    modality: str = Field(max_length=16)
    location_country: str | None = Field(default=None, max_length=8)
    incident_id: int | None = None


#: ``INSERT`` of the agent-target pairs of the links in ``event_actor``, skipping pairs stored
#: already; append ``AND a.event_id = ...`` to limit it to one event. Used below (ORM inserts);
#: migration 0002 keeps its own frozen copy for the backfill, and replace_events builds its
#: pairs in Python.
INSERT_PAIRS_SQL = """
INSERT INTO event_pair (event_id, agent_id, target_id, day, type, modality, agent_country,
    target_country)
SELECT a.event_id, a.actor_id, t.actor_id, a.day, a.type, a.modality, a.actor_country,
    t.actor_country
FROM event_actor a
JOIN event_actor t ON t.event_id = a.event_id AND t.role = 'target'
WHERE a.role = 'agent'
AND NOT EXISTS (SELECT 1 FROM event_pair p WHERE p.event_id = a.event_id
    AND p.agent_id = a.actor_id AND p.target_id = t.actor_id)
"""


# ----------------------------------------------------------------------------- ORM inserts
#
# The pipeline writes events and links in bulk (models.repository.replace_events), filling the
# stored day and the link's copies itself. Rows added through the ORM (scripts, tests) get
# them here, from the database, just before their INSERT: an event's article and a link's
# event and actor are flushed first (the foreign keys order the unit of work); a link's
# agent-target pairs are added right after it.


@sa_event.listens_for(Event, "before_insert")
def _fill_event_day(_mapper: Any, connection: Connection, target: Event) -> None:
    if target.day is not None:
        return
    published = None
    if target.event_date is None and target.article_id is not None:
        published = connection.execute(
            select(Article.published).where(Article.id == target.article_id)  # type: ignore[arg-type]
        ).scalar_one_or_none()
    target.day = event_day(target.event_date, published)


@sa_event.listens_for(EventActorLink, "before_insert")
def _fill_link_copies(_mapper: Any, connection: Connection, target: EventActorLink) -> None:
    if target.type is not None and target.modality is not None:
        return
    found = connection.execute(
        select(Event.day, Event.type, Event.modality, Event.location_country).where(
            Event.id == target.event_id  # type: ignore[arg-type]
        )
    ).one_or_none()
    if found is not None:
        target.day, target.type, target.modality, target.location_country = found
    target.actor_country = connection.execute(
        select(Actor.country).where(Actor.id == target.actor_id)  # type: ignore[arg-type]
    ).scalar_one_or_none()


@sa_event.listens_for(EventActorLink, "after_insert")
def _add_pairs(_mapper: Any, connection: Connection, target: EventActorLink) -> None:
    if target.role in ("agent", "target"):
        connection.execute(
            text(INSERT_PAIRS_SQL + " AND a.event_id = :event_id"), {"event_id": target.event_id}
        )


#: ``INSERT`` of the ``event_country`` rows of the events' locations and their links' actor
#: countries, skipping rows stored already; append ``AND e.id = :event_id`` to both parts'
#: WHERE via the ``{event}`` placeholder. ORM inserts only (replace_events writes its own).
_INSERT_COUNTRIES_SQL = """
INSERT INTO event_country (event_id, country, day, type, modality, location_country,
    incident_id)
SELECT DISTINCT e.id, c.country, e.day, e.type, e.modality, e.location_country, e.incident_id
FROM event e JOIN (
    SELECT id AS event_id, location_country AS country FROM event
    WHERE location_country IS NOT NULL AND id = :event_id
    UNION
    SELECT event_id, actor_country FROM event_actor
    WHERE actor_country IS NOT NULL AND event_id = :event_id
) c ON c.event_id = e.id
WHERE NOT EXISTS (SELECT 1 FROM event_country x WHERE x.event_id = e.id
    AND x.country = c.country)
"""


@sa_event.listens_for(Event, "after_insert")
@sa_event.listens_for(EventActorLink, "after_insert")
def _add_countries(_mapper: Any, connection: Connection, target: Any) -> None:
    event_id = target.id if isinstance(target, Event) else target.event_id
    connection.execute(text(_INSERT_COUNTRIES_SQL), {"event_id": event_id})


@sa_event.listens_for(Actor, "after_insert")
def _add_words(_mapper: Any, connection: Connection, target: Actor) -> None:
    # The words of its name (models.scope_tables.ActorWord), as models.repository writes them.
    rows = [{"word": w, "actor_id": target.id} for w in sorted(name_words(target.name))]
    if rows:
        connection.execute(ActorWord.__table__.insert(), rows)  # type: ignore[attr-defined]


# The scope rollup (models.scope_rollup) of ORM inserts: what the events and incidents a
# flush adds to counted for before it, then the difference after it, once the listeners
# above have written their pairs and countries. Per flush, not per row: the unit of work
# runs every row's before_insert before any of their INSERTs (two links of one event would
# each see neither).
_SCOPE_BEFORE = "scope_rollup_before"


def _scope_ids(session: Session) -> dict[str, set[int]]:
    """The events (with their incidents) and incidents the new rows of a flush change."""
    events = {o.event_id for o in session.new if isinstance(o, EventActorLink)}
    events |= {o.id for o in session.new if isinstance(o, Event) and o.id is not None}
    incidents = {o.incident_id for o in session.new if isinstance(o, Event)}
    return {
        "event_ids": {i for i in events if i is not None},
        "incident_ids": {i for i in incidents if i is not None},
    }


@sa_event.listens_for(Session, "before_flush")
def _scope_before(session: Session, _context: Any, _instances: Any) -> None:
    ids = _scope_ids(session)
    if not any(ids.values()):
        return
    # models.scope_rollup imports this module: imported when first needed.
    from models import scope_rollup

    session.info[_SCOPE_BEFORE] = scope_rollup.snapshot(session.connection(), **ids)


@sa_event.listens_for(Session, "after_flush")
def _scope_after(session: Session, _context: Any) -> None:
    ids = _scope_ids(session)  # the new rows have their ids now
    before = session.info.pop(_SCOPE_BEFORE, None)
    if not any(ids.values()) and before is None:
        return
    from models import scope_rollup

    scope_rollup.settle(session.connection(), before or Counter(), **ids)
