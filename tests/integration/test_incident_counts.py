"""The gold acceptance test of incident counts: the whole incident gold set (66 articles)
through enqueue -> Redis -> worker -> SQLite, then counted by the dashboard's own queries.

The dashboard's incident count (``models.queries``, as ``dashboard/incident_data.py`` and the
Overview call them) must equal the number of distinct incidents the worker linked, per type
and over time too; on the gold events the extractor found, the predicted incidents are
compared with the gold incidents (count and B-cubed), so a linking regression fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from eventwire.incident_scoring import match_gold, score
from models import queries
from models.engine import make_engine
from models.queries import EventFilter
from tests.conftest import REPO, cli_env

pytestmark = pytest.mark.integration

GOLD = REPO / "data" / "gold" / "incidents" / "articles.jsonl"
#: Matched-only B-cubed F1 measured with this linker (bench/incidents.py: 0.910); the issue's
#: target is 0.90, and a change that falls below it fails.
MIN_MATCHED_F1 = 0.90


def _pipeline(tmp_path: Path, redis_url: str, queue_name: str, articles: list[dict]) -> str:
    url = f"sqlite:///{tmp_path / 'gold.db'}"
    path = tmp_path / "gold.jsonl"
    with path.open("w") as out:
        for a in articles:
            out.write(json.dumps({k: a[k] for k in ("id", "text", "published", "source")}) + "\n")
    env = cli_env(url, redis_url, queue_name, EVENTWIRE_BATCH_SIZE="16")
    for args in (["enqueue", str(path), "--quiet"], ["worker", "--burst", "--processes", "1"]):
        done = subprocess.run(
            [sys.executable, "-m", "eventwire", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return url


def test_dashboard_counts_the_linked_incidents_of_the_gold_set(
    tmp_path: Path, redis_url: str, queue_name: str
) -> None:
    articles = [json.loads(line) for line in GOLD.read_text().splitlines() if line]
    url = _pipeline(tmp_path, redis_url, queue_name, articles)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            conn = session.connection()
            rows = conn.execute(
                text(
                    "SELECT a.external_id AS article, e.id, e.type, e.sentence, e.incident_id,"
                    " e.modality FROM event e JOIN article a ON a.id = e.article_id"
                )
            ).mappings()
            events: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for r in rows:
                events[r["article"]].append(dict(r))
            everything = EventFilter(modalities=(), count_incidents=True)
            asserted = EventFilter(count_incidents=True)  # the dashboard's default
            shown = queries.count_incidents(session, filt=everything)
            shown_default = queries.overview_kpis(session, filt=asserted).events
            by_type = queries.event_type_counts(session, filt=everything)
            over_time = queries.event_counts_over_time(session, filt=everything, bucket="month")
            undated = conn.execute(
                text("SELECT COUNT(DISTINCT incident_id) FROM event WHERE day IS NULL")
            ).scalar_one()
            reports = queries.count_events(session, filt=EventFilter(modalities=()))
    finally:
        engine.dispose()

    stored = [e for per_article in events.values() for e in per_article]
    assert all(e["incident_id"] is not None for e in stored)
    predicted = {e["incident_id"] for e in stored}
    assert shown == len(predicted) < reports  # one happening, many reports
    assert shown_default == len({e["incident_id"] for e in stored if e["modality"] == "asserted"})
    per_type: dict[str, set[int]] = defaultdict(set)
    for e in stored:
        per_type[e["type"]].add(e["incident_id"])
    assert by_type == {t: len(ids) for t, ids in per_type.items()}
    # Each incident in one bucket (its first day), so the chart adds up to the count.
    assert sum(c.count for c in over_time) + undated >= shown >= sum(c.count for c in over_time)

    # Against the gold incidents, on the gold events the extractor found.
    result = score(articles, events)
    matched = [m for m in match_gold(articles, events) if m.event_id is not None]
    gold_ids = {m.gold_incident for m in matched}
    predicted_ids = {m.incident_id for m in matched}
    assert result["incidents_gold_matched"] == len(gold_ids)
    per_kind = {
        kind: (
            len({m.incident_id for m in matched if m.type == kind}),
            len({m.gold_incident for m in matched if m.type == kind}),
        )
        for kind in sorted({m.type for m in matched})
    }
    # Predicted against gold incidents, in total within 10% (per type in the message: the
    # parades split where the extractor dates "last year's parade" or a later mention wrongly).
    # It was 12% while the linker left 93 incidents for 84 gold ones; merging clusters that
    # later reports link, missile classes, meetings with someone else on one side, the
    # participants of a report without agents and an exercise's span took it to 90 (B-cubed F1
    # 0.917 -> 0.939). What remains above the gold count is splits, listed in README
    # "Incidents" (issue 12 asks for equal counts).
    assert abs(len(predicted_ids) - len(gold_ids)) <= 0.10 * len(gold_ids), per_kind
    assert result["matched_only"]["f1"] >= MIN_MATCHED_F1, result["matched_only"]
