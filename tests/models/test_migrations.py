"""Migrations from an empty database on SQLite and PostgreSQL, and the views they create."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlmodel import SQLModel

from models import repository as repo
from models.engine import make_engine, run_readonly_sql, session_scope
from models.migrate import alembic_config, current_revision, head_revision, upgrade
from models.records import ActorRecord, EventRecord, MentionRecord, NewArticle
from tests.models.conftest import DIALECTS

REPO = Path(__file__).resolve().parents[2]
TABLES = {
    "article",
    "actor",
    "actor_word",
    "event",
    "event_actor",
    "event_pair",
    "event_mention",
    "event_type",
    "feed",
    "feed_item",
    "incident",
    "article_band",
    "incident_facet",
    "incident_count",
    "event_country",
    "scope_count",
    "event_component",
    "link_rules",
    "alembic_version",
}
VIEWS = {"event_view", "event_daily_counts", "actor_daily_counts", "incident_view"}


def _downgrade(engine: Engine, url: str, revision: str) -> None:
    """Run ``alembic downgrade revision`` on ``engine``'s database."""
    with engine.connect() as conn:
        config = alembic_config(url)
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def _views(engine: Engine) -> set[str]:
    return set(inspect(engine).get_view_names())


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_upgrade_from_empty_creates_tables_and_views(empty_url: str) -> None:
    assert current_revision(empty_url) is None
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision() == "0014"
    upgrade(empty_url)  # again: nothing to do, no error
    engine = make_engine(empty_url)
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
        assert _views(engine) == VIEWS
        with engine.connect() as conn:
            for view in VIEWS:
                assert conn.execute(text(f"SELECT * FROM {view}")).all() == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_migrated_schema_matches_the_models(empty_url: str) -> None:
    """tables.py and the migrations describe the same schema (no migration forgotten)."""
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
    finally:
        engine.dispose()
    assert diff == []


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_concurrent_upgrades_from_several_processes(empty_url: str) -> None:
    """Processes starting together: one migrates, the others wait and find it done."""
    code = "import sys; from models.migrate import upgrade; upgrade(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, empty_url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    assert current_revision(empty_url) == head_revision()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_downgrade_to_base_and_up_again(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        _downgrade(engine, empty_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert _views(engine) == set()
    finally:
        engine.dispose()
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision()


# --------------------------------------------------------------------------- views

RUS = ActorRecord(name="Russia", country="RUS", kind="country", role="agent")
PRK = ActorRecord(name="North Korea", country="PRK", kind="country", role="agent")
KIM = ActorRecord(name="Kim Jong Un", country="PRK", kind="person", role="agent")
UKR = ActorRecord(name="Ukraine", country="UKR", kind="country", role="target")
NATO = ActorRecord(name="NATO", country=None, kind="igo", role="target")


def _event(type_: str, day: date | None, *actors: ActorRecord, **kw: Any) -> EventRecord:
    return EventRecord(
        type=type_,
        sentence=f"A {type_}.",
        start_char=0,
        end_char=9,
        trigger=type_,
        event_date=day,
        actors=actors,
        **kw,
    )


def _seed(engine: Engine) -> dict[str, int]:
    """Two articles, four events.

    a1 (published 2024-03-04): E1 launch 2024-03-01 asserted, agents Russia + North Korea + Kim,
       targets Ukraine + NATO, weapons Iskander, KN-23; E2 launch undated (day = 2024-03-04)
       hypothetical, agent Russia.
    a2 (unpublished): E3 parade 2024-03-01 asserted, agent North Korea; E4 statement undated
       and so without a day, agent Russia.
    """
    with session_scope(engine) as s:
        a1, a2 = (
            r.article_id
            for r in repo.add_articles(
                s,
                articles=[
                    NewArticle("a1", published=date(2024, 3, 4), url="https://ex.org/a1"),
                    NewArticle("a2"),
                ],
            )
        )
        repo.replace_events(
            s,
            results=[
                (
                    a1,
                    [
                        _event(
                            "launch",
                            date(2024, 3, 1),
                            RUS,
                            PRK,
                            KIM,
                            UKR,
                            NATO,
                            weapons=("Iskander", "KN-23"),
                            location_name="Donetsk",
                            location_country="UKR",
                            quote="We will respond.",
                            confidence=0.75,
                            date_precision="day",
                            mentions=(
                                MentionRecord('Head "launch"', 0, 13),
                                MentionRecord("A launch.", 20, 29),
                            ),
                        ),
                        _event("launch", None, RUS, modality="hypothetical"),
                    ],
                ),
                (a2, [_event("parade", date(2024, 3, 1), PRK), _event("statement", None, RUS)]),
            ],
            extractor_version="v1",
        )
    return {"a1": a1, "a2": a2}


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql))]


