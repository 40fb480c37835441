"""The dashboard's dependency rules, checked on the source: common.settings is its only
worker import, and charts/highlight stay free of Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
SOURCES = sorted(DASHBOARD.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(DASHBOARD)))
def test_only_worker_settings_is_imported_from_worker(path: Path) -> None:
    worker = {n for n in _imports(path) if n == "worker" or n.startswith("worker.")}
    assert worker <= {"common.settings"}


@pytest.mark.parametrize("name", ["charts.py", "highlight.py"])
def test_pure_modules_do_not_import_streamlit(name: str) -> None:
    assert not {n for n in _imports(DASHBOARD / name) if n.split(".")[0] == "streamlit"}
