"""Fit the page-topic model (is a page about world affairs at all?) on the news dev split.

    python bench/fit_page_topic.py           # fit, cross-validate, write the model
    python bench/fit_page_topic.py --check   # is the committed model what the dev split gives?

Pages are the news dev split's articles (a page with no event at all is off topic, one with
events is on topic) and the sample gold articles (all on topic). The threshold is read off a
5-fold cross-validation on the dev split (folds by the SHA-256 of the article id): the
highest score any on-topic page gets from a model that did not see it, plus ``--margin``
nats, so that the model only removes events from pages far from every page with events.
The test split is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extraction.page_topic import (  # noqa: E402
    DEFAULT_PAGE_TOPIC_PATH,
    PageTopic,
    fit_page_topic,
)

DEV = ROOT / "data" / "gold" / "news" / "dev.jsonl"
SAMPLE = ROOT / "data" / "gold" / "sample-gold.jsonl"


def _pages(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _labelled(articles: list[dict]) -> list[tuple[str, bool]]:
    return [(a["text"], not a.get("events")) for a in articles]


def cross_validate(articles: list[dict], folds: int = 5) -> list[tuple[float, bool, str]]:
    """(score, off topic, id) of every dev page, each from a model fitted without its fold."""
    ordered = sorted(articles, key=lambda a: hashlib.sha256(a["id"].encode()).hexdigest())
    scored = []
    for fold in range(folds):
        held = [a for i, a in enumerate(ordered) if i % folds == fold]
        seen = [a for i, a in enumerate(ordered) if i % folds != fold]
        prior, weights = fit_page_topic(_labelled(seen))
        model = PageTopic(prior, weights, threshold=0.0)
        scored += [(model.score(a["text"]), not a.get("events"), a["id"]) for a in held]
    return scored


def build(margin: float) -> tuple[dict, list[tuple[float, bool, str]]]:
    """The model file's content and the cross-validated dev scores."""
    dev = _pages(DEV)
    sample = _pages(SAMPLE)
    scored = cross_validate(dev)
    highest_on_topic = max(s for s, off, _ in scored if not off)
    prior, weights = fit_page_topic(_labelled(dev + sample))
    model = {
        "fitted_on": "data/gold/news/dev.jsonl + data/gold/sample-gold.jsonl",
        "pages": len(dev) + len(sample),
        "threshold": round(highest_on_topic + margin, 3),
        "margin": margin,
        "prior": prior,
        "weights": weights,
    }
    return model, scored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--margin", type=float, default=10.0, help="nats above the highest on-topic dev page"
    )
    parser.add_argument("--check", action="store_true", help="compare with the committed model")
    parser.add_argument("--out", type=Path, default=DEFAULT_PAGE_TOPIC_PATH)
    args = parser.parse_args()
    model, scored = build(args.margin)
    if args.check:
        committed = json.loads(args.out.read_text(encoding="utf-8"))
        committed.pop("fitted", None)
        if committed != model:
            print(f"{args.out} is not what the dev split gives; run python bench/fit_page_topic.py")
            return 1
        print(f"{args.out} is up to date")
        return 0
    threshold = model["threshold"]
    off = [s for s, o, _ in scored if o]
    on = [s for s, o, _ in scored if not o]
    print(f"5-fold cross-validation on {len(scored)} dev pages ({len(off)} with no event):")
    print(f"  highest on-topic page {max(on):.1f}; threshold {threshold:.1f} (+{args.margin} nats)")
    caught = sum(s > threshold for s in off)
    print(f"  pages with no event above the threshold: {caught} of {len(off)}")
    print(f"  pages with events above the threshold: {sum(s > threshold for s in on)} of {len(on)}")
    args.out.write_text(
        json.dumps({"fitted": date.today().isoformat(), **model}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out} ({len(model['weights'])} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
