"""The incident block of an event: the index key under which incident candidates are found.

Events are linked into incidents only inside one block (``type|period``), so the linker reads
the events sharing a block (one indexed lookup on ``event.incident_block``), never all
incidents. The block is a pure function of the event's own fields, so every worker computes
the same one for the same event; ``worker.incidents`` re-links a block as a whole.

Agent countries, place, weapons and subtype are not part of the key: extracted agents are
noisier than types and dates (a headline's "N. Korea" without a country, a South Korean
military named as a launch's agent), and a key that splits one happening's reports could
never join them again. They decide inside the block instead (``worker.incident_linking``).
"""

from __future__ import annotations

from datetime import date

#: Stands in for an unknown part of a block key.
UNKNOWN = "-"


def block_key(event_type: str, day: date | None, precision: str | None) -> str:
    """Return the incident block of an event: ``type|YYYY-MM`` (``type|YYYY``, ``type|-``).

    The period is the month for day- and month-precision dates (a "2023-07" launch can then
    join the 2023-07-12 launch of the same state), the year for year-precision ones, and
    ``-`` when the event has no day at all.
    """
    if day is None:
        period = UNKNOWN
    elif precision == "year":
        period = f"{day.year:04d}"
    else:
        period = f"{day.year:04d}-{day.month:02d}"
    return f"{event_type}|{period}"
