"""The scope rollup (migrations 0012 and 0014) stays equal to the counts of its base tables, on
SQLite and PostgreSQL, as the worker stores and links events, reprocesses articles (to other
events and to none, deleting events), incidents merge and split, and rows are added through
the ORM; and the Actors and Map pages' queries read from it (top actors, country counts,
agent-target pairs) return what the straightforward queries on the base tables return,
counting reports and counting incidents, under a country and under an actor name that is a
word of the names (``korea``), as under names read from the base tables (``kim``, which
"Abdel Hakim" contains too; ``ore``, a piece of a word)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from models import queries as q
from models import repository as repo
from models import scope_rollup
from models.engine import session_scope
from models.queries import EventFilter, scope_counts
from models.records import ActorRecord, EventRecord, NewArticle
from models.tables import Actor, Event, EventActorLink, Incident
from worker.incidents import link_blocks, store_batch

ACTORS = [
    ActorRecord("United States", "USA", "country", "agent"),
    ActorRecord("Joe Smith", "USA", "person", "agent"),
    ActorRecord("North Korea", "PRK", "country", "agent"),
    ActorRecord("Kim Jong Un", "PRK", "person", "agent"),
    ActorRecord("Kim Yo-jong", "PRK", "person", "target"),
    ActorRecord("Abdel Hakim", "EGY", "person", "participant"),
    ActorRecord("Japan", "JPN", "country", "target"),
    ActorRecord("South Korea", "KOR", "country", "target"),
    ActorRecord("NATO", None, "igo", "participant"),
    ActorRecord("UN Security Council", None, "igo", "target"),
]
TYPES = ("launch", "statement", "military_exercise")
MODALITIES = ("asserted", "asserted", "asserted", "planned", "negated")

#: Filters the scope rollup answers, each once counting reports and once incidents.
FILTERS = {
    "no filter": EventFilter(),
    "all modalities": EventFilter(modalities=()),
    "USA": EventFilter(countries=("USA",)),
    "PRK, any modality": EventFilter(countries=("PRK",), modalities=()),
    "JPN, planned or asserted": EventFilter(countries=("JPN",), modalities=("planned", "asserted")),
    "launch in PRK": EventFilter(types=("launch",), countries=("PRK",)),
    "launch or statement in USA": EventFilter(types=("launch", "statement"), countries=("USA",)),
    "launch": EventFilter(types=("launch",)),
    # Actor names: the word scopes answer those that are a word of every matching name.
    "korea": EventFilter(actor="korea"),
    "Jong, any modality": EventFilter(actor="Jong", modalities=()),
    "launch of korea": EventFilter(types=("launch",), actor="korea"),
    "kim (Hakim too)": EventFilter(actor="kim", modalities=()),
    "ore (in a word)": EventFilter(actor="ore"),
    "kim jong (two words)": EventFilter(actor="kim jong"),
}

#: The actor names above that the word scopes answer.
WORDS = {"korea", "Jong"}


def _events(rng: random.Random, n: int) -> list[EventRecord]:
    """``n`` events of one week: the same actors and places, so that reports join."""
    out = []
    for _ in range(n):
        kind = rng.choice(TYPES)
        day = date(2024, 3, 28) + timedelta(days=rng.randrange(6))
        # Sometimes one actor in two roles, and an agent that is also a target.
        actors = rng.sample(ACTORS, rng.randrange(0, 4))
        if actors and rng.random() < 0.2:
            actors.append(replace(actors[0], role="target"))
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


def _assert_matches(engine: Engine) -> None:
    """The rollup equals its base tables, and every page query reads the same from it."""
    with Session(engine) as session:
        assert scope_rollup.mismatches(session) == []
        for name, reports in FILTERS.items():
            for filt in (reports, replace(reports, count_incidents=True)):
                # A confidence floor every event passes: the same events, from the base tables.
                base = replace(filt, min_confidence=0.01)
                label = (name, filt.count_incidents)
                assert scope_counts.top_actors(session, base, 99) is None
                top = q.top_actors(session, filt=filt, limit=99)
                assert top == q.top_actors(session, filt=base, limit=99), label
                countries = q.country_counts(session, filt=filt)
                assert countries == q.country_counts(session, filt=base), label
                for limit in (3, 99):
                    pairs = q.interaction_pairs(session, filt=filt, limit=limit)
                    assert pairs == q.interaction_pairs(session, filt=base, limit=limit), label
                # The Overview's numbers and the counts of events and incidents (from the word
                # scope under a word).
                assert q.overview_kpis(session, filt=filt) == q.overview_kpis(session, filt=base)
                types = list(q.event_type_counts(session, filt=filt).items())
                assert types == list(q.event_type_counts(session, filt=base).items()), label
                assert q.count_events(session, filt=filt) == q.count_events(session, filt=base)
                assert q.count_incidents(session, filt=filt) == q.count_incidents(
                    session, filt=base
                ), label
                word = filt.actor in WORDS
                assert (scope_counts.actor_total(session, filt) is not None) == word, label
                assert (scope_counts.total(session, filt) is not None) == word, label
                assert (scope_counts.type_counts(session, filt) is not None) == word, label
                # The fast path answered, where it keeps these counts.
                scoped = bool(filt.countries) or word or not (filt.count_incidents or filt.actor)
                assert (scope_counts.top_actors(session, filt, 99) is not None) == scoped
                assert (scope_counts.country_counts(session, filt) is not None) == scoped
                has_pairs = scope_counts.interaction_pairs(session, filt, 99) is not None
                assert has_pairs == (bool(filt.countries) or word), label


def test_rollup_follows_storing_linking_reprocessing_and_merging(engine: Engine) -> None:
    rng = random.Random(12)
    ids = _articles(engine, 24, "article")
    # Stored in batches, as workers do: later reports join incidents and merge them.
    for start in range(0, len(ids), 6):
        _store(engine, [(a, _events(rng, rng.randrange(1, 5))) for a in ids[start : start + 6]])
    _assert_matches(engine)
    with Session(engine) as session:
        merged = session.scalar(select(func.max(Incident.n_events)))
        assert merged is not None and merged > 1  # reports were linked, not one each
        usa = EventFilter(countries=("USA",))
        assert len(q.interaction_pairs(session, filt=usa, limit=99)) > 3
        assert len(q.top_actors(session, filt=usa, limit=99)) > 3
        korea = EventFilter(actor="korea", count_incidents=True)
        assert len(q.interaction_pairs(session, filt=korea, limit=99)) > 3
        assert len(q.top_actors(session, filt=korea, limit=99)) > 3
    # Reprocessing: other events for some articles (fewer, more, none), linked again.
    for article_id in rng.sample(ids, 8):
        _store(engine, [(article_id, _events(rng, rng.randrange(0, 4)))])
    _assert_matches(engine)
    # Every article reprocessed at once (what ``eventwire reprocess --all`` leads to).
    _store(engine, [(a, _events(rng, 2)) for a in ids])
    _assert_matches(engine)


def test_events_stored_without_linking_count_as_reports_only(engine: Engine) -> None:
    """``EVENTWIRE_LINK_INCIDENTS=false`` (a bench switch): no incidents to count. (The base
    tables list each actor with 0 incidents; the rollup, as the incident rollup, none.)"""
    rng = random.Random(4)
    ids = _articles(engine, 6, "unlinked")
    with session_scope(engine) as session:
        repo.replace_events(
            session, results=[(a, _events(rng, 3)) for a in ids], extractor_version="test"
        )
    with Session(engine) as session:
        assert scope_rollup.mismatches(session) == []
        usa = EventFilter(countries=("USA",), modalities=())
        assert q.top_actors(session, filt=usa) == q.top_actors(
            session, filt=replace(usa, min_confidence=0.01)
        )
        assert q.top_actors(session, filt=usa)
        assert q.top_actors(session, filt=replace(usa, count_incidents=True)) == []


def test_orm_inserts_are_counted(engine: Engine) -> None:
    """Rows added through the ORM (scripts, tests, the dashboard's demo data), events then
    links in later flushes, two links of one event in one flush, then linked."""
    with Session(engine) as session:
        (article,) = repo.add_articles(session, articles=[NewArticle("orm", date(2024, 4, 2))])
        session.commit()
        usa = Actor(key="country|usa|usa", name="USA", country="USA")
        prk = Actor(key="country|prk|prk", name="PRK", country="PRK")
        session.add_all([usa, prk])
        session.flush()
        events = []
        for i, (kind, place) in enumerate((("launch", "JPN"), ("statement", None))):
            event = Event(
                article_id=article.article_id, type=kind, sentence=f"s{i}.", start_char=0,
                end_char=3, trigger=kind, event_date=date(2024, 4, 1), location_country=place,
                incident_block=f"{kind}|2024-04",
            )  # fmt: skip
            session.add(event)
            session.flush()
            events.append(event)
        for event in events:
            session.add(EventActorLink(event_id=event.id, actor_id=usa.id, role="agent"))
            session.add(EventActorLink(event_id=event.id, actor_id=prk.id, role="target"))
        session.flush()
        session.add(EventActorLink(event_id=events[0].id, actor_id=prk.id, role="participant"))
        session.commit()
        assert scope_rollup.mismatches(session) == []
        link_blocks(session, ["launch|2024-04", "statement|2024-04"])
        session.commit()
        assert scope_rollup.mismatches(session) == []
        pairs = q.interaction_pairs(session, filt=EventFilter(countries=("JPN",)))
        assert [(p.source, p.target, p.events) for p in pairs] == [("USA", "PRK", 1)]
        # The actors' words came with them (a listener), and their scopes count both events.
        words = session.execute(text("SELECT word, actor_id FROM actor_word ORDER BY 1"))
        assert words.all() == [("prk", prk.id), ("usa", usa.id)]
        usa_name = EventFilter(actor="usa", count_incidents=True)
        scoped = scope_counts.interaction_pairs(session, usa_name, 9)
        assert scoped is not None
        assert [(p.source, p.target, p.events) for p in scoped] == [("USA", "PRK", 2)]


def test_rebuild_equals_what_the_writers_maintained(engine: Engine) -> None:
    rng = random.Random(3)
    ids = _articles(engine, 8, "text")
    _store(engine, [(a, _events(rng, 3)) for a in ids[:5]])
    _store(engine, [(a, _events(rng, 3)) for a in ids[3:]])
    query = "SELECT * FROM scope_count WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7"
    with engine.connect() as conn:
        maintained = conn.execute(text(query)).all()
    assert {r.unit for r in maintained} == {"event", "incident"}
    assert {r.facet for r in maintained} == {"actor", "country", "pair", "all"}
    assert {r.scope[0] for r in maintained if r.facet == "all"} == {"#"}
    assert {"#korea", "#kim", "#jong", "#hakim"} <= {r.scope for r in maintained}
    with session_scope(engine) as session:
        scope_rollup.rebuild(session)
    with engine.connect() as conn:
        assert conn.execute(text(query)).all() == maintained


def test_incidents_of_several_types_are_not_summed_across_types(engine: Engine) -> None:
    """Data written by hand may give one incident two types: sums across types would count
    it twice, so counting incidents only one-type filters are read from the rollup."""
    from models import incident_rollup

    rng = random.Random(5)
    ids = _articles(engine, 1, "mixed")
    _store(engine, [(ids[0], _events(rng, 6))])
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET incident_id = (SELECT min(id) FROM incident)"))
    with session_scope(engine) as session:
        incident_rollup.rebuild(session)
        scope_rollup.rebuild(session)
    with Session(engine) as session:
        assert scope_rollup.mismatches(session) == []
        usa = EventFilter(countries=("USA",), modalities=(), count_incidents=True)
        assert scope_counts.top_actors(session, usa, 10) is None
        assert scope_counts.top_actors(session, replace(usa, types=("launch",)), 10) is not None
        assert scope_counts.top_actors(session, replace(usa, count_incidents=False), 10) is not None


@pytest.mark.parametrize(
    "filt",
    [
        EventFilter(countries=("USA", "PRK")),
        EventFilter(countries=("USA",), actor="kim"),
        EventFilter(countries=("USA",), since=date(2024, 1, 1)),
        EventFilter(countries=("USA",), subtypes=("condemn",)),
        EventFilter(countries=("USA",), text="missile"),
        EventFilter(countries=("USA",), modalities=("unknown",)),
        EventFilter(count_incidents=True),
    ],
)
def test_filters_the_rollup_cannot_answer(engine: Engine, filt: EventFilter) -> None:
    with Session(engine) as session:
        assert scope_counts.top_actors(session, filt, 10) is None
        assert scope_counts.interaction_pairs(session, filt, 10) is None


def test_a_name_is_read_from_its_word_scope_only_when_it_selects_the_same_actors(
    engine: Engine,
) -> None:
    """The word scope of a name filter holds the events of the actors having the word; it
    answers only when those are the actors whose names contain the filter's text."""
    rng = random.Random(8)
    ids = _articles(engine, 4, "names")
    _store(engine, [(a, _events(rng, 4)) for a in ids])
    with Session(engine) as session:
        assert scope_counts.name_scope(session, "korea") == "#korea"  # North and South
        assert scope_counts.name_scope(session, " KOREA ") == "#korea"
        assert scope_counts.name_scope(session, "yo") == "#yo"  # "Kim Yo-jong"
        assert scope_counts.name_scope(session, "hakim") == "#hakim"
        assert scope_counts.name_scope(session, "kim") is None  # "Abdel Hakim" has it too
        assert scope_counts.name_scope(session, "kore") is None  # a piece of a word
        assert scope_counts.name_scope(session, "korea,") is None  # not only a word
        # A word no actor has: its scope is empty, as the events of the base tables are.
        nobody = EventFilter(actor="nobody")
        assert scope_counts.name_scope(session, "nobody") == "#nobody"
        assert scope_counts.top_actors(session, nobody, 9) == []
        assert q.top_actors(session, filt=replace(nobody, min_confidence=0.01)) == []
