"""The founding example (shared/seed/parade-article.txt) end to end, and the scorer's agreement."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from eventwire.evaluation import format_report, load_gold, score
from tests.conftest import REPO, SEED_ARTICLE, SEED_DIR
from worker.extraction import ArticleText, ExtractedEvent, Extractor, asserted_only

# Beside the repository, as conftest finds it: a missing seed fails these tests, never skips them.
SEED = SEED_DIR / "parade-article.gold.json"
SCORE_PY = REPO.parent / "shared" / "eval" / "score.py"


@pytest.fixture(scope="module")
def seed_events(extractor: Extractor) -> list[ExtractedEvent]:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return extractor.extract(ArticleText("seed-parade", text, date(2023, 7, 28)))


def _agents(event: ExtractedEvent) -> set[str | None]:
    return {a.country for a in event.actors if a.role == "agent"}


def test_parade(seed_events: list[ExtractedEvent]) -> None:
    parades = [e for e in asserted_only(seed_events) if e.type == "parade"]
    assert len(parades) == 1
    parade = parades[0]
    assert parade.date_text == "2023-07-27"
    assert parade.location is not None and parade.location.country == "PRK"
    roles = {(a.name, a.role) for a in parade.actors}
    assert ("Kim Jong Un", "agent") in roles
    assert {("Sergei Shoigu", "participant"), ("Li Hongzhong", "participant")} <= roles
    assert set(parade.weapons) >= {"Hwasong-17", "Hwasong-18"}


def test_launch_and_security_council_block(seed_events: list[ExtractedEvent]) -> None:
    launch = next(e for e in asserted_only(seed_events) if e.type == "launch")
    assert "Hwasong-18" in launch.weapons and _agents(launch) == {"PRK"}
    block = next(e for e in seed_events if e.type == "sanctions_vote")
    assert _agents(block) == {"RUS", "CHN"}
    assert block.attributes["outcome"] == "blocked"
    assert "PRK" in {a.country for a in block.actors if a.role == "target"}


def test_statements(seed_events: list[ExtractedEvent]) -> None:
    statements = [e for e in asserted_only(seed_events) if e.type == "statement"]
    assert len(statements) >= 7
    speakers = {a.name for e in statements for a in e.actors if a.role == "agent"}
    assert {"Vedant Patel", "Kang Sun Nam", "Vladimir Putin"} <= speakers
    # "He slammed ..." is Kang's, the last named speaker.
    slam = next(e for e in statements if e.sentence.startswith("He slammed"))
    assert [a.name for a in slam.actors if a.role == "agent"] == ["Kang Sun Nam"]


def test_traps_are_not_asserted(seed_events: list[ExtractedEvent]) -> None:
    gold = json.loads(SEED.read_text(encoding="utf-8"))
    for trap in gold["traps"]:
        assert not [
            e
            for e in asserted_only(seed_events)
            if trap["sentence"] in e.sentence and e.type != "statement"
        ], trap["why"]


def test_seed_scores_at_target(seed_events: list[ExtractedEvent]) -> None:
    articles = load_gold(SEED)
    result = score(articles, {"seed-parade": [e.to_dict() for e in asserted_only(seed_events)]})
    assert result["micro"]["f1"] >= 0.9
    assert result["agent_jaccard"] >= 0.9
    assert result["date_accuracy"] >= 0.9
    assert result["trap_hits"] == 0
    assert "micro" in format_report(result)


def test_evaluation_agrees_with_shared_scorer(
    seed_events: list[ExtractedEvent], tmp_path: Path
) -> None:
    # Feed both scorers the same predictions, including a duplicate, a wrong type and a trap hit.
    predictions = [e.to_dict() for e in seed_events]
    predictions.append(dict(predictions[0]))
    predictions.append({**predictions[1], "type": "military_exercise"})
    predictions.append(
        {
            "article_id": "seed-parade",
            "type": "statement",
            "actors": [],
            "sentence": "Kim did not address the parade",
            "date": None,
        }
    )
    preds_file = tmp_path / "preds.jsonl"
    preds_file.write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    expected = subprocess.run(
        [sys.executable, str(SCORE_PY), str(SEED), "--json", "--cmd", f"cat {preds_file}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ours = score(load_gold(SEED), {"seed-parade": predictions})
    theirs = json.loads(expected)
    # JSON turns tuples into lists; compare through the same round trip.
    assert json.loads(json.dumps(ours)) == theirs
    assert ours["trap_hits"] == 1
