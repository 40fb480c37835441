"""The CLI as users meet it: help for every command, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from eventwire import COMMANDS, build_parser
from tests.conftest import cli_env
from tests.readers import reader_env, reader_for


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")}
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env={**base, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


#: Every command the brief and the issues ask for.
COMMAND_NAMES = ("enqueue", "worker", "extract", "evaluate", "query", "export", "stats",
                 "reprocess", "dead-letters", "db", "dashboard", "watch", "incidents")  # fmt: skip


def test_help_lists_every_command_with_its_help() -> None:
    text = build_parser().format_help()
    for name in COMMAND_NAMES:
        assert name in text
    assert len(COMMANDS) == len(COMMAND_NAMES)


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "usage: eventwire" in result.stdout


def test_bad_date_is_a_usage_error_without_traceback(sqlite_url: str) -> None:
    result = run_cli(
        "enqueue", "x.txt", "--published", "28/07/2023", env={"EVENTWIRE_DATABASE_URL": sqlite_url}
    )
    assert result.returncode == 2
    assert "not a date in YYYY-MM-DD form" in result.stderr
    assert "Traceback" not in result.stderr


def test_enqueue_of_nothing_acceptable_fails_with_reasons(
    sqlite_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    env = cli_env(sqlite_url, redis_url, queue_name)
    result = run_cli("enqueue", str(empty), str(tmp_path / "missing.txt"), env=env)
    assert result.returncode == 1
    assert f"rejected {empty}: empty text" in result.stderr
    assert "no such file or folder" in result.stderr
    assert "0 new, 0 duplicate, 2 rejected" in result.stdout
    assert "Traceback" not in result.stderr


def test_enqueue_keeps_good_lines_of_a_bad_jsonl(
    sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name)
    lines = "\n".join(
        [
            json.dumps({"text": "Navies of two states held drills on Monday."}),
            "{broken",
            json.dumps({"text": "Ministers met in Hanoi on Friday."}),
        ]
    )
    result = run_cli("enqueue", "-", env=env, stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 duplicate, 1 rejected" in result.stdout
    assert "<stdin>:2: malformed JSON" in result.stderr


def test_enqueue_stores_json_text_with_escaped_nul_on_either_database(
    database_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(database_url, redis_url, queue_name)
    # PostgreSQL cannot store NUL; one escaped in JSON must not sink its chunk of articles.
    lines = "\n".join(
        [
            json.dumps(
                {"text": "Russia condemned the test.\u0000 Officials met.", "title": "a\u0000"}
            ),
            json.dumps({"text": "China condemned the launch on Monday."}),
        ]
    )
    result = run_cli("enqueue", "-", env=env, stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 duplicate, 0 rejected" in result.stdout
    assert "<stdin>:1: NUL characters removed from the text" in result.stderr
    with reader_env(env) as read_env:
        sql = "SELECT text, title FROM article ORDER BY id"
        listed = run_cli("query", "--sql", sql, env=read_env)
    assert "Russia condemned the test. Officials met." in listed.stdout


def test_unreachable_database_is_one_line_and_hides_the_password() -> None:
    url = "postgresql+psycopg://analyst:s3cret-pw@127.0.0.1:1/events"
    result = run_cli("stats", env={"EVENTWIRE_DATABASE_URL": url})
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_redis_is_one_line_and_hides_the_password(
    sqlite_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Leaders met in Oslo on Monday.", encoding="utf-8")
    env = {
        "EVENTWIRE_DATABASE_URL": sqlite_url,
        "EVENTWIRE_REDIS_URL": "redis://:hunter2-pw@127.0.0.1:1/0",
    }
    result = run_cli("enqueue", str(article), env=env)
    assert result.returncode == 1
    assert "cannot reach Redis" in result.stderr
    assert "hunter2-pw" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM article",
        "INSERT INTO actor (key, name, kind) VALUES ('k', 'n', 'country')",
        "DROP TABLE event_actor",
        "UPDATE article SET status = 'done'",
        "WITH x AS (SELECT 1) DELETE FROM event",
    ],
)
def test_query_sql_refuses_writes_on_both_databases(database_url: str, sql: str) -> None:
    env = {"EVENTWIRE_DATABASE_URL": database_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    with ExitStack() as stack:
        if database_url.startswith("postgresql"):
            env["EVENTWIRE_READ_DATABASE_URL"] = stack.enter_context(reader_for(database_url))
        _assert_write_refused(env, sql)


def _assert_write_refused(env: dict[str, str], sql: str) -> None:
    result = run_cli("query", "--sql", sql, env=env)
    assert result.returncode == 1
    assert "SQL refused or failed" in result.stderr
    assert "Traceback" not in result.stderr
    tables = run_cli(
        "query", "--sql", "SELECT count(*) AS n FROM event_actor", "--format", "jsonl", env=env
    )
    assert tables.returncode == 0, tables.stderr
    assert json.loads(tables.stdout) == {"n": 0}


def test_query_sql_cannot_escape_the_read_only_transaction(postgres_url: str) -> None:
    env = {"EVENTWIRE_DATABASE_URL": postgres_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    with reader_for(postgres_url) as read_url:
        env["EVENTWIRE_READ_DATABASE_URL"] = read_url
        result = run_cli("query", "--sql", "SELECT 1; COMMIT; DELETE FROM article", env=env)
    assert result.returncode == 1
    assert "multiple commands" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_reader_masks_the_password_and_query_sql_refuses_the_superuser(
    postgres_url: str, tmp_path: Path
) -> None:
    name = f"eventwire_test_cli_reader_{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    env = {"EVENTWIRE_DATABASE_URL": postgres_url, "EVENTWIRE_READER_PASSWORD": password}
    try:
        first = run_cli("db", "create-reader", name, env=env)
        again = run_cli("db", "create-reader", name, "--url-file", str(tmp_path / "u"), env=env)
        for result in (first, again):  # idempotent
            assert result.returncode == 0, result.stderr
            assert password not in result.stdout + result.stderr
            assert f"{name}:***@" in result.stdout
        url_file = tmp_path / "u"
        assert url_file.stat().st_mode & 0o077 == 0
        read_url = url_file.read_text(encoding="utf-8").strip()
        assert password in read_url

        refused = run_cli("query", "--sql", "SELECT 1", env=env)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "superuser" in refused.stderr and "create-reader" in refused.stderr

        env["EVENTWIRE_READ_DATABASE_URL"] = read_url
        env["EVENTWIRE_SQL_TIMEOUT"] = "1"
        ok = run_cli("query", "--sql", "SELECT count(*) AS n FROM event_view", "--format",
                     "jsonl", env=env)  # fmt: skip
        assert ok.returncode == 0 and json.loads(ok.stdout) == {"n": 0}, ok.stderr
        slow = run_cli("query", "--sql", "SELECT pg_sleep(5)", env=env)
        assert slow.returncode == 1 and "Traceback" not in slow.stderr
        assert "ran longer than 1 s" in slow.stderr
    finally:
        from sqlalchemy import create_engine

        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        admin.dispose()


def test_query_sql_writes_parquet_and_csv_files(sqlite_url: str, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    env = {"EVENTWIRE_DATABASE_URL": sqlite_url}
    sql = "SELECT 1 AS one, 'two' AS two"
    missing = run_cli("query", "--sql", sql, "--format", "parquet", env=env)
    assert missing.returncode == 1 and "--out" in missing.stderr
    target = tmp_path / "result.parquet"
    assert (
        run_cli(
            "query", "--sql", sql, "--format", "parquet", "--out", str(target), env=env
        ).returncode
        == 0
    )
    assert pq.read_table(target).to_pylist() == [{"one": 1, "two": "two"}]
    csv_target = tmp_path / "result.csv"
    assert (
        run_cli(
            "query", "--sql", sql, "--format", "csv", "--out", str(csv_target), env=env
        ).returncode
        == 0
    )
    assert csv_target.read_text(encoding="utf-8").splitlines() == ["one,two", "1,two"]
