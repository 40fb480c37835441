"""End to end on real services: enqueue -> Redis -> Dramatiq workers -> spaCy -> database.

The CLI runs in subprocesses exactly as a user runs it; each test runs on SQLite and on
PostgreSQL (see the ``database_url`` fixture).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED_ARTICLE, cli_env
from tests.readers import reader_env

pytestmark = pytest.mark.integration


@pytest.fixture
def env(database_url: str, redis_url: str, queue_name: str) -> dict[str, str]:
    """Environment for eventwire subprocesses pointed at this test's services."""
    return cli_env(database_url, redis_url, queue_name)


def eventwire(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def read_env(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """``env`` for ad-hoc SQL: on PostgreSQL through a reader role, as users are told to."""
    ok(eventwire(env, "db", "upgrade"))
    with reader_env(env) as read:
        yield read


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def query_events(env: dict[str, str], *filters: str) -> list[dict]:
    out = ok(eventwire(env, "query", "--format", "jsonl", *filters))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_seed_article_end_to_end(env: dict[str, str]) -> None:
    out = ok(eventwire(env, "enqueue", str(SEED_ARTICLE), "--published", "2023-07-28"))
    assert out.strip().endswith("1 new, 0 duplicate, 0 rejected")

    ok(eventwire(env, "worker", "--burst"))
    events = query_events(env)
    by_type: dict[str, list[dict]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)

    parades = by_type["parade"]
    assert len(parades) == 1
    parade = parades[0]
    assert parade["date"] == "2023-07-27"
    assert parade["location"]["country"] == "PRK"
    names = {a["name"] for a in parade["actors"]}
    assert {"Kim Jong Un", "Sergei Shoigu", "Li Hongzhong"} <= names

    assert any("Hwasong-18" in (e.get("weapons") or []) for e in by_type["launch"])
    blocks = by_type["sanctions_vote"]
    assert any(
        {"RUS", "CHN"} <= {a["country"] for a in e["actors"] if a["role"] == "agent"}
        for e in blocks
    )
    assert len(by_type["statement"]) >= 6

    # Every stored event carries the mentions the extractor gave it, in the same shape.
    extracted = [
        json.loads(line)
        for line in ok(
            eventwire(env, "extract", str(SEED_ARTICLE), "--published", "2023-07-28",
                      "--format", "jsonl")
        ).splitlines()
        if line.strip()
    ]  # fmt: skip

    def mentions(rows: list[dict]) -> list[tuple[str, str, str]]:
        return sorted((e["type"], e["sentence"], json.dumps(e["mentions"])) for e in rows)

    assert mentions(events) == mentions(extracted)
    assert all(e["mentions"] and e["sentence"] in {m["sentence"] for m in e["mentions"]}
               for e in events)  # fmt: skip

    # The same text again adds nothing and queues nothing.
    again = ok(eventwire(env, "enqueue", str(SEED_ARTICLE), "--published", "2023-07-28"))
    assert again.strip().endswith("0 new, 1 duplicate, 0 rejected")
    stats = json.loads(ok(eventwire(env, "stats", "--json")))
    assert stats["articles"] == {"done": 1} or stats["articles"].get("done") == 1
    assert sum(stats["articles"].values()) == 1
    assert stats["queue"]["backlog"] == 0
    assert len(query_events(env)) == len(events)


def test_sample_corpus_with_two_workers_and_redelivery(env: dict[str, str], tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "articles.jsonl"
    lines = [json.loads(x) for x in sample.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = ok(eventwire(env, "enqueue", str(sample)))
    assert out.strip().endswith(f"{len(lines)} new, 0 duplicate, 0 rejected")

    ok(eventwire(env, "worker", "--processes", "2", "--burst"))
    stats = json.loads(ok(eventwire(env, "stats", "--json")))
    assert stats["articles"].get("done") == len(lines)
    first = sorted((e["article_id"], e["type"], e["sentence"]) for e in query_events(env))
    assert first, "the sample corpus must yield events"

    # Reprocessing everything (a redelivery of every message) replaces, never duplicates.
    ok(eventwire(env, "reprocess", "--all"))
    ok(eventwire(env, "worker", "--burst"))
    second = sorted((e["article_id"], e["type"], e["sentence"]) for e in query_events(env))
    assert second == first


def test_non_english_article_is_marked_not_miscoded(
    env: dict[str, str], read_env: dict[str, str]
) -> None:
    french = (
        "Le ministre des affaires étrangères a déclaré mardi que les négociations avec la "
        "délégation du pays voisin avaient été utiles et qu'elles reprendraient le mois "
        "prochain à Paris, selon un communiqué publié par le gouvernement."
    )
    english = "Russian and Chinese warships began joint naval drills in the Sea of Japan on Monday."
    lines = "\n".join(
        json.dumps({"id": i, "text": t, "published": "2024-07-16"})
        for i, t in (("fr", french), ("en", english))
    )
    assert "2 new" in ok(eventwire(env, "enqueue", "-", stdin=lines))
    ok(eventwire(env, "worker", "--burst"))
    statement = "SELECT external_id, status, language, error FROM article ORDER BY external_id"
    out = ok(eventwire(read_env, "query", "--format", "jsonl", "--sql", statement))
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["external_id"], r["status"], r["language"]) for r in rows] == [
        ("en", "done", "en"),
        ("fr", "failed", "fr"),
    ]
    assert "not English" in rows[1]["error"]
    exercises = query_events(env, "--type", "military_exercise")
    assert {a["country"] for e in exercises for a in e["actors"] if a["role"] == "agent"} == {
        "RUS",
        "CHN",
    }


def test_query_and_plain_sql_on_the_views_agree(
    env: dict[str, str], read_env: dict[str, str]
) -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "articles.jsonl"
    ok(eventwire(env, "enqueue", "--quiet", str(sample)))
    ok(eventwire(env, "worker", "--burst"))

    def sql(statement: str) -> list[dict]:
        out = ok(eventwire(read_env, "query", "--format", "jsonl", "--sql", statement))
        return [json.loads(line) for line in out.splitlines()]

    by_type = {
        r["type"]: r["n"]
        for r in sql(
            "SELECT type, SUM(event_count) AS n FROM event_daily_counts "
            "WHERE modality = 'asserted' GROUP BY type"
        )
    }
    assert by_type, "the sample corpus must give asserted events"
    for event_type, count in by_type.items():
        assert len(query_events(env, "--type", event_type, "--limit", "100000")) == count

    # Launches involving North Korea: the CLI's --country matches actor or location country.
    [view] = sql(
        "SELECT COUNT(*) AS n FROM event_view WHERE type = 'launch' AND modality = 'asserted' "
        "AND (location_country = 'PRK' OR agent_countries LIKE '%PRK%' "
        "OR target_countries LIKE '%PRK%' OR participant_countries LIKE '%PRK%')"
    )
    assert view["n"] > 0
    assert len(query_events(env, "--type", "launch", "--country", "PRK")) == view["n"]

    agents = {
        r["actor_name"]: r["n"]
        for r in sql(
            "SELECT actor_name, SUM(event_count) AS n FROM actor_daily_counts "
            "WHERE role = 'agent' AND modality = 'asserted' AND actor_name = 'Kim Jong Un' "
            "GROUP BY actor_name"
        )
    }
    kim = query_events(env, "--actor", "Kim Jong Un", "--limit", "100000")
    as_agent = [
        e
        for e in kim
        if any(a["name"] == "Kim Jong Un" and a["role"] == "agent" for a in e["actors"])
    ]
    assert agents.get("Kim Jong Un", 0) == len(as_agent) > 0
