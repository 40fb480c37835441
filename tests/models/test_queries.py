"""models.queries on a small hand-made database, once on SQLite and once on PostgreSQL.

The seed is small enough to count by hand; the expected numbers below are derived in the
comments of :func:`seed` so a failing assertion can be checked against them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

from models import queries as q
from models.queries import EventFilter
from models.tables import Actor, Article, ArticleStatus, Event, EventActorLink
from tests.conftest import scratch_postgres

ALL = EventFilter(modalities=())


def _at(day: str) -> datetime:
    # Noon UTC, so the day is the same in any server time zone within +-11h.
    return datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=timezone.utc)


def _id(row: Article | Actor | Event) -> int:
    assert row.id is not None, "flush() first"
    return row.id


def seed(session: Session) -> None:
    """Six articles, five actors, seven events (six asserted).

    ====  ==========  ================  ==========  ===========================  ============
    ev    type        day               modality    actors (role)                location
    ====  ==========  ================  ==========  ===========================  ============
    E1    parade      2024-03-04 (Mon)  asserted    RUS agent                    RUS
    E2    launch      2024-03-06        asserted    Kim agent, USA target        -
    E3    statement   2024-03-10 (Sun)* asserted    USA agent, RUS target        -
    E4    launch      2024-03-11 (Mon)  hypothet.   RUS agent, UKR target        -
    E5    sanctions   2024-04-02        asserted    USA agent, RUS target, NATO  -
    E6    exercise    2024-04-05        asserted    UKR, NATO participants       UKR
    E7    meeting     (none)            asserted    USA, UKR participants        -
    ====  ==========  ================  ==========  ===========================  ============

    (*) E3 has no date of its own: its day is its article's publication date.
    """
    # fmt: off
    arts = {
        "a1": Article(content_hash="a1", title="Parade and launch", url="https://ex.org/a1",
                      published=date(2024, 3, 4), status=ArticleStatus.done,
                      text="Russia held a parade in Moscow. Kim launched a missile.",
                      processed_at=_at("2024-03-05")),
        "a2": Article(content_hash="a2", title="Statement", published=date(2024, 3, 10),
                      text="Washington condemned Moscow. Russia may launch at Ukraine.",
                      status=ArticleStatus.done, processed_at=_at("2024-03-10")),
        "a3": Article(content_hash="a3", title="April", published=date(2024, 4, 2),
                      text="The US voted sanctions on Russia. Ukraine and NATO exercised.",
                      status=ArticleStatus.done, processed_at=_at("2024-04-02")),
        "a4": Article(content_hash="a4", text="broken", status=ArticleStatus.failed,
                      error="ValueError: boom", attempts=3, updated_at=_at("2024-04-03")),
        "a5": Article(content_hash="a5", text="waiting", status=ArticleStatus.queued),
        "a6": Article(content_hash="a6", title="Undated", text="US and Ukraine met.",
                      status=ArticleStatus.done, processed_at=_at("2024-04-02")),
    }
    actors = {
        "RUS": Actor(key="country|RUS|russia", name="Russia", country="RUS"),
        "USA": Actor(key="country|USA|united states", name="United States", country="USA"),
        "UKR": Actor(key="country|UKR|ukraine", name="Ukraine", country="UKR"),
        "KIM": Actor(key="person|PRK|kim jong un", name="Kim Jong Un", country="PRK",
                     kind="person"),
        "NATO": Actor(key="igo||nato", name="NATO", country=None, kind="igo"),
    }
    session.add_all([*arts.values(), *actors.values()])
    session.flush()

    def event(art: str, type_: str, sentence: str, day: date | None, roles: dict[str, str],
              **extra: Any) -> None:
        text_ = arts[art].text
        start = text_.index(sentence)
        ev = Event(article_id=_id(arts[art]), type=type_, sentence=sentence, start_char=start,
                   end_char=start + len(sentence), trigger=type_, event_date=day, **extra)
        session.add(ev)
        session.flush()
        for name, role in roles.items():
            session.add(EventActorLink(event_id=_id(ev), actor_id=_id(actors[name]), role=role))

    event("a1", "parade", "Russia held a parade in Moscow.", date(2024, 3, 4),
          {"RUS": "agent"}, location_name="Moscow", location_country="RUS", confidence=0.9)
    event("a1", "launch", "Kim launched a missile.", date(2024, 3, 6),
          {"KIM": "agent", "USA": "target"}, confidence=0.8, weapons=["Hwasong-18"])
    event("a2", "statement", "Washington condemned Moscow.", None,
          {"USA": "agent", "RUS": "target"}, confidence=0.6, quote="We condemn")
    event("a2", "launch", "Russia may launch at Ukraine.", date(2024, 3, 11),
          {"RUS": "agent", "UKR": "target"}, confidence=0.7, modality="hypothetical")
    event("a3", "sanctions_vote", "The US voted sanctions on Russia.", date(2024, 4, 2),
          {"USA": "agent", "RUS": "target", "NATO": "participant"}, confidence=0.4)
    event("a3", "military_exercise", "Ukraine and NATO exercised.", date(2024, 4, 5),
          {"UKR": "participant", "NATO": "participant"}, location_country="UKR",
          confidence=0.95)
    event("a6", "meeting", "US and Ukraine met.", None,
          {"USA": "participant", "UKR": "participant"}, confidence=0.5)
    # fmt: on
    session.commit()


def _seeded(url: str) -> Engine:
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        seed(session)
    return engine


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A seeded SQLite database shared by the tests of this module (they only read)."""
    path: Path = tmp_path_factory.mktemp("queries") / "queries.db"
    engine = _seeded(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_engine() -> Iterator[Engine]:
    """A seeded PostgreSQL database of its own, dropped after the module."""
    with scratch_postgres("eventwire_queries") as url:
        engine = _seeded(url)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on the seeded database, once per dialect."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    with Session(engine) as s:
        yield s


def D(text_: str) -> date:
    """Shorthand for a date literal in the expectations below."""
    return date.fromisoformat(text_)


# --------------------------------------------------------------------------- time buckets


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        (
            "day",
            [
                ("2024-03-04", "parade"),
                ("2024-03-06", "launch"),
                ("2024-03-10", "statement"),
                ("2024-04-02", "sanctions_vote"),
                ("2024-04-05", "military_exercise"),
            ],
        ),
        # Sunday 10 March falls in the week starting Monday 4 March.
        (
            "week",
            [
                ("2024-03-04", "launch"),
                ("2024-03-04", "parade"),
                ("2024-03-04", "statement"),
                ("2024-04-01", "military_exercise"),
                ("2024-04-01", "sanctions_vote"),
            ],
        ),
        (
            "month",
            [
                ("2024-03-01", "launch"),
                ("2024-03-01", "parade"),
                ("2024-03-01", "statement"),
                ("2024-04-01", "military_exercise"),
                ("2024-04-01", "sanctions_vote"),
            ],
        ),
    ],
)
def test_event_counts_over_time_buckets_asserted_dated_events(
    session: Session, bucket: str, expected: list[tuple[str, str]]
) -> None:
    rows = q.event_counts_over_time(session, filt=EventFilter(), bucket=bucket)
    assert [(r.bucket_start, r.type, r.count) for r in rows] == [
        (D(day), type_, 1) for day, type_ in expected
    ]


