"""Read queries for the dashboard and the CLI; every aggregate is computed in SQL.

All functions take a SQLAlchemy (or SQLModel) ``Session`` first and keyword-only arguments
after it, run on SQLite and PostgreSQL, and return plain frozen dataclasses or dicts, never
ORM objects and never DataFrames (the dashboard converts in ``dashboard/data.py``).

Which events a query sees is decided by one :class:`EventFilter`. Two conventions matter:

- **Modality**: by default only ``asserted`` events count (negated, hypothetical, planned and
  capability statements are not things that happened). Pass ``modalities=()`` for all.
- **Event day**: the event's own date or, when the extractor found none, the publication date
  of its article. Date filters and time buckets use it; events with neither are left out of
  both but still appear in totals and lists.

Stable API used by the CLI (``eventwire query`` / ``eventwire stats``): :class:`EventFilter`,
:func:`list_events`, :func:`count_events`, :func:`article_status_counts`,
:func:`event_type_counts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    Date,
    DateTime,
    Select,
    TypeDecorator,
    case,
    distinct,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import SQLModel

from models.tables import Actor, Article, ArticleStatus, Event, EventActor, EventPair

Bucket = Literal["day", "week", "month"]
#: Time buckets accepted by the ``*_over_time`` functions.
BUCKETS: tuple[str, ...] = ("day", "week", "month")
#: Modalities the extractor assigns; the default filter keeps only the first.
MODALITIES: tuple[str, ...] = ("asserted", "negated", "hypothetical", "planned", "capability")
#: Roles an actor can have in an event.
ROLES: tuple[str, ...] = ("agent", "target", "participant")
#: Orders accepted by :func:`list_events`.
ORDERS: tuple[str, ...] = ("date_desc", "date_asc", "confidence_desc", "id_desc")

_article = SQLModel.metadata.tables[Article.__tablename__]
_event = SQLModel.metadata.tables[Event.__tablename__]
_actor = SQLModel.metadata.tables[Actor.__tablename__]
_link = SQLModel.metadata.tables[EventActor.__tablename__]
_pair = SQLModel.metadata.tables[EventPair.__tablename__]

#: The date an event is placed at: its own date, else its article's publication date
#: (stored in ``event.day`` by the repository, and copied into ``event_actor.day``).
EVENT_DAY = _event.c.day


# --------------------------------------------------------------------------- time buckets


class _BucketStart(FunctionElement[date]):
    """Start date of the bucket containing a date/timestamp; compiled per dialect below."""

    type = Date()
    inherit_cache = True
    unit = "day"


class _DayStart(_BucketStart):
    inherit_cache = True
    unit = "day"


class _WeekStart(_BucketStart):
    """Monday of the ISO week."""

    inherit_cache = True
    unit = "week"


class _MonthStart(_BucketStart):
    inherit_cache = True
    unit = "month"


_BUCKET_CLASSES: dict[str, type[_BucketStart]] = {
    "day": _DayStart,
    "week": _WeekStart,
    "month": _MonthStart,
}


@compiles(_BucketStart, "postgresql")
def _bucket_start_pg(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    # The unit is rendered inline (never a bind parameter) so the same expression text can
    # appear in SELECT and GROUP BY.
    arg = compiler.process(element.clauses, **kw)
    (expr,) = element.clauses
    sqltype = expr.type.impl_instance if isinstance(expr.type, TypeDecorator) else expr.type
    if isinstance(sqltype, DateTime) and sqltype.timezone:
        # Bucket instants by their UTC day, whatever the session's TimeZone setting.
        return f"CAST(date_trunc('{element.unit}', {arg} AT TIME ZONE 'UTC') AS DATE)"
    return f"CAST(date_trunc('{element.unit}', CAST({arg} AS TIMESTAMP)) AS DATE)"


@compiles(_BucketStart, "sqlite")
def _bucket_start_sqlite(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    if element.unit == "month":
        return f"date({arg}, 'start of month')"
    if element.unit == "week":
        # strftime('%w') is 0 for Sunday; step back to Monday.
        return f"date({arg}, '-' || ((CAST(strftime('%w', {arg}) AS INTEGER) + 6) % 7) || ' days')"
    return f"date({arg})"


@compiles(_BucketStart)
def _bucket_start_other(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"time buckets are not implemented for {compiler.dialect.name}")


def bucket_start(expr: ColumnElement[Any], bucket: str) -> ColumnElement[date]:
    """Return a SQL expression for the first day of the ``bucket`` containing ``expr``."""
    try:
        cls = _BUCKET_CLASSES[bucket]
    except KeyError:
        raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}") from None
    return cls(expr)


# --------------------------------------------------------------------------- the filter


def _tuple(values: Iterable[str] | str | None, *, upper: bool = False) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    cleaned = (v.strip() for v in values if v and v.strip())
    return tuple(dict.fromkeys(v.upper() if upper else v for v in cleaned))


@dataclass(frozen=True)
class EventFilter:
    """Which events a query sees; every field left empty means "no restriction".

    Parameters:
      types: event types (``parade``, ``launch``, ``statement``, ...).
      subtypes: event subtypes.
      countries: ISO3 codes; an event matches when its location or any of its actors is in
        one of them.
      actor: case-insensitive substring of the name of any actor of the event.
      since: first event day included (see the module docstring for "event day").
      until: last event day included.
      modalities: modalities kept; ``("asserted",)`` by default, ``()`` keeps all.
      min_confidence: lowest extractor confidence kept (0..1).
      text: case-insensitive substring of the evidence sentence.

    Any sequence is accepted and stored as a de-duplicated tuple, so a filter is hashable
    and can key caches.
    """

    types: Sequence[str] = ()
    subtypes: Sequence[str] = ()
    countries: Sequence[str] = ()
    actor: str | None = None
    since: date | None = None
    until: date | None = None
    modalities: Sequence[str] = ("asserted",)
    min_confidence: float | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", _tuple(self.types))
        object.__setattr__(self, "subtypes", _tuple(self.subtypes))
        object.__setattr__(self, "countries", _tuple(self.countries, upper=True))
        object.__setattr__(self, "modalities", _tuple(self.modalities))
        object.__setattr__(self, "actor", (self.actor or "").strip() or None)
        object.__setattr__(self, "text", (self.text or "").strip() or None)

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on ``event`` joined with ``article`` that select matching events."""
        ev = _event.c
        conds: list[ColumnElement[bool]] = []
        if self.types:
            conds.append(ev.type.in_(self.types))
        if self.subtypes:
            conds.append(ev.subtype.in_(self.subtypes))
        if self.modalities:
            conds.append(ev.modality.in_(self.modalities))
        if self.min_confidence is not None and self.min_confidence > 0:
            conds.append(ev.confidence >= self.min_confidence)
        if self.since is not None:
            conds.append(self.since <= EVENT_DAY)
        if self.until is not None:
            conds.append(self.until >= EVENT_DAY)
        if self.text:
            conds.append(ev.sentence.icontains(self.text, autoescape=True))
        # Actor conditions are uncorrelated ``id IN (SELECT event_id ...)`` subqueries, not
        # correlated EXISTS: PostgreSQL then builds the set of event ids once (a hashed
        # subplan) instead of probing event_actor for each of a million events, and an OR
        # with a correlated EXISTS cannot become a semi-join at all.
        if self.countries:
            link, actor = _link.alias("f_link"), _actor.alias("f_actor")
            conds.append(
                or_(
                    ev.location_country.in_(self.countries),
                    ev.id.in_(
                        select(link.c.event_id)
                        .join(actor, actor.c.id == link.c.actor_id)
                        .where(actor.c.country.in_(self.countries))
                    ),
                )
            )
        if self.actor:
            link, actor = _link.alias("a_link"), _actor.alias("a_actor")
            conds.append(
                ev.id.in_(
                    select(link.c.event_id)
                    .join(actor, actor.c.id == link.c.actor_id)
                    .where(actor.c.name.icontains(self.actor, autoescape=True))
                )
            )
        return conds

    @property
    def needs_day(self) -> bool:
        """True when the conditions need the article joined: never, the day is stored."""
        return False

    def link_conditions(self, link: Any = None) -> list[ColumnElement[bool]]:
        """Conditions on ``event_actor`` (or an alias, or ``event_pair``): rows of matching events.

        Type, modality and day are read from the link's own copies of them, so the common
        filters need no join; any other field is checked with ``event_id IN (matching event
        ids)``.
        """
        lc = (link if link is not None else _link).c
        conds: list[ColumnElement[bool]] = []
        if self.types:
            conds.append(lc.type.in_(self.types))
        if self.modalities:
            conds.append(lc.modality.in_(self.modalities))
        if self.since is not None:
            conds.append(lc.day >= self.since)
        if self.until is not None:
            conds.append(lc.day <= self.until)
        rest = replace(self, types=(), modalities=(), since=None, until=None).conditions()
        if rest:
            conds.append(lc.event_id.in_(select(_event.c.id).where(*rest)))
        return conds


