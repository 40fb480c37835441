"""The import direction of the house, enforced: front door -> worker, dashboard -> models -> common.

Every ``import`` and ``from ... import`` in the packages is read from the source (an AST walk,
so imports inside functions count too) and checked against the allowed edges below. A new
edge is a design decision: add it here and to docs/architecture.md in the same commit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Rooms of the house, most specific first (a module belongs to the first prefix it matches).
ROOMS = ("worker.extraction", "eventwire", "worker", "dashboard", "models", "common")

#: Which rooms each room may import (itself always allowed).
ALLOWED: dict[str, frozenset[str]] = {
    "eventwire": frozenset({"worker", "worker.extraction", "dashboard", "models", "common"}),
    "worker": frozenset({"worker.extraction", "models", "common"}),
    "dashboard": frozenset({"models", "common"}),
    "models": frozenset({"common"}),
    "worker.extraction": frozenset({"common"}),
    "common": frozenset(),
}

#: Third-party packages a room must not import even indirectly through its own code.
FORBIDDEN_LIBRARIES: dict[str, frozenset[str]] = {
    "worker.extraction": frozenset({"dramatiq", "redis", "sqlalchemy", "sqlmodel", "streamlit"}),
    "models": frozenset({"dramatiq", "spacy", "streamlit"}),
    "dashboard": frozenset({"dramatiq", "spacy"}),
    "common": frozenset({"dramatiq", "spacy", "streamlit", "sqlmodel"}),
}

#: Command modules of the front door: they share eventwire/cli_support.py, eventwire/filters.py
#: and eventwire/evaluation.py but never import one another.
COMMAND_SUFFIX = "_cmd"

#: Edges against the rules that another branch is removing (issue 13 moves the CSV/Parquet
#: writers out of export_cmd). Delete an entry once its branch is merged.
KNOWN_EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def room_of(module: str) -> str | None:
    """The room a dotted module name belongs to, or None for third-party modules."""
    for room in ROOMS:
        if module == room or module.startswith(room + "."):
            return room
    return None


def module_name(path: Path) -> str:
    """Dotted module name of a source file under ROOT."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every absolute module a file imports (top level and inside functions), with its line.

    Relative imports are resolved against the file's package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from worker import tasks`` imports worker.tasks: check the submodule too.
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
    return found


def source_files() -> list[Path]:
    """Every Python file of the packages (migrations included: they are models' code)."""
    roots = {room.split(".")[0] for room in ROOMS}
    return sorted(p for r in roots for p in (ROOT / r).rglob("*.py"))


def violations() -> list[str]:
    """Edges against the direction, as ``file:line -> module (why)``."""
    problems: list[str] = []
    for path in source_files():
        here = room_of(module_name(path))
        assert here is not None
        rel = path.relative_to(ROOT).as_posix()
        is_command = path.parent.name == "eventwire" and path.stem.endswith(COMMAND_SUFFIX)
        for line, target in imports_of(path):
            if any(
                rel == known_file and (target == known or target.startswith(known + "."))
                for known_file, known in KNOWN_EXCEPTIONS
            ):
                continue
            there = room_of(target)
            top = target.split(".")[0]
            if there is None:
                if top in FORBIDDEN_LIBRARIES.get(here, frozenset()):
                    problems.append(f"{rel}:{line} -> {target} (library kept out of {here})")
                continue
            if there != here and there not in ALLOWED[here]:
                problems.append(f"{rel}:{line} -> {target} ({here} may not import {there})")
            if (
                is_command
                and target.startswith("eventwire.")
                and target.split(".")[1].endswith(COMMAND_SUFFIX)
                and target != module_name(path)
            ):
                problems.append(f"{rel}:{line} -> {target} (commands do not import each other)")
    return problems


def test_imports_follow_the_direction_of_the_house() -> None:
    problems = violations()
    assert not problems, "imports against the direction:\n" + "\n".join(problems)


def test_the_walk_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    # The checker is only worth something if it finds imports hidden in functions.
    source = (
        "def f():\n    import dashboard.data\n    from models import tables\n"
        "from . import sibling\n"
    )
    path = ROOT / "worker" / "extraction" / "_probe_for_test.py"
    path.write_text(source, encoding="utf-8")
    try:
        names = [name for _line, name in imports_of(path)]
        assert "dashboard.data" in names
        assert "models.tables" in names
        assert "worker.extraction.sibling" in names
        assert any("worker.extraction may not import dashboard" in p for p in violations())
    finally:
        path.unlink()


@pytest.mark.parametrize(
    ("module", "room"),
    [
        ("worker.extraction.types", "worker.extraction"),
        ("worker.runner", "worker"),
        ("eventwire.worker_cmd", "eventwire"),
        ("common", "common"),
        ("commonplace", None),
        ("spacy", None),
    ],
)
def test_rooms_are_matched_by_package_not_by_prefix(module: str, room: str | None) -> None:
    assert room_of(module) == room


def test_known_exceptions_still_exist() -> None:
    # A stale exception would silently allow the edge back in later: remove it when fixed.
    for rel, target in KNOWN_EXCEPTIONS:
        names = [name for _line, name in imports_of(ROOT / rel)]
        assert target in names, f"{rel} no longer imports {target}: drop it from KNOWN_EXCEPTIONS"
