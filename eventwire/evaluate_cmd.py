"""``eventwire evaluate``: score the extractor on gold files (the ../shared/eval format)."""

from __future__ import annotations

import argparse
import json
from datetime import date

from common.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "evaluate",
        help="precision/recall/F1 per type, actor and date accuracy on gold files",
        description=(
            "Run the extractor on gold-annotated articles (.gold.json or .jsonl in the format "
            "of shared/eval) and score it with the same rules as shared/eval/score.py."
        ),
    )
    p.add_argument("gold", nargs="+", metavar="GOLD", help=".json/.gold.json/.jsonl gold files")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--show", type=int, default=15, help="misses and false positives to list")
    p.add_argument("--model", help="spaCy pipeline to use (default: EVENTWIRE_SPACY_MODEL)")
    p.set_defaults(handler=run)


def _published(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from common.settings import get_settings
    from eventwire.evaluation import format_report, load_gold, score
    from worker.extraction.types import ArticleText
    from worker.processing import get_extractor

    articles: list[dict] = []
    for path in args.gold:
        try:
            articles.extend(load_gold(path))
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"cannot read gold file {path}: {exc}") from None
    settings = get_settings()
    extractor = get_extractor(
        args.model or settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths
    )
    texts = [
        ArticleText(id=str(a["id"]), text=a["text"], published=_published(a.get("published")))
        for a in articles
    ]
    predictions: dict[str, list[dict]] = {}
    for article, events in extractor.extract_many(texts, batch_size=settings.batch_size):
        predictions[article.id] = [e.to_dict() for e in events if e.modality == "asserted"]
    result = score(articles, predictions)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(format_report(result, show=args.show))
    return 0