def _event_from(day: bool = True) -> Any:
    """``event JOIN article`` when the event day is needed, else ``event`` alone.

    The join never changes which events match (``article_id`` is a non-null foreign key),
    so queries that neither show nor filter on the event day skip it: on a million events
    the hash join costs more than the rest of a count.
    """
    if not day:
        return _event
    return _event.join(_article, _article.c.id == _event.c.article_id)


def _filtered(
    stmt: Select[Any], filt: EventFilter | None, *, from_: Any = None, day: bool = False
) -> Select[Any]:
    """Select from ``from_`` (default :func:`_event_from`) and apply the filter.

    ``day=True`` says that ``stmt`` uses :data:`EVENT_DAY` (or article columns) itself; the
    article is also joined when the filter's dates need it.
    """
    filt = filt or EventFilter()
    if from_ is None:
        from_ = _event_from(day or filt.needs_day)
    return stmt.select_from(from_).where(*filt.conditions())


def _rows(session: Session, stmt: Any) -> Sequence[Row[Any]]:
    # Core statements through the session's connection: same transaction, no ORM, and no
    # SQLModel ``Session.execute`` deprecation warning.
    return session.connection().execute(stmt).all()


# --------------------------------------------------------------------------- result rows


@dataclass(frozen=True)
class TimeCount:
    """Events of one type in one time bucket."""

    bucket_start: date
    type: str
    count: int


