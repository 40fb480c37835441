"""`eventwire evaluate` scores exactly as ../shared/eval/score.py on the convention's hard cases:
mentions and alt_spans, optional events, typed traps, duplicates and IGO codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eventwire.evaluation import load_gold, score
from tests.conftest import REPO

SCORE_PY = REPO.parent / "shared" / "eval" / "score.py"

TEXT = (
    "North Korea fires missile\n"
    "SEOUL, May 2 (Yonhap) -- North Korea fired a ballistic missile into the sea on Thursday. "
    "The UN Security Council condemned the launch. "
    "The missile flew 650 km, the ministry said. "
    "Seoul plans a call with Tokyo, but a spokesman denied any rift. "
    "Kim did not attend."
)


def _span(fragment: str) -> list[int]:
    start = TEXT.index(fragment)
    return [start, start + len(fragment)]


GOLD: dict[str, Any] = {
    "id": "conv-1",
    "published": "2024-05-02",
    "text": TEXT,
    "events": [
        {
            "type": "launch",
            "sentence": "SEOUL, May 2 (Yonhap) -- North Korea fired a ballistic missile into the "
            "sea on Thursday.",
            "mentions": ["North Korea fires missile"],
            "agents": ["PRK"],
            "targets": [],
            "date": "2024-05-02",
        },
        {
            "type": "statement",
            "sentence": "The UN Security Council condemned the launch.",
            "agents": ["UNO"],
            "targets": ["PRK"],
            "date": "2024-05-02",
        },
        {
            "type": "statement",
            "sentence": "The missile flew 650 km, the ministry said.",
            "optional": True,
            "agents": ["KOR"],
            "targets": [],
        },
        {
            "type": "statement",
            "span": _span("a spokesman denied any rift"),
            "alt_spans": [_span("Kim did not attend.")],
            "agents": ["KOR"],
            "targets": [],
        },
    ],
    "traps": [
        {"sentence": "Seoul plans a call with Tokyo", "why": "planned", "type": "meeting"},
        "Kim did not attend.",
    ],
}


def _event(kind: str, sentence: str, *actors: tuple[str, str], date: str | None = None) -> dict:
    return {
        "article_id": "conv-1",
        "type": kind,
        "sentence": sentence,
        "date": date,
        "actors": [{"name": c, "country": c, "role": r} for c, r in actors],
    }


PREDICTIONS = [
    # The headline is a mention of the launch: a match, not a false positive.
    _event("launch", "North Korea fires missile", ("PRK", "agent"), date="2024-05-02"),
    # The lead is the same happening: a duplicate, which counts as a false positive.
    _event("launch", TEXT.split("\n")[1].split(". ")[0] + ".", ("PRK", "agent")),
    # IGO on one side, UNO on the other: the same body.
    _event("statement", "The UN Security Council condemned the launch.", ("IGO", "agent"),
           ("PRK", "target"), date="2024-05-02"),
    # An optional attribution: neither counted for nor against.
    _event("statement", "The missile flew 650 km, the ministry said.", ("KOR", "agent")),
    # A statement inside a meeting trap's sentence is not a trap hit (typed trap) ...
    _event("statement", "Seoul plans a call with Tokyo, but a spokesman denied any rift.",
           ("KOR", "agent")),
    # ... while a meeting there is.
    _event("meeting", "Seoul plans a call with Tokyo, but a spokesman denied any rift.",
           ("KOR", "agent"), ("JPN", "target")),
    # An untyped trap catches every type.
    _event("parade", "Kim did not attend.", ("PRK", "agent")),
]  # fmt: skip


@pytest.mark.skipif(not SCORE_PY.exists(), reason="shared scorer not beside the repository")
def test_evaluate_agrees_with_shared_scorer_on_the_convention(tmp_path: Path) -> None:
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text(json.dumps(GOLD) + "\n", encoding="utf-8")
    preds_file = tmp_path / "preds.jsonl"
    preds_file.write_text("".join(json.dumps(p) + "\n" for p in PREDICTIONS), encoding="utf-8")
    theirs = json.loads(
        subprocess.run(
            [sys.executable, str(SCORE_PY), str(gold_file), "--json", "--cmd", f"cat {preds_file}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ours = json.loads(json.dumps(score(load_gold(gold_file), {"conv-1": PREDICTIONS})))
    assert ours == theirs
    # What the convention says, checked on our side so a change to either is noticed.
    assert ours["per_type"]["launch"] == {
        "tp": 1, "fp": 1, "fn": 0, "dup": 1, "precision": 0.5, "recall": 1.0, "f1": 0.667,
    }  # fmt: skip
    assert ours["per_type"]["statement"]["tp"] == 2  # condemnation + denial (via its span)
    assert ours["per_type"]["statement"]["fp"] == 0  # the optional one is not counted
    assert ours["agent_jaccard"] == 1.0  # IGO == UNO
    assert ours["trap_hits"] == 2  # the meeting in the typed trap, the parade in the untyped
