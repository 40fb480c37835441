"""Fit the extractor's confidence on the news dev split and report how well it holds on test.

    python bench/calibrate.py            # extract dev + test (~1 min), fit, write the three files
    python bench/calibrate.py --check    # is the committed calibration the current extractor's?

1. Runs the extractor with raw scores (``Extractor(calibrate=False)``) on
   data/gold/news/dev.jsonl, labels every asserted prediction right or wrong with the scorer's
   rules (``eventwire.calibration.label_predictions``; the counts are checked against
   ``eventwire.evaluation.score``), and fits isotonic mappings: one per event type with at
   least ``--min-type-events`` labelled dev predictions, a global one for every other type
   (the raw score already carries each type's base, so the global fit keeps a type feature).
2. Writes the mapping as data to worker/extraction/data/calibration.json, with the date, the
   extractor version, a fingerprint of the extraction code and data, and the dev counts.
3. Applies it to dev and to test (data/gold/news/test.jsonl: totals only, never a single test
   error) and writes the reliability tables, ECE, AUC and precision at >= 0.8 to
   bench/results/calibration.json and into docs/extraction.md ("Confidence").

Only the dev split is ever fitted on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventwire.calibration import (  # noqa: E402
    expected_calibration_error,
    fit_mapping,
    label_predictions,
    precision_at_least,
    reliability_table,
    roc_auc,
)
from eventwire.evaluation import load_gold, score  # noqa: E402
from worker.extraction import EXTRACTOR_VERSION  # noqa: E402
from worker.extraction.calibration import (  # noqa: E402
    DEFAULT_CALIBRATION_PATH,
    load_calibration,
    parse_calibration,
    parse_mapping,
)

DEV = ROOT / "data" / "gold" / "news" / "dev.jsonl"
TEST = ROOT / "data" / "gold" / "news" / "test.jsonl"
RESULTS = ROOT / "bench" / "results" / "calibration.json"
DOCS = ROOT / "docs" / "extraction.md"
EXTRACTION = ROOT / "worker" / "extraction"
DOCS_BEGIN = "<!-- calibration table: written by bench/calibrate.py -->"
DOCS_END = "<!-- end of calibration table -->"
THRESHOLD = 0.8
#: How many pseudo-predictions at the global mapping's rate each per-type block carries.
TYPE_PRIOR_STRENGTH = 10.0


def rules_fingerprint() -> str:
    """SHA-256 over the extraction package's code and data (not the calibration itself): any
    change to rules, vocabulary, gazetteers or the raw score changes it."""
    digest = hashlib.sha256()
    for path in sorted(EXTRACTION.rglob("*")):
        if (
            path.is_file()
            and path.suffix in {".py", ".json", ".jsonl", ".csv", ".txt"}
            and "__pycache__" not in path.parts
            and path.resolve() != DEFAULT_CALIBRATION_PATH
        ):
            digest.update(path.relative_to(EXTRACTION).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _published(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def predict(extractor: Any, articles: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Asserted predictions (as ``extract`` JSON) per article id, in the extractor's order."""
    from worker.extraction.types import ArticleText

    texts = [
        ArticleText(id=str(a["id"]), text=a["text"], published=_published(a.get("published")))
        for a in articles
    ]
    return {
        article.id: [e.to_dict() for e in events if e.modality == "asserted"]
        for article, events in extractor.extract_many(texts)
    }


def labelled(
    articles: list[dict[str, Any]],
    predictions: dict[str, list[dict[str, Any]]],
    article_of: list[str] | None = None,
) -> list[tuple[str, float, bool]]:
    """(type, raw score, right) of every prediction that counts; checked against ``score``.

    ``article_of``, when given, receives each row's article id (for cross-validation).
    """
    rows: list[tuple[str, float, bool]] = []
    for article in articles:
        events = predictions.get(str(article["id"]), [])
        for event, label in zip(events, label_predictions(article, events)):
            if label is not None:
                rows.append((event["type"], float(event["confidence"]), label))
                if article_of is not None:
                    article_of.append(str(article["id"]))
    micro = score([a for a in articles if not a.get("recall_only")], predictions)["micro"]
    right = sum(1 for *_, y in rows if y)
    if (right, len(rows) - right) != (micro["tp"], micro["fp"]):
        raise SystemExit(
            f"labels disagree with the scorer: {right} right / {len(rows) - right} wrong, "
            f"score() says tp {micro['tp']} fp {micro['fp']}; fix eventwire/calibration.py"
        )
    return rows


