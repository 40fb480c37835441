"""The event types the extractor will use, from the plugin registry, and their catalogue rows.

The registry (``worker.extraction.plugins.load_event_types``) knows every type: built-in
folders, ``EVENTWIRE_PLUGIN_DIRS`` and entry points. The worker records them in the
``event_type`` table at start-up so that the dashboard, which never imports the worker, can
offer and colour them (``eventwire db upgrade`` does the same from the front door).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.settings import Settings, get_settings
from models.records import EventTypeRecord

logger = logging.getLogger(__name__)

# Colours of the built-in six, used only by the stand-in below (the plugin specs carry them).
_BUILTIN_COLOURS = {
    "parade": "#636EFA",
    "launch": "#EF553B",
    "statement": "#00CC96",
    "sanctions_vote": "#AB63FA",
    "meeting": "#FFA15A",
    "military_exercise": "#19D3F3",
}


def load_event_type_specs(settings: Settings | None = None) -> tuple[Any, ...]:
    """Return the registry's ``EventTypeSpec``s for the configured plugin folders."""
    settings = settings or get_settings()
    try:
        from worker.extraction.plugins import load_event_types
    except ModuleNotFoundError as exc:
        # TEMPORARY, until the plugins branch (issue 11 points 1-2) is merged: without the
        # registry module, describe the built-in types from the extractor's closed list.
        if exc.name != "worker.extraction.plugins":
            raise
        return _builtin_stand_in()
    return tuple(load_event_types(tuple(getattr(settings, "plugin_dirs", ()) or ())))


def _builtin_stand_in() -> tuple[Any, ...]:
    from types import SimpleNamespace

    from worker.extraction.types import EVENT_TYPES

    return tuple(
        SimpleNamespace(
            name=name,
            label=name.replace("_", " ").capitalize(),
            colour=_BUILTIN_COLOURS[name],
            subtypes=(),
            folder=None,
        )
        for name in EVENT_TYPES
    )


def _builtin_root() -> Path | None:
    try:
        import worker.extraction.plugins as plugins
    except ModuleNotFoundError:
        return None
    return Path(plugins.__file__).resolve().parent


def event_type_records(specs: Sequence[Any]) -> list[EventTypeRecord]:
    """Catalogue records for registry specs; built-in means "shipped inside the package"."""
    root = _builtin_root()
    records = []
    for spec in specs:
        folder = getattr(spec, "folder", None)
        builtin = folder is None or (
            root is not None and Path(folder).resolve().is_relative_to(root)
        )
        records.append(
            EventTypeRecord(
                name=spec.name,
                label=spec.label,
                colour=spec.colour,
                subtypes=tuple(spec.subtypes or ()),
                builtin=builtin,
            )
        )
    return records


def sync_catalogue(settings: Settings | None = None) -> int:
    """Write the registry's types into the ``event_type`` table; return how many."""
    from models.catalogue import sync_event_types
    from models.engine import get_engine, session_scope

    settings = settings or get_settings()
    records = event_type_records(load_event_type_specs(settings))
    with session_scope(get_engine(settings.database_url)) as session:
        count = sync_event_types(session, specs=records)
    logger.info("event type catalogue: %d type(s) recorded", count)
    return count
