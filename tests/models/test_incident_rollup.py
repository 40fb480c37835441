"""The incident rollup stays equal to the counts of its base tables, on SQLite and PostgreSQL,
as the worker stores and links events, reprocesses articles and incidents merge and split; and
the dashboard's incident counts read from it equal those read from the base tables."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlmodel import Session

from models import incident_rollup, scope_rollup
from models import queries as q
from models import repository as repo
from models.engine import session_scope
from models.queries import EventFilter
from models.queries import rollup as rollup_queries
from models.queries.incidents import list_incidents
from models.records import ActorRecord, EventRecord, NewArticle
from models.tables import Incident
from worker.incident_cache import FactsCache
from worker.incidents import store_batch

ACTORS = [
    ActorRecord("North Korea", "PRK", "country", "agent"),
    ActorRecord("Kim Jong Un", "PRK", "person", "agent"),
    ActorRecord("South Korea", "KOR", "country", "target"),
    ActorRecord("Japan", "JPN", "country", "target"),
    ActorRecord("United States", "USA", "country", "target"),
    ActorRecord("NATO", None, "igo", "participant"),
]
TYPES = ("launch", "statement", "military_exercise")
MODALITIES = ("asserted", "asserted", "asserted", "planned", "negated")

#: Filters the rollup answers, each checked against the base tables.
FILTERS = {
    "default": EventFilter(count_incidents=True),
    "all modalities": EventFilter(modalities=(), count_incidents=True),
    "planned or asserted": EventFilter(modalities=("planned", "asserted"), count_incidents=True),
    "launch": EventFilter(types=("launch",), count_incidents=True),
    "launch or statement": EventFilter(types=("launch", "statement"), count_incidents=True),
    # One country: the number of incidents, in total and per type.
    "one country": EventFilter(countries=("JPN",), count_incidents=True),
    "launch in PRK, any modality": EventFilter(
        types=("launch",), countries=("PRK",), modalities=(), count_incidents=True
    ),
}


def _events(rng: random.Random, n: int) -> list[EventRecord]:
    """``n`` events about one week of launches and reactions, so that reports join."""
    out = []
    for _ in range(n):
        kind = rng.choice(TYPES)
        day = date(2024, 3, 28) + timedelta(days=rng.randrange(6))  # across a month's end
        agent = rng.choice(ACTORS[:2])
        others = rng.sample(ACTORS[2:], rng.randrange(3))
        sentence = f"{agent.name} {kind} near {rng.choice(['Sea of Japan', 'Pyongyang'])}."
        out.append(
            EventRecord(
                type=kind, sentence=sentence, start_char=0, end_char=len(sentence),
                trigger=kind, event_date=day, date_precision="day",
                location_country=rng.choice([None, "PRK", "JPN"]),
                modality=rng.choice(MODALITIES), actors=(agent, *others),
            )
        )  # fmt: skip
    return out


def _store(engine: Engine, results: list[tuple[int, list[EventRecord]]]) -> None:
    """Store and link one batch as the worker does (one transaction)."""
    with session_scope(engine) as session:
        store_batch(session, results, extractor_version="test")


def _assert_rollup_matches(engine: Engine) -> None:
    with Session(engine) as session:
        assert incident_rollup.mismatches(session) == []
        for name, filt in FILTERS.items():
            # A confidence floor every event passes: the same events, read from the base tables.
            base = replace(filt, min_confidence=0.01)
            assert rollup_queries.count_incidents(session, base) is None
            assert q.count_incidents(session, filt=filt) == q.count_incidents(session, filt=base), (
                name
            )
            assert q.event_type_counts(session, filt=filt) == q.event_type_counts(
                session, filt=base
            ), name
            assert q.country_counts(session, filt=filt) == q.country_counts(session, filt=base), (
                name
            )
            top = {(a.actor_id, a.events) for a in q.top_actors(session, filt=filt, limit=99)}
            assert top == {
                (a.actor_id, a.events) for a in q.top_actors(session, filt=base, limit=99)
            }, name
            assert rollup_queries.count_incidents(session, filt) is not None
            for order in ("day", "sources"):
                listed = list_incidents(session, filt=filt, limit=1000, order=order)
                assert listed == list_incidents(session, filt=base, limit=1000, order=order)
            for bucket in ("day", "week", "month"):
                over_time = q.event_counts_over_time(session, filt=filt, bucket=bucket)
                assert over_time == q.event_counts_over_time(session, filt=base, bucket=bucket), (
                    name,
                    bucket,
                )
        one = rollup_queries.counts_over_time(session, FILTERS["default"], "week")
        assert one, "one modality: incidents over time from the rollup"
        assert rollup_queries.counts_over_time(session, FILTERS["all modalities"], "week")
        two = FILTERS["planned or asserted"]
        assert rollup_queries.counts_over_time(session, two, "week") is None


def test_rollup_follows_storing_reprocessing_and_merging(engine: Engine) -> None:
    rng = random.Random(7)
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session,
                articles=[
                    NewArticle(f"article {i}", published=date(2024, 4, 2)) for i in range(24)
                ],
            )
        ]
    # Stored in batches, as workers do: later reports join incidents and merge them.
    for start in range(0, len(ids), 5):
        _store(engine, [(a, _events(rng, rng.randrange(1, 4))) for a in ids[start : start + 5]])
        _assert_rollup_matches(engine)
    with Session(engine) as session:
        merged = session.scalar(select(func.max(Incident.n_events)))
        assert merged is not None and merged > 1  # reports were linked, not one each
        assert q.count_incidents(session, filt=EventFilter()) > 0

    # Reprocessing: other events for some articles (fewer, more, none), linked again.
    for article_id in rng.sample(ids, 10):
        _store(engine, [(article_id, _events(rng, rng.randrange(0, 4)))])
    _assert_rollup_matches(engine)
    # Every article reprocessed at once (what ``eventwire reprocess --all`` leads to).
    _store(engine, [(a, _events(rng, 2)) for a in ids])
    _assert_rollup_matches(engine)


def test_rebuild_equals_what_the_worker_maintained(engine: Engine) -> None:
    rng = random.Random(3)
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session,
                articles=[NewArticle(f"text {i}", published=date(2024, 4, 1)) for i in range(8)],
            )
        ]
    _store(engine, [(a, _events(rng, 3)) for a in ids])
    with engine.connect() as conn:
        maintained = conn.execute(text("SELECT * FROM incident_count ORDER BY 1, 2, 3, 4")).all()
    with session_scope(engine) as session:
        incident_rollup.rebuild(session)
    with engine.connect() as conn:
        rebuilt = conn.execute(text("SELECT * FROM incident_count ORDER BY 1, 2, 3, 4")).all()
    assert [r for r in maintained if r[4]] == rebuilt


def test_incidents_of_several_types_are_not_summed_across_types(engine: Engine) -> None:
    """Data written by hand may give one incident two types: sums across types would count
    it twice, so only one-type filters are read from the rollup."""
    rng = random.Random(5)
    with session_scope(engine) as session:
        (article,) = repo.add_articles(session, articles=[NewArticle("mixed", date(2024, 4, 1))])
    _store(engine, [(article.article_id, _events(rng, 4))])
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET incident_id = (SELECT min(id) FROM incident)"))
        conn.execute(text("UPDATE event_actor SET incident_id = (SELECT min(id) FROM incident)"))
    with session_scope(engine) as session:
        incident_rollup.rebuild(session)
    with Session(engine) as session:
        types = session.scalar(select(func.count(func.distinct(text("type")))).select_from(
            text("event")))  # fmt: skip
        assert types and types > 1
        assert q.count_incidents(session, filt=EventFilter(modalities=())) == 1
        assert rollup_queries.count_incidents(session, EventFilter()) is None
        one = EventFilter(types=("launch",), modalities=())
        assert rollup_queries.count_incidents(session, one) in (0, 1)


@pytest.mark.parametrize("modalities", [("asserted",), ("unknown",)])
def test_modality_masks(modalities: tuple[str, ...]) -> None:
    mask = rollup_queries.modality_mask(EventFilter(modalities=modalities))
    assert mask == (1 if modalities == ("asserted",) else None)


def test_facet_rows_from_facts_equal_those_of_the_base_tables(engine: Engine) -> None:
    """The linker computes an incident's facet rows in Python from the facts it read
    (``incident_rollup.facet_rows``): the same rows as the SQL of the base tables."""
    rng = random.Random(11)
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session,
                articles=[NewArticle(f"facts {i}", date(2024, 4, 1)) for i in range(12)],
            )
        ]
    for start in range(0, len(ids), 4):
        _store(engine, [(a, _events(rng, rng.randrange(1, 5))) for a in ids[start : start + 4]])
    with engine.connect() as conn:
        _assert_facet_rows_match(conn)
        # Every event in one incident (rolled back): first days of many days and types.
        conn.execute(text("UPDATE event SET incident_id = (SELECT min(id) FROM incident)"))
        _assert_facet_rows_match(conn)
        conn.rollback()


def _assert_facet_rows_match(conn: Connection) -> None:
    incidents = list(conn.scalars(text("SELECT DISTINCT incident_id FROM event")))
    facts = scope_rollup.facts_of(conn, "incident_id", incidents)
    computed = incident_rollup.facet_rows(
        incident_rollup.FacetEvent(f.incident_id, f.type, f.modality, f.day, f.countries, f.actors)
        for f in facts
        if f.incident_id is not None
    )
    stored = {
        (int(r[0]), r[1], r[2], r[3], int(r[4]))
        for r in conn.execute(incident_rollup.facet_rows_query(None))
    }
    assert len({f.modality for f in facts}) > 1 and len({f.day for f in facts}) > 1
    assert computed == stored


def test_facts_kept_between_batches_are_those_of_the_rows_now(engine: Engine) -> None:
    """``worker.incident_cache.FactsCache``: what it gives back equals a fresh read, kept or
    not, after relinking moved events and after an article's events were replaced (on SQLite
    the new rows may get the ids of the deleted ones)."""
    rng = random.Random(13)
    cache = FactsCache()
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session,
                articles=[NewArticle(f"kept {i}", date(2024, 4, 1)) for i in range(6)],
            )
        ]

    def check() -> None:
        with engine.connect() as conn:
            incidents = list(conn.scalars(text("SELECT id FROM incident")))
            fresh = scope_rollup.facts_by_event(conn, "incident_id", incidents)
            assert fresh and cache.read(conn, "db", "incident_id", incidents) == fresh
            assert cache.read(conn, "db", "incident_id", incidents) == fresh  # kept
            every = list(conn.scalars(text("SELECT id FROM event")))
            assert cache.read(conn, "db", "id", every) == scope_rollup.facts_by_event(
                conn, "id", every
            )

    _store(engine, [(a, _events(rng, 3)) for a in ids[:3]])
    check()
    _store(engine, [(a, _events(rng, 3)) for a in ids[3:]])  # reports join, events move
    check()
    # The last article again, other events: its rows deleted and written anew.
    last = ids[-1]
    other = [replace(e, modality="planned", location_country="USA") for e in _events(rng, 3)]
    _store(engine, [(last, other)])
    check()