def test_event_counts_over_time_all_modalities_adds_the_hypothetical_launch(
    session: Session,
) -> None:
    rows = q.event_counts_over_time(session, filt=ALL, bucket="week")
    assert (D("2024-03-11"), "launch", 1) in [(r.bucket_start, r.type, r.count) for r in rows]
    assert sum(r.count for r in rows) == 6  # 7 events, E7 undated
    month = q.event_counts_over_time(session, filt=ALL, bucket="month")
    assert [(r.bucket_start, r.count) for r in month if r.type == "launch"] == [
        (D("2024-03-01"), 2)
    ]


def test_unknown_bucket_is_rejected(session: Session) -> None:
    with pytest.raises(ValueError, match="bucket must be one of"):
        q.event_counts_over_time(session, bucket="year")


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("filt", "expected"),
    [
        (EventFilter(), 6),
        (ALL, 7),
        (EventFilter(types=["launch"]), 1),
        (EventFilter(types=["launch"], modalities=()), 2),
        (EventFilter(countries=["ukr"]), 2),  # E6 by location, E7 by actor
        (EventFilter(countries=["UKR"], modalities=()), 3),  # + E4 (target)
        (EventFilter(countries=["PRK", "RUS"]), 4),  # E1, E2, E3, E5
        (EventFilter(actor="kim"), 1),
        (EventFilter(actor="%"), 0),  # LIKE wildcards are escaped
        (EventFilter(text="PARADE"), 1),
        (EventFilter(since=D("2024-03-05"), until=D("2024-03-31")), 2),  # E2, E3
        (EventFilter(min_confidence=0.8), 3),  # E1, E2, E6
        (EventFilter(modalities=["hypothetical"]), 1),
        (EventFilter(subtypes=["none-such"]), 0),
    ],
)
def test_filters_count_events(session: Session, filt: EventFilter, expected: int) -> None:
    assert q.count_events(session, filt=filt) == expected
    assert sum(q.event_type_counts(session, filt=filt).values()) == expected


