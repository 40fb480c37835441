"""Fit and measure the extractor's confidence: which predictions are right, isotonic fits,
reliability tables, expected calibration error and AUC (plain Python, no scikit-learn).

``bench/calibrate.py`` uses these to write ``worker/extraction/data/calibration.json``; the
extractor only reads that file (``worker.extraction.calibration``).

"Right" is the scorer's notion (``eventwire.evaluation``, i.e. ``shared/eval/score.py``): a
prediction of the type of a gold event on one of its sentences (the sentence, ``mentions``,
``alt_spans``), matched one-to-one in article order. A second prediction for a matched
happening is wrong (a duplicate), as is any prediction on a negative article or a trap.
Predictions matched to an optional gold event (a pure attribution) and those of
``recall_only`` articles tell nothing about precision and are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventwire.evaluation import gold_mentions, overlap


def label_predictions(
    article: dict[str, Any], predictions: Sequence[dict[str, Any]]
) -> list[bool | None]:
    """For each prediction of one gold article: True (right), False (wrong) or None (tells
    nothing: matched an optional event, or the article only counts recall).

    Follows ``evaluation.score`` step by step, so the Trues are its true positives and the
    Falses its false positives.
    """
    if article.get("recall_only"):
        return [None] * len(predictions)
    gold = article.get("events", [])
    mentions = [gold_mentions(article, g) for g in gold]
    used = [False] * len(gold)
    labels: list[bool | None] = []
    for event in predictions:
        kind, sentence = event.get("type"), event.get("sentence")
        candidates = [
            i
            for i, g in enumerate(gold)
            if g["type"] == kind and any(overlap(m, sentence) for m in mentions[i])
        ]
        free = [i for i in candidates if not used[i]]
        if free:
            used[free[0]] = True
            labels.append(None if gold[free[0]].get("optional") else True)
        else:
            labels.append(False)  # a duplicate, a trap or an event the gold does not have
    return labels


@dataclass(frozen=True)
class Block:
    """A run of raw scores pooled by isotonic regression.

    Parameters:
      low, high: the lowest and highest raw score in the block.
      right: how many of its predictions were right.
      count: how many predictions it holds.
    """

    low: float
    high: float
    right: float
    count: float

    @property
    def rate(self) -> float:
        """The share of right predictions in the block."""
        return self.right / self.count


def _pool(a: Block, b: Block) -> Block:
    return Block(min(a.low, b.low), max(a.high, b.high), a.right + b.right, a.count + b.count)


def isotonic_blocks(scores: Sequence[float], labels: Sequence[bool]) -> list[Block]:
    """Pool-adjacent-violators: the non-decreasing step function closest (least squares) to
    the labels, as blocks of raw scores in increasing order. Equal scores share a block."""
    if len(scores) != len(labels) or not scores:
        raise ValueError("isotonic_blocks needs as many labels as scores, and at least one")
    by_score: dict[float, list[float]] = {}
    for score, label in zip(scores, labels):
        cell = by_score.setdefault(float(score), [0.0, 0.0])
        cell[0] += bool(label)
        cell[1] += 1
    stack: list[Block] = []
    for score in sorted(by_score):
        right, count = by_score[score]
        stack.append(Block(score, score, right, count))
        # Each pool can only lower the block before it, so one backward sweep per step keeps
        # the whole stack non-decreasing.
        while len(stack) > 1 and stack[-2].rate >= stack[-1].rate:
            last = stack.pop()
            stack[-1] = _pool(stack[-1], last)
    return stack


def merge_small_blocks(blocks: list[Block], min_count: int) -> list[Block]:
    """Pool blocks with fewer than ``min_count`` predictions into the neighbour nearest in
    rate: a rate measured on three events is noise. Pooling neighbours keeps the order."""
    blocks = list(blocks)
    while len(blocks) > 1:
        small = [i for i, b in enumerate(blocks) if b.count < min_count]
        if not small:
            break
        i = min(small, key=lambda k: blocks[k].count)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
        j = min(neighbours, key=lambda k: abs(blocks[k].rate - blocks[i].rate))
        first, second = min(i, j), max(i, j)
        blocks[first : second + 1] = [_pool(blocks[first], blocks[second])]
    return blocks


def fit_mapping(
    scores: Sequence[float],
    labels: Sequence[bool],
    *,
    min_count: int = 10,
    prior_strength: float = 2.0,
    prior: Callable[[float], float] | None = None,
) -> dict[str, Any]:
    """Fit a monotone mapping from raw scores to the probability of being right.

    Isotonic regression, blocks of fewer than ``min_count`` pooled, each block's rate pulled
    towards ``prior`` at the block's middle score (default: the overall rate) by
    ``prior_strength`` pseudo-predictions, so that a small pure block never says 0 or 1 and a
    type with few events stays near the global mapping. Returns the stored form: ``edges``
    (where each step starts: the first block's lowest score, then midpoints between blocks),
    ``values``, and each block's ``counts`` and ``right``.
    """
    overall = sum(bool(x) for x in labels) / len(labels) if labels else 0.0
    blocks = merge_small_blocks(isotonic_blocks(scores, labels), min_count)
    values: list[float] = []
    for block in blocks:
        base = prior((block.low + block.high) / 2) if prior is not None else overall
        value = (block.right + prior_strength * base) / (block.count + prior_strength)
        # Shrinking towards the prior can reorder two neighbours: keep the steps rising.
        values.append(max(value, values[-1]) if values else value)
    edges = [blocks[0].low] + [(a.high + b.low) / 2 for a, b in itertools.pairwise(blocks)]
    return {
        "edges": [round(e, 4) for e in edges],
        "values": [round(v, 3) for v in values],
        "counts": [int(b.count) for b in blocks],
        "right": [int(b.right) for b in blocks],
    }


def reliability_table(
    confidences: Sequence[float], labels: Sequence[bool], bins: int = 10
) -> list[dict[str, Any]]:
    """Per equal-width confidence bin ([0, 0.1), ..., [0.9, 1.0]): count, mean confidence and
    observed precision (None for an empty bin)."""
    cells: list[list[float]] = [[0, 0.0, 0] for _ in range(bins)]
    for confidence, label in zip(confidences, labels):
        index = min(int(confidence * bins), bins - 1)
        cells[index][0] += 1
        cells[index][1] += confidence
        cells[index][2] += bool(label)
    rows = []
    for index, (count, total, right) in enumerate(cells):
        rows.append(
            {
                "bin": f"{index / bins:.1f}-{(index + 1) / bins:.1f}",
                "count": int(count),
                "mean_confidence": round(total / count, 3) if count else None,
                "precision": round(right / count, 3) if count else None,
            }
        )
    return rows


def expected_calibration_error(
    confidences: Sequence[float], labels: Sequence[bool], bins: int = 10
) -> float:
    """Sum over the bins of the reliability table of (share of predictions) x |precision -
    mean confidence|: how far, on average, the confidence is from the observed rate."""
    total = len(confidences)
    if not total:
        return 0.0
    error = 0.0
    for index in range(bins):
        members = [
            (c, bool(y))
            for c, y in zip(confidences, labels)
            if min(int(c * bins), bins - 1) == index
        ]
        if members:
            mean = sum(c for c, _ in members) / len(members)
            rate = sum(y for _, y in members) / len(members)
            error += len(members) / total * abs(rate - mean)
    return round(error, 4)


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """The chance that a right prediction scores above a wrong one (ties count half); None
    when either class is empty. Mann-Whitney U over average ranks."""
    pairs = sorted(zip(scores, labels), key=lambda p: p[0])
    positives = sum(bool(y) for _, y in pairs)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += average_rank * sum(bool(y) for _, y in pairs[i:j])
        i = j
    u = rank_sum - positives * (positives + 1) / 2
    return round(u / (positives * negatives), 4)


def precision_at_least(
    confidences: Sequence[float], labels: Sequence[bool], threshold: float
) -> tuple[int, float | None]:
    """How many predictions score >= ``threshold`` and the share of them that are right."""
    chosen = [bool(y) for c, y in zip(confidences, labels) if c >= threshold]
    return len(chosen), (round(sum(chosen) / len(chosen), 3) if chosen else None)
