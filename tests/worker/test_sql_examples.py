"""Every SQL block of docs/sql-examples.md runs on SQLite and PostgreSQL and finds its rows.

The blocks run read-only through :func:`models.engine.run_readonly_sql`, the path of
``eventwire query --sql``, on the dashboard demo seed plus one event per question, so each
answer is checked to be non-empty, not only to parse. On PostgreSQL they run unchanged as a
reader role (``eventwire db create-reader``), as users are told to run them.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlmodel import Session

from models.engine import run_readonly_sql
from models.migrate import upgrade
from models.tables import Actor, Article, Event, EventActorLink
from tests.conftest import REPO
from tests.dashboard.seed import seed_demo

DOC = REPO / "docs" / "sql-examples.md"
BLOCKS = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)

#: (type, subtype, day, agent, target, extra event fields): one event each question needs.
QUESTION_EVENTS: list[tuple[str, str | None, date, str, str, dict[str, Any]]] = [
    ("statement", "condemn", date(2023, 3, 14), "France", "Russia", {}),
    ("launch", None, date(2024, 2, 2), "North Korea", "United States",
     {"weapons": ["Hwasong-18"]}),
    ("statement", "threaten", date(2024, 2, 3), "Kim Jong Un", "United States",
     {"quote": "We will answer with force."}),
    ("sanctions_vote", "vetoed", date(2024, 3, 1), "Russia", "North Korea", {}),
    ("sanctions_vote", "blocked", date(2024, 3, 2), "China", "North Korea", {}),
]  # fmt: skip


def _add_question_events(url: str) -> None:
    engine = create_engine(url)
    with Session(engine) as session:
        actors = {a.name: a for a in session.scalars(select(Actor))}
        article = Article(content_hash="sql-examples", text="x", title="SQL examples")
        session.add(article)
        session.flush()
        for type_, subtype, day, agent, target, extra in QUESTION_EVENTS:
            event = Event(
                article_id=article.id, type=type_, subtype=subtype, sentence="x",
                start_char=0, end_char=1, trigger=type_, event_date=day, **extra,
            )  # fmt: skip
            session.add(event)
            session.flush()
            for name, role in ((agent, "agent"), (target, "target")):
                session.add(EventActorLink(event_id=event.id, actor_id=actors[name].id, role=role))
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def examples_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A migrated database (tables and views) with the demo seed and the question events."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('sql') / 'examples.db'}"
        else:
            from tests.conftest import scratch_postgres

            url = stack.enter_context(scratch_postgres("eventwire_sql"))
        upgrade(url)
        engine = create_engine(url)
        seed_demo(engine, articles=20)
        engine.dispose()
        _add_question_events(url)
        if request.param == "postgresql":
            from tests.readers import reader_for

            url = stack.enter_context(reader_for(url))
        engine = create_engine(url)
        yield engine
        engine.dispose()


def test_the_document_has_the_five_questions() -> None:
    assert len(re.findall(r"^## \d\. ", DOC.read_text(encoding="utf-8"), flags=re.M)) == 5
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_example_runs_and_answers(examples_db: Any, number: int) -> None:
    columns, rows = run_readonly_sql(examples_db, BLOCKS[number])
    assert columns and len(columns) == len(set(columns))
    assert rows, f"block {number + 1} found nothing:\n{BLOCKS[number]}"


def test_answers_are_the_planted_events(examples_db: Any) -> None:
    if examples_db.dialect.name == "postgresql":  # as documented: through a reader role
        assert examples_db.url.username.startswith("eventwire_test_reader_")
    condemned = run_readonly_sql(examples_db, BLOCKS[0])[1]
    assert ("2023-03", "FRA", 1) in [(str(m), c, int(n)) for m, c, n in condemned]
    quotes = run_readonly_sql(examples_db, BLOCKS[3])
    speakers = {dict(zip(quotes[0], r))["speaker"] for r in quotes[1]}
    assert speakers == {"Kim Jong Un"}
    blockers = run_readonly_sql(examples_db, BLOCKS[-1])
    names = {dict(zip(blockers[0], r))["blocked_by"] for r in blockers[1]}
    assert {"Russia", "China"} <= names
