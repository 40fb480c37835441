"""CSV and Parquet written by ``query`` and ``export`` parse back: nested values are JSON.

Issue 13: ``query --format csv`` once wrote Python reprs (``{'name': ...}``). Every CSV here is
read back with the csv module and its nested cells with ``json.loads``, and compared with the
JSON lines of the same query.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine

from common.settings import get_settings
from eventwire import build_parser
from models.migrate import upgrade
from tests.dashboard.seed import seed_demo

NESTED = ("location", "actors", "weapons", "mentions")


@pytest.fixture
def seeded(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo data in a migrated SQLite database that the CLI is pointed at."""
    upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    seed_demo(engine, articles=12)
    engine.dispose()
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    return sqlite_url


def cli(*argv: str) -> int:
    """Run ``eventwire ARGV`` in-process."""
    args = build_parser().parse_args(list(argv))
    return int(args.handler(args))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _jsonl(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert cli(*argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_query_csv_nested_cells_are_json(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _jsonl(capsys, "query", "--modality", "all", "--format", "jsonl")
    out = tmp_path / "events.csv"
    assert cli("query", "--modality", "all", "--format", "csv", "--out", str(out)) == 0
    rows = _read_csv(out)
    assert len(rows) == len(expected) > 0
    assert any(json.loads(r["actors"]) for r in rows) and any(r["location"] for r in rows)
    for row, want in zip(rows, expected):
        for column in NESTED:
            got = json.loads(row[column]) if row[column] else None  # empty cell: NULL
            assert got == want[column], column


def test_query_sql_csv_and_parquet_hold_json_for_nested_columns(
    seeded: str, tmp_path: Path
) -> None:
    sql = "SELECT id, weapons, attributes FROM event WHERE weapons <> '[]' ORDER BY id"
    out = tmp_path / "sql.csv"
    assert cli("query", "--sql", sql, "--format", "csv", "--out", str(out)) == 0
    rows = _read_csv(out)
    assert rows and all(isinstance(json.loads(r["weapons"]), list) for r in rows)
    parquet = tmp_path / "sql.parquet"
    assert cli("query", "--sql", sql, "--format", "parquet", "--out", str(parquet)) == 0
    table = pq.read_table(parquet).to_pylist()
    assert [json.loads(r["weapons"]) for r in table] == [json.loads(r["weapons"]) for r in rows]


def test_query_parquet_nested_columns_are_json_strings(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _jsonl(capsys, "query", "--format", "jsonl")
    parquet = tmp_path / "events.parquet"
    assert cli("query", "--format", "parquet", "--out", str(parquet)) == 0
    table = pq.read_table(parquet)
    for column in NESTED:
        assert str(table.schema.field(column).type) == "string"
    for row, want in zip(table.to_pylist(), expected):
        assert json.loads(row["actors"]) == want["actors"]
        assert (json.loads(row["location"]) if row["location"] else None) == want["location"]


def test_export_csv_reads_back_with_the_csv_module(seeded: str, tmp_path: Path) -> None:
    assert cli("export", "--out", str(tmp_path / "x"), "--modality", "all") == 0
    for name in ("events.csv", "actors.csv"):
        path = tmp_path / "x" / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1, name
        for row in rows[1:]:  # no Python repr anywhere: nested values would be JSON
            assert not any(cell.startswith(("{'", "['")) for cell in row)


def test_query_jsonl_and_export_carry_each_events_mentions(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mentions as ``extract`` prints them, in order, the same in query, export and event_view."""
    events = _jsonl(capsys, "query", "--modality", "all", "--format", "jsonl")
    texts = dict(
        (r["id"], r["text"])
        for r in _jsonl(capsys, "query", "--sql", "SELECT id, text FROM article", "--format",
                        "jsonl")
    )  # fmt: skip
    assert events
    for e in events:
        lead, evidence = e["mentions"]  # the seed gives every event two, lead first
        assert set(lead) == {"sentence", "start", "end"}
        assert evidence["sentence"] == e["sentence"] and evidence["start"] > lead["end"]
        for m in e["mentions"]:
            assert texts[e["article_id"]][m["start"] : m["end"]] == m["sentence"]
        assert lead["start"] == 0 and lead["sentence"].startswith("Report ")

    out = tmp_path / "events.csv"
    assert cli("export", "--out", str(out), "--modality", "all") == 0
    exported = {int(r["event_id"]): json.loads(r["mentions"]) for r in _read_csv(out)}
    assert exported == {e["id"]: e["mentions"] for e in events}
    viewed = _jsonl(capsys, "query", "--sql", "SELECT event_id, mentions FROM event_view",
                    "--format", "jsonl")  # fmt: skip
    assert {v["event_id"]: json.loads(v["mentions"]) for v in viewed} == exported
    parquet = tmp_path / "events.parquet"
    assert cli("export", "--out", str(parquet), "--modality", "all") == 0
    table = pq.read_table(parquet).to_pylist()
    assert {r["event_id"]: json.loads(r["mentions"]) for r in table} == exported
