"""Date rules every room shares: a date cut to its precision, and the day an event is placed at."""

from __future__ import annotations

from datetime import date


def date_text(value: date | None, precision: str | None) -> str | None:
    """``value`` cut to its precision: ``2023-07-27`` (day), ``2023-07`` (month), ``2023`` (year).

    A missing precision means day. ``None`` stays ``None``. This is the ``date`` field of the
    JSON line (``ExtractedEvent.to_dict``) and of ``eventwire query``.
    """
    if value is None:
        return None
    iso = value.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(precision or "day", iso)


def event_day(event_date: date | None, published: date | None) -> date | None:
    """The day an event is counted on: its own date, else its article's publication date.

    Stored as ``event.day`` (and copied to the links) so that date filters and time buckets
    need no join; see docs/schema.md "Event day".
    """
    return event_date if event_date is not None else published