def _day(value: Any) -> str:
    return str(value)[:10]


def test_event_view_flattens_one_row_per_event(engine: Engine) -> None:
    ids = _seed(engine)
    rows = _rows(engine, "SELECT * FROM event_view ORDER BY event_id")
    assert len(rows) == 4
    e1 = rows[0]
    assert e1["article_id"] == ids["a1"]
    assert e1["article_url"] == "https://ex.org/a1"
    assert _day(e1["article_published"]) == "2024-03-04"
    assert (e1["type"], e1["modality"], e1["confidence"]) == ("launch", "asserted", 0.75)
    assert (_day(e1["event_date"]), e1["date_precision"], _day(e1["day"])) == (
        "2024-03-01",
        "day",
        "2024-03-01",
    )
    assert (e1["location_name"], e1["location_country"]) == ("Donetsk", "UKR")
    assert (e1["sentence"], e1["quote"]) == ("A launch.", "We will respond.")
    assert e1["weapons"] == "Iskander, KN-23"
    assert e1["agent_names"] == "Kim Jong Un, North Korea, Russia"
    assert e1["agent_countries"] == "PRK, RUS"  # distinct
    assert e1["target_names"] == "NATO, Ukraine"
    assert e1["target_countries"] == "UKR"  # NATO has none
    assert e1["participant_names"] is None
    e2, e3, e4 = rows[1:]
    assert (e2["weapons"], e2["target_names"], _day(e2["day"])) == (None, None, "2024-03-04")
    assert (e3["agent_names"], e3["article_published"], e3["article_url"]) == (
        "North Korea",
        None,
        None,
    )
    assert e4["day"] is None
    assert _json(e1["mentions"]) == [
        {"sentence": 'Head "launch"', "start": 0, "end": 13},
        {"sentence": "A launch.", "start": 20, "end": 29},
    ]
    # A record without mentions is stored with its evidence sentence as the one mention.
    assert _json(e2["mentions"]) == [{"sentence": "A launch.", "start": 0, "end": 9}]


def _json(value: Any) -> Any:
    """A JSON view column: decoded by the driver on PostgreSQL, text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def test_event_mention_rows_in_order_and_the_doc_query(engine: Engine) -> None:
    """event_mention holds each event's mentions by ordinal; deleting the event drops them."""
    _seed(engine)
    rows = _rows_of(
        engine,
        "SELECT m.ordinal, m.sentence, m.start_char, m.end_char FROM event_mention m "
        "JOIN event e ON e.id = m.event_id WHERE e.quote IS NOT NULL ORDER BY m.ordinal",
    )
    assert rows == [(0, 'Head "launch"', 0, 13), (1, "A launch.", 20, 29)]
    assert _rows_of(engine, "SELECT COUNT(*) FROM event_mention") == [(5,)]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE quote IS NOT NULL"))
    assert _rows_of(engine, "SELECT COUNT(*) FROM event_mention") == [(3,)]


def test_event_daily_counts(engine: Engine) -> None:
    _seed(engine)
    rows = _rows(
        engine,
        "SELECT day, type, modality, event_count FROM event_daily_counts ORDER BY day, type",
    )
    assert [(_day(r["day"]), r["type"], r["modality"], r["event_count"]) for r in rows] == [
        ("2024-03-01", "launch", "asserted", 1),
        ("2024-03-01", "parade", "asserted", 1),
        ("2024-03-04", "launch", "hypothetical", 1),
    ]  # E4 has no day and is left out


def test_actor_daily_counts(engine: Engine) -> None:
    _seed(engine)
    rows = _rows(
        engine,
        "SELECT day, actor_name, actor_country, actor_kind, role, modality, event_count "
        "FROM actor_daily_counts ORDER BY day, actor_name, role",
    )
    got = [
        (
            _day(r["day"]),
            r["actor_name"],
            r["actor_country"],
            r["role"],
            r["modality"],
            r["event_count"],
        )
        for r in rows
    ]
    assert got == [
        ("2024-03-01", "Kim Jong Un", "PRK", "agent", "asserted", 1),
        ("2024-03-01", "NATO", None, "target", "asserted", 1),
        ("2024-03-01", "North Korea", "PRK", "agent", "asserted", 2),  # E1 and E3
        ("2024-03-01", "Russia", "RUS", "agent", "asserted", 1),
        ("2024-03-01", "Ukraine", "UKR", "target", "asserted", 1),
        ("2024-03-04", "Russia", "RUS", "agent", "hypothetical", 1),
    ]
    ids = {r["actor_id"] for r in _rows(engine, "SELECT actor_id FROM actor_daily_counts")}
    assert len(ids) == 5


