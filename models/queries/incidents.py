"""Incidents read back: the incidents of filtered events, counts, one incident in detail.

An incident matches an :class:`EventFilter` when any of its events does, so the filters of
``eventwire query`` and the dashboard select incidents unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session

from models.queries import event_counts, rollup
from models.queries._core import actor, event
from models.queries.filters import EventFilter, filtered, hashed_in, matching_events
from models.tables import Article, Event, Incident

_INCIDENT_COLUMNS = (
    "id", "type", "subtype", "event_date", "date_precision", "day", "first_day", "last_day",
    "location_name", "location_country", "actors", "weapons", "modality", "first_seen",
    "last_seen", "n_events", "n_articles", "n_sources",
)  # fmt: skip


@dataclass(frozen=True)
class IncidentRow:
    """One incident's summary (see ``models.incident_tables.Incident``)."""

    id: int
    type: str
    subtype: str | None
    event_date: date | None
    date_precision: str | None
    day: date | None
    first_day: date | None
    last_day: date | None
    location_name: str | None
    location_country: str | None
    actors: dict[str, Any]
    weapons: list[str]
    modality: str
    first_seen: date | None
    last_seen: date | None
    n_events: int
    n_articles: int
    n_sources: int


@dataclass(frozen=True)
class IncidentReport:
    """One event linked to an incident, with its article: the incident's evidence."""

    event_id: int
    article_id: int
    sentence: str
    subtype: str | None
    published: date | None
    source: str | None
    title: str | None
    copy_of: int | None
    created_at: Any


@dataclass(frozen=True)
class IncidentEvidence:
    """One report of an incident with its article's text, for highlighting the evidence."""

    event_id: int
    article_id: int
    sentence: str
    start_char: int
    end_char: int
    article_text: str
    title: str | None
    url: str | None


#: Matching incidents above which a country filter's list tests incidents one by one.
BROAD_FILTER = 20_000


def _matching(session: Session, filt: EventFilter | None, order: str = "day") -> Any:
    """The condition on ``incident`` that it has a matching event.

    A country or actor filter is tested incident by incident (``EXISTS``, each event by its
    location and links), so that a page of the newest incidents stops after 50 matches; the
    set of matching events is not built whole first, which for ``country=USA`` (320,000
    events) took all of the 3.3 s the page of incidents cost (now 0.05 s; page 100 0.3 s;
    bench/dashboard_scale.py). But when few incidents match, most are tested in vain, worst
    in the order by sources (``type=launch&country=PRK``: 1.2 s instead of 0.08): when the
    rollup knows the number of matching incidents (one country) and it is small, and for
    other filters, ``id IN`` the incidents of the matching events, from ``event``'s covering
    indexes. SQLite builds that IN list whole before picking the newest 50 (1 s for the
    default filter on a million events), so there the newest are always tested one by one
    (0.03 s).
    """
    filt = filt or EventFilter()
    postgres = session.get_bind().dialect.name == "postgresql"
    if _by_name(filt) and not (order == "sources" and postgres and _many_links(session, filt)):
        # The incidents of the links of the actors whose name matches (an index range, one
        # entry per link), hashed, and the incidents read in the page's order until it is
        # full: bounded by those links however few match. Tested incident by incident
        # instead, a name of few events had nearly every incident tested in vain (``Kim
        # 1000``, 731 events: 2 s; a name matching none: 10-16 s), and under ``actor=kim``
        # (122,000 events) page 100 tested 18,000 incidents (1.0-1.2 s, now 0.12 s of CPU).
        # (list_incidents first tries the newest thousand one by one: _first_matches.) By
        # sources, PostgreSQL tests a name of many links one by one below: the hash made the
        # order read all 86,000 incidents of the most sources (180 ms of CPU, 60 without);
        # SQLite by sources took 7 s one by one (kim), 0.35 s from the hash.
        events, conds = matching_events(filt, counting=True)
        ids = select(events.c.incident_id).select_from(events)
        return hashed_in(Incident.id, ids.where(*conds, events.c.incident_id.is_not(None)))
    broad = filt.countries or filt.actor
    if broad and not filt.actor:
        known = rollup.count_incidents(session, filt)
        broad = known is None or known > BROAD_FILTER
    if order == "day" and session.get_bind().dialect.name == "sqlite":
        broad = True
    if broad:
        row = event.alias("incident_event")
        return (
            select(row.c.id)
            .where(row.c.incident_id == Incident.id, *filt.row_conditions(row))
            .exists()
        )
    stmt = filtered(select(Event.incident_id), filt)  # type: ignore[call-overload]
    ids = stmt.where(Event.incident_id.is_not(None))  # type: ignore[union-attr]
    if order == "sources" and filt.types and not filt.countries:
        # A type filter leaves out most of the most-sourced incidents, and PostgreSQL's
        # semi-join tested each through its reports (about ten each at the top):
        # ``type=launch`` 0.4-0.5 s of CPU (1.1 s loaded), 0.07 s against a hash of the
        # incidents of the matching events. (Newest first, or without a type, most of the
        # first incidents match and the walk stops early: no hash. A type and a country
        # left here match few incidents, which the semi-join finds from the events side:
        # ``type=launch&country=PRK`` 40 ms of CPU, 60 with the hash.)
        return hashed_in(Incident.id, ids)
    return Incident.id.in_(ids)  # type: ignore[union-attr]


def _by_name(filt: EventFilter) -> bool:
    """An actor-name filter without a country: its incidents come from the links of the
    actors whose name matches (the country filters have the rollup's count to go by)."""
    return bool(filt.actor) and not filt.countries