def fit(rows: list[tuple[str, float, bool]], min_type_events: int) -> dict[str, Any]:
    """The calibration file's content (without date and fingerprint).

    A global mapping over every type, then one per type with ``min_type_events`` dev
    predictions, each block pulled towards the global mapping by TYPE_PRIOR_STRENGTH
    pseudo-predictions: a type with few dev events keeps close to the global fit, one with
    many follows its own rates (a parade at raw 0.8 is not a statement at raw 0.8).
    """
    scores = [s for _, s, _ in rows]
    labels = [y for *_, y in rows]
    mapping = fit_mapping(scores, labels)
    global_mapping = parse_mapping(mapping, "the global fit")
    types: dict[str, Any] = {}
    counts: dict[str, dict[str, int]] = {}
    for kind in sorted({k for k, _, _ in rows}):
        mine = [(s, y) for k, s, y in rows if k == kind]
        counts[kind] = {"predictions": len(mine), "right": sum(y for _, y in mine)}
        if len(mine) >= min_type_events:
            own = fit_mapping(
                [s for s, _ in mine],
                [y for _, y in mine],
                prior=global_mapping,
                prior_strength=TYPE_PRIOR_STRENGTH,
            )
            # A flat fit (every block pooled into one rate) ranks nothing: the global
            # mapping, which still orders the type's scores, serves it better.
            if len(set(own["values"])) > 1:
                types[kind] = own
    return {
        "method": (
            "isotonic regression (pool-adjacent-violators) of right/wrong on the raw score; "
            "blocks < 10 predictions pooled; global blocks shrunk by 2 pseudo-predictions "
            "towards the overall rate; a type with >= "
            f"{min_type_events} dev predictions gets its own mapping, shrunk by "
            f"{TYPE_PRIOR_STRENGTH:g} pseudo-predictions towards the global one unless that fit "
            "is flat; other types use the global one"
        ),
        "split": "data/gold/news/dev.jsonl",
        "dev_counts": {
            "predictions": len(rows),
            "right": sum(labels),
            "precision": round(sum(labels) / len(labels), 3),
            "per_type": counts,
        },
        "global": mapping,
        "types": types,
    }


def measure(rows: list[tuple[str, float, bool]], calibration: Any) -> dict[str, Any]:
    """Reliability table, ECE, AUC and precision at >= THRESHOLD of calibrated confidences."""
    raw = [s for _, s, _ in rows]
    confidences = [calibration(k, s) for k, s, _ in rows]
    labels = [y for *_, y in rows]
    count, precision = precision_at_least(confidences, labels, THRESHOLD)
    return {
        "predictions": len(rows),
        "right": sum(labels),
        "auc_raw": roc_auc(raw, labels),
        "auc_calibrated": roc_auc(confidences, labels),
        "ece": expected_calibration_error(confidences, labels),
        "ece_raw": expected_calibration_error(raw, labels),
        f"at_least_{THRESHOLD}": {"count": count, "precision": precision},
        "reliability": reliability_table(confidences, labels),
    }


def cross_validated_ece(
    rows: list[tuple[str, float, bool]], article_of: list[str], min_type_events: int, folds: int = 5
) -> float:
    """ECE of dev predictions each scored by a fit on the other folds (articles split by the
    SHA-256 of their id): what the fit is worth on dev articles it has not seen."""
    fold_of = {a: int(hashlib.sha256(a.encode()).hexdigest(), 16) % folds for a in set(article_of)}
    confidences: list[float] = []
    labels: list[bool] = []
    for fold in range(folds):
        train = [r for r, a in zip(rows, article_of) if fold_of[a] != fold]
        held = [r for r, a in zip(rows, article_of) if fold_of[a] == fold]
        if not train or not held:
            continue
        calibration = parse_calibration(fit(train, min_type_events), f"fold {fold}")
        confidences += [calibration(k, s) for k, s, _ in held]
        labels += [y for *_, y in held]
    return expected_calibration_error(confidences, labels)