def test_example_queries_in_schema_doc_run(engine: Engine, reader: Engine) -> None:
    """Every ```sql block in docs/schema.md runs (read-only, as the reader) on this dialect."""
    from sqlalchemy import select

    from models.tables import Event
    from worker.incidents import link_blocks

    _seed(engine)
    with session_scope(engine) as session:  # link as the worker does after storing
        link_blocks(session, session.scalars(select(Event.incident_block).distinct()))
    doc = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", doc, flags=re.DOTALL)
    assert len(blocks) >= 3
    results = [run_readonly_sql(reader, block.strip().rstrip(";")) for block in blocks]
    launches = results[0][1]
    assert [(_day(r[0]), r[3]) for r in launches] == [("2024-03-01", "Iskander, KN-23")]
    busiest = dict((r[0], r[2]) for r in results[2][1])
    assert busiest["North Korea"] == 2
    # The last two blocks: North Korea's launches per month (E1 with a PRK agent; undated E2
    # is not a day-precise match for it), then incidents by sources.
    assert [(row[0], row[1]) for row in results[-2][1]] == [("2024-03", 1)]
    widest = results[-1][1]
    assert widest and all(row[4] >= 1 for row in widest)
    assert len(widest) == _rows(engine, "SELECT COUNT(*) AS n FROM incident")[0]["n"]
    sentences = results[3][1]  # event 1's mentions (ids restart at 1 in the emptied tables)
    assert [tuple(r) for r in sentences] == [(0, 'Head "launch"', 0, 13), (1, "A launch.", 20, 29)]


# --------------------------------------------------------------------------- 0002: stored day

