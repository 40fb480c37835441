"""What linking one busy block costs: N statements of one month, clustered as the worker does.

    python bench/incident_block.py --events 1000 5000 20000 [--json OUT]

Generates ``N`` statement events of one month (500 speakers of 40 countries, 3,000 content
words, days spread over the month; the shape of a busy news month) as ``LinkEvent`` values
and times ``worker.incident_linking.cluster`` on them: the work one batch that touches the
block does besides reading it. No database: reading the block grows linearly and is timed by
bench/dashboard_scale.py's generator scale, the clustering is what can grow faster.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.incident_linking import LinkEvent, TypeTraits, cluster  # noqa: E402

COUNTRIES = [f"C{i:02d}" for i in range(40)]
#: Statements are speech acts (their spec.json says "speech": true).
SPEECH = TypeTraits(speech=True)


def statements(n: int, seed: int = 5) -> list[LinkEvent]:
    """``n`` synthetic statements of July 2024, reproducible from ``seed``."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)]
    speakers = [(f"speaker {i}", rng.choice(COUNTRIES)) for i in range(500)]
    events = []
    for i in range(n):
        name, country = rng.choice(speakers)
        events.append(
            LinkEvent(
                ref=i,
                order_key=(f"{rng.getrandbits(64):016x}", f"{i:09d}", "statement"),
                type="statement",
                subtype=rng.choice(["condemn", "warn", "praise", "neutral", None]),
                day=date(2024, 7, 1) + timedelta(days=rng.randrange(31)),
                precision="day",
                inferred=rng.random() < 0.5,
                agent_countries=frozenset({country}),
                agent_people=frozenset({name}),
                target_countries=frozenset({rng.choice(COUNTRIES)}),
                target_people=frozenset(),
                location_country=None,
                weapons=frozenset(),
                words=frozenset(rng.sample(vocabulary, 12)),
                traits=SPEECH,
            )
        )
    return events


def main() -> None:
    """Time the clustering of blocks of the given sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for n in args.events:
        events = statements(n)
        started = time.perf_counter()
        incidents = cluster(events)
        seconds = time.perf_counter() - started
        rows.append({"events": n, "incidents": len(incidents), "seconds": round(seconds, 2)})
        print(f"{n:>7} statements in one block: {len(incidents):>6} incidents, {seconds:8.2f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