def docs_block(report: dict[str, Any]) -> str:
    """The Markdown written between the markers of docs/extraction.md."""
    dev, test = report["dev"], report.get("test")
    lines = [
        DOCS_BEGIN,
        "",
        f"Fitted {report['fitted']} for EXTRACTOR_VERSION {report['extractor_version']} on "
        f"{dev['predictions']} asserted dev predictions ({dev['right']} right).",
        "",
        "| confidence | dev count | dev mean confidence | dev precision |"
        + (" test count | test precision |" if test else ""),
        "|---|---|---|---|" + ("---|---|" if test else ""),
    ]
    for i, row in enumerate(dev["reliability"]):
        cells = [
            row["bin"],
            str(row["count"]),
            _fmt(row["mean_confidence"]),
            _fmt(row["precision"]),
        ]
        if test:
            other = test["reliability"][i]
            cells += [str(other["count"]), _fmt(other["precision"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for name, part in (("dev", dev), ("test", test)):
        if part is None:
            continue
        top = part[f"at_least_{THRESHOLD}"]
        cv = part.get("ece_cross_validated")
        cv_text = f", 5-fold cross-validated {cv:.3f}" if cv is not None else ""
        lines.append(
            f"- {name}: ECE {part['ece']:.3f}{cv_text} (raw score {part['ece_raw']:.3f}); AUC "
            f"{_fmt(part['auc_raw'])}; events scored >= {THRESHOLD}: {top['count']}, "
            f"right {_fmt(top['precision'])}"
        )
    lines += ["", DOCS_END]
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def write_docs(block: str) -> None:
    """Replace the table between the markers of docs/extraction.md (both must be there)."""
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if start < 0 or end < start:
        raise SystemExit(f"{DOCS}: calibration markers not found; put them back in 'Confidence'")
    DOCS.write_text(text[:start] + block + text[end + len(DOCS_END) :], encoding="utf-8")


def check(path: Path) -> int:
    """Exit status 0 when ``path`` is valid and fitted for the current extractor."""
    calibration = load_calibration(path)  # raises on a missing or malformed file
    data = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if calibration.extractor_version != EXTRACTOR_VERSION:
        problems.append(
            f"fitted for extractor {calibration.extractor_version}, now {EXTRACTOR_VERSION}"
        )
    if data.get("rules_fingerprint") != rules_fingerprint():
        problems.append("the extraction rules, data or raw score changed since the fit")
    if problems:
        print(f"{path}: stale ({'; '.join(problems)}); run python bench/calibrate.py")
        return 1
    print(f"{path}: fitted {data.get('fitted')} for extractor {EXTRACTOR_VERSION}, current")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Fit, write and report (or only ``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only verify the committed file")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--test", type=Path, default=TEST)
    parser.add_argument("--no-test", action="store_true", help="skip measuring on test")
    parser.add_argument("--out", type=Path, default=DEFAULT_CALIBRATION_PATH)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-docs", action="store_true", help="leave docs/extraction.md alone")
    parser.add_argument("--min-type-events", type=int, default=40)
    args = parser.parse_args(argv)
    if args.check:
        return check(args.out)

    from worker.extraction import Extractor

    extractor = Extractor(calibrate=False)
    dev_articles = load_gold(args.dev)
    dev_ids: list[str] = []
    dev_rows = labelled(dev_articles, predict(extractor, dev_articles), dev_ids)
    content = fit(dev_rows, args.min_type_events)
    stored = {
        "fitted": date.today().isoformat(),
        "extractor_version": EXTRACTOR_VERSION,
        "rules_fingerprint": rules_fingerprint(),
        "spacy_model": extractor.model,
        **content,
    }
    calibration = parse_calibration(stored, "the new fit")  # the same checks as at load
    report: dict[str, Any] = {
        "fitted": stored["fitted"],
        "extractor_version": EXTRACTOR_VERSION,
        "dev": measure(dev_rows, calibration),
    }
    report["dev"]["ece_cross_validated"] = cross_validated_ece(
        dev_rows, dev_ids, args.min_type_events
    )
    if not args.no_test:
        test_articles = load_gold(args.test)
        # Totals only: the test split is measured, never read for errors.
        report["test"] = measure(
            labelled(test_articles, predict(extractor, test_articles)), calibration
        )
    args.out.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    block = docs_block(report)
    if not args.no_docs:
        write_docs(block)
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
