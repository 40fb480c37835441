"""``eventwire extract``: run the extractor directly on files (no queue, no database)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from common.errors import InputError
from eventwire.cli_support import iso_date
from eventwire.writers import write_table

if TYPE_CHECKING:  # spaCy's side is imported by run(): `--help` stays light
    from worker.extraction.types import ArticleText, ExtractedEvent
    from worker.inputs import InputArticle, Rejection

TABLE_COLUMNS = (
    "article_id",
    "type",
    "subtype",
    "date",
    "agents",
    "targets",
    "modality",
    "confidence",
    "sentence",
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "extract",
        help="print the events found in text files or a JSONL of articles",
        description=(
            "Run the extractor on .txt files, folders, a JSONL of articles "
            '({"id","text","published"} per line) or - (stdin) and print one event per line. '
            "Only asserted events are printed unless --all-modalities is given."
        ),
    )
    p.add_argument(
        "inputs",
        nargs="*",
        default=["-"],
        metavar="PATH",
        help="files, folders, JSONL or - (default: stdin)",
    )
    p.add_argument("--published", type=iso_date, help="publication date for inputs without one")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    p.add_argument(
        "--all-modalities",
        action="store_true",
        help="also print negated, hypothetical, planned and capability events",
    )
    p.add_argument("--model", help="spaCy pipeline to use (default: EVENTWIRE_SPACY_MODEL)")
    p.set_defaults(handler=run)


def article_texts(
    results: Iterator[InputArticle | Rejection], rejected: list[Rejection]
) -> Iterator[ArticleText]:
    """Turn read inputs into extractor inputs; the id is the input's own id or its origin."""
    from worker.extraction.types import ArticleText
    from worker.inputs import Rejection

    for item in results:
        if isinstance(item, Rejection):
            rejected.append(item)
            print(f"rejected {item.origin}: {item.reason}", file=sys.stderr)
            continue
        yield ArticleText(
            id=item.external_id or item.origin, text=item.text, published=item.published
        )


def _table_row(event: ExtractedEvent) -> dict[str, object]:
    row = event.to_dict()
    row["agents"] = [f"{a.name} ({a.country})" for a in event.actors if a.role == "agent"]
    row["targets"] = [f"{a.name} ({a.country})" for a in event.actors if a.role == "target"]
    return row


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from common.settings import get_settings
    from worker.inputs import ReadOptions, read_inputs
    from worker.processing import get_extractor

    settings = get_settings()
    extractor = get_extractor(
        args.model or settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths
    )
    options = ReadOptions(
        published=args.published,
        max_chars=settings.max_article_chars,
        fetch_private_addresses=settings.fetch_private_addresses,
    )
    rejected: list[Rejection] = []
    texts = article_texts(read_inputs(args.inputs, options), rejected)
    rows: list[dict[str, object]] = []
    articles = 0
    for _article, events in extractor.extract_many(texts, batch_size=settings.batch_size):
        articles += 1
        for event in events:
            if event.modality != "asserted" and not args.all_modalities:
                continue
            if args.format == "jsonl":
                sys.stdout.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
            else:
                rows.append(_table_row(event))
    if args.format == "table":
        write_table(rows, TABLE_COLUMNS)
    if articles == 0 and rejected:
        raise InputError("no article could be read (reasons above)")
    return 0
