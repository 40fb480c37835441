"""The calibrated confidence: the committed mapping is a monotone probability, a broken
calibration file stops the extractor with its name, and events carry the mapped values."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from common.errors import ConfigurationError
from tests.conftest import REPO
from worker.extraction import ArticleText, Extractor
from worker.extraction.calibration import (
    StepMapping,
    load_calibration,
)

GRID = [i / 200 for i in range(201)]


def _mappings() -> dict[str, StepMapping]:
    calibration = load_calibration()
    return {"global": calibration.global_mapping, **calibration.per_type}


def test_committed_mapping_is_monotone_and_within_unit_interval() -> None:
    mappings = _mappings()
    assert "global" in mappings and len(mappings) > 1  # statements have their own
    for name, mapping in mappings.items():
        values = [mapping(x) for x in GRID]
        assert all(0.0 <= v <= 1.0 for v in values), name
        assert all(b >= a for a, b in itertools.pairwise(values)), name
        assert values[-1] > values[0], f"{name}: a flat mapping ranks nothing"


def test_committed_calibration_is_the_current_extractors() -> None:
    # After a rule change: `python bench/calibrate.py` re-fits (about a minute).
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "calibrate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


GOOD = {"edges": [0.0, 0.5], "values": [0.2, 0.7]}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ({"types": {}}, "no 'global' mapping"),
        ({"global": {"edges": [0.0, 0.5], "values": [0.2]}}, "2 edges but 1 values"),
        ({"global": {"edges": [0.5, 0.5], "values": [0.2, 0.3]}}, "strictly increasing"),
        ({"global": {"edges": [0.0, 0.5], "values": [0.7, 0.2]}}, "must not decrease"),
        ({"global": {"edges": [0.0, 0.5], "values": [0.2, 1.5]}}, r"within \[0, 1\]"),
        ({"global": {"edges": [], "values": []}}, "non-empty lists"),
        ({"global": {"edges": ["a"], "values": [0.2]}}, "must be numbers"),
        ({"global": GOOD, "types": {"launch": [0.1]}}, r"types\.launch"),
    ],
)
def test_malformed_calibration_is_refused_with_its_name(
    tmp_path: Path, content: object, problem: str
) -> None:
    path = _write(tmp_path / "calibration.json", content)
    with pytest.raises(ConfigurationError, match=problem) as info:
        load_calibration(path)
    assert str(path) in str(info.value) and "bench/calibrate.py" in str(info.value)


def test_missing_calibration_stops_the_extractor_before_loading_spacy(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(ConfigurationError, match=r"nowhere\.json is missing"):
        Extractor(model="no_such_pipeline", calibration=missing)


def test_a_rewritten_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.json", {"global": GOOD})
    assert load_calibration(path)("launch", 0.6) == 0.7
    _write(path, {"global": {"edges": [0.0], "values": [0.4]}})
    # A different size guarantees a different stat even on coarse mtime clocks.
    assert load_calibration(path)("launch", 0.6) == 0.4


def test_step_mapping_reads_its_edges() -> None:
    mapping = StepMapping((0.2, 0.5, 0.8), (0.1, 0.4, 0.9))
    assert [mapping(x) for x in (0.0, 0.2, 0.49, 0.5, 0.79, 0.8, 1.0)] == [
        0.1, 0.1, 0.1, 0.4, 0.4, 0.9, 0.9,
    ]  # fmt: skip


SEED = REPO.parent / "shared" / "seed" / "parade-article.txt"


def test_events_carry_the_mapped_confidence(tmp_path: Path) -> None:
    """A fake mapping: statements by their own steps, every other type by the global ones."""
    fake = {
        "extractor_version": "test",
        "global": {"edges": [0.0, 0.6, 0.8], "values": [0.11, 0.44, 0.77]},
        "types": {"statement": {"edges": [0.0, 0.7], "values": [0.22, 0.66]}},
    }
    path = _write(tmp_path / "calibration.json", fake)
    extractor = Extractor(calibration=path)
    text = SEED.read_text(encoding="utf-8")
    events = extractor.extract(ArticleText("seed", text, None))
    assert {e.type for e in events} >= {"statement", "parade"}
    for event in events:
        raw = event.attributes["raw_confidence"]
        if event.type == "statement":
            expected = 0.66 if raw >= 0.7 else 0.22
        else:
            expected = 0.77 if raw >= 0.8 else (0.44 if raw >= 0.6 else 0.11)
        assert event.confidence == expected, (event.type, raw)
    raw_events = Extractor(calibrate=False).extract(ArticleText("seed", text, None))
    assert [e.confidence for e in raw_events] == [e.attributes["raw_confidence"] for e in events]
    assert all("raw_confidence" not in e.attributes for e in raw_events)
