"""Databases for the models tests: a migrated SQLite file and a migrated PostgreSQL database.

Each dialect's database is created and migrated once per session and emptied before every
test that uses it, which keeps the suite quick on a small machine. PostgreSQL tests skip when
the server is unreachable, except in CI (see ``tests.conftest.unavailable``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from models.engine import make_engine, redact_url
from models.migrate import upgrade
from tests.conftest import POSTGRES_URL, unavailable

DIALECTS = ["sqlite", "postgresql"]
TABLES = (
    "scope_count",
    "incident_facet",
    "incident_count",
    "article_band",
    "incident",
    "feed_item",
    "feed",
    "event_mention",
    "event_country",
    "event_component",
    "link_rules",
    "event_pair",
    "event_actor",
    "event",
    "actor",
    "article",
    "event_type",
)


def _server_url(database: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}"


class PostgresDatabases:
    """Creates throwaway databases on the test server and drops them all at the end."""

    def __init__(self) -> None:
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self) -> str:
        """Create an empty database and return its URL."""
        name = f"eventwire_models_{uuid.uuid4().hex[:10]}"
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except OperationalError as exc:
            unavailable(f"PostgreSQL not reachable at {redact_url(POSTGRES_URL)}: {exc.orig}")
        self.names.append(name)
        return _server_url(name)

    def drop_all(self) -> None:
        """Drop every database this object created."""
        if not self.names:
            self.admin.dispose()
            return
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    """Factory of throwaway PostgreSQL databases."""
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture
def empty_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_databases: PostgresDatabases
) -> str:
    """URL of a fresh, empty database of the dialect in ``request.param`` (for migrations)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return pg_databases.create()


@pytest.fixture(scope="session")
def migrated_urls(
    tmp_path_factory: pytest.TempPathFactory, pg_databases: PostgresDatabases
) -> dict[str, str]:
    """Lazily created, migrated database per dialect, shared by the whole session."""
    return {}


def _migrated_url(
    dialect: str,
    cache: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    pg_databases: PostgresDatabases,
) -> str:
    if dialect not in cache:
        if dialect == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('models') / 'eventwire.db'}"
        else:
            url = pg_databases.create()
        upgrade(url)
        cache[dialect] = url
    return cache[dialect]


@pytest.fixture(scope="session")
def _engines() -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=DIALECTS)
def engine(
    request: pytest.FixtureRequest,
    migrated_urls: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    pg_databases: PostgresDatabases,
    _engines: dict[str, Engine],
) -> Engine:
    """An engine on a migrated, empty database; each test using it runs on both dialects."""
    url = _migrated_url(request.param, migrated_urls, tmp_path_factory, pg_databases)
    if url not in _engines:
        _engines[url] = make_engine(url)
    engine = _engines[url]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                conn.exec_driver_sql(f"DELETE FROM {table}")
    return engine


@pytest.fixture(scope="session")
def _readers() -> Iterator[dict[str, tuple[Engine, object]]]:
    readers: dict[str, tuple[Engine, object]] = {}
    yield readers
    for engine, role in readers.values():
        engine.dispose()
        role.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.fixture
def reader(engine: Engine, _readers: dict[str, tuple[Engine, object]]) -> Engine:
    """The engine ad-hoc SQL goes through: ``engine`` on SQLite, a reader role on PostgreSQL."""
    if engine.dialect.name != "postgresql":
        return engine
    from tests.readers import reader_for

    url = engine.url.render_as_string(hide_password=False)
    if url not in _readers:
        role = reader_for(url)
        _readers[url] = (create_engine(role.__enter__()), role)
    return _readers[url][0]
