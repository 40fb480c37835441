"""``event_country`` (migration 0011) stays equal to what ``event`` and ``event_actor`` say,
on SQLite and PostgreSQL, as the worker stores, links and reprocesses events and articles
are deleted; and the country filter read from it selects the events the base tables do."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session

from models import event_countries, scope_rollup
from models import queries as q
from models import repository as repo
from models.engine import session_scope
from models.queries import EventFilter
from models.records import ActorRecord, EventRecord, NewArticle
from worker.incidents import store_batch

ACTORS = [
    ActorRecord("North Korea", "PRK", "country", "agent"),
    ActorRecord("Kim Jong Un", "PRK", "person", "agent"),
    ActorRecord("South Korea", "KOR", "country", "target"),
    ActorRecord("Japan", "JPN", "country", "target"),
    ActorRecord("United States", "USA", "country", "target"),
    ActorRecord("NATO", None, "igo", "participant"),
]


def _events(rng: random.Random, n: int) -> list[EventRecord]:
    out = []
    for _ in range(n):
        kind = rng.choice(("launch", "statement", "meeting"))
        sentence = f"{kind} {rng.random()}."
        out.append(
            EventRecord(
                type=kind, sentence=sentence, start_char=0, end_char=len(sentence),
                trigger=kind, event_date=date(2024, 3, 28) + timedelta(days=rng.randrange(6)),
                date_precision="day", location_country=rng.choice([None, "PRK", "JPN", "USA"]),
                modality=rng.choice(("asserted", "asserted", "planned")),
                actors=tuple(rng.sample(ACTORS, rng.randrange(0, 4))),
            )
        )  # fmt: skip
    return out


def _store(engine: Engine, results: list[tuple[int, list[EventRecord]]]) -> None:
    """Store and link one batch as the worker does (one transaction)."""
    with session_scope(engine) as session:
        store_batch(session, results, extractor_version="test")


def _reference(engine: Engine) -> tuple[dict[int, set[str]], dict[int, tuple[str, int | None]]]:
    """Each event's countries and (modality, incident), straight from the base tables."""
    with engine.connect() as conn:
        events = {
            r.id: (r.modality, r.incident_id, r.location_country)
            for r in conn.execute(
                text("SELECT id, modality, incident_id, location_country FROM event")
            )
        }
        involved: dict[int, set[str]] = {
            i: {loc} if loc else set() for i, (_, _, loc) in events.items()
        }
        for r in conn.execute(text("SELECT event_id, actor_country FROM event_actor")):
            if r.actor_country:
                involved[r.event_id].add(r.actor_country)
    return involved, {i: (m, inc) for i, (m, inc, _) in events.items()}


def _assert_matches(engine: Engine, *, incidents: bool = True) -> None:
    with Session(engine) as session:
        assert event_countries.mismatches(session) == (set(), set())
        assert scope_rollup.mismatches(session) == []
    involved, facts = _reference(engine)
    with Session(engine) as session:
        for countries in (("USA",), ("PRK", "JPN"), ("KOR",)):
            for many in (False, True) if incidents else (False,):
                filt = EventFilter(countries=countries, count_incidents=many)
                matched = [
                    i
                    for i, cs in involved.items()
                    if cs & set(countries) and facts[i][0] == "asserted"
                ]
                assert q.count_events(session, filt=filt) == len(matched)
                listed = q.list_events(session, filt=filt, limit=1000)
                assert sorted(e.id for e in listed) == sorted(matched)
                # Countries the matching events involve: each (event or incident, country) once.
                expected: Counter[str] = Counter()
                seen: set[tuple[object, str]] = set()
                for i in matched:
                    for c in involved[i]:
                        unit = facts[i][1] if many else i
                        if unit is not None and (unit, c) not in seen:
                            seen.add((unit, c))
                            expected[c] += 1
                got = {c.country: c.events for c in q.country_counts(session, filt=filt)}
                assert got == dict(expected), (countries, many)
                kpis = q.overview_kpis(session, filt=filt)
                units = {facts[i][1] for i in matched} - {None} if many else set(matched)
                assert kpis.events == len(units)


def test_event_country_follows_storing_linking_reprocessing_and_deleting(engine: Engine) -> None:
    rng = random.Random(11)
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session,
                articles=[NewArticle(f"story {i}", published=date(2024, 4, 2)) for i in range(16)],
            )
        ]
    for start in range(0, len(ids), 4):
        _store(engine, [(a, _events(rng, rng.randrange(1, 5))) for a in ids[start : start + 4]])
    _assert_matches(engine)
    with Session(engine) as session:
        assert q.count_events(session, filt=EventFilter(countries=("USA",))) > 0
    # Reprocessing: other events (fewer, more, none), linked again.
    for article_id in rng.sample(ids, 6):
        _store(engine, [(article_id, _events(rng, rng.randrange(0, 4)))])
    _assert_matches(engine)
    # Deleting articles deletes their events and so their countries (ON DELETE CASCADE).
    # Not what is counted in advance (the incident and scope rollups), which only the
    # worker's writes keep: after SQL written by hand, their rebuilds (reports counted only).
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM article WHERE id IN (:a, :b)"), {"a": ids[0], "b": ids[1]})
    with Session(engine) as session:
        assert scope_rollup.mismatches(session)
    with session_scope(engine) as session:
        scope_rollup.rebuild(session)
    _assert_matches(engine, incidents=False)


def test_rebuild_equals_what_the_worker_wrote(engine: Engine) -> None:
    rng = random.Random(2)
    with session_scope(engine) as session:
        ids = [
            r.article_id
            for r in repo.add_articles(
                session, articles=[NewArticle(f"text {i}", date(2024, 4, 1)) for i in range(6)]
            )
        ]
    _store(engine, [(a, _events(rng, 3)) for a in ids])
    with engine.connect() as conn:
        written = conn.execute(text("SELECT * FROM event_country ORDER BY 1, 2")).all()
    assert written
    with session_scope(engine) as session:
        event_countries.rebuild(session)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM event_country ORDER BY 1, 2")).all() == written