@dataclass(frozen=True)
class ActorCount:
    """An actor and the number of filtered events it takes part in."""

    actor_id: int
    name: str
    country: str | None
    kind: str
    events: int


@dataclass(frozen=True)
class ActorTimeCount:
    """Events of one actor in one time bucket."""

    bucket_start: date
    actor_id: int
    name: str
    count: int


@dataclass(frozen=True)
class CountryCount:
    """Number of filtered events involving one ISO3 country."""

    country: str
    events: int


@dataclass(frozen=True)
class InteractionPair:
    """Events in which ``source`` acts (agent) on ``target`` (target).

    At ``level="country"`` the names are ISO3 codes and equal the country fields.
    """

    source: str
    source_country: str | None
    target: str
    target_country: str | None
    events: int


@dataclass(frozen=True)
class ActorRef:
    """An actor as shown next to an event; ``str()`` gives ``Name (ISO3)``."""

    actor_id: int
    name: str
    country: str | None
    role: str

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name


@dataclass(frozen=True)
class EventRow:
    """One event with its actors by role and its article's url and title.

    ``event_day`` is the date used for filtering and ordering (see the module docstring);
    ``location`` is ``location_name, location_country`` as one display string.
    ``dataclasses.asdict(row)`` gives plain nested dicts (e.g. for JSON).
    """

    id: int
    article_id: int
    type: str
    subtype: str | None
    event_day: date | None
    event_date: date | None
    date_precision: str | None
    trigger: str
    sentence: str
    location_name: str | None
    location_country: str | None
    location: str | None
    modality: str
    confidence: float
    quote: str | None
    weapons: list[str]
    article_title: str | None
    article_url: str | None
    article_source: str | None
    published: date | None
    agents: list[ActorRef] = field(default_factory=list)
    targets: list[ActorRef] = field(default_factory=list)
    participants: list[ActorRef] = field(default_factory=list)


@dataclass(frozen=True)
class EventDetail:
    """An event with the full text of its article and the sentence's offsets in it."""

    event: EventRow
    article_text: str
    start_char: int
    end_char: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Kpis:
    """Headline numbers for the overview page.

    ``articles``/``articles_done`` count all stored articles (the filter does not apply);
    ``events`` and ``actors`` count filtered events and the distinct actors in them;
    ``last_update`` is the latest article processing time.
    """

    articles: int
    articles_done: int
    events: int
    actors: int
    last_update: datetime | None


@dataclass(frozen=True)
class FailedArticle:
    """An article whose processing failed, with the stored error."""

    id: int
    title: str | None
    url: str | None
    source: str | None
    error: str | None
    attempts: int
    updated_at: datetime | None


