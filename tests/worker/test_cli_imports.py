"""Quick commands import only what they use: no spaCy, Dramatiq or Streamlit for help or stats.

Start-up time is measured by bench/startup.py; these tests check its cause instead (which
libraries a command loads), which does not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from models.migrate import current_revision, head_revision, packaged_head, upgrade
from tests.conftest import cli_env

#: Libraries only extraction, the queue or the dashboard need (and their heavy dependencies).
HEAVY = frozenset({"spacy", "thinc", "numpy", "dramatiq", "streamlit", "pandas", "pyarrow"})

#: Runs one CLI invocation in this interpreter and prints the top-level modules it loaded.
PROBE = """
import contextlib, io, json, sys
from eventwire import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def loaded_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages imported by ``eventwire ARGS`` (which must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] in (0, None), done.stderr
    return set(result["modules"])


def test_help_loads_no_database_queue_or_nlp_library() -> None:
    modules = loaded_by("--help")
    assert not modules & (HEAVY | {"sqlalchemy", "sqlmodel", "pydantic", "redis", "tqdm"})


@pytest.mark.parametrize("command", ["enqueue", "worker", "query", "export", "stats"])
def test_command_help_loads_no_heavy_library(command: str) -> None:
    assert not loaded_by(command, "--help") & (HEAVY | {"sqlalchemy"})


#: What ``stats`` on a current database reads through the drivers instead (models.quick_counts,
#: common.queue.queue_depths, common.env): together most of its time before.
FULL_PATH = frozenset(
    {"alembic", "sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "redis"}
)


def test_stats_on_a_current_database_loads_no_orm_settings_or_queue_library(
    database_url: str, redis_url: str, queue_name: str
) -> None:
    upgrade(database_url)
    env = cli_env(database_url, redis_url, queue_name)
    assert not loaded_by("stats", "--json", env=env) & (HEAVY | FULL_PATH)


def test_stats_on_a_new_database_migrates_it_first(
    sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name)
    modules = loaded_by("stats", "--json", env=env)
    assert {"alembic", "sqlalchemy"} <= modules and not modules & HEAVY
    assert current_revision(sqlite_url) == head_revision()


def test_packaged_head_read_from_the_files_is_alembics_head() -> None:
    assert packaged_head() == head_revision()
