"""The linker's per-process cache of stored events: kept rows come back only while they are
the same rows, pointing at the incident the database says, and the cache stays bounded."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.incident_repository import BlockEvent
from worker.incident_cache import EventCache
from worker.incident_linking import TypeTraits
from worker.incidents import to_link_event

TRAITS = {"launch": TypeTraits()}
WRITTEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _stored(event_id: int, created_at: datetime = WRITTEN, incident: int | None = 7) -> BlockEvent:
    return BlockEvent(
        id=event_id, type="launch", subtype=None, sentence="North Korea fired a missile.",
        start_char=0, event_date=date(2024, 5, 1), day=date(2024, 5, 1), date_precision="day",
        location_name=None, location_country=None, weapons=(), modality="asserted",
        date_source=None, article_id=1, content_hash="abc", published=date(2024, 5, 1),
        source=None, copy_of=None, actors=(), incident_id=incident, created_at=created_at,
    )  # fmt: skip


def test_a_kept_event_comes_back_with_the_incident_it_points_at_now() -> None:
    cache = EventCache()
    stored = _stored(1)
    cache.keep("db", stored, to_link_event(stored, TRAITS), TRAITS)
    kept = cache.event("db", 1, WRITTEN, 9, TRAITS)
    assert kept is not None and kept[0].incident_id == 9 and kept[0].sentence == stored.sentence
    assert cache.event("other db", 1, WRITTEN, 9, TRAITS) is None


def test_an_id_given_again_to_a_new_row_misses() -> None:
    cache = EventCache()
    stored = _stored(1)
    cache.keep("db", stored, to_link_event(stored, TRAITS), TRAITS)
    assert cache.event("db", 1, datetime(2024, 5, 2, tzinfo=UTC), 7, TRAITS) is None
    assert cache.event("db", 1, None, 7, TRAITS) is None


def test_other_type_traits_empty_the_cache_and_its_size_is_bounded() -> None:
    cache = EventCache(max_events=3)
    for i in range(5):
        stored = _stored(i)
        cache.keep("db", stored, to_link_event(stored, TRAITS), TRAITS)
    assert len(cache) == 3
    assert cache.event("db", 0, WRITTEN, 7, TRAITS) is None  # the oldest went first
    assert cache.event("db", 4, WRITTEN, 7, TRAITS) is not None
    assert cache.event("db", 4, WRITTEN, 7, {"launch": TypeTraits(window=3)}) is None
    assert len(cache) == 0
