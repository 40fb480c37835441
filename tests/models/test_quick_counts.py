"""``eventwire stats`` reads its counts through the driver (models.quick_counts): the same
numbers, in the same order, as models.queries on both databases, and None whenever that
path must not answer (the command then migrates and reads through SQLAlchemy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from models import queries as q
from models.engine import make_engine
from models.migrate import upgrade
from models.quick_counts import quick_counts
from models.tables import Article, ArticleStatus, Event
from tests.conftest import scratch_postgres
from tests.models.test_queries import ALL, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated database holding the queries tests' seed and articles of every status."""

    def fill(url: str) -> tuple[str, Engine]:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            seed(session)
            for n, status in enumerate([*ArticleStatus, ArticleStatus.failed]):
                session.add(Article(content_hash=f"status-{n}", text="x", status=status))
            # Three events of a type last in the alphabet: the order is by count first.
            article = Article(content_hash="votes", text="Voted. Voted again. And again.")
            session.add(article)
            session.flush()
            for start in (0, 7, 19):
                session.add(
                    Event(article_id=article.id, type="vote", sentence="Voted.",
                          start_char=start, end_char=start + 6, trigger="voted")
                )  # fmt: skip
            session.commit()
        return url, engine

    if request.param == "sqlite":
        url, engine = fill(f"sqlite:///{tmp_path / 'quick.db'}")
        yield url, engine
        engine.dispose()
    else:
        with scratch_postgres("eventwire_quick") as pg_url:
            url, engine = fill(pg_url)
            yield url, engine
            engine.dispose()


def test_quick_counts_equal_the_queries_in_order(seeded: tuple[str, Engine]) -> None:
    url, engine = seeded
    with Session(engine) as session:
        statuses = q.article_status_counts(session)
        types = q.event_type_counts(session, filt=ALL)
    assert next(iter(types)) == "vote" and sum(statuses.values()) > 4
    quick = quick_counts(url)
    assert quick is not None
    assert [list(d.items()) for d in quick] == [list(statuses.items()), list(types.items())]


def test_quick_counts_leave_a_database_behind_the_packaged_schema_to_the_full_path(
    seeded: tuple[str, Engine],
) -> None:
    url, engine = seeded
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert quick_counts(url) is None


def test_quick_counts_take_only_plain_urls_of_existing_databases(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert quick_counts(f"sqlite:///{missing}") is None
    assert not missing.exists()  # not created: the full path creates and migrates it
    assert quick_counts("sqlite://") is None
    assert quick_counts("sqlite:///:memory:") is None
    assert quick_counts("mysql://someone@localhost/db") is None
    assert quick_counts("postgresql+psycopg://postgres@127.0.0.1:1/nothing") is None
