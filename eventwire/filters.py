"""The event filter options shared by ``eventwire query`` and ``eventwire export``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from eventwire.common import iso_date

if TYPE_CHECKING:
    from models.queries import EventFilter


def add_event_filters(p: argparse.ArgumentParser) -> None:
    """Add ``--type --actor --country --since --until --modality`` to a command."""
    p.add_argument(
        "--type",
        action="append",
        dest="types",
        metavar="TYPE",
        help="event type (repeatable): parade, launch, statement, sanctions_vote, "
        "meeting, military_exercise",
    )
    p.add_argument("--actor", help="actor name contains this text (case-insensitive)")
    p.add_argument(
        "--country",
        action="append",
        dest="countries",
        metavar="ISO3",
        help="actor or location country, ISO 3166 alpha-3 (repeatable)",
    )
    p.add_argument("--since", type=iso_date, help="events on or after YYYY-MM-DD")
    p.add_argument("--until", type=iso_date, help="events on or before YYYY-MM-DD")
    p.add_argument(
        "--modality",
        action="append",
        dest="modalities",
        help="asserted (default), negated, hypothetical, planned, capability; or all",
    )


def event_filter(args: argparse.Namespace) -> EventFilter:
    """The :class:`models.queries.EventFilter` the options of :func:`add_event_filters` ask for."""
    from models.queries import EventFilter

    modalities = args.modalities or ["asserted"]
    return EventFilter(
        types=tuple(args.types or ()),
        countries=tuple(c.upper() for c in args.countries or ()),
        actor=args.actor,
        since=args.since,
        until=args.until,
        modalities=() if "all" in modalities else tuple(modalities),
    )
