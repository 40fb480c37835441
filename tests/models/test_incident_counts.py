"""Every aggregate counting incidents (``EventFilter.count_incidents``), under every kind of
filter, against the same numbers computed in plain Python, on SQLite and PostgreSQL.

The corpus and the filters are those of ``test_filter_paths``; events are grouped three by
three into incidents (``incident_id`` written to events, links and pairs as the linker
writes it), so an incident mixes types, days, countries and actors, and counting incidents
differs from counting events under every filter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import incident_rollup
from models import queries as q
from models.queries import EventFilter, incidents
from models.queries.incidents import list_incidents
from tests.conftest import scratch_postgres
from tests.models.test_filter_paths import ACTORS, FILTERS, Fact, _fill, _matches, _month, _ranked

GROUP = 3


def _incident(e: Fact) -> int:
    return 1 + e.id // GROUP


def _fill_with_incidents(url: str) -> tuple[Engine, list[Fact]]:
    engine, facts = _fill(url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE event SET incident_id = 1 + id / {GROUP}"))
        for table in ("event_actor", "event_pair", "event_country"):
            conn.execute(text(f"UPDATE {table} SET incident_id = 1 + event_id / {GROUP}"))
    # An incident row for each, as the linker writes them (the Incidents page lists these).
    json = "CAST('{}' AS JSONB), CAST('[]' AS JSONB)" if "postgresql" in url else "'{}', '[]'"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO incident (id, key, block, type, actors, weapons, modality, day, "
                "n_events, n_articles, n_sources) SELECT incident_id, 'k' || incident_id, 'b', "
                f"min(type), {json}, 'asserted', max(day), count(*), 1, 1 FROM event "
                "GROUP BY incident_id"
            )
        )
    # Written by SQL, not by the linker: the rollup is rebuilt from what was written.
    with Session(engine) as session:
        incident_rollup.rebuild(session)
        session.commit()
    return engine, facts


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[Fact]]]:
    """A migrated SQLite database with incidents, filled once."""
    path: Path = tmp_path_factory.mktemp("incident_counts") / "events.db"
    engine, facts = _fill_with_incidents(f"sqlite:///{path}")
    yield engine, facts
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_db() -> Iterator[tuple[Engine, list[Fact]]]:
    """A migrated PostgreSQL database of its own with incidents, dropped after the module."""
    with scratch_postgres("eventwire_incident_counts") as url:
        engine, facts = _fill_with_incidents(url)
        yield engine, facts
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Iterator[tuple[Session, list[Fact]]]:
    """A session on the filled database and the facts written, once per dialect."""
    engine, facts = request.getfixturevalue(f"{request.param}_db")
    with Session(engine) as session:
        yield session, facts


ids = pytest.mark.parametrize(
    "filt",
    [replace(f, count_incidents=True) for f in FILTERS.values()],
    ids=list(FILTERS),
)


def _distinct(pairs: object) -> Counter[object]:
    """Distinct incidents per key, from (key, incident) pairs."""
    return Counter(key for key, _ in set(pairs))  # type: ignore[call-overload]


@ids
def test_incident_counts(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = [e for e in facts if _matches(e, filt)]
    assert q.count_incidents(session, filt=filt) == len({_incident(e) for e in events})
    assert q.overview_kpis(session, filt=filt).events == len({_incident(e) for e in events})
    assert q.count_events(session, filt=filt) == len(events)  # lists still count events
    by_type = _distinct((e.type, _incident(e)) for e in events)
    assert list(q.event_type_counts(session, filt=filt).items()) == _ranked(by_type)
    # Over time: each incident (of a type) once, in the month of its first matching day.
    first: dict[tuple[int, str], date] = {}
    for e in events:
        if e.day is not None:
            key = (_incident(e), e.type)
            first[key] = min(first.get(key, e.day), e.day)
    per_month = Counter((_month(day), type_) for (_, type_), day in first.items())
    rows = q.event_counts_over_time(session, filt=filt, bucket="month")
    assert [(r.bucket_start, r.type, r.count) for r in rows] == sorted(
        (start, type_, n) for (start, type_), n in per_month.items()
    )


@ids
def test_incident_lists(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    """The Incidents page lists the incidents of the matching events, in either order."""
    session, facts = db
    wanted = {_incident(e) for e in facts if _matches(e, filt)}
    for order in ("day", "sources"):
        listed = [r.id for r in list_incidents(session, filt=filt, limit=10_000, order=order)]
        assert len(listed) == len(set(listed)) and set(listed) == wanted, order
    newest = [r.id for r in list_incidents(session, filt=filt, limit=10_000)]
    page = [r.id for r in list_incidents(session, filt=filt, limit=3, offset=2)]
    assert page == newest[2:5]


@ids
def test_actor_and_country_incident_counts(
    db: tuple[Session, list[Fact]], filt: EventFilter
) -> None:
    session, facts = db
    events = [e for e in facts if _matches(e, filt)]
    for role in (None, "agent", "target"):
        counts = _distinct(
            (name, _incident(e)) for e in events for name, _, r in e.links if role in (None, r)
        )
        got = q.top_actors(session, filt=filt, limit=100, role=role)
        assert [(a.name, a.events) for a in got] == _ranked(counts), role
    for role in (None, "location", "agent"):
        pairs = set()
        for e in events:
            if role in (None, "location") and e.location_country:
                pairs.add((e.location_country, _incident(e)))
            if role != "location":
                pairs |= {(c, _incident(e)) for _, c, r in e.links if c and role in (None, r)}
        got = q.country_counts(session, filt=filt, role=role)
        assert [(c.country, c.events) for c in got] == _ranked(_distinct(pairs)), role
    countries = {name: country for name, country, _ in ACTORS}
    by_actor: set[tuple[tuple[str, str], int]] = set()
    by_country: set[tuple[tuple[str, str], int]] = set()
    timeline: dict[tuple[int, str], date] = {}
    for e in events:
        agents = {n for n, _, r in e.links if r == "agent"}
        targets = {n for n, _, r in e.links if r == "target"}
        by_actor |= {((a, t), _incident(e)) for a in agents for t in targets if a != t}
        by_country |= {
            ((countries[a], countries[t]), _incident(e))  # type: ignore[misc]
            for a in agents
            for t in targets
            if countries[a] and countries[t]
        }
        for name in {n for n, _, _ in e.links} if e.day else ():
            key = (_incident(e), name)
            timeline[key] = min(timeline.get(key, e.day), e.day)  # type: ignore[arg-type]
    got_pairs = q.interaction_pairs(session, filt=filt, limit=100)
    assert [((p.source, p.target), p.events) for p in got_pairs] == sorted(
        _distinct(by_actor).items(), key=lambda kv: (-kv[1], kv[0])
    )
    got_pairs = q.interaction_pairs(session, filt=filt, limit=100, level="country")
    assert [((p.source, p.target), p.events) for p in got_pairs] == sorted(
        _distinct(by_country).items(), key=lambda kv: (-kv[1], kv[0])
    )
    all_actors = q.top_actors(session, filt=EventFilter(modalities=()), limit=100)
    picked = {a.name: a.actor_id for a in all_actors if a.name in ("Kim Jong Un", "Russia")}
    rows = q.actor_counts_over_time(
        session, filt=filt, bucket="month", actor_ids=list(picked.values())
    )
    expected: defaultdict[tuple[date, str], int] = defaultdict(int)
    for (_, name), day in timeline.items():
        if name in picked:
            expected[(_month(day), name)] += 1
    assert [(r.bucket_start, r.name, r.count) for r in rows] == sorted(
        (start, name, n) for (start, name), n in expected.items()
    )


@pytest.mark.parametrize("tried", [2, 5, 12, 1000])
@pytest.mark.parametrize("actor", ["kim", "o", "ivanov", "Joe Smith"])
def test_newest_incidents_tried_one_by_one_are_the_page_of_all(
    db: tuple[Session, list[Fact]],
    monkeypatch: pytest.MonkeyPatch,
    actor: str,
    tried: int,
) -> None:
    """An actor-name filter's first pages, newest first, come from testing the newest few
    incidents one by one when the page is among them, else from the incidents of all its
    matching events: either way the same page as the whole list (``tried`` 2, 5 and 12 make
    the tries fall short on this small corpus, 1000 covers every incident)."""
    session, facts = db
    filt = EventFilter(actor=actor, modalities=())
    wanted = {_incident(e) for e in facts if _matches(e, filt)}
    assert wanted
    whole = list_incidents(session, filt=filt, limit=10_000)  # not tried: a long page
    assert {r.id for r in whole} == wanted
    monkeypatch.setattr(incidents, "TRIED_ONE_BY_ONE", tried)
    monkeypatch.setattr(incidents, "TRIED_PAGES_END", 10_000)  # every page below tries
    for offset in range(0, len(whole) + 1):
        for limit in (1, 2, 3):
            page = list_incidents(session, filt=filt, limit=limit, offset=offset)
            assert page == whole[offset : offset + limit], (offset, limit)


def test_an_actor_name_nobody_has_lists_and_counts_nothing(db: tuple[Session, list[Fact]]) -> None:
    session, _ = db
    for count_incidents in (True, False):
        filt = EventFilter(actor="nobody by this name", count_incidents=count_incidents)
        for order in ("day", "sources"):
            assert list_incidents(session, filt=filt, order=order) == []
        assert q.count_incidents(session, filt=filt) == 0
        assert q.count_events(session, filt=filt) == 0
        assert q.top_actors(session, filt=filt) == []
        assert q.country_counts(session, filt=filt) == []


@pytest.mark.parametrize("broad", [0, 10_000_000])
@pytest.mark.parametrize("actor", ["kim", "o", "nobody by this name"])
def test_an_actor_name_lists_the_same_incidents_by_sources_tested_either_way(
    db: tuple[Session, list[Fact]], monkeypatch: pytest.MonkeyPatch, actor: str, broad: int
) -> None:
    """By sources, PostgreSQL tests the incidents of a name of many links one by one and
    hashes those of a name of few: ``BROAD_FILTER`` 0 and huge take each way here."""
    session, facts = db
    monkeypatch.setattr(incidents, "BROAD_FILTER", broad)
    filt = EventFilter(actor=actor, modalities=())
    wanted = {_incident(e) for e in facts if _matches(e, filt)}
    listed = list_incidents(session, filt=filt, limit=10_000, order="sources")
    assert [r.id for r in listed] == [
        r.id for r in sorted(listed, key=lambda r: (-r.n_sources, -r.n_articles, r.id))
    ]
    assert {r.id for r in listed} == wanted
    page = list_incidents(session, filt=filt, limit=2, offset=1, order="sources")
    assert page == listed[1:3]
