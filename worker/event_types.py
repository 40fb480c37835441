"""The event types the extractor will use, from the plugin registry, and their catalogue rows.

The registry (``worker.extraction.plugins.load_event_types``) knows every type: built-in
folders, ``EVENTWIRE_PLUGIN_DIRS`` and entry points. The worker records them in the
``event_type`` table at start-up so that the dashboard, which never imports the worker, can
offer and colour them (``eventwire db upgrade`` does the same from the front door).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from common.settings import Settings, get_settings
from models.records import EventTypeRecord
from worker.extraction import plugins
from worker.extraction.plugins import load_event_types
from worker.extraction.type_folder import EventTypeSpec
from worker.incident_linking import TypeTraits

logger = logging.getLogger(__name__)


def load_event_type_specs(settings: Settings | None = None) -> tuple[EventTypeSpec, ...]:
    """Return the registry's ``EventTypeSpec``s for the configured plugin folders."""
    settings = settings or get_settings()
    return load_event_types(settings.plugin_paths)


def incident_traits(settings: Settings | None = None) -> dict[str, TypeTraits]:
    """What each type's spec.json says about incident linking (``incident_window_days``,
    ``speech``, ``symmetric_roles``), by type name."""
    settings = settings or get_settings()
    return dict(_traits(tuple(str(p) for p in settings.plugin_paths)))


@lru_cache(maxsize=8)
def _traits(plugin_paths: tuple[str, ...]) -> tuple[tuple[str, TypeTraits], ...]:
    # Read once per process and plugin folders: the worker links every batch.
    specs = load_event_types([Path(p) for p in plugin_paths])
    return tuple(
        (
            s.name,
            TypeTraits(
                window=s.incident_window_days,
                speech=s.speech,
                symmetric_roles=s.symmetric_roles,
            ),
        )
        for s in specs
    )


def event_type_records(specs: Sequence[EventTypeSpec]) -> list[EventTypeRecord]:
    """Catalogue records for registry specs; built-in means "shipped inside the package"."""
    root = Path(plugins.__file__).resolve().parent
    records = []
    for spec in specs:
        builtin = Path(spec.folder).resolve().is_relative_to(root)
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