_OLD_ROWS = [
    # 0001-era rows: no event.day, links without copies.
    "INSERT INTO article (id, content_hash, published, text, status, attempts, created_at, "
    "updated_at) VALUES (1, 'h1', '2024-03-05', 't', 'done', 1, '2024-03-05 00:00:00', "
    "'2024-03-05 00:00:00'), (2, 'h2', NULL, 't', 'done', 1, '2024-03-05 00:00:00', "
    "'2024-03-05 00:00:00')",
    "INSERT INTO actor (id, key, name, country, kind) VALUES (1, 'country|prk|prk', 'PRK', "
    "'PRK', 'country'), (2, 'org||un', 'UN', NULL, 'igo')",
    "INSERT INTO event (id, article_id, type, sentence, start_char, end_char, trigger, "
    "event_date, location_country, weapons, modality, confidence, attributes, created_at) "
    "VALUES "
    "(1, 1, 'launch', 's', 0, 1, 'x', '2024-03-01', 'PRK', '[]', 'asserted', 0.9, '{}', "
    "'2024-03-05 00:00:00'), "
    "(2, 1, 'statement', 's', 0, 1, 'x', NULL, NULL, '[]', 'planned', 0.9, '{}', "
    "'2024-03-05 00:00:00'), "
    "(3, 2, 'meeting', 's', 0, 1, 'x', NULL, 'KOR', '[]', 'asserted', 0.9, '{}', "
    "'2024-03-05 00:00:00')",
    "INSERT INTO event_actor (id, event_id, actor_id, role) VALUES "
    "(1, 1, 1, 'agent'), (2, 1, 2, 'target'), (3, 2, 2, 'agent'), (4, 3, 1, 'participant')",
]


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0002_backfills_day_and_link_copies(empty_url: str) -> None:
    """Rows written before 0002 get their day, link copies and pairs; down to 0001 and up."""
    upgrade(empty_url, "0001")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            for sql in _OLD_ROWS:
                conn.execute(text(sql))
        upgrade(empty_url, "0002")
        assert current_revision(empty_url) == "0002"
        days = dict(_rows_of(engine, "SELECT id, day FROM event ORDER BY id"))
        assert {k: _day(v) if v else None for k, v in days.items()} == {
            1: "2024-03-01",  # its own date
            2: "2024-03-05",  # the article's
            3: None,  # neither
        }
        links = _rows_of(
            engine,
            "SELECT id, day, type, modality, location_country, actor_country "
            "FROM event_actor ORDER BY id",
        )
        assert [(r[0], _day(r[1]) if r[1] else None, *r[2:]) for r in links] == [
            (1, "2024-03-01", "launch", "asserted", "PRK", "PRK"),
            (2, "2024-03-01", "launch", "asserted", "PRK", None),
            (3, "2024-03-05", "statement", "planned", None, None),
            (4, None, "meeting", "asserted", "KOR", "PRK"),
        ]
        pairs = _rows_of(
            engine,
            "SELECT event_id, agent_id, target_id, day, type, modality, agent_country, "
            "target_country FROM event_pair",
        )
        assert [(*r[:3], _day(r[3]), *r[4:]) for r in pairs] == [
            (1, 1, 2, "2024-03-01", "launch", "asserted", "PRK", None)
        ]
        daily = _rows_of(
            engine, "SELECT day, type, modality, event_count FROM event_daily_counts ORDER BY 1, 2"
        )
        assert [(_day(r[0]), *r[1:]) for r in daily] == [
            ("2024-03-01", "launch", "asserted", 1),
            ("2024-03-05", "statement", "planned", 1),
        ]
        viewed = _rows_of(engine, "SELECT event_id, day FROM event_view ORDER BY event_id")
        assert [(r[0], _day(r[1]) if r[1] else None) for r in viewed] == [
            (1, "2024-03-01"),
            (2, "2024-03-05"),
            (3, None),
        ]

        _downgrade(engine, empty_url, "0001")
        assert current_revision(empty_url) == "0001"
        assert "day" not in {c["name"] for c in inspect(engine).get_columns("event")}
        assert _views(engine) == VIEWS - {"incident_view"}  # 0006's view is gone at 0001
        viewed = _rows_of(engine, "SELECT event_id, day FROM event_view ORDER BY event_id")
        assert [(r[0], _day(r[1]) if r[1] else None) for r in viewed] == [
            (1, "2024-03-01"),
            (2, "2024-03-05"),
            (3, None),
        ]
    finally:
        engine.dispose()
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0003_swaps_the_filter_indexes_and_back(empty_url: str) -> None:
    """0003 replaces the modality-first indexes by key-first ones; its downgrade restores them."""
    new = {"ix_event_actor_actor_event", "ix_event_actor_country_event"}
    old = {"ix_event_actor_modality_actor", "ix_event_actor_actor_role"}

    def indexes(table: str) -> set[str]:
        engine = make_engine(empty_url)
        try:
            return {i["name"] for i in inspect(engine).get_indexes(table)}
        finally:
            engine.dispose()

    upgrade(empty_url, "0002")
    assert old <= indexes("event_actor") and not new & indexes("event_actor")
    upgrade(empty_url)
    assert new <= indexes("event_actor") and not old & indexes("event_actor")
    assert "ix_event_location_modality_type_day" in indexes("event")
    assert "ix_event_location_country" not in indexes("event")
    assert indexes("event_pair") >= {"ix_event_pair_agent_target"}
    engine = make_engine(empty_url)
    try:
        _downgrade(engine, empty_url, "0002")
    finally:
        engine.dispose()
    assert old <= indexes("event_actor") and not new & indexes("event_actor")
    assert "ix_event_pair_modality_agent_target" in indexes("event_pair")


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0004_adds_the_event_type_catalogue_and_drops_it(empty_url: str) -> None:
    """0004 creates ``event_type`` (name key, label, colour, subtypes, builtin); down drops it."""
    upgrade(empty_url, "0003")
    engine = make_engine(empty_url)
    try:
        assert "event_type" not in inspect(engine).get_table_names()
        upgrade(empty_url)
        columns = {c["name"] for c in inspect(engine).get_columns("event_type")}
        assert columns == {"name", "label", "colour", "subtypes", "builtin"}
        assert inspect(engine).get_pk_constraint("event_type")["constrained_columns"] == ["name"]
        _downgrade(engine, empty_url, "0003")
        inspect(engine).clear_cache()
        assert "event_type" not in inspect(engine).get_table_names()
        assert current_revision(empty_url) == "0003"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0005_adds_the_feed_tables_and_drops_them(empty_url: str) -> None:
    """0005 creates ``feed`` (unique url) and ``feed_item`` (unique per feed and key)."""
    upgrade(empty_url, "0004")
    engine = make_engine(empty_url)
    try:
        assert not {"feed", "feed_item"} & set(inspect(engine).get_table_names())
        upgrade(empty_url, "0005")
        columns = {c["name"] for c in inspect(engine).get_columns("feed")}
        assert columns == {
            "id", "url", "title", "etag", "last_modified", "last_checked", "last_ok",
            "consecutive_failures", "next_attempt_at", "last_error",
        }  # fmt: skip
        items = {c["name"] for c in inspect(engine).get_columns("feed_item")}
        assert items == {"id", "feed_id", "item_key", "url", "title", "first_seen", "article_id"}
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO feed (url, consecutive_failures) VALUES ('u', 0)"))
            conn.execute(
                text(
                    "INSERT INTO feed_item (feed_id, item_key, first_seen) "
                    "VALUES (1, 'k', '2026-11-30 00:00:00')"
                )
            )
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO feed_item (feed_id, item_key, first_seen) "
                    "VALUES (1, 'k', '2026-11-30 00:00:00')"
                )
            )
        _downgrade(engine, empty_url, "0004")
        inspect(engine).clear_cache()
        assert not {"feed", "feed_item"} & set(inspect(engine).get_table_names())
        assert current_revision(empty_url) == "0004"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0006_adds_incidents_and_wire_copies_and_drops_them(empty_url: str) -> None:
    """0006 adds ``incident`` (unique key), ``article_band``, the incident and copy columns and
    ``incident_view``; down removes them and leaves 0005's schema."""
    upgrade(empty_url, "0005")
    engine = make_engine(empty_url)
    try:
        upgrade(empty_url)
        event_columns = {c["name"] for c in inspect(engine).get_columns("event")}
        assert {"incident_id", "incident_block"} <= event_columns
        assert "copy_of" in {c["name"] for c in inspect(engine).get_columns("article")}
        assert "incident_view" in _views(engine)
        insert = (
            "INSERT INTO incident (key, block, type, actors, weapons, modality, n_events, "
            "n_articles, n_sources) VALUES ('k', 'launch|2023-07', 'launch', '{}', '[]', "
            "'asserted', 1, 1, 1)"
        )
        with engine.begin() as conn:
            conn.execute(text(insert))
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
            conn.execute(text(insert))
        assert _rows_of(engine, "SELECT type, month FROM incident_view") == [("launch", None)]
        _downgrade(engine, empty_url, "0005")
        inspect(engine).clear_cache()
        assert not {"incident", "article_band"} & set(inspect(engine).get_table_names())
        assert "incident_id" not in {c["name"] for c in inspect(engine).get_columns("event")}
        assert "incident_view" not in _views(engine)
        assert current_revision(empty_url) == "0005"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0009_adds_event_mentions_with_a_backfill_and_drops_them(empty_url: str) -> None:
    """0009: event_mention (evidence of older events backfilled), event_view.mentions; down."""
    upgrade(empty_url, "0008")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO article (id, content_hash, text, status, attempts, created_at, "
                    "updated_at) VALUES (1, 'h1', 'Old text.', 'done', 1, "
                    "'2024-03-05 00:00:00', '2024-03-05 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO event (id, article_id, type, sentence, start_char, end_char, "
                    "trigger, weapons, modality, confidence, attributes, created_at) VALUES "
                    "(7, 1, 'launch', 'Old text.', 0, 9, 'x', '[]', 'asserted', 0.9, '{}', "
                    "'2024-03-05 00:00:00')"
                )
            )
        upgrade(empty_url)
        assert _rows_of(engine, "SELECT * FROM event_mention") == [(7, 0, 0, 9, "Old text.")]
        (viewed,) = _rows_of(engine, "SELECT event_id, mentions, extractor_version FROM event_view")
        assert (viewed[0], _json(viewed[1]), viewed[2]) == (
            7,
            [{"sentence": "Old text.", "start": 0, "end": 9}],
            None,
        )
        _downgrade(engine, empty_url, "0008")
        inspect(engine).clear_cache()
        assert "event_mention" not in inspect(engine).get_table_names()
        assert "mentions" not in {c["name"] for c in inspect(engine).get_columns("event_view")}
        assert _rows_of(engine, "SELECT event_id FROM event_view") == [(7,)]
        assert current_revision(empty_url) == "0008"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0010_adds_the_incident_rollup_counting_older_incidents_and_drops_it(
    empty_url: str,
) -> None:
    """0010: incident_facet and incident_count, backfilled from the incidents linked before."""
    from models.incident_rollup import mismatches

    upgrade(empty_url, "0009")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO article (id, content_hash, text, status, attempts, created_at, "
                    "updated_at) VALUES (1, 'h1', 'Old text.', 'done', 1, "
                    "'2024-03-05 00:00:00', '2024-03-05 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO actor (id, key, name, country, kind) VALUES "
                    "(3, 'country|prk|north korea', 'North Korea', 'PRK', 'country')"
                )
            )
            for event_id, modality, incident_id in (
                (7, "asserted", 70),
                (8, "planned", 70),
                (9, "planned", 90),
            ):
                conn.execute(
                    text(
                        "INSERT INTO event (id, article_id, type, sentence, start_char, "
                        "end_char, trigger, weapons, modality, confidence, attributes, "
                        "created_at, incident_id, location_country) VALUES "
                        f"({event_id}, 1, 'launch', 'Old text.', 0, 9, 'x', '[]', "
                        f"'{modality}', 0.9, '{{}}', '2024-03-05 00:00:00', {incident_id}, "
                        "'JPN')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO event_actor (event_id, actor_id, role, type, modality, "
                        f"actor_country, incident_id) VALUES ({event_id}, 3, 'agent', "
                        f"'launch', '{modality}', 'PRK', {incident_id})"
                    )
                )
        upgrade(empty_url)
        # Incident 70: asserted and planned (mask 1 | 8), incident 90: planned only (8).
        counts = _rows_of(
            engine, "SELECT facet, key, type, mask, n FROM incident_count ORDER BY 1, 2, 4"
        )
        assert counts == [
            ("actor", "3", "launch", 8, 1),
            ("actor", "3", "launch", 9, 1),
            ("all", "", "launch", 8, 1),
            ("all", "", "launch", 9, 1),
            ("country", "JPN", "launch", 8, 1),
            ("country", "JPN", "launch", 9, 1),
            ("country", "PRK", "launch", 8, 1),
            ("country", "PRK", "launch", 9, 1),
        ]
        with session_scope(engine) as session:
            assert mismatches(session) == []
        _downgrade(engine, empty_url, "0009")
        inspect(engine).clear_cache()
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"incident_facet", "incident_count"}
        assert current_revision(empty_url) == "0009"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0011_adds_event_country_for_older_events_and_drops_it(empty_url: str) -> None:
    """0011: event_country, backfilled with the locations and actor countries of the events
    stored before, each (event, country) once."""
    from models.event_countries import mismatches

    upgrade(empty_url, "0010")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO article (id, content_hash, text, status, attempts, created_at, "
                    "updated_at) VALUES (1, 'h1', 'Old text.', 'done', 1, "
                    "'2024-03-05 00:00:00', '2024-03-05 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO actor (id, key, name, country, kind) VALUES "
                    "(3, 'country|prk|north korea', 'North Korea', 'PRK', 'country'), "
                    "(4, 'igo||nato', 'NATO', NULL, 'igo')"
                )
            )
            for event_id, location in ((7, "JPN"), (8, "PRK"), (9, None)):
                place = f"'{location}'" if location else "NULL"
                conn.execute(
                    text(
                        "INSERT INTO event (id, article_id, type, sentence, start_char, "
                        "end_char, trigger, weapons, modality, confidence, attributes, "
                        "created_at, incident_id, location_country, day) VALUES "
                        f"({event_id}, 1, 'launch', 'Old text.', 0, 9, 'x', '[]', "
                        f"'asserted', 0.9, '{{}}', '2024-03-05 00:00:00', 70, {place}, "
                        "'2024-03-05')"
                    )
                )
                for actor_id, country in ((3, "'PRK'"), (4, "NULL")):
                    conn.execute(
                        text(
                            "INSERT INTO event_actor (event_id, actor_id, role, type, modality, "
                            f"actor_country, incident_id) VALUES ({event_id}, {actor_id}, "
                            f"'agent', 'launch', 'asserted', {country}, 70)"
                        )
                    )
        upgrade(empty_url)
        rows = _rows_of(engine, "SELECT event_id, country, incident_id FROM event_country "
                        "ORDER BY 1, 2")  # fmt: skip
        assert rows == [(7, "JPN", 70), (7, "PRK", 70), (8, "PRK", 70), (9, "PRK", 70)]
        with session_scope(engine) as session:
            assert mismatches(session) == (set(), set())
        _downgrade(engine, empty_url, "0010")
        inspect(engine).clear_cache()
        assert "event_country" not in set(inspect(engine).get_table_names())
        assert current_revision(empty_url) == "0010"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0012_adds_the_scope_rollup_counting_older_events_and_drops_it(empty_url: str) -> None:
    """0012: scope_count, backfilled from the events and incidents stored before; 0014: the
    words of the actors' names and their scopes, backfilled the same way."""
    from models.scope_rollup import mismatches

    upgrade(empty_url, "0011")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO article (id, content_hash, text, status, attempts, created_at, "
                    "updated_at) VALUES (1, 'h1', 'Old text.', 'done', 1, "
                    "'2024-03-05 00:00:00', '2024-03-05 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO actor (id, key, name, country, kind) VALUES "
                    "(3, 'country|prk|north korea', 'North Korea', 'PRK', 'country'), "
                    "(4, 'country|jpn|japan', 'Japan', 'JPN', 'country')"
                )
            )
            # Events 7 and 8 (asserted, planned) of incident 70: North Korea acting on Japan,
            # 7 located in Japan; event 8 in North Korea.
            for event_id, modality, place in ((7, "asserted", "JPN"), (8, "planned", "PRK")):
                conn.execute(
                    text(
                        "INSERT INTO event (id, article_id, type, sentence, start_char, "
                        "end_char, trigger, weapons, modality, confidence, attributes, "
                        "created_at, incident_id, location_country, day) VALUES "
                        f"({event_id}, 1, 'launch', 'Old text.', 0, 9, 'x', '[]', "
                        f"'{modality}', 0.9, '{{}}', '2024-03-05 00:00:00', 70, '{place}', "
                        "'2024-03-05')"
                    )
                )
                for actor_id, role, country in ((3, "agent", "PRK"), (4, "target", "JPN")):
                    conn.execute(
                        text(
                            "INSERT INTO event_actor (event_id, actor_id, role, type, modality, "
                            f"actor_country, incident_id) VALUES ({event_id}, {actor_id}, "
                            f"'{role}', 'launch', '{modality}', '{country}', 70)"
                        )
                    )
                conn.execute(
                    text(
                        "INSERT INTO event_pair (event_id, agent_id, target_id, type, modality, "
                        f"agent_country, target_country, incident_id) VALUES ({event_id}, 3, "
                        f"4, 'launch', '{modality}', 'PRK', 'JPN', 70)"
                    )
                )
                for country in ("JPN", "PRK"):
                    conn.execute(
                        text(
                            "INSERT INTO event_country (event_id, country, type, modality, "
                            f"location_country, incident_id) VALUES ({event_id}, '{country}', "
                            f"'launch', '{modality}', '{place}', 70)"
                        )
                    )
        upgrade(empty_url, "0013")
        pairs = _rows_of(
            engine,
            "SELECT unit, scope, key, target_id, mask, n FROM scope_count "
            "WHERE facet = 'pair' ORDER BY 1, 2, 5",
        )
        # Two reports (asserted: bit 1, planned: bit 8) in each country they involve, and one
        # incident whose reports have both modalities there (1 | 8).
        assert pairs == [
            ("event", "JPN", "3", 4, 1, 1),
            ("event", "JPN", "3", 4, 8, 1),
            ("event", "PRK", "3", 4, 1, 1),
            ("event", "PRK", "3", 4, 8, 1),
            ("incident", "JPN", "3", 4, 9, 1),
            ("incident", "PRK", "3", 4, 9, 1),
        ]
        actors = _rows_of(
            engine,
            "SELECT key, sum(n) FROM scope_count WHERE unit = 'event' AND scope = '' "
            "AND facet = 'actor' GROUP BY key ORDER BY key",
        )
        assert actors == [("3", 2), ("4", 2)]
        upgrade(empty_url)
        words = _rows_of(engine, "SELECT word, actor_id FROM actor_word ORDER BY 1")
        assert words == [("japan", 4), ("korea", 3), ("north", 3)]
        # The same two reports and one incident in the scope of each word of their actors.
        korea = _rows_of(
            engine,
            "SELECT unit, key, target_id, mask, n FROM scope_count "
            "WHERE facet = 'pair' AND scope = '#korea' ORDER BY 1, 4",
        )
        assert korea == [
            ("event", "3", 4, 1, 1),
            ("event", "3", 4, 8, 1),
            ("incident", "3", 4, 9, 1),
        ]
        with session_scope(engine) as session:
            assert mismatches(session) == []
        _downgrade(engine, empty_url, "0013")
        inspect(engine).clear_cache()
        assert "actor_word" not in set(inspect(engine).get_table_names())
        assert _rows_of(engine, "SELECT count(*) FROM scope_count WHERE scope LIKE '#%'") == [(0,)]
        _downgrade(engine, empty_url, "0011")
        inspect(engine).clear_cache()
        assert "scope_count" not in set(inspect(engine).get_table_names())
        assert current_revision(empty_url) == "0011"
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0007_adds_attempts_and_pending_to_feed_items(empty_url: str) -> None:
    """Items recorded before 0007 stay seen (attempts 0, not pending); downgrade drops both."""
    upgrade(empty_url, "0006")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO feed (url, consecutive_failures) VALUES ('u', 0)"))
            conn.execute(
                text(
                    "INSERT INTO feed_item (feed_id, item_key, first_seen) "
                    "VALUES (1, 'old', '2026-11-30 00:00:00')"
                )
            )
        upgrade(empty_url, "0007")
        inspect(engine).clear_cache()
        items = {c["name"] for c in inspect(engine).get_columns("feed_item")}
        assert {"attempts", "pending"} <= items
        assert _rows_of(engine, "SELECT item_key, attempts, pending FROM feed_item") == [
            ("old", 0, False)
        ]
        _downgrade(engine, empty_url, "0006")
        inspect(engine).clear_cache()
        items = {c["name"] for c in inspect(engine).get_columns("feed_item")}
        assert not {"attempts", "pending"} & items
        assert _rows_of(engine, "SELECT item_key FROM feed_item") == [("old",)]
    finally:
        engine.dispose()


