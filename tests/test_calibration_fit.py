"""Fitting the confidence (eventwire.calibration): right/wrong labels follow the scorer, the
isotonic fit recovers a known calibration, and the measures (ECE, AUC, reliability) are right
on cases worked by hand."""

from __future__ import annotations

import random
from typing import Any

import pytest

from eventwire.calibration import (
    expected_calibration_error,
    fit_mapping,
    isotonic_blocks,
    label_predictions,
    merge_small_blocks,
    precision_at_least,
    reliability_table,
    roc_auc,
)
from eventwire.evaluation import score
from worker.extraction.calibration import parse_mapping

TEXT = (
    "Russia and China meet\n"
    "Putin met Xi in Moscow on Monday. "
    "The two leaders held talks on trade. "
    "The Kremlin said the talks lasted three hours. "
    "Beijing condemned the sanctions. "
    "The club's parade drew crowds."
)

ARTICLE: dict[str, Any] = {
    "id": "a1",
    "text": TEXT,
    "events": [
        {
            "type": "meeting",
            "sentence": "Putin met Xi in Moscow on Monday.",
            "mentions": ["Russia and China meet"],
        },
        {
            "type": "statement",
            "sentence": "The Kremlin said the talks lasted three hours.",
            "optional": True,
        },
        {"type": "statement", "sentence": "Beijing condemned the sanctions."},
    ],
    "traps": [{"sentence": "The club's parade drew crowds.", "type": "parade"}],
}


def _event(kind: str, sentence: str) -> dict[str, Any]:
    return {"type": kind, "sentence": sentence, "actors": [], "confidence": 0.5}


PREDICTIONS = [
    _event("meeting", "Russia and China meet"),  # the headline: a mention of the meeting
    _event("meeting", "The two leaders held talks on trade."),  # the same happening again
    _event("statement", "The Kremlin said the talks lasted three hours."),  # optional
    _event("meeting", "Beijing condemned the sanctions."),  # wrong type
    _event("statement", "Beijing condemned the sanctions."),
    _event("parade", "The club's parade drew crowds."),  # a trap
]


def test_labels_follow_the_scorer() -> None:
    labels = label_predictions(ARTICLE, PREDICTIONS)
    assert labels == [True, False, None, False, True, False]
    micro = score([ARTICLE], {"a1": PREDICTIONS})["micro"]
    assert (micro["tp"], micro["fp"]) == (labels.count(True), labels.count(False))


def test_recall_only_articles_say_nothing_about_precision() -> None:
    assert label_predictions({**ARTICLE, "recall_only": True}, PREDICTIONS) == [None] * 6


def test_pool_adjacent_violators_on_a_worked_example() -> None:
    blocks = isotonic_blocks([0.1, 0.2, 0.3, 0.4, 0.4], [True, False, True, True, False])
    # 0.1 (1/1) and 0.2 (0/1) violate the order and pool to 1/2; 0.3 (1/1) and 0.4 (1/2)
    # pool to 2/3, above 1/2.
    assert [(b.low, b.high, b.right, b.count) for b in blocks] == [
        (0.1, 0.2, 1, 2),
        (0.3, 0.4, 2, 3),
    ]
    assert [b.count for b in merge_small_blocks(blocks, 3)] == [5]


def _synthetic(truth: Any, n: int, seed: int) -> tuple[list[float], list[bool]]:
    rng = random.Random(seed)
    scores = [round(rng.random(), 3) for _ in range(n)]
    return scores, [rng.random() < truth(s) for s in scores]


@pytest.mark.parametrize(
    "truth",
    [
        lambda x: 0.1 + 0.8 * x,  # a linear calibration
        lambda x: 0.25 if x < 0.5 else 0.85,  # a step
        lambda x: 0.5 + 0.45 * x**3,  # flat, then steep
    ],
)
def test_fit_recovers_a_known_calibration(truth: Any) -> None:
    scores, labels = _synthetic(truth, 6000, seed=7)
    mapping = parse_mapping(fit_mapping(scores, labels), "the synthetic fit")
    grid = [i / 20 for i in range(1, 20) if abs(i / 20 - 0.5) > 0.06]  # off the step's edge
    errors = [abs(mapping(x) - truth(x)) for x in grid]
    assert max(errors) < 0.1, errors
    assert sum(errors) / len(errors) < 0.04
    assert expected_calibration_error([mapping(s) for s in scores], labels) < 0.03


def test_fit_is_monotone_and_never_certain_on_few_events() -> None:
    fitted = fit_mapping([0.1, 0.2, 0.3, 0.9, 0.95], [False, False, False, True, True])
    values = fitted["values"]
    assert values == sorted(values) and values[0] > 0.0 and values[-1] < 1.0
    assert sum(fitted["counts"]) == 5 and sum(fitted["right"]) == 2


def test_a_prior_mapping_pulls_small_types_towards_it() -> None:
    own = fit_mapping([0.5] * 10, [True] * 10, prior=lambda x: 0.5, prior_strength=10)
    assert own["values"] == [0.75]  # (10 right + 10 x 0.5) / 20


def test_expected_calibration_error_by_hand() -> None:
    assert expected_calibration_error([0.9] * 10, [True] * 9 + [False]) == 0.0
    assert expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) == 0.4
    # Two bins, half the predictions each: (0.5 x |1 - 0.7| + 0.5 x |0 - 0.2|).
    assert expected_calibration_error([0.7, 0.2], [True, False]) == 0.25


def test_reliability_table_bins_and_precision_at_threshold() -> None:
    confidences = [0.05, 0.85, 0.85, 0.95, 1.0]
    labels = [False, True, False, True, True]
    rows = reliability_table(confidences, labels)
    assert [r["count"] for r in rows] == [1, 0, 0, 0, 0, 0, 0, 0, 2, 2]
    assert rows[8]["precision"] == 0.5 and rows[9]["mean_confidence"] == 0.975
    assert rows[1]["precision"] is None
    assert precision_at_least(confidences, labels, 0.8) == (4, 0.75)


def test_roc_auc() -> None:
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [True, True, False, False]) == 0.0
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [True, False, True, False]) == 0.5
    assert roc_auc([0.3, 0.6, 0.6], [False, True, False]) == 0.75
    assert roc_auc([0.3], [True]) is None