@dataclass(frozen=True)
class ThroughputCount:
    """Articles that finished processing (``done`` or ``failed``) in one time bucket."""

    bucket_start: date
    status: str
    count: int


@dataclass(frozen=True)
class FilterOptions:
    """Distinct values present in the database, to offer in filter widgets."""

    types: list[str]
    subtypes: list[str]
    countries: list[str]
    modalities: list[str]
    first_day: date | None
    last_day: date | None


# --------------------------------------------------------------------------- event queries


def event_counts_over_time(
    session: Session, *, filt: EventFilter | None = None, bucket: str = "week"
) -> list[TimeCount]:
    """Count filtered events per time bucket and event type, oldest bucket first.

    Buckets are ``day``, ``week`` (starting Monday) or ``month``; undated events are left out.
    """
    # Per day and type first (an index-only scan of (modality, day, type) by default), then
    # per bucket: the bucket expression runs on a few thousand rows, not on every event.
    ev = _event.c
    daily = _filtered(select(ev.day, ev.type, func.count().label("n")), filt)
    daily = daily.where(ev.day.is_not(None)).group_by(ev.day, ev.type).subquery()
    start = bucket_start(daily.c.day, bucket).label("bucket_start")
    stmt = select(start, daily.c.type, func.sum(daily.c.n).label("n"))
    stmt = stmt.group_by(start, daily.c.type).order_by(start, daily.c.type)
    return [TimeCount(r.bucket_start, r.type, int(r.n)) for r in _rows(session, stmt)]


def event_type_counts(session: Session, *, filt: EventFilter | None = None) -> dict[str, int]:
    """Return ``{event type: number of filtered events}``, most frequent first."""
    n = func.count().label("n")
    stmt = _filtered(select(_event.c.type, n), filt).group_by(_event.c.type)
    stmt = stmt.order_by(n.desc(), _event.c.type)
    return {r.type: int(r.n) for r in _rows(session, stmt)}


def count_events(session: Session, *, filt: EventFilter | None = None) -> int:
    """Return the number of events matching the filter (for paging :func:`list_events`)."""
    stmt = _filtered(select(func.count()), filt)
    return int(session.connection().execute(stmt).scalar_one())


def filter_options(session: Session) -> FilterOptions:
    """Return the distinct types, subtypes, countries and modalities and the event-day range."""
    conn = session.connection()
    ev = _event.c
    # Each column's values by skipping through its index, the day range from the day index.
    actor_countries = conn.execute(
        select(_actor.c.country).where(_actor.c.country.is_not(None)).distinct()
    ).scalars()

    def values(column: Any) -> list[str]:
        return sorted({v for v in _distinct_values(session, column) if v})

    first, last = conn.execute(select(func.min(ev.day), func.max(ev.day))).one()
    return FilterOptions(
        types=values(ev.type),
        subtypes=values(ev.subtype),
        countries=sorted({*values(ev.location_country), *(c for c in actor_countries if c)}),
        modalities=values(ev.modality),
        first_day=_as_date(first),
        last_day=_as_date(last),
    )


def _distinct_values(session: Session, column: Any) -> list[Any]:
    """Distinct non-null values of an indexed column, by skipping through its index.

    A recursive "loose index scan": each step asks the index for the smallest value above
    the last one, so a column with ten values costs ten index probes, not a pass over a
    million rows.
    """
    seed = select(func.min(column).label("v")).cte("distinct_values", recursive=True)
    step = select(select(func.min(column)).where(column > seed.c.v).scalar_subquery())
    values = seed.union_all(step.where(seed.c.v.is_not(None)))
    stmt = select(values.c.v).where(values.c.v.is_not(None))
    return list(session.connection().execute(stmt).scalars())


def _as_date(value: Any) -> date | None:
    # min()/max() over coalesce() lose the Date type on SQLite and come back as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- event lists


def _event_columns() -> Select[Any]:
    ev, art = _event.c, _article.c
    return select(
        ev.id,
        ev.article_id,
        ev.type,
        ev.subtype,
        EVENT_DAY.label("event_day"),
        ev.event_date,
        ev.date_precision,
        ev.trigger,
        ev.sentence,
        ev.location_name,
        ev.location_country,
        ev.modality,
        ev.confidence,
        ev.quote,
        ev.weapons,
        art.title.label("article_title"),
        art.url.label("article_url"),
        art.source.label("article_source"),
        art.published,
    )