def _rows_of(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_replace_events_writes_day_and_link_copies(engine: Engine) -> None:
    """The pipeline's writes fill event.day and the links' copies as the migration does."""
    with session_scope(engine) as session:
        (added,) = repo.add_articles(
            session,
            articles=[NewArticle(text="Copies test article.", published=date(2024, 6, 2))],
        )
        aid = added.article_id
        repo.replace_events(
            session,
            results=[
                (
                    aid,
                    [
                        EventRecord(
                            type="meeting",
                            sentence="Copies test article.",
                            start_char=0,
                            end_char=20,
                            trigger="met",
                            location_country="CHN",
                            modality="planned",
                            actors=[
                                ActorRecord(
                                    name="Copies Land", country="CPY", kind="country", role="agent"
                                ),
                                ActorRecord(
                                    name="copies  land",
                                    country="cpy",
                                    kind="country",
                                    role="participant",
                                ),
                            ],
                        )
                    ],
                )
            ],
            extractor_version="test",
        )
    rows = _rows_of(
        engine,
        "SELECT e.day, ea.day, ea.type, ea.modality, ea.location_country, ea.actor_country, "
        "ac.country FROM event e JOIN event_actor ea ON ea.event_id = e.id "
        f"JOIN actor ac ON ac.id = ea.actor_id WHERE e.article_id = {aid} ORDER BY ea.role",
    )
    assert [(_day(r[0]), _day(r[1]), *r[2:]) for r in rows] == [
        ("2024-06-02", "2024-06-02", "meeting", "planned", "CHN", "CPY", "CPY"),
        ("2024-06-02", "2024-06-02", "meeting", "planned", "CHN", "CPY", "CPY"),
    ]


@pytest.mark.parametrize("empty_url", DIALECTS, indirect=True)
def test_0013_adds_the_linkers_groups_and_drops_them(empty_url: str) -> None:
    """0013: event_component and link_rules, empty; events stored before are grouped by the
    linker when it reaches them, and the tables go with a downgrade."""
    from models.records import LinkWork
    from models.tables import Event
    from worker.incidents import link_events

    # Stored without linking (as before 0013: replace_events groups nothing), by this code at
    # the head, then the groups' tables dropped and made again.
    upgrade(empty_url)
    engine = make_engine(empty_url)
    launch = EventRecord(
        type="launch", sentence="North Korea fired a ballistic missile.", start_char=0,
        end_char=38, trigger="fired", event_date=date(2024, 3, 5), date_precision="day",
        actors=(ActorRecord(name="North Korea", role="agent", kind="state", country="PRK"),),
    )  # fmt: skip
    try:
        with session_scope(engine) as session:
            added = repo.add_articles(
                session, articles=[NewArticle(text=f"Report {i}.") for i in range(3)]
            )
            repo.replace_events(
                session,
                results=[(a.article_id, [launch]) for a in added],
                extractor_version="test",
            )
        assert _rows_of(engine, "SELECT COUNT(*) FROM event_component") == [(0,)]
        with session_scope(engine) as session:
            ids = list(session.scalars(select(Event.id)))
            link_events(session, LinkWork(new_events=ids[:1]))
        # The first report reached the other two: one incident, one group of three.
        rows = _rows_of(engine, "SELECT COUNT(DISTINCT incident_id), COUNT(*) FROM event")
        assert rows == [(1, 3)]
        groups = _rows_of(engine, "SELECT COUNT(DISTINCT component), COUNT(*) FROM event_component")
        assert groups == [(1, 3)]
        _downgrade(engine, empty_url, "0012")
        inspect(engine).clear_cache()
        tables = set(inspect(engine).get_table_names())
        assert not {"event_component", "link_rules"} & tables
        assert current_revision(empty_url) == "0012"
    finally:
        engine.dispose()
