"""B-cubed score of incident linking against gold incident ids (bench/incidents.py, tests).

Each gold event is matched to a stored event of its article with the shared scorer's rule
(same type; the sentences overlap on the sentence or any of its ``mentions``), each stored
event used once. B-cubed precision and recall are averaged over gold events:

- "all": every required gold event and every matched optional one; an **unmatched gold event
  counts as a singleton**: its own predicted cluster (precision 1) holding none of its gold
  cluster's other events (recall 1/|gold cluster|). Extraction misses thus lower recall.
- "matched": only matched gold events (the linker's own quality).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventwire.evaluation import gold_mentions, overlap


@dataclass(frozen=True)
class GoldMatch:
    """One required (or matched optional) gold event and the stored event it matched."""

    article: str
    gold_incident: str
    type: str
    #: The stored event's id and incident id; None when the extractor missed the event.
    event_id: int | None
    incident_id: int | None


def match_gold(
    gold_articles: Sequence[Mapping[str, Any]], events: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[GoldMatch]:
    """Match gold events to stored events (``{article external id: [{id, type, sentence,
    incident_id}, ...]}``); optional gold events are kept only when matched."""
    out: list[GoldMatch] = []
    for article in gold_articles:
        used: set[int] = set()
        for g in article["events"]:
            found = None
            sentences = gold_mentions(dict(article), dict(g))
            for e in events.get(article["id"], []):
                if e["id"] in used or e["type"] != g["type"]:
                    continue
                if any(overlap(s, e["sentence"]) for s in sentences):
                    used.add(e["id"])
                    found = e
                    break
            if g.get("optional") and found is None:
                continue
            out.append(
                GoldMatch(
                    article=article["id"],
                    gold_incident=g["incident"],
                    type=g["type"],
                    event_id=found["id"] if found else None,
                    incident_id=found["incident_id"] if found else None,
                )
            )
    return out


def b_cubed(matches: Sequence[GoldMatch]) -> dict[str, float]:
    """B-cubed P/R/F1 over ``matches``; an unmatched gold event is a singleton."""
    if not matches:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "events": 0}
    p = r = 0.0
    for i, m in enumerate(matches):
        gold = {j for j, o in enumerate(matches) if o.gold_incident == m.gold_incident}
        pred = {
            j
            for j, o in enumerate(matches)
            if m.incident_id is not None and o.incident_id == m.incident_id
        } or {i}
        both = len(gold & pred)
        p += both / len(pred)
        r += both / len(gold)
    p, r = p / len(matches), r / len(matches)
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "events": len(matches),
    }


def score(
    gold_articles: Sequence[Mapping[str, Any]], events: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, Any]:
    """Match gold events to stored events and score the incidents."""
    required = match_gold(gold_articles, events)
    matched = [m for m in required if m.event_id is not None]
    return {
        "all_unmatched_as_singletons": b_cubed(required),
        "matched_only": b_cubed(matched),
        "gold_events": len(required),
        "matched_events": len(matched),
        "incidents_gold_matched": len({m.gold_incident for m in matched}),
        "incidents_predicted_matched": len({m.incident_id for m in matched}),
    }
