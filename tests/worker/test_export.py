"""``eventwire export`` on a seeded SQLite database: real CSV and Parquet files, read back."""

from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from common.errors import InputError
from common.settings import get_settings
from eventwire import export_cmd, writers
from models import queries
from models.migrate import upgrade
from tests.dashboard.seed import seed_demo


@pytest.fixture
def seeded(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo data in a migrated SQLite database that the CLI is pointed at."""
    upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    seed_demo(engine, articles=30)
    engine.dispose()
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    return sqlite_url


def export(*argv: str) -> int:
    """Run ``eventwire export ARGV`` in-process (independent of the CLI's command list)."""
    parser = argparse.ArgumentParser(prog="eventwire")
    export_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["export", *argv])
    return int(args.handler(args))


def _events(url: str, filt: queries.EventFilter) -> list[queries.EventRow]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = queries.list_events(session, filt=filt, limit=10_000, order="id_desc")
    engine.dispose()
    return rows


def test_csv_directory_holds_every_event_and_actor(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert export("--out", str(out)) == 0
    with (out / "events.csv").open(encoding="utf-8") as f:
        events = list(csv.DictReader(f))
    with (out / "actors.csv").open(encoding="utf-8") as f:
        actors = list(csv.DictReader(f))
    expected = _events(seeded, queries.EventFilter())
    assert tuple(events[0]) == export_cmd.EVENT_COLUMNS
    assert sorted(int(e["event_id"]) for e in events) == sorted(r.id for r in expected)
    assert {e["modality"] for e in events} == {"asserted"}
    by_id = {r.id: r for r in expected}
    first = events[0]
    row = by_id[int(first["event_id"])]
    assert first["agent_names"] == ", ".join(a.name for a in row.agents)
    assert first["day"] == (row.event_day.isoformat() if row.event_day else "")
    assert tuple(actors[0]) == export_cmd.ACTOR_COLUMNS
    counts = [int(a["events"]) for a in actors]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    for a in actors:
        assert int(a["events"]) <= int(a["as_agent"]) + int(a["as_target"]) + int(
            a["as_participant"]
        )


def test_parquet_keeps_types_and_applies_the_filters(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "launches"
    assert export("--format", "parquet", "--out", str(out), "--type", "launch",
                  "--country", "prk", "--modality", "all") == 0  # fmt: skip
    table = pq.read_table(out / "events.parquet")
    assert table.schema.field("event_id").type == pa.int64()
    assert table.schema.field("day").type == pa.date32()
    assert table.schema.field("confidence").type == pa.float64()
    expected = _events(
        seeded, queries.EventFilter(types=["launch"], countries=["PRK"], modalities=())
    )
    assert 0 < table.num_rows == len(expected)
    rows = table.to_pylist()
    assert {r["type"] for r in rows} == {"launch"}
    for r in rows:
        countries = " ".join(
            str(r[c]) for c in ("location_country", "agent_countries", "target_countries")
        )
        assert "PRK" in countries
        assert r["weapons"] == "Hwasong-18"
        assert r["day"] is None or isinstance(r["day"], date)
    actors = pq.read_table(out / "actors.parquet").to_pylist()
    assert any(a["country"] == "PRK" for a in actors)


def test_single_file_and_date_range(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "feb.parquet"
    since, until = date(2024, 2, 1), date(2024, 2, 29)
    assert export("--out", str(out), "--since", str(since), "--until", str(until)) == 0
    days = pq.read_table(out, columns=["day"]).column("day").to_pylist()
    assert days and all(since <= d <= until for d in days)
    assert not (tmp_path / "actors.parquet").exists()

    actors = tmp_path / "actors.csv"
    assert export("--out", str(actors), "--table", "actors", "--actor", "kim") == 0
    with actors.open(encoding="utf-8") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    assert "Kim Jong Un" in names


def test_suffix_and_format_must_agree(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="make them agree"):
        export_cmd.plan_outputs(tmp_path / "x.csv", "parquet", None)
    assert export_cmd.plan_outputs(tmp_path / "d", "parquet", None) == [
        ("events", "parquet", tmp_path / "d" / "events.parquet"),
        ("actors", "parquet", tmp_path / "d" / "actors.parquet"),
    ]


def test_write_parquet_infers_types_of_ad_hoc_sql(tmp_path: Path) -> None:
    path = tmp_path / "sql.parquet"
    columns = ["n", "name", "day", "attributes", "empty", "mixed"]
    rows = [
        (1, "Kim", date(2024, 1, 2), {"a": 1}, None, 1),
        (2, None, None, {"b": [1, 2]}, None, "two"),
    ]
    assert writers.write_parquet(columns, rows, path) == 2
    table = pq.read_table(path)
    assert table.column_names == columns
    assert table.schema.field("n").type == pa.int64()
    assert table.schema.field("day").type == pa.date32()
    assert table.schema.field("attributes").type == pa.string()  # JSON as text
    assert table.column("mixed").to_pylist() == ["1", "two"]
    assert table.column("empty").to_pylist() == [None, None]


def test_iter_events_pages_by_key_through_everything(seeded: str) -> None:
    engine = create_engine(seeded)
    with Session(engine) as session:
        filt = queries.EventFilter(modalities=())
        streamed = [r.id for r in queries.iter_events(session, filt=filt, batch_size=7)]
        listed = [r.id for r in queries.list_events(session, filt=filt, limit=10_000)]
    engine.dispose()
    assert streamed == sorted(listed) and len(streamed) > 7
