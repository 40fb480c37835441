"""``scope_rollup.incident_difference`` against counting every incident before and after.

The linker applies the difference of the ``incident`` counters of the incidents a batch
changes; it computes only what new events add to an incident that keeps all its events.
Random incidents that gain, lose, merge, split and move events must give the same non-zero
deltas as ``incident_counts(after) - incident_counts(before)``.
"""

from __future__ import annotations

import random

import pytest

from models.scope_rollup import EventFacts, difference, incident_counts, incident_difference
from worker.incident_cache import pointing_at

MODALITIES = ("asserted", "denied", "planned", "threatened", "hypothetical")


def _facts(rng: random.Random) -> EventFacts:
    actors = {rng.randrange(8) for _ in range(rng.randrange(4))}
    return EventFacts(
        type=rng.choice(("launch", "statement")),
        modality=rng.choice(MODALITIES),
        countries={rng.choice("ABCDE") for _ in range(rng.randrange(3))},
        actors=actors,
        pairs={(a, rng.randrange(8)) for a in actors if rng.random() < 0.5},
        words={rng.choice(("kim", "jong", "un", "yoon")) for _ in range(rng.randrange(3))},
    )


def _nonzero(counts: dict) -> dict:
    return {k: n for k, n in counts.items() if n}


@pytest.mark.parametrize("seed", range(200))
def test_same_deltas_as_counting_every_incident(seed: int) -> None:
    rng = random.Random(seed)
    before: dict[int, EventFacts] = {}
    for event_id in range(rng.randrange(1, 30)):
        f = _facts(rng)
        # Some events are new (no incident yet); the others in a few incidents.
        before[event_id] = pointing_at(f, rng.choice((None, 1, 2, 3, 4)))
    moves = rng.choice(("grow", "any"))
    after: dict[int, EventFacts] = {}
    for event_id, f in before.items():
        if moves == "grow":
            # New events join an incident; the others stay (the common case).
            target = f.incident_id if f.incident_id is not None else rng.choice((1, 2, 5))
        else:
            target = rng.choice((f.incident_id, 1, 2, 5, 6))
        after[event_id] = pointing_at(f, target)
    expected = difference(incident_counts(after.values()), incident_counts(before.values()))
    assert _nonzero(incident_difference(before, after)) == _nonzero(expected)