def _event_rows(session: Session, stmt: Select[Any]) -> list[EventRow]:
    rows = _rows(session, stmt)
    actors = _actors_of(session, [r.id for r in rows])
    result = []
    for r in rows:
        refs = actors.get(r.id, [])
        data = dict(r._mapping)
        data["event_day"] = _as_date(data["event_day"])
        data["confidence"] = float(data["confidence"])
        data["weapons"] = list(data["weapons"] or [])
        data["location"] = ", ".join(x for x in (r.location_name, r.location_country) if x) or None
        result.append(
            EventRow(
                **data,
                agents=[a for a in refs if a.role == "agent"],
                targets=[a for a in refs if a.role == "target"],
                participants=[a for a in refs if a.role == "participant"],
            )
        )
    return result


def _actors_of(session: Session, event_ids: list[int]) -> dict[int, list[ActorRef]]:
    if not event_ids:
        return {}
    stmt = (
        select(_link.c.event_id, _link.c.role, _actor.c.id, _actor.c.name, _actor.c.country)
        .select_from(_link.join(_actor, _actor.c.id == _link.c.actor_id))
        .where(_link.c.event_id.in_(event_ids))
        .order_by(_link.c.event_id, _link.c.role, _actor.c.name)
    )
    out: dict[int, list[ActorRef]] = {}
    for r in _rows(session, stmt):
        out.setdefault(r.event_id, []).append(ActorRef(r.id, r.name, r.country, r.role))
    return out


def list_events(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 100,
    offset: int = 0,
    order: str = "date_desc",
) -> list[EventRow]:
    """Return one page of filtered events with their actors and article url/title.

    ``order`` is ``date_desc`` (default; undated events last), ``date_asc``,
    ``confidence_desc`` or ``id_desc``. Actors are fetched by a second query for just the
    events of the page, so the cost is bounded by ``limit``; use :func:`count_events` for
    the total.
    """
    ev = _event.c
    undated_last = case((EVENT_DAY.is_(None), 1), else_=0)
    orderings = {
        "date_desc": (undated_last, EVENT_DAY.desc(), ev.id.desc()),
        "date_asc": (undated_last, EVENT_DAY.asc(), ev.id.asc()),
        "confidence_desc": (ev.confidence.desc(), ev.id.desc()),
        "id_desc": (ev.id.desc(),),
    }
    if order not in orderings:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    limit, offset = max(0, limit), max(0, offset)
    base = _filtered(_event_columns(), filt, day=True)
    if order not in ("date_desc", "date_asc"):
        stmt = base.order_by(*orderings[order])
        return _event_rows(session, stmt.limit(limit).offset(offset))
    # "Undated last" as one ORDER BY cannot follow an index. Instead the first offset+limit
    # dated events (walking the (day, id) index) and the first offset+limit undated ones
    # (the same index at NULL), then the page of those: the cost grows with the page
    # number, not with the number of events.
    desc = order == "date_desc"
    day, ev_id = _event.c.day, _event.c.id
    dated = base.where(day.is_not(None)).order_by(
        *((day.desc(), ev_id.desc()) if desc else (day.asc(), ev_id.asc()))
    )
    undated = base.where(day.is_(None)).order_by(ev_id.desc() if desc else ev_id.asc())
    parts = [select(p.limit(offset + limit).subquery()) for p in (dated, undated)]
    both = union_all(*parts).subquery()
    last = case((both.c.event_day.is_(None), 1), else_=0)
    page = select(both).order_by(
        last,
        *(
            (both.c.event_day.desc(), both.c.id.desc())
            if desc
            else (both.c.event_day.asc(), both.c.id.asc())
        ),
    )
    return _event_rows(session, page.limit(limit).offset(offset))


