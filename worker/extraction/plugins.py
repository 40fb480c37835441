"""The registry of event types: built-in plugin folders, user folders and entry points.

An event type is one folder (:mod:`.type_folder`; docs/extraction.md, "Add an event type").
Reading the registry imports neither spaCy nor any rule: the CLI and the worker read it at
start-up. The rules are imported when an extractor is built (:mod:`.rules.dispatch`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points as installed_entry_points
from pathlib import Path

from common.errors import PluginError
from worker.extraction.type_folder import (
    RULE_FILE,
    SPEC_FILE,
    TRIGGERS_FILE,
    EventTypeSpec,
    read_type_folder,
)

#: The built-in types: each subfolder of this one is a type (the folders are the list of types).
BUILTIN_DIR = Path(__file__).with_name("event_types")
#: The Python entry-point group through which installed packages add event types.
ENTRY_POINT_GROUP = "eventwire.event_types"


def load_event_types(
    plugin_dirs: Sequence[Path | str] = (), *, entry_points: bool = True
) -> tuple[EventTypeSpec, ...]:
    """The built-in types (in folder-name order), then every type folder under each of
    ``plugin_dirs``, then the folders the ``eventwire.event_types`` entry points name.

    Raises :class:`PluginError` naming the file and the problem for a broken plugin or a name
    used twice.
    """
    specs = [
        read_type_folder(folder, module=f"worker.extraction.event_types.{folder.name}")
        for folder in _type_folders(BUILTIN_DIR)
    ]
    for root in plugin_dirs:
        specs += [read_type_folder(folder) for folder in _type_folders(Path(root))]
    if entry_points:
        for entry in installed_entry_points(group=ENTRY_POINT_GROUP):
            folder, module = _entry_point_folder(entry.name, entry.value)
            specs.append(read_type_folder(folder, module=module))
    _check_unique(specs)
    return tuple(specs)


def _type_folders(root: Path) -> list[Path]:
    """Subfolders of ``root`` holding a spec.json, in name order, none a symlink out; other
    subfolders (``__pycache__``, notes) are skipped unless they hold a rule or triggers."""
    if not root.is_dir():
        raise PluginError(
            f"plugin folder {root} does not exist or is not a folder: fix EVENTWIRE_PLUGIN_DIRS"
        )
    base = root.resolve()
    folders = []
    for folder in sorted(root.iterdir()):
        if not (folder / SPEC_FILE).exists():
            if (folder / RULE_FILE).exists() or (folder / TRIGGERS_FILE).exists():
                raise PluginError(
                    f"{folder / SPEC_FILE}: missing; {folder.name} holds a rule or triggers, so "
                    "it is meant as an event type: add its spec.json (see docs/extraction.md)"
                )
            continue
        # A type folder that links elsewhere would run code nobody put in the plugin folder.
        if not folder.resolve().is_relative_to(base):
            raise PluginError(
                f"{folder}: the type folder is a symlink out of the plugin folder {root} "
                f"(to {folder.resolve()}); copy the type into {root} instead"
            )
        folders.append(folder)
    return folders


def _entry_point_folder(name: str, value: str) -> tuple[Path, str]:
    """The folder of the package an entry point names, found without importing it."""
    module = value.split(":")[0].strip()
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        found = None
    locations = list(found.submodule_search_locations or []) if found else []
    if not locations:
        raise PluginError(
            f"entry point {name!r} = {value!r} of group {ENTRY_POINT_GROUP}: {module!r} is not "
            "an importable package; it must name the package that holds the type's folder"
        )
    return Path(locations[0]), module


def _check_unique(specs: Iterable[EventTypeSpec]) -> None:
    seen: dict[str, Path] = {}
    nouns: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise PluginError(
                f"{spec.folder / SPEC_FILE}: type name {spec.name!r} is already taken by "
                f"{seen[spec.name]}; rename the type"
            )
        seen[spec.name] = spec.folder
        for noun in spec.referring_nouns:
            if noun in nouns:
                raise PluginError(
                    f"{spec.folder / SPEC_FILE}: referring noun {noun!r} already refers to "
                    f"{nouns[noun]!r}; drop it from one of the two"
                )
            nouns[noun] = spec.name
