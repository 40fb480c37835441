"""What incident linking costs the worker, measured on the step it adds to: storing events.

    python bench/link_cost.py --articles 1000 --repeat 3 [--cache FILE] [--postgres ADMIN_URL]
        [--scratch-prefix NAME] [--json OUT] [--shuffle SEED] [--dump FILE] [--profile FILE]

The corpus is bench/make_corpus.py's (seed 7, as bench/throughput.py). Its events are
extracted once (timed: what a worker spends in spaCy and the rules); then, ``--repeat``
rounds of two runs on fresh databases (SQLite as bench/throughput.py, or PostgreSQL)
holding the same articles: the worker's storing step (``models.repository.replace_events``
per batch of ``--batch-size`` articles, one transaction each, in corpus order) without
linking, and the same with linking (``worker.incidents.lock_for_batch`` and ``link_events``
in the same transaction, as ``worker.processing`` does). The median of each is kept.
Linking's share of worker time is then

    link / (extract + store + link)

which is what bench/throughput.py's ``full`` against ``nolink`` measures through Redis and
the worker processes, without their noise (queue waits, process start-up, polling). The
same share is also given in CPU time of this process (``*_cpu_s``, ``link_share_cpu``),
which other programs on a shared machine disturb less than wall time (on SQLite the
database work is in this process; on PostgreSQL the server's is not counted).

``--shuffle SEED`` stores the batches in a random order (the articles keep their ids).
``--dump FILE`` writes, after the last linked run, every incident as its row and its
events' canonical keys (ids left out), one JSON line each in key order, and checks the
rollups against their base tables: two dumps of the same corpus (another order, other
code) are equal when they made the same incidents. ``--profile FILE`` keeps a cProfile of
the last linked run's storing and linking (``python -m pstats FILE``). ``--phases`` prints
the CPU time of each step of linking in the last linked run (``phases_cpu_s``), over the
first and the second half of its batches: what grows with the store shows in the second.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate  # noqa: E402
from scratch_db import create_database, drop_database  # noqa: E402

from models import repository  # noqa: E402
from models.engine import make_engine, session_scope  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.records import EventRecord, NewArticle  # noqa: E402


def extract(records: list[dict[str, str]], batch_size: int) -> tuple[list[list[Any]], float, float]:
    """Events of every article as the worker stores them, and the seconds extraction took
    (wall, CPU)."""
    from common.settings import get_settings
    from worker.extraction import EXTRACTOR_VERSION, Extractor  # noqa: F401
    from worker.extraction.types import ArticleText
    from worker.records import to_event_record

    extractor = Extractor(get_settings().spacy_model)
    texts = [
        ArticleText(str(i), r["text"], date.fromisoformat(r["published"]))
        for i, r in enumerate(records)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    events: list[list[EventRecord]] = [[] for _ in records]
    for article, found in extractor.extract_many(texts, batch_size=batch_size):
        events[int(article.id)] = [to_event_record(e) for e in found]
    return events, time.perf_counter() - started, time.process_time() - cpu


def store(
    url: str,
    records: list[dict[str, str]],
    events: list[list[Any]],
    batch: int,
    link: bool,
    order: list[int] | None = None,
    profile: Any = None,
    phases: PhaseTimer | None = None,
) -> tuple[float, float]:
    """Store the articles, then time storing their events batch by batch (and linking), in
    corpus order or ``order`` (article positions): seconds of wall and of CPU time.
    ``profile`` (a cProfile.Profile) is enabled around each batch when given."""
    from worker.extraction import EXTRACTOR_VERSION
    from worker.incidents import store_batch

    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        added = repository.add_articles(
            session,
            articles=[
                NewArticle(text=r["text"], published=date.fromisoformat(r["published"]))
                for r in records
            ],
        )
    ids = [a.article_id for a in added]
    order = list(range(len(records))) if order is None else order
    seconds = cpu = 0.0
    for start in range(0, len(order), batch):
        results = [(ids[i], events[i]) for i in order[start : start + batch]]
        if phases is not None:
            phases.batches.append({})
            phases.active = True
        began, began_cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        with session_scope(engine) as session:
            store_batch(session, results, extractor_version=EXTRACTOR_VERSION, link=link)
        if profile is not None:
            profile.disable()
        seconds += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        if phases is not None:
            phases.active = False
    engine.dispose()
    return seconds, cpu


#: The steps of linking timed by ``--phases``: (module, name) as ``worker.incidents`` calls them.
PHASES = (
    ("worker.incidents", "place"),
    ("worker.incidents", "members"),
    ("worker.incidents", "cluster"),
    ("worker.incidents", "summarise"),
    ("models.incident_repository", "events_by_id"),
    ("models.incident_repository", "events_of_incidents"),
    ("models.incident_repository", "write_incidents"),
    ("models.incident_rollup", "refresh_incidents"),
    ("models.scope_rollup", "facts_by_event"),
    ("models.scope_rollup", "incident_counts"),
    ("models.scope_rollup", "incident_difference"),
    ("models.scope_rollup", "apply"),
    ("worker.incidents", "link_events"),
)


class PhaseTimer:
    """CPU seconds spent in each of :data:`PHASES`, per batch (the functions are wrapped
    where ``worker.incidents`` looks them up; a step called inside another, as
    ``events_by_id`` in ``place``, counts in both)."""

    def __init__(self) -> None:
        import importlib

        self.batches: list[dict[str, float]] = []
        #: Whether a batch is being stored (calls at other times, as ``dump``'s, not counted).
        self.active = False
        self._depth: dict[str, int] = {}
        for module_name, name in PHASES:
            module = importlib.import_module(module_name)
            setattr(module, name, self._wrap(name, getattr(module, name)))

    def _wrap(self, name: str, func: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get(name, 0)
            self._depth[name] = depth + 1
            began = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self._depth[name] = depth
                if depth == 0 and self.active:
                    spent = time.process_time() - began
                    self.batches[-1][name] = self.batches[-1].get(name, 0.0) + spent

        return timed

    def summary(self) -> dict[str, dict[str, float]]:
        """Seconds per phase over the first and the second half of the batches."""
        half = len(self.batches) // 2
        out: dict[str, dict[str, float]] = {}
        for label, part in (
            ("first_half", self.batches[:half]),
            ("second_half", self.batches[half:]),
        ):
            totals: dict[str, float] = {}
            for batch in part:
                for name, seconds in batch.items():
                    totals[name] = totals.get(name, 0.0) + seconds
            out[label] = {name: round(totals.get(name, 0.0), 3) for _, name in PHASES}
        return out


def dump(url: str, out: Path) -> int:
    """Write every incident (its row without the id, its events' canonical keys) as JSON
    lines in key order; fail when a rollup or a copied incident id disagrees with its base
    tables. Returns the number of incidents."""
    from sqlalchemy import select, text

    from models import event_countries, incident_rollup, scope_rollup
    from models.incident_repository import events_by_id
    from models.tables import Incident
    from worker.incidents import order_key

    engine = make_engine(url)
    with session_scope(engine) as session:
        for name, wrong in (
            ("incident rollup", incident_rollup.mismatches(session)),
            ("scope rollup", scope_rollup.mismatches(session)),
            ("event_country", any(event_countries.mismatches(session))),
        ):
            if wrong:
                raise SystemExit(f"{name} differs from its base tables: {str(wrong)[:500]}")
        for table in ("event_actor", "event_pair", "event_country"):
            stale = session.execute(
                text(
                    f"SELECT count(*) FROM {table} t JOIN event e ON e.id = t.event_id "
                    "WHERE t.incident_id IS DISTINCT FROM e.incident_id"
                    if engine.dialect.name == "postgresql"
                    else f"SELECT count(*) FROM {table} t JOIN event e ON e.id = t.event_id "
                    "WHERE t.incident_id IS NOT e.incident_id"
                )
            ).scalar_one()
            if stale:
                raise SystemExit(f"{stale} rows of {table} point at another incident")
        ids = list(session.scalars(text("SELECT id FROM event")))
        members: dict[int | None, list[list[str]]] = {}
        for e in events_by_id(session, ids=ids):
            members.setdefault(e.incident_id, []).append(list(order_key(e)))
        if None in members:
            raise SystemExit(f"{len(members[None])} events without an incident")
        lines = []
        for row in session.execute(select(Incident)).scalars():
            values = row.model_dump(exclude={"id", "created_at", "updated_at"})
            values["events"] = sorted(members.pop(row.id, []))
            lines.append(json.dumps(values, sort_keys=True, default=str))
        if members:
            raise SystemExit(f"events point at {len(members)} missing incidents")
    engine.dispose()
    out.write_text("".join(f"{line}\n" for line in sorted(lines)))
    return len(lines)


def main() -> None:
    """Extract once, time storing with and without linking, print the share."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="run on scratch PostgreSQL databases created beside this URL's (default: SQLite)",
    )
    parser.add_argument(
        "--scratch-prefix",
        default="link_cost",
        help="name prefix of the scratch PostgreSQL databases (default: link_cost)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--shuffle", type=int, metavar="SEED", help="store in a random order")
    parser.add_argument("--dump", type=Path, help="the last linked run's incidents, JSON lines")
    parser.add_argument("--profile", type=Path, help="cProfile of the last linked run")
    parser.add_argument("--phases", action="store_true", help="CPU time of linking's steps")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the extracted events (and extraction time) in this pickle and reuse them "
        "when the corpus size and extractor version match",
    )
    args = parser.parse_args()
    records = generate(args.articles, seed=7)
    from worker.extraction import EXTRACTOR_VERSION

    tag = (args.articles, EXTRACTOR_VERSION)
    cached = pickle.loads(args.cache.read_bytes()) if args.cache and args.cache.exists() else None
    # A cache from before CPU times were kept (three fields) is extracted again.
    if cached is not None and cached[0] == tag and len(cached) == 4:
        events, extract_s, extract_cpu = cached[1], cached[2], cached[3]
    else:
        events, extract_s, extract_cpu = extract(records, args.batch_size)
        if args.cache:
            args.cache.write_bytes(pickle.dumps((tag, events, extract_s, extract_cpu)))
    order = list(range(len(records)))
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(order)
    runs: dict[str, list[float]] = {"store": [], "store+link": []}
    cpu_runs: dict[str, list[float]] = {"store": [], "store+link": []}
    timer = PhaseTimer() if args.phases else None
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            for name, link in (("store", False), ("store+link", True)):
                # The process id: two runs at once (A/B rounds, other users) never share one.
                scratch = f"{args.scratch_prefix}_{os.getpid()}_{round_}_{int(link)}"
                if args.postgres:
                    url = create_database(args.postgres, scratch)
                else:
                    url = f"sqlite:///{Path(tmp) / scratch}.db"
                last = link and round_ == args.repeat - 1
                profile = None
                if last and args.profile:
                    import cProfile

                    # CPU time: waits for other programs on a shared machine left out.
                    profile = cProfile.Profile(time.process_time)
                try:
                    wall, cpu = store(
                        url,
                        records,
                        events,
                        args.batch_size,
                        link,
                        order,
                        profile,
                        timer if last else None,
                    )
                    runs[name].append(wall)
                    cpu_runs[name].append(cpu)
                    if profile is not None:
                        profile.dump_stats(str(args.profile))
                    if last and args.dump:
                        dumped = dump(url, args.dump)
                        print(f"{dumped} incidents written to {args.dump}", file=sys.stderr)
                finally:
                    if args.postgres:
                        drop_database(args.postgres, scratch)
    stored = statistics.median(runs["store"])
    linked = statistics.median(runs["store+link"])
    link_s = max(0.0, linked - stored)
    stored_cpu = statistics.median(cpu_runs["store"])
    linked_cpu = statistics.median(cpu_runs["store+link"])
    link_cpu = max(0.0, linked_cpu - stored_cpu)
    result = {
        "articles": args.articles,
        "database": "postgresql" if args.postgres else "sqlite",
        "events": sum(len(e) for e in events),
        "extract_s": round(extract_s, 2),
        "store_s": round(stored, 3),
        "store_and_link_s": round(linked, 3),
        "runs": runs,
        "link_s": round(link_s, 3),
        "link_share_of_worker_time": round(link_s / (extract_s + linked), 4),
        "extract_cpu_s": round(extract_cpu, 2),
        "store_cpu_s": round(stored_cpu, 3),
        "store_and_link_cpu_s": round(linked_cpu, 3),
        "cpu_runs": cpu_runs,
        "link_cpu_s": round(link_cpu, 3),
        "link_share_cpu": round(link_cpu / (extract_cpu + linked_cpu), 4),
    }
    if timer is not None:
        result["phases_cpu_s"] = timer.summary()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