def iter_events(
    session: Session, *, filt: EventFilter | None = None, batch_size: int = 5000
) -> Iterator[EventRow]:
    """Yield every filtered event with its actors, in id order, ``batch_size`` at a time.

    Pages by key (``id > last id``), not by offset, so exporting a million events costs
    one index range per batch instead of re-reading everything before each page.
    """
    last_id = 0
    stmt = _filtered(_event_columns(), filt, day=True).order_by(_event.c.id)
    while True:
        rows = _event_rows(session, stmt.where(_event.c.id > last_id).limit(max(1, batch_size)))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def get_event_detail(session: Session, *, event_id: int) -> EventDetail | None:
    """Return one event (whatever its modality) with its article's text, or ``None``.

    ``start_char``/``end_char`` locate the evidence sentence in ``article_text``.
    """
    any_event = EventFilter(modalities=())
    stmt = _filtered(_event_columns(), any_event, day=True).where(_event.c.id == event_id)
    rows = _event_rows(session, stmt)
    if not rows:
        return None
    extra = select(
        _article.c.text, _event.c.start_char, _event.c.end_char, _event.c.attributes
    ).select_from(_event.join(_article, _article.c.id == _event.c.article_id))
    found = session.connection().execute(extra.where(_event.c.id == event_id)).one()
    return EventDetail(
        event=rows[0],
        article_text=found.text,
        start_char=int(found.start_char),
        end_char=int(found.end_char),
        attributes=dict(found.attributes or {}),
    )


# --------------------------------------------------------------------------- actors, countries


def _links(filt: EventFilter | None, link: Any = None) -> Select[Any]:
    """``SELECT`` (no columns yet: ``add_columns``) ``FROM event_actor WHERE <filter>``."""
    link = link if link is not None else _link
    return select().select_from(link).where(*(filt or EventFilter()).link_conditions(link))


def top_actors(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 20,
    role: str | None = None,
) -> list[ActorCount]:
    """Return the actors taking part in the most filtered events, most frequent first.

    ``role`` (``agent``, ``target`` or ``participant``) counts only that role.
    """
    counts = _actor_event_counts(filt, role).subquery()
    a = _actor.c
    stmt = (
        select(a.id, a.name, a.country, a.kind, counts.c.n)
        .select_from(counts.join(_actor, _actor.c.id == counts.c.actor_id))
        .order_by(counts.c.n.desc(), a.name)
        .limit(max(0, limit))
    )
    rows = _rows(session, stmt)
    return [ActorCount(r.id, r.name, r.country, r.kind, int(r.n)) for r in rows]


def _actor_event_counts(filt: EventFilter | None, role: str | None) -> Select[Any]:
    """``actor_id, n``: filtered events per actor, aggregated before any name is joined.

    Read from ``event_actor`` alone (it holds the event's type, modality and day). With one
    role, (event, actor, role) is unique, so ``count(*)`` counts events; across roles an actor
    may be agent and participant of one event, so events are counted distinct: the index on
    (modality, actor_id, event_id, ...) delivers each actor's events in order, which makes
    that a cheap pass (cheaper than a DISTINCT over all pairs first).
    """
    link = _link.c
    if role is not None:
        stmt = _links(filt).add_columns(link.actor_id, func.count().label("n"))
        return stmt.where(link.role == _check_role(role)).group_by(link.actor_id)
    n = func.count(distinct(link.event_id)).label("n")
    return _links(filt).add_columns(link.actor_id, n).group_by(link.actor_id)


def actor_counts_over_time(
    session: Session,
    *,
    filt: EventFilter | None = None,
    bucket: str = "week",
    actor_ids: Sequence[int] | None = None,
    limit: int = 5,
) -> list[ActorTimeCount]:
    """Count filtered events per time bucket for given actors (default: the top ``limit``)."""
    if actor_ids is None:
        actor_ids = [a.actor_id for a in top_actors(session, filt=filt, limit=limit)]
    if not actor_ids:
        return []
    link = _link.c
    # Distinct events per actor and day (an event has one day, so the per-day counts add up
    # to per-bucket counts), then per bucket: the bucket expression runs on few rows.
    daily = _links(filt).add_columns(
        link.day, link.actor_id, func.count(distinct(link.event_id)).label("n")
    )
    daily = daily.where(link.actor_id.in_(list(actor_ids)), link.day.is_not(None))
    daily = daily.group_by(link.day, link.actor_id).subquery()
    start = bucket_start(daily.c.day, bucket).label("bucket_start")
    n = func.sum(daily.c.n).label("n")
    stmt = (
        select(start, _actor.c.id, _actor.c.name, n)
        .select_from(daily.join(_actor, _actor.c.id == daily.c.actor_id))
        .group_by(start, _actor.c.id, _actor.c.name)
        .order_by(start, _actor.c.name)
    )
    return [ActorTimeCount(r.bucket_start, r.id, r.name, int(r.n)) for r in _rows(session, stmt)]