def test_filter_normalises_and_is_hashable() -> None:
    filt = EventFilter(types=["launch", "launch", " "], countries=["rus"], actor="  ")
    assert filt.types == ("launch",)
    assert filt.countries == ("RUS",)
    assert filt.actor is None
    assert hash(filt) == hash(EventFilter(types=("launch",), countries=("RUS",)))


def test_event_type_counts_most_frequent_first(session: Session) -> None:
    counts = q.event_type_counts(session, filt=ALL)
    assert next(iter(counts.items())) == ("launch", 2)
    assert len(counts) == 6


def test_filter_options(session: Session) -> None:
    opts = q.filter_options(session)
    assert opts.countries == ["PRK", "RUS", "UKR", "USA"]
    assert opts.modalities == ["asserted", "hypothetical"]
    assert "sanctions_vote" in opts.types
    assert (opts.first_day, opts.last_day) == (D("2024-03-04"), D("2024-04-05"))


# --------------------------------------------------------------------------- actors and countries


def test_top_actors(session: Session) -> None:
    rows = q.top_actors(session, filt=EventFilter(), limit=3)
    assert [(r.name, r.events) for r in rows] == [
        ("United States", 4),
        ("Russia", 3),
        ("NATO", 2),
    ]
    agents = q.top_actors(session, filt=EventFilter(), role="agent")
    assert [(r.name, r.events) for r in agents] == [
        ("United States", 2),
        ("Kim Jong Un", 1),
        ("Russia", 1),
    ]
    assert agents[1].country == "PRK" and agents[1].kind == "person"


def test_actor_counts_over_time(session: Session) -> None:
    rows = q.actor_counts_over_time(session, filt=EventFilter(), bucket="month", limit=2)
    assert [(r.bucket_start, r.name, r.count) for r in rows] == [
        (D("2024-03-01"), "Russia", 2),
        (D("2024-03-01"), "United States", 2),
        (D("2024-04-01"), "Russia", 1),
        (D("2024-04-01"), "United States", 1),  # E7 (undated) is not placed in time
    ]
    ukraine = q.top_actors(session, filt=EventFilter(actor="ukraine"), limit=1)[0]
    only = q.actor_counts_over_time(session, bucket="day", actor_ids=[ukraine.actor_id])
    assert [(r.bucket_start, r.count) for r in only] == [(D("2024-04-05"), 1)]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, [("USA", 4), ("RUS", 3), ("UKR", 2), ("PRK", 1)]),
        ("location", [("RUS", 1), ("UKR", 1)]),
        ("target", [("RUS", 2), ("USA", 1)]),
    ],
)
def test_country_counts(
    session: Session, role: str | None, expected: list[tuple[str, int]]
) -> None:
    rows = q.country_counts(session, filt=EventFilter(), role=role)
    assert [(r.country, r.events) for r in rows] == expected


def test_interaction_pairs(session: Session) -> None:
    actors = q.interaction_pairs(session, filt=EventFilter())
    assert [(p.source, p.target, p.events) for p in actors] == [
        ("United States", "Russia", 2),
        ("Kim Jong Un", "United States", 1),
    ]
    assert actors[0].source_country == "USA"
    countries = q.interaction_pairs(session, filt=ALL, level="country")
    assert [(p.source, p.target, p.events) for p in countries] == [
        ("USA", "RUS", 2),
        ("PRK", "USA", 1),
        ("RUS", "UKR", 1),
    ]


# --------------------------------------------------------------------------- event lists


