"""Incidents end to end on the incident gold set: enqueue -> Redis -> workers -> database.

The same articles in gold order on SQLite with one worker, and shuffled on PostgreSQL with
four worker processes taking two articles at a time, must give identical incidents (the
same partition of the same events); reprocessing must re-link to the same incidents and
leave nothing pointing at an incident that is gone; wire copies are recorded at enqueue.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from models import incident_rollup, scope_rollup
from models.engine import make_engine
from tests.conftest import REPO, cli_env, scratch_postgres

pytestmark = pytest.mark.integration

GOLD = REPO / "data" / "gold" / "incidents" / "articles.jsonl"


def _write(path: Path, articles: list[dict]) -> Path:
    with path.open("w") as out:
        for a in articles:
            out.write(json.dumps({k: a[k] for k in ("id", "text", "published", "source")}) + "\n")
    return path


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def _incidents(url: str) -> tuple[set[frozenset[tuple[str, int, str]]], set[tuple[str, str]]]:
    """The partition of events (article external id, offset, type) by incident, and the
    (copy, original) pairs; asserts that every event has an incident that exists, every
    incident has events, and the incident and scope rollups the workers kept equal their base
    tables."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            assert incident_rollup.mismatches(session) == []
            assert scope_rollup.mismatches(session) == []
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT a.external_id, e.start_char, e.type, e.incident_id, i.id "
                    "FROM event e JOIN article a ON a.id = e.article_id "
                    "LEFT JOIN incident i ON i.id = e.incident_id"
                )
            ).all()
            empty = conn.execute(
                text(
                    "SELECT COUNT(*) FROM incident i "
                    "WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.incident_id = i.id)"
                )
            ).scalar_one()
            copies = {
                (r[0], r[1])
                for r in conn.execute(
                    text(
                        "SELECT c.external_id, o.external_id FROM article c "
                        "JOIN article o ON o.id = c.copy_of"
                    )
                )
            }
    finally:
        engine.dispose()
    assert rows, "no events stored"
    assert all(r[3] is not None and r[4] == r[3] for r in rows), "an event without its incident"
    assert empty == 0, "incidents left without events"
    groups: dict[int, set[tuple[str, int, str]]] = {}
    for external_id, start, kind, incident_id, _ in rows:
        groups.setdefault(incident_id, set()).add((external_id, int(start), kind))
    return {frozenset(g) for g in groups.values()}, copies


def test_shuffled_order_and_four_workers_on_postgresql_give_identical_incidents(
    tmp_path: Path, redis_url: str, queue_name: str
) -> None:
    articles = [json.loads(line) for line in GOLD.read_text().splitlines() if line]
    gold_copies = {(a["id"], a["copy_of"]) for a in articles if a.get("copy_of")}

    sqlite_url = f"sqlite:///{tmp_path / 'ordered.db'}"
    env = cli_env(sqlite_url, redis_url, queue_name + "_ordered", EVENTWIRE_BATCH_SIZE="16")
    _run(env, "enqueue", str(_write(tmp_path / "ordered.jsonl", articles)), "--quiet")
    _run(env, "worker", "--burst", "--processes", "1")
    ordered, ordered_copies = _incidents(sqlite_url)
    assert ordered_copies == gold_copies

    shuffled = list(articles)
    random.Random(12).shuffle(shuffled)
    with scratch_postgres("eventwire_incidents") as pg_url:
        env = cli_env(pg_url, redis_url, queue_name + "_shuffled", EVENTWIRE_BATCH_SIZE="2")
        _run(env, "enqueue", str(_write(tmp_path / "shuffled.jsonl", shuffled)), "--quiet")
        _run(env, "worker", "--burst", "--processes", "4", "--threads", "1")
        concurrent, concurrent_copies = _incidents(pg_url)
        assert concurrent == ordered
        # A copy enqueued before its original is recorded the other way round: same pair.
        assert {tuple(sorted(p)) for p in concurrent_copies} == {
            tuple(sorted(p)) for p in gold_copies
        }

        # Reprocessing (what an extractor upgrade asks for) re-links to the same incidents.
        _run(env, "reprocess", "--all")
        _run(env, "worker", "--burst", "--processes", "2", "--threads", "1")
        again, _ = _incidents(pg_url)
        assert again == ordered
    # Several reports of one happening were linked, not one incident per event.
    assert len(ordered) < sum(len(g) for g in ordered) * 0.7