def country_counts(
    session: Session, *, filt: EventFilter | None = None, role: str | None = None
) -> list[CountryCount]:
    """Count filtered events per ISO3 country, most frequent first.

    With ``role=None`` an event counts once for each country it involves, as location or
    through any actor; ``role="location"`` uses only the event location, and ``agent``,
    ``target`` or ``participant`` only the countries of actors in that role.
    """
    if role not in (None, "location"):
        _check_role(role)
    filt = filt or EventFilter()
    ev = _event.c
    # Each (event, country) pair counts once. The location part needs no DISTINCT (one
    # location per event); actor countries equal to the location are dropped from the actor
    # part, so the parts are disjoint and add up (UNION ALL), and only the actor pairs (two
    # actors of one country) need de-duplicating: cheaper than a UNION of everything.
    parts: list[Select[Any]] = []
    if role in (None, "location"):
        loc = ev.location_country
        located = _filtered(select(loc.label("country"), func.count().label("n")), filt)
        parts.append(located.where(loc.is_not(None)).group_by(loc))
    if role != "location":
        # From event_actor alone: it holds the actor's country and the event's location.
        link = _link.c
        ctry = link.actor_country
        n_events = func.count(distinct(link.event_id)).label("n")
        pairs = _links(filt).add_columns(ctry.label("country"), n_events)
        pairs = pairs.where(ctry.is_not(None))
        if role is None:
            pairs = pairs.where(or_(link.location_country.is_(None), link.location_country != ctry))
        else:
            pairs = pairs.where(link.role == role)
        # Two actors of one country in an event count once: distinct events per country,
        # read in (country, event) order from the (modality, actor_country, event_id) index.
        parts.append(pairs.group_by(ctry))
    both = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    n = func.sum(both.c.n).label("n")
    stmt = select(both.c.country, n).group_by(both.c.country).order_by(n.desc(), both.c.country)
    return [CountryCount(r.country, int(r.n)) for r in _rows(session, stmt)]


def interaction_pairs(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 50,
    level: str = "actor",
) -> list[InteractionPair]:
    """Count filtered events per (agent, target) pair, most frequent first.

    ``level="actor"`` pairs actors (an actor acting on itself is left out);
    ``level="country"`` pairs the actors' ISO3 countries (actors without one are left out).
    """
    if level not in ("actor", "country"):
        raise ValueError(f"level must be 'actor' or 'country', not {level!r}")
    # From event_pair (every agent link times every target link of an event, with copies of
    # the event's fields and both countries): the default filter reads the (modality,
    # agent_id, target_id, ...) index in pair order; names only for the counted pairs.
    pair = _pair.c
    pairs = select().select_from(_pair).where(*(filt or EventFilter()).link_conditions(_pair))
    if level == "actor":
        # (event, agent, target) rows are unique, so count(*) counts events.
        counts_q = (
            pairs.add_columns(pair.agent_id, pair.target_id, func.count().label("n"))
            .where(pair.agent_id != pair.target_id)
            .group_by(pair.agent_id, pair.target_id)
        )
        if session.get_bind().dialect.name == "postgresql":
            # Names only for the pairs that can make the page (the most frequent ``limit``
            # and any tied with the last of them: the order by name stays exact), not for
            # the hundreds of thousands that occur once or twice. (SQLite has no WITH TIES.)
            counts_q = counts_q.order_by(func.count().desc()).fetch(max(0, limit), with_ties=True)
        counts = counts_q.subquery()
        ag, tg = _actor.alias("ag"), _actor.alias("tg")
        stmt = (
            select(
                ag.c.name.label("source"),
                ag.c.country.label("source_country"),
                tg.c.name.label("target"),
                tg.c.country.label("target_country"),
                counts.c.n,
            )
            .select_from(
                counts.join(ag, ag.c.id == counts.c.agent_id).join(
                    tg, tg.c.id == counts.c.target_id
                )
            )
            .order_by(counts.c.n.desc(), ag.c.name, tg.c.name)
        )
    else:
        agc, tgc = pair.agent_country, pair.target_country
        n = func.count(distinct(pair.event_id)).label("n")  # two agents of one country
        stmt = (
            pairs.add_columns(
                agc.label("source"),
                tgc.label("target"),
                agc.label("source_country"),
                tgc.label("target_country"),
                n,
            )
            .where(agc.is_not(None), tgc.is_not(None))
            .group_by(agc, tgc)
            .order_by(n.desc(), agc, tgc)
        )
    rows = _rows(session, stmt.limit(max(0, limit)))
    return [
        InteractionPair(r.source, r.source_country, r.target, r.target_country, int(r.n))
        for r in rows
    ]


