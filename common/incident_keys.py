"""The incident block of an event: its type and period (``type|YYYY-MM``), for reading.

Stored as ``event.incident_block`` and ``incident.block``: which month's reports an event
or incident is, without parsing dates. The linker does not use it to find candidates (it reads
the ``(type, day)`` index, across a month's end: ``worker.incidents``), so a report of the
31st and one of the 1st can meet. A pure function of the event's own fields.
"""

from __future__ import annotations

from datetime import date

#: Stands in for an unknown part of a block key.
UNKNOWN = "-"


def block_key(event_type: str, day: date | None, precision: str | None) -> str:
    """Return the incident block of an event: ``type|YYYY-MM`` (``type|YYYY``, ``type|-``).

    The period is the month for day- and month-precision dates, the year for year-precision
    ones, and ``-`` when the event has no day at all.
    """
    if day is None:
        period = UNKNOWN
    elif precision == "year":
        period = f"{day.year:04d}"
    else:
        period = f"{day.year:04d}-{day.month:02d}"
    return f"{event_type}|{period}"
