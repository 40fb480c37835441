"""Score predicted events against gold articles with the rules of ``shared/eval/score.py``.

``eventwire evaluate`` uses this, so its numbers agree with the shared scorer: a prediction
matches a gold event of the same type whose sentence it overlaps (containment, or a common
substring of >= 60% of the gold sentence, or of any other sentence the gold event lists as a
mention of the same happening), one-to-one and greedily; a second prediction for an already
matched gold event is a duplicate and counts as a false positive; a false positive on a trap
sentence (of its type, when the trap names one) is a trap hit; optional gold events (pure
attributions) are neither required nor penalised; international bodies compare as IGO;
articles marked ``recall_only`` never count false positives.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

AGENT_ROLES = frozenset(
    {
        "agent",
        "speaker",
        "source",
        "voter",
        "voter_for",
        "voter_against",
        "host",
        "visitor",
        "actor",
    }
)
TARGET_ROLES = frozenset({"target", "recipient", "object"})


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a .json (one article) or .jsonl gold file; texts may sit beside it as ID.txt."""
    path = Path(path)
    if path.suffix == ".json":
        articles = [json.loads(path.read_text(encoding="utf-8"))]
    else:
        articles = [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    for article in articles:
        if "text" not in article:
            candidate = path.parent / ".cache" / f"{article['id']}.txt"
            if not candidate.exists() and path.name.endswith(".gold.json"):
                candidate = path.with_name(path.name[: -len(".gold.json")] + ".txt")
            article["text"] = candidate.read_text(encoding="utf-8")
        for item in article.get("events", []) + [
            t for t in article.get("traps", []) if isinstance(t, dict)
        ]:
            if "sentence" not in item and "span" in item:
                item["sentence"] = article["text"][item["span"][0] : item["span"][1]]
    return articles


def overlap(gold_sentence: str, predicted_sentence: str | None) -> bool:
    """True when the sentences are the same mention (the shared scorer's rule)."""
    gold, pred = gold_sentence.strip(), (predicted_sentence or "").strip()
    if not gold or not pred:
        return False
    if gold in pred or pred in gold:
        return True
    best, previous = 0, [0] * (len(pred) + 1)
    for i in range(1, len(gold) + 1):
        current = [0] * (len(pred) + 1)
        char = gold[i - 1]
        for j in range(1, len(pred) + 1):
            if char == pred[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best >= 0.6 * len(gold)


#: International bodies compare as one code, whichever convention a gold set or an extractor
#: uses (PLOVER writes IGO; others write UNO, NATO, EUR, ...): the shared scorer's list.
IGO_CODES = frozenset(
    {
        "IGO", "UNO", "UN", "NATO", "EUR", "EU", "IAEA", "OPCW", "NAM", "G7", "G20", "SCO",
        "ASEAN", "AU", "OAS", "OPEC", "WHO", "WTO", "IMF", "ICC", "ICJ", "BRICS", "GCC",
        "CSTO", "OSCE", "ARL", "AFU", "CIS", "EAEU", "APEC",
    }
)  # fmt: skip


def norm_code(code: str) -> str:
    """A country code upper-cased, with every international body folded into ``IGO``."""
    code = code.upper()
    return "IGO" if code in IGO_CODES else code


def gold_mentions(article: dict[str, Any], event: dict[str, Any]) -> list[str]:
    """Every sentence that reports a gold event's happening: its sentence, ``mentions`` and
    the text under its ``alt_spans``; a prediction on any of them matches the event."""
    text = article.get("text", "")
    return (
        [event["sentence"]]
        + list(event.get("mentions", []))
        + [text[start:end] for start, end in event.get("alt_spans", [])]
    )


def _countries(event: dict[str, Any], roles: frozenset[str]) -> set[str]:
    return {
        norm_code(a["country"])
        for a in event.get("actors") or []
        if (a.get("role") or "").lower() in roles and a.get("country")
    }


def _codes(codes: list[str]) -> set[str]:
    return {norm_code(c) for c in codes}


def _jaccard(a: set[str], b: set[str]) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def _trap_for(trap: str | dict[str, Any], kind: str, sentence: str | None) -> bool:
    """True when a prediction of type ``kind`` on ``sentence`` falls into ``trap`` (a trap
    with a ``type`` is a trap for that event type only)."""
    if isinstance(trap, str):
        return overlap(trap, sentence)
    return trap.get("type") in (None, kind) and overlap(trap["sentence"], sentence)


def score(
    articles: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Precision/recall/F1 per type and overall, agent/target Jaccard, date accuracy.

    Duplicates (a second prediction for a happening already matched) count as false
    positives and in their own ``dup`` column; optional gold events neither count for nor
    against; international bodies compare as ``IGO``.
    """
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    dup: dict[str, int] = defaultdict(int)
    agent_scores: list[float] = []
    target_scores: list[float] = []
    dates_ok = dates_n = 0
    misses: list[tuple[str, str, str]] = []
    false_positives: list[tuple[str, str, str]] = []
    trap_hits = 0
    for article in articles:
        gold = article.get("events", [])
        mentions = [gold_mentions(article, g) for g in gold]
        used = [False] * len(gold)
        article_id = str(article["id"])
        for event in predictions.get(article_id, []):
            kind: Any = event.get("type")
            sentence = event.get("sentence")
            candidates = [
                i
                for i, g in enumerate(gold)
                if g["type"] == kind and any(overlap(m, sentence) for m in mentions[i])
            ]
            free = [i for i in candidates if not used[i]]
            if free:
                index = free[0]
                used[index] = True
                g = gold[index]
                if g.get("optional"):
                    continue  # an attribution: neither required nor penalised
                tp[kind] += 1
                agent_scores.append(
                    _jaccard(_codes(g.get("agents", [])), _countries(event, AGENT_ROLES))
                )
                if g.get("targets"):
                    target_scores.append(
                        _jaccard(_codes(g["targets"]), _countries(event, TARGET_ROLES))
                    )
                if g.get("date"):
                    dates_n += 1
                    dates_ok += (event.get("date") or "")[:10] == g["date"]
            elif candidates:
                # One happening counted twice doubles what users see: a false positive too.
                dup[kind] += 1
                if not article.get("recall_only"):
                    fp[kind] += 1
                    false_positives.append(
                        (article_id, kind, "(duplicate) " + (sentence or "")[:108])
                    )
            elif article.get("recall_only"):
                continue
            else:
                fp[kind] += 1
                trap_hits += any(_trap_for(t, kind, sentence) for t in article.get("traps", []))
                false_positives.append((article_id, kind, (sentence or "")[:120]))
        for i, g in enumerate(gold):
            if not used[i] and not g.get("optional"):
                fn[g["type"]] += 1
                misses.append((article_id, g["type"], g["sentence"][:120]))
    per_type = {}
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_type[kind] = {
            "tp": tp[kind],
            "fp": fp[kind],
            "fn": fn[kind],
            "dup": dup[kind],
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
        }
    t, f_, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = t / (t + f_) if t + f_ else 0.0
    recall = t / (t + n) if t + n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "per_type": per_type,
        "micro": {
            "tp": t,
            "fp": f_,
            "fn": n,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        },
        "agent_jaccard": round(sum(agent_scores) / len(agent_scores), 3) if agent_scores else None,
        "target_jaccard": round(sum(target_scores) / len(target_scores), 3)
        if target_scores
        else None,
        "date_accuracy": round(dates_ok / dates_n, 3) if dates_n else None,
        "trap_hits": trap_hits,
        "misses": misses,
        "false_positives": false_positives,
    }


def format_report(result: dict[str, Any], show: int = 15) -> str:
    """The result as the text table ``score.py`` prints."""
    lines = [f"{'type':18} {'tp':>4} {'fp':>4} {'fn':>4} {'dup':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for kind, r in result["per_type"].items():
        lines.append(
            f"{kind:18} {r['tp']:4} {r['fp']:4} {r['fn']:4} {r['dup']:4} "
            f"{r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
        )
    for label, rows in (
        ("missed", result["misses"]),
        ("false positive", result["false_positives"]),
    ):
        lines.extend(f"  {label}: {a} {k}: {s}" for a, k, s in rows[:show])
    m = result["micro"]
    lines.append(
        f"agents {result['agent_jaccard']} targets {result['target_jaccard']} "
        f"dates {result['date_accuracy']} trap_hits {result['trap_hits']}"
    )
    lines.append(f"micro P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}")
    return "\n".join(lines)
