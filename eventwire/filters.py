"""The event filter options shared by ``eventwire query`` and ``eventwire export``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from common.contract import MODALITIES
from common.errors import EventwireError
from eventwire.cli_support import iso_date

if TYPE_CHECKING:
    from models.queries import EventFilter


def event_type_names() -> tuple[str, ...]:
    """Names of every registered event type: built-in plugins, plugin folders, entry points."""
    from worker.event_types import load_event_type_specs

    return tuple(spec.name for spec in load_event_type_specs())


def event_type(value: str) -> str:
    """argparse type for ``--type``: a registered event type (read from the registry on use,
    so ``--help`` works even when a plugin is broken)."""
    try:
        names = event_type_names()
    except EventwireError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value not in names:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an event type; choose from {', '.join(names)}"
        )
    return value


def modality(value: str) -> str:
    """argparse type for ``--modality``: one of the contract's modalities, or ``all``."""
    if value != "all" and value not in MODALITIES:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a modality; choose from {', '.join(MODALITIES)} or all"
        )
    return value


def add_event_filters(p: argparse.ArgumentParser) -> None:
    """Add ``--type --actor --country --since --until --modality`` to a command."""
    p.add_argument(
        "--type",
        action="append",
        dest="types",
        metavar="TYPE",
        type=event_type,
        help="event type (repeatable): a built-in type (parade, launch, statement, ...) or "
        "one from a plugin",
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
        type=modality,
        help=f"{', '.join(MODALITIES)} (default: {MODALITIES[0]}); or all",
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
