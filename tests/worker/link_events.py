"""Link events for the linker's pure-logic tests: a North Korean launch report by default."""

from __future__ import annotations

from datetime import date

from worker.incident_linking import LinkEvent, content_words


def link_event(ref: int, sentence: str, default_day: date, **kw: object) -> LinkEvent:
    """A launch by North Korea on ``default_day`` told by ``sentence``; ``kw`` overrides any
    field (``day`` included)."""
    values: dict[str, object] = {
        "ref": ref,
        "order_key": (f"article-{ref:03d}", "0", "launch"),
        "type": "launch",
        "subtype": None,
        "day": default_day,
        "precision": "day",
        "inferred": False,
        "agent_countries": frozenset({"PRK"}),
        "agent_people": frozenset(),
        "target_countries": frozenset(),
        "target_people": frozenset(),
        "location_country": None,
        "weapons": frozenset(),
        "words": content_words(sentence),
    }
    values.update(kw)
    return LinkEvent(**values)  # type: ignore[arg-type]
