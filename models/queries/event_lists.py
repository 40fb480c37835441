"""Filtered events one by one: a page of them, all of them in batches, or one in detail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, case, select, union_all
from sqlalchemy.orm import Session

from models.queries._core import (
    EVENT_DAY,
    actor,
    article,
    as_date,
    event,
    fetch_all,
    link,
    mention,
)
from models.queries.filters import EventFilter, filtered, matching_events
from models.queries.results import EventActorRow, EventDetail, EventMentionRow, EventRow

#: Orders accepted by :func:`list_events`.
ORDERS: tuple[str, ...] = ("date_desc", "date_asc", "confidence_desc", "id_desc")

#: ``event JOIN article``: the article's title, url and source are shown with each event.
_EVENT_AND_ARTICLE = event.join(article, article.c.id == event.c.article_id)


def _event_columns() -> Select[Any]:
    ev, art = event.c, article.c
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
    found = fetch_all(session, stmt)
    ids = [r.id for r in found]
    actors = _actors_of(session, ids)
    mentions = _mentions_of(session, ids)
    result = []
    for r in found:
        refs = actors.get(r.id, [])
        data = dict(r._mapping)
        data["event_day"] = as_date(data["event_day"])
        data["confidence"] = float(data["confidence"])
        data["weapons"] = list(data["weapons"] or [])
        data["location"] = ", ".join(x for x in (r.location_name, r.location_country) if x) or None
        result.append(
            EventRow(
                **data,
                agents=[a for a in refs if a.role == "agent"],
                targets=[a for a in refs if a.role == "target"],
                participants=[a for a in refs if a.role == "participant"],
                mentions=mentions.get(r.id, []),
            )
        )
    return result


def _actors_of(session: Session, event_ids: list[int]) -> dict[int, list[EventActorRow]]:
    if not event_ids:
        return {}
    stmt = (
        select(link.c.event_id, link.c.role, actor.c.id, actor.c.name, actor.c.country)
        .select_from(link.join(actor, actor.c.id == link.c.actor_id))
        .where(link.c.event_id.in_(event_ids))
        .order_by(link.c.event_id, link.c.role, actor.c.name)
    )
    out: dict[int, list[EventActorRow]] = {}
    for r in fetch_all(session, stmt):
        out.setdefault(r.event_id, []).append(EventActorRow(r.id, r.name, r.country, r.role))
    return out


def _mentions_of(session: Session, event_ids: list[int]) -> dict[int, list[EventMentionRow]]:
    """The mentions of these events in order (one query, read from the key's index)."""
    if not event_ids:
        return {}
    m = mention.c
    stmt = (
        select(m.event_id, m.sentence, m.start_char, m.end_char)
        .where(m.event_id.in_(event_ids))
        .order_by(m.event_id, m.ordinal)
    )
    out: dict[int, list[EventMentionRow]] = {}
    for r in fetch_all(session, stmt):
        out.setdefault(r.event_id, []).append(
            EventMentionRow(r.sentence, int(r.start_char), int(r.end_char))
        )
    return out


def list_events(
    session: Session,
    *,
    filt: EventFilter | None = None,
    limit: int = 100,
    offset: int = 0,
    order: str = "date_desc",
) -> list[EventRow]:
    """Return one page of filtered events with their actors, mentions and article url/title.

    ``order`` is ``date_desc`` (default; undated events last), ``date_asc``,
    ``confidence_desc`` or ``id_desc``. Actors and mentions are fetched by further queries
    for just the events of the page, so the cost is bounded by ``limit``; use ``count_events`` for
    the total.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    limit, offset = max(0, limit), max(0, offset)
    if order in ("confidence_desc", "id_desc"):
        ev = event.c
        keys = (
            (ev.confidence.desc(), ev.id.desc()) if order == "confidence_desc" else (ev.id.desc(),)
        )
        stmt = filtered(_event_columns(), filt, from_=_EVENT_AND_ARTICLE).order_by(*keys)
        return _event_rows(session, stmt.limit(limit).offset(offset))
    # The page's ids first, from the matching events' (id, day) alone (for a country or
    # actor filter, from the links that decide it, without reading the events), then the
    # columns of those few events. "Undated last" as one ORDER BY cannot follow an index:
    # instead the first offset+limit dated events (walking the (day, id) index) and the
    # first offset+limit undated ones (the same index at NULL), then the page of those, so
    # the cost grows with the page number, not with the number of events.
    desc = order == "date_desc"
    events, conds = matching_events(filt)
    m = events.c
    base = select(m.id, m.day).select_from(events).where(*conds)
    dated = base.where(m.day.is_not(None)).order_by(
        *((m.day.desc(), m.id.desc()) if desc else (m.day.asc(), m.id.asc()))
    )
    undated = base.where(m.day.is_(None)).order_by(m.id.desc() if desc else m.id.asc())
    parts = [select(p.limit(offset + limit).subquery()) for p in (dated, undated)]
    both = union_all(*parts).subquery()

    def page_order(cols: Any) -> tuple[Any, ...]:
        last = case((cols.day.is_(None), 1), else_=0)
        if desc:
            return (last, cols.day.desc(), cols.id.desc())
        return (last, cols.day.asc(), cols.id.asc())

    page = select(both).order_by(*page_order(both.c)).limit(limit).offset(offset).subquery()
    stmt = _event_columns().select_from(page.join(_EVENT_AND_ARTICLE, event.c.id == page.c.id))
    return _event_rows(session, stmt.order_by(*page_order(page.c)))


def iter_events(
    session: Session, *, filt: EventFilter | None = None, batch_size: int = 5000
) -> Iterator[EventRow]:
    """Yield every filtered event with its actors, in id order, ``batch_size`` at a time.

    Pages by key (``id > last id``), not by offset, so exporting a million events costs
    one index range per batch instead of re-reading everything before each page.
    """
    last_id = 0
    stmt = filtered(_event_columns(), filt, from_=_EVENT_AND_ARTICLE).order_by(event.c.id)
    while True:
        batch = _event_rows(session, stmt.where(event.c.id > last_id).limit(max(1, batch_size)))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def get_event_detail(session: Session, *, event_id: int) -> EventDetail | None:
    """Return one event (whatever its modality) with its article's text, or ``None``.

    ``start_char``/``end_char`` locate the evidence sentence in ``article_text``.
    """
    any_event = EventFilter(modalities=())
    stmt = filtered(_event_columns(), any_event, from_=_EVENT_AND_ARTICLE)
    matches = _event_rows(session, stmt.where(event.c.id == event_id))
    if not matches:
        return None
    extra = select(
        article.c.text, event.c.start_char, event.c.end_char, event.c.attributes
    ).select_from(_EVENT_AND_ARTICLE)
    found = session.connection().execute(extra.where(event.c.id == event_id)).one()
    return EventDetail(
        event=matches[0],
        article_text=found.text,
        start_char=int(found.start_char),
        end_char=int(found.end_char),
        attributes=dict(found.attributes or {}),
    )