#: How many of the newest incidents an actor-name filter tests one by one before it looks
#: up the incidents of all its matching events instead (see _first_matches).
TRIED_ONE_BY_ONE = 1_000
#: The pages that try so (offset + limit at most this): the first two of 50.
TRIED_PAGES_END = 100


def _many_links(session: Session, filt: EventFilter) -> bool:
    """Whether the actor-name filter's links (narrowed by its copied fields) number more
    than :data:`BROAD_FILTER`: counted up to there only, a few milliseconds at most."""
    (by_name,) = filt._sets(event_fields=False, dedupe=False)
    first = by_name.limit(BROAD_FILTER + 1).subquery("first_links")
    return session.execute(select(func.count()).select_from(first)).scalar_one() > BROAD_FILTER


def _any_actor_named(session: Session, name: str) -> bool:
    """Whether any actor's name contains ``name`` (case-insensitive)."""
    named = select(actor.c.id).where(actor.c.name.icontains(name, autoescape=True))
    return session.execute(select(named.exists())).scalar_one()


def _ordering(table: Any, order: str) -> list[Any]:
    """The page's order on ``incident`` (or an alias): newest first, or most sources."""
    c = table.c
    if order == "sources":
        return [desc(c.n_sources), desc(c.n_articles), c.id]
    return [desc(c.day), c.id]


def _first_matches(
    session: Session, filt: EventFilter, order: str, limit: int, offset: int
) -> list[Any] | None:
    """The page, when it is among the first :data:`TRIED_ONE_BY_ONE` incidents in its
    order, each tested on its own events (``EXISTS``); else None.

    Exact: those incidents are the head of the whole order (ties go by id), so a page found
    full there is the page. Under ``actor=kim`` (a third of the incidents match) the newest
    50 are among the first 200 (0.01 s, against 0.1-0.15 s to hash the incidents of all
    122,000 matching events first); a name of few events stops after 1,000 tests in vain
    (0.05 s), and the caller hashes instead. Newest first only: the index on ``n_sources``
    does not give the order by sources whole (the head alone was a sort of 86,000 incidents
    of four sources), and the most-sourced incidents have ten reports each to test.
    """
    inc = Incident.__table__  # type: ignore[attr-defined]
    head = select(inc).order_by(*_ordering(inc, order)).limit(TRIED_ONE_BY_ONE)
    head = head.subquery("head")
    row = event.alias("incident_event")
    has_match = select(row.c.id).where(row.c.incident_id == head.c.id, *filt.row_conditions(row))
    stmt = select(*(head.c[c] for c in _INCIDENT_COLUMNS)).where(has_match.exists())
    stmt = stmt.order_by(*_ordering(head, order)).limit(limit).offset(offset)
    rows = session.execute(stmt).all()
    return list(rows) if len(rows) == limit else None


def list_incidents(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 1000,
    order: str = "day",
    offset: int = 0,
) -> list[IncidentRow]:
    """Incidents with a matching event, newest first (``order="sources"``: most sources),
    ``limit`` of them from ``offset``."""
    filt = filt or EventFilter()
    offset = max(0, offset)
    if _by_name(filt) and not _any_actor_named(session, filt.actor or ""):
        # Else the (empty) hash is tested by every incident in the page's order.
        return []
    rows = None
    head_page = limit > 0 and offset + limit <= TRIED_PAGES_END
    if _by_name(filt) and order == "day" and head_page:
        rows = _first_matches(session, filt, order, limit, offset)
    if rows is None:
        cols = [getattr(Incident, c) for c in _INCIDENT_COLUMNS]
        stmt = select(*cols).where(_matching(session, filt, order))
        stmt = stmt.order_by(*_ordering(Incident.__table__, order))  # type: ignore[attr-defined]
        rows = session.execute(stmt.limit(limit).offset(offset)).all()
    return [IncidentRow(**dict(zip(_INCIDENT_COLUMNS, r))) for r in rows]


def count_incidents(session: Session, *, filt: EventFilter | None = None) -> int:
    """How many incidents have a matching event (the dashboard's default count)."""
    return event_counts.count_incidents(session, filt=filt)


def incident_reports(session: Session, *, incident_id: int) -> list[IncidentReport]:
    """Every event of one incident with its article, oldest report first."""
    stmt = (
        select(
            Event.id,
            Event.article_id,
            Event.sentence,
            Event.subtype,
            Article.published,
            Article.source,
            Article.title,
            Article.copy_of,
            Article.created_at,
        )
        .join(Article, Article.id == Event.article_id)  # type: ignore[arg-type]
        .where(Event.incident_id == incident_id)
        .order_by(Article.published, Event.id)
    )
    return [IncidentReport(*r) for r in session.execute(stmt).all()]


def get_incident(session: Session, *, incident_id: int) -> IncidentRow | None:
    """One incident's summary, or ``None`` when there is no such incident."""
    cols = [getattr(Incident, c) for c in _INCIDENT_COLUMNS]
    row = session.execute(select(*cols).where(Incident.id == incident_id)).first()
    return IncidentRow(**dict(zip(_INCIDENT_COLUMNS, row))) if row else None


def incident_evidence(
    session: Session, *, incident_id: int, limit: int = 200
) -> list[IncidentEvidence]:
    """The evidence of an incident's first ``limit`` reports (oldest first), with article text."""
    stmt = (
        select(
            Event.id,
            Event.article_id,
            Event.sentence,
            Event.start_char,
            Event.end_char,
            Article.text,
            Article.title,
            Article.url,
        )
        .join(Article, Article.id == Event.article_id)  # type: ignore[arg-type]
        .where(Event.incident_id == incident_id)
        .order_by(Article.published, Event.id)
        .limit(max(0, limit))
    )
    return [IncidentEvidence(*r) for r in session.execute(stmt).all()]