def test_list_events_orders_undated_last_and_groups_actors(session: Session) -> None:
    rows = q.list_events(session, filt=EventFilter())
    assert [r.type for r in rows] == [
        "military_exercise",
        "sanctions_vote",
        "statement",
        "launch",
        "parade",
        "meeting",
    ]
    sanctions = rows[1]
    assert [a.name for a in sanctions.agents] == ["United States"]
    assert [a.name for a in sanctions.targets] == ["Russia"]
    assert [a.name for a in sanctions.participants] == ["NATO"]
    assert [str(a) for a in sanctions.targets] == ["Russia (RUS)"]
    assert rows[0].location == "UKR" and rows[4].location == "Moscow, RUS"
    statement = rows[2]
    assert statement.event_date is None and statement.event_day == D("2024-03-10")
    assert statement.quote == "We condemn" and statement.article_title == "Statement"
    assert rows[3].weapons == ["Hwasong-18"] and rows[3].article_url == "https://ex.org/a1"


def test_list_events_paging_and_orders(session: Session) -> None:
    page = q.list_events(session, filt=ALL, limit=2, offset=1, order="date_asc")
    assert [(r.type, r.event_day) for r in page] == [
        ("launch", D("2024-03-06")),
        ("statement", D("2024-03-10")),
    ]
    best = q.list_events(session, filt=ALL, limit=1, order="confidence_desc")[0]
    assert best.type == "military_exercise" and best.confidence == pytest.approx(0.95)
    with pytest.raises(ValueError, match="order must be one of"):
        q.list_events(session, order="random")


def test_get_event_detail_locates_the_sentence(session: Session) -> None:
    launch = q.list_events(session, filt=EventFilter(modalities=["hypothetical"]))[0]
    detail = q.get_event_detail(session, event_id=launch.id)
    assert detail is not None
    assert detail.article_text[detail.start_char : detail.end_char] == launch.sentence
    assert detail.event.modality == "hypothetical"
    assert [a.name for a in detail.event.targets] == ["Ukraine"]
    assert q.get_event_detail(session, event_id=10_000) is None


# --------------------------------------------------------------------------- overview, pipeline


def test_overview_kpis(session: Session) -> None:
    kpis = q.overview_kpis(session, filt=EventFilter())
    assert (kpis.articles, kpis.articles_done, kpis.events, kpis.actors) == (6, 4, 6, 5)
    assert kpis.last_update is not None
    assert kpis.last_update.replace(tzinfo=None) == datetime(2024, 4, 2, 12)
    narrow = q.overview_kpis(session, filt=EventFilter(types=["parade"]))
    assert (narrow.articles, narrow.events, narrow.actors) == (6, 1, 1)


def test_article_status_counts_includes_zeros(session: Session) -> None:
    assert q.article_status_counts(session) == {
        "queued": 1,
        "processing": 0,
        "done": 4,
        "failed": 1,
    }


def test_failed_articles(session: Session) -> None:
    (failed,) = q.failed_articles(session)
    assert failed.error == "ValueError: boom" and failed.attempts == 3


def test_throughput_over_time(session: Session) -> None:
    day = q.throughput_over_time(session, bucket="day")
    assert [(r.bucket_start, r.status, r.count) for r in day] == [
        (D("2024-03-05"), "done", 1),
        (D("2024-03-10"), "done", 1),
        (D("2024-04-02"), "done", 2),
        (D("2024-04-03"), "failed", 1),  # no processed_at: updated_at counts
    ]
    month = q.throughput_over_time(session, bucket="month")
    assert [(r.bucket_start, r.status, r.count) for r in month] == [
        (D("2024-03-01"), "done", 2),
        (D("2024-04-01"), "done", 2),
        (D("2024-04-01"), "failed", 1),
    ]


def test_throughput_buckets_by_utc_day_whatever_the_session_time_zone(
    session: Session,
) -> None:
    if session.connection().dialect.name != "postgresql":
        pytest.skip("SQLite has no session time zone")
    session.connection().execute(text("SET TIME ZONE 'Pacific/Kiritimati'"))  # UTC+14
    days = [r.bucket_start for r in q.throughput_over_time(session, bucket="day")]
    assert days[0] == D("2024-03-05")  # noon UTC, 02:00 next day in Kiritimati
    session.rollback()


def test_empty_database_gives_empty_results(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        assert q.event_counts_over_time(s) == []
        assert q.list_events(s) == []
        assert q.top_actors(s) == [] and q.actor_counts_over_time(s) == []
        assert q.country_counts(s) == [] and q.interaction_pairs(s) == []
        assert q.overview_kpis(s) == q.Kpis(0, 0, 0, 0, None)
        assert q.article_status_counts(s)["done"] == 0
        assert q.filter_options(s).first_day is None
    engine.dispose()
