"""A user's event type installed from a folder (EVENTWIRE_PLUGIN_DIRS), end to end on real
services: enqueue -> worker -> database -> query --type -> dashboard filter -> export, no other
file changed."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from common.settings import get_settings
from tests.conftest import REPO, cli_env
from tests.dashboard.conftest import APP

pytestmark = pytest.mark.integration

PROTEST = REPO / "tests" / "extraction" / "protest_plugin" / "protest"
ARTICLE = (
    "Thousands of Bangladeshi students rallied in Dhaka on Monday against the government.\n"
    "North Korea fired a Hwasong-18 missile on Tuesday.\n"
)


def eventwire(env: dict[str, str], *args: str) -> str:
    """Run the CLI as a user would; fail with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_user_type_is_extracted_stored_queried_and_exported(
    database_url: str,
    redis_url: str,
    queue_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plugins = tmp_path / "plugins"
    shutil.copytree(PROTEST, plugins / "protest", ignore=shutil.ignore_patterns("__pycache__"))
    env = cli_env(database_url, redis_url, queue_name, EVENTWIRE_PLUGIN_DIRS=str(plugins))
    article = tmp_path / "protest.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    eventwire(env, "enqueue", str(article), "--published", "2024-03-15")
    eventwire(env, "worker", "--burst")

    out = eventwire(env, "query", "--type", "protest", "--format", "jsonl")
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [e["type"] for e in events] == ["protest"]
    assert events[0]["date"] == "2024-03-11"
    assert "BGD" in {a["country"] for a in events[0]["actors"] if a["role"] == "agent"}
    # The built-in types still run beside the user's.
    out = eventwire(env, "query", "--type", "launch", "--format", "jsonl")
    assert len(out.strip().splitlines()) == 1

    # The dashboard offers it (the worker catalogued the registry's types) and filters on it.
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTWIRE_REDIS_URL", redis_url)
    get_settings.cache_clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"type": "protest", "count": "reports", "modality": "asserted"})
    at.run()
    assert not at.exception
    # The catalogue's label, from the plugin's spec.json.
    assert "Protest" in at.sidebar.multiselect(key="f_types").options
    assert at.session_state["f_types"] == ["protest"]
    assert {m.label: m.value for m in at.metric}["Events"] == "1"
    st.cache_data.clear()
    st.cache_resource.clear()
    get_settings.cache_clear()

    exported = tmp_path / "protests.csv"
    eventwire(env, "export", "--type", "protest", "--out", str(exported))
    with exported.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["type"] for row in rows] == ["protest"]


def test_a_broken_plugin_stops_extract_with_the_file_named(
    database_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    plugins = tmp_path / "plugins"
    shutil.copytree(PROTEST, plugins / "protest", ignore=shutil.ignore_patterns("__pycache__"))
    (plugins / "protest" / "triggers.jsonl").write_text("", encoding="utf-8")
    env = cli_env(database_url, redis_url, queue_name, EVENTWIRE_PLUGIN_DIRS=str(plugins))
    result = subprocess.run(
        [sys.executable, "-m", "eventwire", "extract", "-"],
        env=env,
        input="North Korea fired a missile on Monday.\n",
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode != 0
    assert "protest/triggers.jsonl" in result.stderr and "no pattern" in result.stderr
    assert "Traceback" not in result.stderr
