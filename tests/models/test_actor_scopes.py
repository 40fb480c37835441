"""The scope rollup's actor scopes (migration 0014) stay equal to their base tables on SQLite
and PostgreSQL as the worker stores and links events, reprocesses articles (to other events
and to none: the worker's only deletes) and rows are added through the ORM; and the Actors
page's queries under an actor-name filter read from them (top actors, country counts,
agent-target pairs, the Overview's actor count) return what the base tables return, counting
reports and incidents, including events and incidents of two matching actors."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import queries as q
from models import repository as repo
from models import scope_rollup
from models.engine import session_scope
from models.queries import EventFilter, actor_scope_counts
from models.records import ActorRecord, EventRecord, NewArticle
from models.tables import Actor, Event, EventActorLink
from worker.incidents import link_blocks, store_batch

ACTORS = [
    ActorRecord("United States", "USA", "country", "agent"),
    ActorRecord("Joe Smith", "USA", "person", "agent"),
    ActorRecord("North Korea", "PRK", "country", "agent"),
    ActorRecord("Kim Jong Un", "PRK", "person", "agent"),
    ActorRecord("Kim Yo Jong", "PRK", "person", "target"),
    ActorRecord("South Korea", "KOR", "country", "target"),
    ActorRecord("Japan", "JPN", "country", "target"),
    ActorRecord("NATO", None, "igo", "participant"),
]
TYPES = ("launch", "statement", "military_exercise")
MODALITIES = ("asserted", "asserted", "asserted", "planned", "negated")

#: Actor-name filters the actor scopes answer, each counting reports and incidents. "korea"
#: and "kim" name two actors each, often in one event (or one incident).
FILTERS = {
    "kim": EventFilter(actor="kim"),
    "korea, any modality": EventFilter(actor="korea", modalities=()),
    "o (most actors), planned or asserted": EventFilter(
        actor="o", modalities=("planned", "asserted")
    ),
    "kim, launch": EventFilter(actor="KIM", types=("launch",)),
    "korea, launch or statement": EventFilter(actor="korea", types=("launch", "statement")),
    "a name nobody has": EventFilter(actor="zzz"),
}


def _events(rng: random.Random, n: int) -> list[EventRecord]:
    """``n`` events of one week with the same actors and places, so that reports join."""
    out = []
    for _ in range(n):
        kind = rng.choice(TYPES)
        day = date(2024, 3, 28) + timedelta(days=rng.randrange(6))
        actors = rng.sample(ACTORS, rng.randrange(0, 5))
        if actors and rng.random() < 0.2:
            actors.append(replace(actors[0], role="target"))  # one actor in two roles
        sentence = f"{kind} {rng.randrange(4)} near {rng.choice(['Tokyo', 'Pyongyang'])}."
        out.append(
            EventRecord(
                type=kind, sentence=sentence, start_char=0, end_char=len(sentence),
                trigger=kind, event_date=day, date_precision="day",
                location_country=rng.choice([None, "PRK", "JPN", "USA"]),
                modality=rng.choice(MODALITIES), actors=tuple(actors), confidence=0.9,
            )
        )  # fmt: skip
    return out


def _store(engine: Engine, results: list[tuple[int, list[EventRecord]]]) -> None:
    """Store and link one batch as the worker does (one transaction)."""
    with session_scope(engine) as session:
        store_batch(session, results, extractor_version="test")


def _articles(engine: Engine, n: int, label: str) -> list[int]:
    with session_scope(engine) as session:
        added = repo.add_articles(
            session,
            articles=[NewArticle(f"{label} {i}", published=date(2024, 4, 2)) for i in range(n)],
        )
    return [r.article_id for r in added]


def _overlaps(engine: Engine) -> tuple[int, int]:
    """Events, and incidents, in which both Kims take part: what a plain sum counts twice."""
    query = """SELECT count(*) FROM (SELECT l.{unit} FROM event_actor l
        JOIN actor a ON a.id = l.actor_id WHERE a.name LIKE 'Kim%' AND l.{unit} IS NOT NULL
        GROUP BY l.{unit} HAVING count(DISTINCT l.actor_id) > 1) shared"""
    with engine.connect() as conn:
        events, incidents = (
            int(conn.execute(text(query.format(unit=unit))).scalar_one())
            for unit in ("event_id", "incident_id")
        )
    return events, incidents


def _assert_matches(engine: Engine) -> None:
    """The counters equal their base tables, and every page query reads the same from them."""
    with Session(engine) as session:
        assert scope_rollup.mismatches(session) == []
        for name, reports in FILTERS.items():
            for filt in (reports, replace(reports, count_incidents=True)):
                # A confidence floor every event passes: the same events, from the base tables.
                base = replace(filt, min_confidence=0.01)
                label = (name, filt.count_incidents)
                assert actor_scope_counts.answers(session, filt), label
                assert not actor_scope_counts.answers(session, base), label
                top = q.top_actors(session, filt=filt, limit=99)
                assert top == q.top_actors(session, filt=base, limit=99), label
                countries = q.country_counts(session, filt=filt)
                assert countries == q.country_counts(session, filt=base), label
                for limit in (3, 99):
                    pairs = q.interaction_pairs(session, filt=filt, limit=limit)
                    assert pairs == q.interaction_pairs(session, filt=base, limit=limit), label
                kpis = q.overview_kpis(session, filt=filt)
                assert kpis.actors == q.overview_kpis(session, filt=base).actors, label


def test_actor_scopes_follow_storing_linking_reprocessing_and_deleting(engine: Engine) -> None:
    rng = random.Random(14)
    ids = _articles(engine, 24, "article")
    for start in range(0, len(ids), 6):
        _store(engine, [(a, _events(rng, rng.randrange(1, 5))) for a in ids[start : start + 6]])
    # The data has what a plain sum over matching actors would count twice.
    two_kims, kims_in_one_incident = _overlaps(engine)
    assert two_kims > 0 and kims_in_one_incident > 0
    with Session(engine) as session:
        kim = EventFilter(actor="kim")
        assert len(q.top_actors(session, filt=kim, limit=99)) > 3
        assert len(q.interaction_pairs(session, filt=kim, limit=99)) > 3
    _assert_matches(engine)
    # Reprocessing (a new extractor: ``eventwire reprocess``): other events, fewer, more, or
    # none (the events deleted), each linked again.
    for article_id in rng.sample(ids, 8):
        _store(engine, [(article_id, _events(rng, rng.randrange(0, 4)))])
    _assert_matches(engine)
    for article_id in ids[:6]:
        _store(engine, [(article_id, [])])
    _assert_matches(engine)
    # Every article reprocessed at once (what ``eventwire reprocess --all`` leads to).
    _store(engine, [(a, _events(rng, 2)) for a in ids])
    _assert_matches(engine)
    # Nothing counts for an actor whose events are all gone.
    _store(engine, [(a, []) for a in ids])
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM scope_count WHERE n <> 0")).scalar_one()
    assert left == 0


def test_orm_inserts_are_counted_in_actor_scopes(engine: Engine) -> None:
    with Session(engine) as session:
        (article,) = repo.add_articles(session, articles=[NewArticle("orm", date(2024, 4, 2))])
        session.commit()
        kim = Actor(key="person|prk|kim", name="Kim", country="PRK")
        kim2 = Actor(key="person|prk|kim2", name="Kim Two", country="PRK")
        usa = Actor(key="country|usa|usa", name="USA", country="USA")
        session.add_all([kim, kim2, usa])
        session.flush()
        event = Event(
            article_id=article.article_id, type="launch", sentence="s.", start_char=0,
            end_char=2, trigger="fired", event_date=date(2024, 4, 1), location_country="JPN",
            incident_block="launch|2024-04",
        )  # fmt: skip
        session.add(event)
        session.flush()
        session.add(EventActorLink(event_id=event.id, actor_id=kim.id, role="agent"))
        session.add(EventActorLink(event_id=event.id, actor_id=kim2.id, role="agent"))
        session.add(EventActorLink(event_id=event.id, actor_id=usa.id, role="target"))
        session.commit()
        link_blocks(session, ["launch|2024-04"])
        session.commit()
        assert scope_rollup.mismatches(session) == []
        for many in (False, True):
            filt = EventFilter(actor="kim", count_incidents=many)
            assert {(a.name, a.events) for a in q.top_actors(session, filt=filt)} == {
                ("Kim", 1),
                ("Kim Two", 1),
                ("USA", 1),
            }
            countries = q.country_counts(session, filt=filt)
            assert sorted((c.country, c.events) for c in countries) == [
                ("JPN", 1),
                ("PRK", 1),
                ("USA", 1),
            ]
            pairs = q.interaction_pairs(session, filt=filt)
            assert sorted((p.source, p.target, p.events) for p in pairs) == [
                ("Kim", "USA", 1),
                ("Kim Two", "USA", 1),
            ]


@pytest.mark.parametrize(
    "filt",
    [
        EventFilter(actor="kim", countries=("USA",)),
        EventFilter(actor="kim", since=date(2024, 1, 1)),
        EventFilter(actor="kim", subtypes=("condemn",)),
        EventFilter(actor="kim", text="missile"),
        EventFilter(actor="kim", min_confidence=0.5),
        EventFilter(actor="kim", modalities=("unknown",)),
        EventFilter(),
        EventFilter(countries=("USA",)),
    ],
)
def test_filters_the_actor_scopes_cannot_answer(engine: Engine, filt: EventFilter) -> None:
    with Session(engine) as session:
        assert not actor_scope_counts.answers(session, filt)
        assert actor_scope_counts.top_actors(session, filt, 10) is None
        assert actor_scope_counts.interaction_pairs(session, filt, 10) is None
        assert actor_scope_counts.country_counts(session, filt) is None