@dataclass(frozen=True)
class ActorSummary:
    """An actor with the number of filtered events it takes part in, in total and by role."""

    actor_id: int
    name: str
    country: str | None
    kind: str
    events: int
    as_agent: int
    as_target: int
    as_participant: int


def actor_summary(session: Session, *, filt: EventFilter | None = None) -> list[ActorSummary]:
    """Return every actor of the filtered events with its event counts, busiest first."""
    link = _link.c
    per_role = _links(filt).add_columns(link.actor_id, link.role, func.count().label("n"))
    per_role = per_role.group_by(link.actor_id, link.role)
    by_role: dict[int, dict[str, int]] = {}
    for r in _rows(session, per_role):
        by_role.setdefault(int(r.actor_id), {})[r.role] = int(r.n)
    totals = {int(r.actor_id): int(r.n) for r in _rows(session, _actor_event_counts(filt, None))}
    if not totals:
        return []
    a = _actor.c
    stmt = select(a.id, a.name, a.country, a.kind).where(a.id.in_(list(totals)))
    result = [
        ActorSummary(
            r.id,
            r.name,
            r.country,
            r.kind,
            totals[r.id],
            *(by_role.get(r.id, {}).get(role, 0) for role in ROLES),
        )
        for r in _rows(session, stmt)
    ]
    return sorted(result, key=lambda x: (-x.events, x.name, x.actor_id))


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


# --------------------------------------------------------------------------- overview, pipeline


def overview_kpis(session: Session, *, filt: EventFilter | None = None) -> Kpis:
    """Return headline numbers: articles (all), filtered events, their actors, last update."""
    conn = session.connection()
    art = _article.c
    done = func.coalesce(func.sum(case((art.status == ArticleStatus.done, 1), else_=0)), 0)
    articles, articles_done, last_update = conn.execute(
        select(func.count(), done, func.max(art.processed_at)).select_from(_article)
    ).one()
    events = count_events(session, filt=filt)
    # Distinct actors as "actor.id IN (their links)": the de-duplication is a hash of at
    # most a few thousand actor ids, never of the (event, actor) pairs, which can spill.
    linked = _links(filt).add_columns(_link.c.actor_id)
    actors = conn.execute(
        select(func.count()).select_from(_actor).where(_actor.c.id.in_(linked))
    ).scalar_one()
    return Kpis(int(articles), int(articles_done), events, int(actors), last_update)


def article_status_counts(session: Session) -> dict[str, int]:
    """Return ``{status: articles}`` for every status in pipeline order, zeros included."""
    stmt = select(_article.c.status, func.count().label("n")).group_by(_article.c.status)
    counts = {s.value: 0 for s in ArticleStatus}
    for r in _rows(session, stmt):
        counts[_status_name(r.status)] = int(r.n)
    return counts


def _status_name(status: Any) -> str:
    return str(status.value) if isinstance(status, ArticleStatus) else str(status)


def failed_articles(session: Session, *, limit: int = 50) -> list[FailedArticle]:
    """Return the most recently failed articles with their stored error."""
    art = _article.c
    stmt = (
        select(art.id, art.title, art.url, art.source, art.error, art.attempts, art.updated_at)
        .where(art.status == ArticleStatus.failed)
        .order_by(art.updated_at.desc(), art.id.desc())
        .limit(max(0, limit))
    )
    return [
        FailedArticle(r.id, r.title, r.url, r.source, r.error, int(r.attempts), r.updated_at)
        for r in _rows(session, stmt)
    ]


def throughput_over_time(session: Session, *, bucket: str = "day") -> list[ThroughputCount]:
    """Count articles finished (``done`` or ``failed``) per time bucket and status.

    The time is ``processed_at``, or ``updated_at`` for articles that have none.
    """
    art = _article.c
    finished = func.coalesce(art.processed_at, art.updated_at)
    start = bucket_start(finished, bucket).label("bucket_start")
    stmt = (
        select(start, art.status, func.count().label("n"))
        .where(art.status.in_([ArticleStatus.done, ArticleStatus.failed]))
        .group_by(start, art.status)
        .order_by(start, art.status)
    )
    return [
        ThroughputCount(_as_date(r.bucket_start) or date.min, _status_name(r.status), int(r.n))
        for r in _rows(session, stmt)
    ]
