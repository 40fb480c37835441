"""Every query under every kind of filter, against the same numbers computed in plain Python.

A filter takes one of three paths through SQL (see ``models.queries.filters``): copied fields
only (type, modality, day) are tested on each table's own copies; involvement fields
(countries, actor name) go through the sets of matching event ids, and event-level counts read
the rows that decide them instead of ``event``; event fields (subtype, confidence, text) add a
set read from ``event``. Each filter below is run through every query on a migrated SQLite
and a migrated PostgreSQL database filled by the pipeline's own write path
(``models.repository``), and compared with a brute-force evaluation of the filter's meaning
over the records that were written.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import queries as q
from models.engine import make_engine, session_scope
from models.migrate import upgrade
from models.queries import EventFilter
from models.records import ActorRecord, EventRecord, NewArticle
from models.repository import add_articles, replace_events
from tests.conftest import scratch_postgres

START = date(2024, 1, 1)
ACTORS = [
    ("Russia", "RUS", "country"),
    ("Ukraine", "UKR", "country"),
    ("United States", "USA", "country"),
    ("North Korea", "PRK", "country"),
    ("China", "CHN", "country"),
    ("Kim Jong Un", "PRK", "person"),
    ("Kim Yo Jong", "PRK", "person"),
    ("Sergei Ivanov", "RUS", "person"),
    ("Joe Smith", "USA", "person"),
    ("NATO", None, "igo"),
    ("UN Security Council", None, "igo"),
    ("50% Coalition", None, "group"),
    ("Ministry_of_Defence", "UKR", "organisation"),
]
TYPES = ["launch", "statement", "meeting", "parade", "sanctions_vote"]
SUBTYPES = {"statement": ["condemn", "support"], "sanctions_vote": ["adopted", "vetoed"]}
MODALITIES = ["asserted"] * 6 + ["planned", "hypothetical", "negated", "capability"]
COUNTRIES = ["RUS", "UKR", "USA", "PRK", "CHN", "KOR"]
WORDS = ["missile", "talks", "drill", "vote", "warning"]


@dataclass(frozen=True)
class Fact:
    """One written event as the reference sees it (``id`` read back from the database)."""

    id: int
    type: str
    subtype: str | None
    day: date | None
    modality: str
    confidence: float
    location_country: str | None
    sentence: str
    links: tuple[tuple[str, str | None, str], ...]  # (actor name, country, role)


def _corpus(seed: int = 11) -> list[tuple[NewArticle, list[EventRecord]]]:
    """About 40 articles and 90 events with every case the filters distinguish.

    Events without a day or without actors, an actor in two roles of one event, two actors
    of one country in one event, an actor whose country is the event's location, actors
    without a country and names holding LIKE wildcards.
    """
    rng = random.Random(seed)
    corpus = []
    n = 0
    for i in range(40):
        published = None if i % 6 == 5 else START + timedelta(days=rng.randrange(120))
        records = []
        for _ in range(rng.randint(0, 4)):
            n += 1
            type_ = rng.choice(TYPES)
            word = rng.choice(WORDS)
            sentence = f"Event {n}: a {type_} about a {word}."
            roles: dict[tuple[str, str], ActorRecord] = {}
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
                name, country, kind = rng.choice(ACTORS)
                role = rng.choice(["agent", "agent", "target", "participant"])
                roles[(name, role)] = ActorRecord(name=name, country=country, kind=kind, role=role)
            event_date = None if rng.random() < 0.25 else START + timedelta(days=rng.randrange(120))
            records.append(
                EventRecord(
                    type=type_,
                    subtype=rng.choice(SUBTYPES.get(type_, [None])),
                    sentence=sentence,
                    start_char=0,
                    end_char=len(sentence),
                    trigger=type_,
                    event_date=event_date,
                    location_country=rng.choice([None, None, *COUNTRIES]),
                    modality=rng.choice(MODALITIES),
                    confidence=round(rng.uniform(0.2, 1.0), 2),
                    actors=tuple(roles.values()),
                )
            )
        text_ = " ".join(r.sentence for r in records) or f"Article {i} without events."
        corpus.append((NewArticle(text=text_, published=published, title=f"A{i}"), records))
    return corpus


def _fill(url: str) -> tuple[Engine, list[Fact]]:
    upgrade(url)
    engine = make_engine(url)
    corpus = _corpus()
    with session_scope(engine) as session:
        added = add_articles(session, articles=[a for a, _ in corpus])
        results = [(r.article_id, records) for r, (_, records) in zip(added, corpus)]
        replace_events(session, results=results, extractor_version="test")
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT sentence, id FROM event")).all())
    facts = []
    for article, records in corpus:
        for r in records:
            facts.append(
                Fact(
                    id=ids[r.sentence],
                    type=r.type,
                    subtype=r.subtype,
                    day=r.event_date or article.published,
                    modality=r.modality,
                    confidence=r.confidence,
                    location_country=r.location_country,
                    sentence=r.sentence,
                    links=tuple((a.name, a.country, a.role) for a in r.actors),
                )
            )
    return engine, facts


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[Fact]]]:
    """A migrated SQLite database filled once by the repository (the tests only read)."""
    path: Path = tmp_path_factory.mktemp("filter_paths") / "events.db"
    engine, facts = _fill(f"sqlite:///{path}")
    yield engine, facts
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_db() -> Iterator[tuple[Engine, list[Fact]]]:
    """A migrated PostgreSQL database of its own, filled once, dropped after the module."""
    with scratch_postgres("eventwire_filter_paths") as url:
        engine, facts = _fill(url)
        yield engine, facts
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Iterator[tuple[Session, list[Fact]]]:
    """A session on the filled database and the facts written, once per dialect."""
    engine, facts = request.getfixturevalue(f"{request.param}_db")
    with Session(engine) as session:
        yield session, facts


# --------------------------------------------------------------------------- the reference


def _matches(e: Fact, f: EventFilter) -> bool:
    """The meaning of a filter, written out plainly (see ``EventFilter``'s docstring)."""
    involved = {e.location_country} | {country for _, country, _ in e.links}
    return (
        (not f.types or e.type in f.types)
        and (not f.subtypes or e.subtype in f.subtypes)
        and (not f.modalities or e.modality in f.modalities)
        and (not f.min_confidence or e.confidence >= f.min_confidence)
        and (f.since is None or (e.day is not None and e.day >= f.since))
        and (f.until is None or (e.day is not None and e.day <= f.until))
        and (not f.text or f.text.lower() in e.sentence.lower())
        and (not f.countries or bool(involved & set(f.countries)))
        and (not f.actor or any(f.actor.lower() in name.lower() for name, _, _ in e.links))
    )


def _ranked(counts: Counter[str] | dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _month(day: date) -> date:
    return day.replace(day=1)


FILTERS = {
    "default": EventFilter(),
    "all modalities": EventFilter(modalities=()),
    "type+country": EventFilter(types=["launch", "parade"], countries=["PRK"]),
    "two countries": EventFilter(countries=["RUS", "ukr"]),
    "country, all modalities": EventFilter(countries=["USA"], modalities=()),
    "actor, all modalities": EventFilter(actor="kim", modalities=()),
    "actor": EventFilter(actor="kim"),
    "actor+type+dates": EventFilter(
        actor="united", types=["statement", "launch", "meeting"], since=date(2024, 2, 1)
    ),
    "text+dates": EventFilter(text="drill", until=date(2024, 3, 15)),
    "actor+country": EventFilter(actor="kim", countries=["USA", "UKR"], modalities=()),
    "actor+text": EventFilter(actor="ivanov", text="MISSILE", modalities=()),
    "country+subtype": EventFilter(countries=["RUS"], subtypes=["condemn"], modalities=()),
    "country+confidence+dates": EventFilter(
        countries=["PRK", "KOR"],
        min_confidence=0.5,
        since=date(2024, 2, 1),
        until=date(2024, 3, 31),
        modalities=(),
    ),
    "dates+types": EventFilter(
        since=date(2024, 1, 15), until=date(2024, 2, 29), types=["statement", "launch"]
    ),
    "text": EventFilter(text="talks"),
    "LIKE wildcards": EventFilter(actor="50%", modalities=()),
    "underscore": EventFilter(actor="y_of", modalities=()),
    "no such country": EventFilter(countries=["ZZZ"]),
    "no such actor": EventFilter(actor="nobody by this name", modalities=()),
    "since, all modalities": EventFilter(since=date(2024, 2, 15), modalities=()),
    "actor+countries+modalities": EventFilter(
        actor="o", countries=["UKR", "CHN"], modalities=["asserted", "planned"]
    ),
}
ids = pytest.mark.parametrize("filt", list(FILTERS.values()), ids=list(FILTERS))


def _events(facts: list[Fact], filt: EventFilter) -> list[Fact]:
    return [e for e in facts if _matches(e, filt)]


def test_the_corpus_covers_every_case(db: tuple[Session, list[Fact]]) -> None:
    _, facts = db
    assert any(not e.links for e in facts) and any(e.day is None for e in facts)
    assert any(len({n for n, _, _ in e.links}) < len(e.links) for e in facts)  # two roles
    assert any(e.location_country in {c for _, c, _ in e.links} for e in facts)
    for name, filt in FILTERS.items():
        if not name.startswith("no such"):
            assert _events(facts, filt), f"no event matches {name!r}: the test proves nothing"


# --------------------------------------------------------------------------- event counts


@ids
def test_event_counts(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    assert q.count_events(session, filt=filt) == len(events)
    assert list(q.event_type_counts(session, filt=filt).items()) == _ranked(
        Counter(e.type for e in events)
    )
    per_month = Counter((_month(e.day), e.type) for e in events if e.day is not None)
    rows = q.event_counts_over_time(session, filt=filt, bucket="month")
    assert [(r.bucket_start, r.type, r.count) for r in rows] == sorted(
        (start, type_, n) for (start, type_), n in per_month.items()
    )
    kpis = q.overview_kpis(session, filt=filt)
    assert kpis.events == len(events)
    assert kpis.actors == len({name for e in events for name, _, _ in e.links})


@ids
def test_actors_of_a_broad_filter_counted_one_by_one(
    db: tuple[Session, list[Fact]], filt: EventFilter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way of counting the actors of matching events (for a filter matching many
    events on a large database) gives the same number."""
    from models.queries import event_counts

    session, facts = db
    monkeypatch.setattr(event_counts, "BROAD_FILTER", -1)
    events = [e for e in facts if _matches(e, filt)]
    kpis = q.overview_kpis(session, filt=filt)
    assert kpis.actors == len({name for e in events for name, _, _ in e.links})


# --------------------------------------------------------------------------- event lists


@ids
def test_list_events_in_every_order(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    dated = [e for e in events if e.day is not None]
    undated = [e for e in events if e.day is None]
    expected = {
        "date_desc": sorted(dated, key=lambda e: (e.day, e.id), reverse=True)
        + sorted(undated, key=lambda e: e.id, reverse=True),
        "date_asc": sorted(dated, key=lambda e: (e.day, e.id))
        + sorted(undated, key=lambda e: e.id),
        "confidence_desc": sorted(events, key=lambda e: (e.confidence, e.id), reverse=True),
        "id_desc": sorted(events, key=lambda e: e.id, reverse=True),
    }
    for order, want in expected.items():
        got = q.list_events(session, filt=filt, limit=1000, order=order)
        assert [r.id for r in got] == [e.id for e in want], order
        page = q.list_events(session, filt=filt, limit=3, offset=2, order=order)
        assert [r.id for r in page] == [e.id for e in want[2:5]], order
    listed = q.list_events(session, filt=filt, limit=1000)
    assert all(r.event_day == e.day for r, e in zip(listed, expected["date_desc"]))
    assert [r.id for r in q.iter_events(session, filt=filt, batch_size=7)] == sorted(
        e.id for e in events
    )


# --------------------------------------------------------------------------- actors


@ids
def test_top_actors_and_summary(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    for role in (None, "agent", "target", "participant"):
        counts = Counter(
            name for e in events for name in {n for n, _, r in e.links if role is None or r == role}
        )
        got = q.top_actors(session, filt=filt, limit=100, role=role)
        assert [(a.name, a.events) for a in got] == _ranked(counts), role
        top3 = q.top_actors(session, filt=filt, limit=3, role=role)
        assert [(a.name, a.events) for a in top3] == _ranked(counts)[:3], role
    summary = {s.name: s for s in q.actor_summary(session, filt=filt)}
    totals = Counter(name for e in events for name in {n for n, _, _ in e.links})
    assert {name: s.events for name, s in summary.items()} == dict(totals)
    for name, s in summary.items():
        per_role = Counter(r for e in events for n, _, r in e.links if n == name)
        assert (s.as_agent, s.as_target, s.as_participant) == (
            per_role["agent"],
            per_role["target"],
            per_role["participant"],
        )


@ids
def test_actor_timelines(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    actors = q.top_actors(session, filt=q.EventFilter(modalities=()), limit=100)
    ids_by_name = {a.name: a.actor_id for a in actors}
    picked = ["Kim Jong Un", "Russia", "NATO", "50% Coalition"]
    rows = q.actor_counts_over_time(
        session, filt=filt, bucket="month", actor_ids=[ids_by_name[n] for n in picked]
    )
    counts = Counter(
        (_month(e.day), name)
        for e in events
        if e.day is not None
        for name in {n for n, _, _ in e.links if n in picked}
    )
    assert [(r.bucket_start, r.name, r.count) for r in rows] == sorted(
        (start, name, n) for (start, name), n in counts.items()
    )


@ids
def test_country_counts(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    for role in (None, "location", "agent", "target", "participant"):
        counts: Counter[str] = Counter()
        for e in events:
            countries = set()
            if role in (None, "location"):
                countries.add(e.location_country)
            if role != "location":
                countries |= {c for _, c, r in e.links if role is None or r == role}
            counts.update(c for c in countries if c is not None)
        got = q.country_counts(session, filt=filt, role=role)
        assert [(c.country, c.events) for c in got] == _ranked(counts), role


@ids
def test_interaction_pairs(db: tuple[Session, list[Fact]], filt: EventFilter) -> None:
    session, facts = db
    events = _events(facts, filt)
    by_actor: Counter[tuple[str, str]] = Counter()
    by_country: Counter[tuple[str, str]] = Counter()
    countries = {name: country for name, country, _ in ACTORS}
    for e in events:
        agents = {n for n, _, r in e.links if r == "agent"}
        targets = {n for n, _, r in e.links if r == "target"}
        by_actor.update({(a, t) for a in agents for t in targets if a != t})
        by_country.update(
            {
                (countries[a], countries[t])
                for a in agents
                for t in targets
                if countries[a] and countries[t]
            }
        )
    ranked = sorted(by_actor.items(), key=lambda kv: (-kv[1], kv[0]))
    for limit in (100, 4):
        got = q.interaction_pairs(session, filt=filt, limit=limit)
        assert [((p.source, p.target), p.events) for p in got] == ranked[:limit], limit
    got = q.interaction_pairs(session, filt=filt, limit=100, level="country")
    assert [((p.source, p.target), p.events) for p in got] == sorted(
        by_country.items(), key=lambda kv: (-kv[1], kv[0])
    )
    assert all(p.source_country == p.source for p in got)


def test_pairs_with_ties_at_the_limit_are_cut_by_name(db: tuple[Session, list[Fact]]) -> None:
    """The pairs tied with the last one shown are ordered by name (WITH TIES on PostgreSQL)."""
    session, _ = db
    everything = q.interaction_pairs(session, filt=EventFilter(modalities=()), limit=1000)
    counts = [p.events for p in everything]
    cut = next(i for i in range(1, len(counts)) if counts[i] == counts[i - 1])
    assert (
        q.interaction_pairs(session, filt=EventFilter(modalities=()), limit=cut)
        == (everything[:cut])
    )


def test_an_event_counts_once_per_country_whatever_its_actors(
    db: tuple[Session, list[Fact]],
) -> None:
    """Location and actors of one country, or two actors of one country: one count."""
    session, facts = db
    filt = EventFilter(modalities=())
    per_country = defaultdict(set)
    for e in facts:
        for c in {e.location_country} | {c for _, c, _ in e.links}:
            if c:
                per_country[c].add(e.id)
    assert {c.country: c.events for c in q.country_counts(session, filt=filt)} == {
        c: len(ids) for c, ids in per_country.items()
    }
